//! What a release prints about its company, against the company's record: its ticker and
//! exchange ("(NASDAQ: NVDA)"), its securities code and listing ("Securities code: 4182",
//! "Listing: Tokyo Stock Exchange"), its name ("Company name: ..."), and the day its period
//! ends ("first quarter ended April 28, 2024", which the record's calendar must give). Each is
//! shown with its line: agreeing with the record, missing from it (proposed), or differing (for
//! review). The record itself is `release new`'s to write.

use crate::release::calendar::Calendar;
use regex::Regex;
use std::sync::LazyLock;

/// One thing the text says of its company.
#[derive(Debug, Clone)]
pub struct CompanyFact {
    /// The record's field (`ticker`, `exchange`, `local_code`, `name`) or `period_end`.
    pub field: &'static str,
    pub printed: String,
    pub line: usize,
    /// What the record (or its calendar) says, empty when nothing.
    pub record: String,
    pub verdict: &'static str,
}

/// A ticker as a release prints it after the issuer's name: "(NASDAQ: NVDA)", "(NYSE: BKE)";
/// `release new` reads a new company's ticker, exchange and name by it too.
pub(crate) static TICKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((NASDAQ|Nasdaq|NYSE American|NYSE|AMEX|TSX|LSE)\s*:\s*([A-Z][A-Z.]{0,5})\)")
        .expect("regex")
});

/// The company facts of `text`, judged against `record` (data/companies/<id>.toml) and the
/// release's period on the record's calendar.
pub fn company_facts(
    text: &str,
    record: &toml::Table,
    calendar: &Calendar,
    period: &str,
) -> Vec<CompanyFact> {
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)securities code\s*:?\s*(\d{4,5})").expect("regex"));
    static LISTING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)listing\s*:\s*(Tokyo|Nagoya|Osaka|Fukuoka|Sapporo) Stock Exchange")
            .expect("regex")
    });
    static NAME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)company name\s*:\s*(.+?)\s*$").expect("regex"));
    static ENDED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(first|second|third|fourth) quarter(?: of fiscal (?:year )?\d{4})? ended ([A-Z][a-z]+) (\d{1,2}), (\d{4})")
            .expect("regex")
    });
    let get = |k: &str| {
        record
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let mut out: Vec<CompanyFact> = Vec::new();
    let mut push =
        |field: &'static str, printed: String, line: usize, record: String, same: bool| {
            if out.iter().any(|f| f.field == field) {
                return; // the first printing says it
            }
            let verdict = match (record.is_empty(), same) {
                (true, _) => "missing from the record: proposed",
                (false, true) => "agrees with the record",
                (false, false) => "differs from the record: review",
            };
            out.push(CompanyFact {
                field,
                printed,
                line,
                record,
                verdict,
            });
        };
    let listing = text
        .lines()
        .find_map(|l| LISTING.captures(l).map(|c| c[1].to_string()));
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(c) = TICKER.captures(line) {
            let exchange = c[1].to_string();
            let ticker = c[2].to_string();
            let (t, e) = (get("ticker"), get("exchange"));
            push(
                "ticker",
                ticker.clone(),
                n,
                t.clone(),
                t.eq_ignore_ascii_case(&ticker),
            );
            push(
                "exchange",
                exchange.clone(),
                n,
                e.clone(),
                e.eq_ignore_ascii_case(&exchange),
            );
        }
        if let Some(c) = CODE.captures(line) {
            // As the records write a local code: the exchange's short name and the code.
            let prefix = match listing.as_deref() {
                Some("Tokyo") | None => "TSE",
                Some("Nagoya") => "NSE",
                Some("Fukuoka") => "FSE",
                Some("Sapporo") => "SSE",
                Some(_) => "OSE",
            };
            let code = format!("{prefix}:{}", &c[1]);
            let r = get("local_code");
            push("local_code", code.clone(), n, r.clone(), r == code);
        }
        if let Some(c) = NAME.captures(line) {
            let r = get("name");
            let name = c[1].trim().to_string();
            push(
                "name",
                name.clone(),
                n,
                r.clone(),
                r.eq_ignore_ascii_case(&name),
            );
        }
        if let Some(c) = ENDED.captures(line) {
            let q = match c[1].to_lowercase().as_str() {
                "first" => 1,
                "second" => 2,
                "third" => 3,
                _ => 4,
            };
            let day = crate::release::calendar::month_of(&c[2]).and_then(|m| {
                chrono::NaiveDate::from_ymd_opt(c[4].parse().ok()?, m, c[3].parse().ok()?)
            });
            let ours = calendar.period(period).ok();
            let (record, same) = match &ours {
                Some(p) if p.kind == "quarter" => (
                    format!("{period} ends {} (quarter {})", p.end, p.seq),
                    day == Some(p.end) && p.seq == q,
                ),
                _ => (String::new(), false),
            };
            if !record.is_empty() {
                push("period_end", c[0].to_string(), n, record, same);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_the_quarter_end_against_the_record() {
        let record: toml::Table =
            toml::from_str("name = \"NVIDIA Corporation\"\nticker = \"NVDA\"\n").unwrap();
        let mut nvidia = Calendar::months(2, false);
        nvidia.weeks = Some(crate::release::calendar::Weeks {
            weekday: chrono::Weekday::Sun,
            nearest: false,
            week_53_quarter: 4,
        });
        let text = "NVIDIA (NASDAQ: NVDA) today reported revenue for the first quarter ended April 28, 2024, of $26.0 billion\n";
        let facts = company_facts(text, &record, &nvidia, "1Q25");
        let of = |f: &str| {
            facts
                .iter()
                .find(|x| x.field == f)
                .map(|x| (x.printed.clone(), x.verdict))
        };
        assert_eq!(
            of("ticker"),
            Some(("NVDA".into(), "agrees with the record"))
        );
        assert_eq!(
            of("exchange"),
            Some(("NASDAQ".into(), "missing from the record: proposed"))
        );
        assert_eq!(
            of("period_end").map(|x| x.1),
            Some("agrees with the record")
        );
        // A calendar that ends the quarter elsewhere is said to differ.
        let months = Calendar::months(2, false);
        let facts = company_facts(text, &record, &months, "1Q25");
        assert!(facts
            .iter()
            .any(|f| f.field == "period_end" && f.verdict.starts_with("differs")));
        let mgc = "Listing: Tokyo Stock Exchange\nSecurities code: 4182\nCompany name: Mitsubishi Gas Chemical Company, Inc.\n";
        let facts = company_facts(mgc, &toml::Table::new(), &months, "FY2025");
        assert_eq!(facts[0].printed, "TSE:4182");
        assert_eq!(facts[1].printed, "Mitsubishi Gas Chemical Company, Inc.");
    }
}
