//! The unit of each row from its table's scale line: "(In millions, except per share data)"
//! makes amounts `USD million`, per-share rows `USD per share` and share counts `million shares`;
//! "number of shares, which are reflected in thousands" puts shares in their own scale; a cell
//! printed with `%` is in `%`. The currency is the company's (its record's unit); with no scale
//! line, the company's unit holds.

use regex::Regex;
use std::sync::LazyLock;

/// The units a table's rows take.
#[derive(Debug, Clone, PartialEq)]
pub struct Units {
    /// Amounts: `USD million`.
    pub amount: String,
    /// Per-share figures: `USD per share`.
    pub per_share: String,
    /// Share counts: `million shares`, `thousand shares`, `shares`.
    pub shares: String,
}

fn scale_word(w: &str) -> &'static str {
    match w.to_ascii_lowercase().as_str() {
        "thousands" | "thousand" => "thousand",
        "millions" | "million" => "million",
        "billions" | "billion" => "billion",
        _ => "",
    }
}

/// The units of a table with scale line `scale`, for a company whose unit is `company_unit`
/// (`USD million`: its currency and its usual scale).
pub fn units(scale: &str, company_unit: &str) -> Units {
    static SCALE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b(thousands|millions|billions)\b").expect("regex"));
    static SHARES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)shares[^.;)]*?\b(?:in|reflected in)\s+(thousands|millions)\b|(thousands|millions)\s+of\s+shares")
            .expect("regex")
    });
    let mut parts = company_unit.splitn(2, ' ');
    let currency = parts.next().unwrap_or_default().to_string();
    let company_scale = parts.next().unwrap_or_default().to_string();
    let scale_of_amounts = SCALE
        .captures(scale)
        .map(|c| scale_word(&c[1]).to_string())
        .unwrap_or(company_scale);
    // "(In millions, except share and per share amounts)": share counts are not in millions.
    static EXCEPT_SHARES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)except\s+(?:share\s+and|shares\s+and|share\s+amounts|number\s+of\s+shares)",
        )
        .expect("regex")
    });
    let shares_scale = SHARES
        .captures(scale)
        .and_then(|c| c.get(1).or(c.get(2)))
        .map(|m| scale_word(m.as_str()).to_string())
        .unwrap_or_else(|| {
            if EXCEPT_SHARES.is_match(scale) {
                String::new()
            } else {
                scale_of_amounts.clone()
            }
        });
    let with = |scale: &str, what: &str| {
        if scale.is_empty() {
            what.to_string()
        } else {
            format!("{scale} {what}")
        }
    };
    Units {
        amount: if scale_of_amounts.is_empty() {
            currency.clone()
        } else {
            format!("{currency} {scale_of_amounts}")
        },
        per_share: format!("{currency} per share"),
        shares: with(&shares_scale, "shares"),
    }
}

/// What a row counts, from its label and section: a per-share figure, a share count, or an
/// amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Amount,
    PerShare,
    Shares,
    Percent,
}

pub fn measure(label: &str, section: &str, printed: &str) -> Measure {
    static PER_SHARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)per\s+(?:diluted\s+|basic\s+|common\s+|ordinary\s+)?share|\beps\b|dividends?\s+declared\s+per").expect("regex")
    });
    static SHARES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bshares\b").expect("regex"));
    if printed.trim_end().ends_with('%') || printed.trim_end().ends_with("%)") {
        return Measure::Percent;
    }
    if PER_SHARE.is_match(label) {
        return Measure::PerShare;
    }
    if SHARES.is_match(label) {
        return Measure::Shares;
    }
    // "Weighted average shares used in per share computation" heads share counts.
    if SHARES.is_match(section) {
        return Measure::Shares;
    }
    if PER_SHARE.is_match(section) {
        return Measure::PerShare;
    }
    Measure::Amount
}

impl Units {
    pub fn of(&self, m: Measure) -> String {
        match m {
            Measure::Amount => self.amount.clone(),
            Measure::PerShare => self.per_share.clone(),
            Measure::Shares => self.shares.clone(),
            Measure::Percent => "%".to_string(),
        }
    }
}

/// Share counts' unit when the row's own section says it ("Shares used in computing earnings
/// per share (in thousands):"), over the table's scale line.
pub fn shares_of_section(section: &str) -> Option<String> {
    static IN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\(in\s+(thousands|millions)\)").expect("regex"));
    let c = IN.captures(section)?;
    Some(format!("{} shares", scale_word(&c[1])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_counts_excepted_from_the_scale_are_in_units_unless_their_section_says() {
        // Apple's 2004 statement of operations: "(In millions, except share and per share
        // amounts)", its share counts under "Shares used in computing earnings per share (in
        // thousands):".
        let u = units(
            "(In millions, except share and per share amounts)",
            "USD million",
        );
        assert_eq!(
            (u.amount.as_str(), u.shares.as_str()),
            ("USD million", "shares")
        );
        assert_eq!(
            shares_of_section("Shares used in computing earnings per share (in thousands):"),
            Some("thousand shares".to_string())
        );
        // NVIDIA's "(In millions, except per share data)": share counts in millions.
        assert_eq!(
            units("(In millions, except per share data)", "USD million").shares,
            "million shares"
        );
    }

    #[test]
    fn scale_lines_as_companies_print_them() {
        let u = units("(In millions, except per share data)", "USD million");
        assert_eq!(u.amount, "USD million");
        assert_eq!(u.per_share, "USD per share");
        assert_eq!(u.shares, "million shares");
        let u = units(
            "(In millions, except number of shares, which are reflected in thousands, and per-share amounts)",
            "USD million",
        );
        assert_eq!(u.shares, "thousand shares");
        let u = units(
            "(Amounts in Thousands Except Per Share Amounts)",
            "USD million",
        );
        assert_eq!(u.amount, "USD thousand");
        assert_eq!(
            units("Millions of yen", "JPY million").amount,
            "JPY million"
        );
        assert_eq!(units("", "JPY million").amount, "JPY million");
        assert_eq!(
            measure("Diluted", "Net income per share", "$5.98"),
            Measure::PerShare
        );
        assert_eq!(
            measure(
                "Diluted",
                "Weighted average shares used in per share computation",
                "2,489"
            ),
            Measure::Shares
        );
        assert_eq!(measure("GAAP gross margin", "", "78.4%"), Measure::Percent);
        assert_eq!(measure("Revenue", "", "$26,044"), Measure::Amount);
    }
}
