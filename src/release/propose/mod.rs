//! A new company's record read from its first release, for review (`iijwh release new` without
//! the record's flags): its name, ticker, exchange, securities code and CIK as printed, its
//! currency and unit from the scale lines ("(In millions, except per share data)" with "$";
//! "Millions of yen"), and its fiscal calendar from the periods the text dates ("fiscal 2004 third
//! quarter ended June 26, 2004"). Each proposal names its line and printed words. The flags win:
//! the text only fills what they leave, and the calendar it proposes must fit them. What the
//! text leaves open (two year-end rules that give every printed date) is said, never guessed:
//! `release new` then refuses, naming the flag and why.

pub mod facts;

use crate::release::calendar::{month_name, parse_label, parse_year_end, Calendar, Weeks, YearEnd};
use crate::release::company::NewCompany;
use crate::release::draft::company::{company_facts, TICKER};
use chrono::{Datelike, Weekday};
use facts::{misfit, month_end, Facts, Reported};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One field of the record (or the release's period) proposed from the text.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// The record's key (`fiscal_year_end`, `unit`, ...) or `fiscal_period`.
    pub field: &'static str,
    pub value: String,
    pub line: usize,
    pub printed: String,
    /// For a calendar field: the rule chosen and why the others were not.
    pub why: String,
}

/// What the text gives a new company's record.
#[derive(Debug, Default)]
pub struct Reading {
    pub proposals: Vec<Proposal>,
    /// Fields the text leaves open, keyed by the flag that decides them, with why.
    pub open: BTreeMap<&'static str, String>,
    /// Where the text disagrees with the flags (which win), for review.
    pub warnings: Vec<String>,
    pub facts: Facts,
}

impl Reading {
    pub fn get(&self, field: &str) -> Option<&Proposal> {
        self.proposals.iter().find(|p| p.field == field)
    }
}

/// Read the record `new`'s flags leave unset from `text`; `period` is the release's, when given.
pub fn read_company(text: &str, new: &NewCompany, period: Option<&str>) -> Reading {
    let mut reading = Reading {
        facts: facts::facts(text),
        ..Reading::default()
    };
    if let Some(label) = period {
        // The flag says which period the release reports; the text still says when it ended.
        if let Some((kind, seq, fy)) = parse_label(label) {
            if matches!(kind, "quarter" | "year") {
                let quarter = (kind == "quarter").then_some(seq);
                let ended = reading
                    .facts
                    .ends
                    .iter()
                    .filter(|e| match quarter {
                        Some(q) => !e.year && e.quarter.is_none_or(|n| n == q),
                        None => e.year,
                    })
                    // The first printing of the latest end: a headline's, not a footnote's.
                    .max_by_key(|e| (e.date, std::cmp::Reverse(e.line)))
                    .cloned();
                reading.facts.reported = Some(Reported {
                    line: 0,
                    printed: format!("--period {label}"),
                    quarter,
                    fiscal_year: Some(fy),
                    ended,
                });
            }
        }
    }
    identifiers(text, new, &mut reading);
    money(text, new, &mut reading);
    calendar(new, &mut reading);
    reading
}

fn propose(r: &mut Reading, field: &'static str, value: String, line: usize, printed: &str) {
    r.proposals.push(Proposal {
        field,
        value,
        line,
        printed: printed.split_whitespace().collect::<Vec<_>>().join(" "),
        why: String::new(),
    });
}

/// Name, ticker, exchange, securities code, CIK: as printed.
fn identifiers(text: &str, new: &NewCompany, r: &mut Reading) {
    static CIK: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:CIK|Central Index Key)(?:\s+(?:No\.?|number))?\s*[:#]?\s*(\d{1,10})\b",
        )
        .expect("regex")
    });
    let lines: Vec<&str> = text.lines().collect();
    let printed = |line: usize| lines.get(line.wrapping_sub(1)).copied().unwrap_or_default();
    let facts = company_facts(text, &toml::Table::new(), &Calendar::months(1, false), "");
    for f in &facts {
        let unset = match f.field {
            "ticker" => new.ticker.is_none(),
            "exchange" => new.exchange.is_none(),
            "local_code" => new.local_code.is_none(),
            "name" => new.name.is_none(),
            _ => false,
        };
        if unset {
            // A ticker's words are its parenthesis; a "Company name:" line is short.
            let line = printed(f.line);
            let words = match TICKER.find(line) {
                Some(m) if matches!(f.field, "ticker" | "exchange") => m.as_str(),
                _ => line,
            };
            propose(r, f.field, f.printed.clone(), f.line, words);
        }
    }
    // No "Company name:" line: the issuer as the lead names it before its ticker.
    if new.name.is_none() && r.get("name").is_none() {
        let issuer = lines.iter().enumerate().find_map(|(i, line)| {
            let m = TICKER.find(line)?;
            let name = issuer_before(&line[..m.start()])?;
            let words = format!("{name} {}", m.as_str());
            Some((i + 1, name, words))
        });
        if let Some((line, name, words)) = issuer {
            propose(r, "name", name, line, &words);
        }
    }
    // Nor a ticker: the issuer a headline names ("Apple Reports Third Quarter Results").
    if new.name.is_none() && r.get("name").is_none() {
        static HEADLINE: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)^\s*(.+?)\s+(?:reports|announces|posts|delivers)\b").expect("regex")
        });
        let headline = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .take(15)
            .find_map(|(i, l)| {
                let c = HEADLINE.captures(l)?;
                let name = c[1].replace(['®', '™'], "");
                let words: Vec<&str> = name.split_whitespace().collect();
                let capitalized = words.len() <= 6
                    && words
                        .iter()
                        .all(|w| w.starts_with(|c: char| c.is_uppercase() || c == '&'));
                capitalized.then(|| (i + 1, words.join(" "), c[0].to_string()))
            });
        if let Some((line, name, words)) = headline {
            propose(r, "name", name, line, &words);
        }
    }
    if new.cik.is_none() {
        if let Some((i, c)) = lines
            .iter()
            .enumerate()
            .find_map(|(i, l)| CIK.captures(l).map(|c| (i, c[1].to_string())))
        {
            propose(r, "sec_cik", format!("{c:0>10}"), i + 1, lines[i]);
        }
    }
}

/// The capitalized words right before a ticker: "— Oracle Corporation", "-- The Buckle, Inc.";
/// a lower-case word, a dash or an adjective ("Atlanta-based") ends them.
fn issuer_before(before: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for w in before.split_whitespace().rev() {
        let capital = w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        let adjective = w
            .rsplit_once('-')
            .is_some_and(|(_, tail)| tail.starts_with(|c: char| c.is_lowercase()));
        if !(capital || w == "&") || adjective || words.len() == 8 {
            break;
        }
        words.push(w);
    }
    words.reverse();
    let mut name = words.join(" ");
    // A possessive ("NVIDIA’s (NASDAQ: NVDA) invention") names the issuer without its 's.
    for possessive in ["’s", "'s"] {
        if let Some(bare) = name.strip_suffix(possessive) {
            name = bare.to_string();
        }
    }
    let name = name.trim_end_matches(',').to_string();
    (!name.is_empty()).then_some(name)
}

/// Currency and unit: the scale most statement headings print, with the currency they or the
/// amounts carry.
fn money(text: &str, new: &NewCompany, r: &mut Reading) {
    // "(In millions, except per share data)", "($ in millions", "(Amounts in Thousands",
    // "(In Millions of Dollars", "Millions of yen", "($M)".
    static SCALE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\(\s*(\$|US\$|¥|€|£|amounts|dollars|U\.S\. dollars|yen)?\s*in\s+(thousands|millions|billions)\b(?:\s+of\s+([A-Za-z.$]+))?|\b(thousands|millions|billions)\s+of\s+(yen|dollars|U\.S\. dollars|euros?|pounds)\b|\(\s*(\$|¥|€|£)\s*(K|M|B)\s*\)").expect("regex")
    });
    // An amount's currency sign or code: "$11.5", "¥1,000", "USD 14", "C$3".
    static AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(US\$|C\$|A\$|HK\$|NT\$|S\$|\$|¥|€|£)\s?\d|\b(USD|JPY|EUR|GBP|CAD|AUD)\s?\d|\d\s+(yen)\b").expect("regex")
    });
    let currency_of = |word: &str| -> Option<&'static str> {
        match word.to_ascii_lowercase().as_str() {
            "$" | "us$" | "dollars" | "u.s. dollars" | "usd" => Some("USD"),
            "¥" | "yen" | "jpy" => Some("JPY"),
            "€" | "euro" | "euros" | "eur" => Some("EUR"),
            "£" | "pounds" | "gbp" => Some("GBP"),
            "c$" | "cad" => Some("CAD"),
            "a$" | "aud" => Some("AUD"),
            "hk$" => Some("HKD"),
            "nt$" => Some("TWD"),
            "s$" => Some("SGD"),
            _ => None,
        }
    };
    // Each line's first scale: (line, printed, scale, currency it names).
    let mut scales: Vec<(usize, String, &'static str, Option<&'static str>)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(c) = SCALE.captures_iter(line).find(|c| {
            let m = c.get(0).expect("match");
            // "Shares used in computing earnings per share (in thousands)" scales shares;
            // "(In Millions of KWHs)" scales kilowatt-hours.
            let of_other = c.get(3).is_some_and(|w| currency_of(w.as_str()).is_none());
            !line[..m.start()].to_lowercase().contains("share") && !of_other
        }) else {
            continue;
        };
        let word = c
            .get(2)
            .or(c.get(4))
            .or(c.get(7))
            .map(|w| w.as_str().to_lowercase())
            .unwrap_or_default();
        let scale = match word.as_str() {
            "thousands" | "k" => "thousand",
            "millions" | "m" => "million",
            _ => "billion",
        };
        let marker = [1, 3, 5, 6]
            .iter()
            .find_map(|&g| c.get(g).and_then(|w| currency_of(w.as_str())));
        scales.push((i + 1, c[0].to_string(), scale, marker));
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &scales {
        *counts.entry(s.2).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let scale = match ranked.as_slice() {
        [] => None,
        [(s, _)] => Some(*s),
        [(s, n), (_, m), ..] if n > m => Some(*s),
        [(s, _), (t, _), ..] => {
            r.open.insert(
                "unit",
                format!("the scale lines say {s} and {t} as often: which are the statements'?"),
            );
            None
        }
    };
    // The currency: the one the scale lines name, else the one nearly every amount carries.
    let mut signs: BTreeMap<&'static str, (usize, usize, String)> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        for c in AMOUNT.captures_iter(line) {
            let word = c.get(1).or(c.get(2)).or(c.get(3)).expect("group").as_str();
            if let Some(cur) = currency_of(word) {
                // The amount and a few words after it, not the whole paragraph.
                let at = c.get(0).expect("match").start();
                let words: String = line[at..].chars().take(40).collect();
                let e = signs.entry(cur).or_insert((0, i + 1, words));
                e.0 += 1;
            }
        }
    }
    let named: Vec<&(usize, String, &str, Option<&str>)> =
        scales.iter().filter(|s| s.3.is_some()).collect();
    let total: usize = signs.values().map(|s| s.0).sum();
    let currency = if let Some(first) = named.first() {
        let cur = first.3.expect("named");
        let dollar_elsewhere = cur == "USD"
            && signs
                .keys()
                .any(|c| !["USD", "JPY", "EUR", "GBP"].contains(c));
        if dollar_elsewhere {
            r.open.insert(
                "currency",
                "the text prints US and other dollars: which are its amounts?".into(),
            );
            None
        } else {
            Some((cur, first.0, first.1.clone()))
        }
    } else {
        signs
            .iter()
            .find(|(_, s)| s.0 * 10 >= total * 9 && total > 0)
            .map(|(cur, s)| (*cur, s.1, s.2.clone()))
            .or_else(|| {
                if total > 0 {
                    let all: Vec<&str> = signs.keys().copied().collect();
                    r.open.insert(
                        "currency",
                        format!(
                            "the amounts carry {}: which is the company's?",
                            all.join(", ")
                        ),
                    );
                }
                None
            })
    };
    if new.currency.is_none() {
        if let Some((cur, line, printed)) = &currency {
            propose(r, "currency", cur.to_string(), *line, printed);
        }
    }
    if new.unit.is_none() {
        let cur = new.currency.as_deref().or(currency.as_ref().map(|c| c.0));
        if let (Some(cur), Some(scale)) = (cur, scale) {
            let first = scales.iter().find(|s| s.2 == scale).expect("counted");
            let of = scales.iter().filter(|s| s.2 == scale).count();
            propose(r, "unit", format!("{cur} {scale}"), first.0, &first.1);
            if let Some(p) = r.proposals.last_mut() {
                p.why = format!(
                    "{of} of the text's {} scale lines say {scale}s",
                    scales.len()
                );
            }
        }
    }
}

/// One candidate calendar, with the flags it came from.
fn calendars(new: &NewCompany, facts: &Facts) -> Vec<Calendar> {
    let flagged_end: Option<YearEnd> = new
        .fiscal_year_end
        .as_deref()
        .and_then(|t| parse_year_end(t).ok());
    // The weekday a 52/53-week year would end on: that of the dated ends off a month's last
    // day; when all are month ends, theirs, if one (July 31, 2022 and April 30, 2023 are
    // Sundays: a Sunday rule fits them as well as whole months do).
    let weekdays_of = |off_month_end: bool| {
        let mut days: Vec<Weekday> = facts
            .ends
            .iter()
            .filter(|e| !off_month_end || !month_end(e.date))
            .map(|e| e.date.weekday())
            .collect();
        days.sort_by_key(|w| w.num_days_from_monday());
        days.dedup();
        days
    };
    let weekdays = match weekdays_of(true) {
        days if days.is_empty() => weekdays_of(false),
        days => days,
    };
    // Whole months always; 52/53 weeks on the one weekday the dated ends allow.
    let rules: Vec<Option<(Weekday, bool)>> = match (flagged_end, weekdays.as_slice()) {
        (Some(e), _) => vec![Some((e.weekday, e.nearest))],
        (None, [day]) => vec![None, Some((*day, false)), Some((*day, true))],
        (None, _) => vec![None],
    };
    let starts: Vec<u32> = match (new.fiscal_year_start, flagged_end) {
        (Some(m), _) => vec![m],
        (None, Some(e)) => vec![e.month % 12 + 1],
        (None, None) => (1..=12).collect(),
    };
    let named: Vec<bool> = match new.fiscal_year_named_by.as_deref() {
        Some("start_year") => vec![true],
        Some("end_year") => vec![false],
        _ => vec![true, false],
    };
    let mut out = Vec::new();
    for rule in &rules {
        let q53s: Vec<u32> = match (rule, new.week_53_quarter) {
            (None, _) => vec![0],
            (Some(_), Some(q)) => vec![q],
            (Some(_), None) => (1..=4).collect(),
        };
        for &start in &starts {
            for &named_by_start in &named {
                for &q53 in &q53s {
                    out.push(Calendar {
                        start_month: start,
                        named_by_start,
                        weeks: rule.map(|(weekday, nearest)| Weeks {
                            weekday,
                            nearest,
                            week_53_quarter: q53,
                        }),
                    });
                }
            }
        }
    }
    out
}

/// A weekday's name as a year-end rule prints it.
fn day_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn rule_words(weekday: Weekday, nearest: bool, start_month: u32) -> String {
    let day = day_name(weekday);
    let month = month_name(start_month + 11);
    if nearest {
        format!("{day} nearest the end of {month}")
    } else {
        format!("last {day} of {month}")
    }
}

/// The calendar the dated periods allow, within the flags: each of its fields proposed when the
/// text decides it, said open when it does not.
fn calendar(new: &NewCompany, r: &mut Reading) {
    let facts = &r.facts.clone();
    if facts.ends.is_empty() {
        return;
    }
    let fit: Vec<Calendar> = calendars(new, facts)
        .into_iter()
        .filter(|c| misfit(c, facts).is_none())
        .collect();
    // The first three days the text dates, each at its first printing.
    let mut seen = Vec::new();
    let mut by_line: Vec<&facts::Ended> = facts.ends.iter().collect();
    by_line.sort_by_key(|e| e.line);
    let dated: Vec<String> = by_line
        .into_iter()
        .filter(|e| {
            let new = !seen.contains(&e.date);
            seen.push(e.date);
            new
        })
        .take(3)
        .map(|e| format!("line {} \"{}\"", e.line, e.printed))
        .collect();
    let dated = dated.join(", ");
    if fit.is_empty() {
        let flags = new.fiscal_year_start.is_some()
            || new.fiscal_year_end.is_some()
            || new.fiscal_year_named_by.is_some();
        if flags {
            // The flags win; what the text says against them is shown, not written.
            let first_misfit = calendars(new, facts)
                .iter()
                .find_map(|c| misfit(c, facts))
                .unwrap_or_default();
            r.warnings.push(format!(
                "the calendar of the flags does not end the periods the text dates where it \
                 says ({first_misfit}): the flags are written; review them"
            ));
        }
        r.open.insert(
            "fiscal_year_start",
            format!(
                "no calendar{} ends the periods the text dates where it says ({dated})",
                if flags { " of the flags" } else { "" }
            ),
        );
        return;
    }
    let first = fit[0];
    let evidence = facts
        .reported
        .as_ref()
        .and_then(|p| p.ended.clone())
        .unwrap_or_else(|| facts.ends[0].clone());
    let (line, printed) = (evidence.line, evidence.printed.clone());
    let same = |f: &dyn Fn(&Calendar) -> String| fit.iter().all(|c| f(c) == f(&first));
    let rule_of = |c: &Calendar| {
        c.weeks
            .map(|w| rule_words(w.weekday, w.nearest, c.start_month))
            .unwrap_or_default()
    };
    let start_of = |c: &Calendar| c.start_month.to_string();
    // The year end: whole months, or one 52/53-week rule.
    if !same(&rule_of) || !same(&start_of) {
        let mut options: Vec<String> = fit
            .iter()
            .map(|c| match c.weeks {
                Some(_) => format!("\"{}\"", rule_of(c)),
                None => format!("years from {}", month_name(c.start_month)),
            })
            .collect();
        options.sort();
        options.dedup();
        let differ = fit
            .iter()
            .find(|c| rule_of(c) != rule_of(&first) || c.start_month != first.start_month)
            .and_then(|other| first_difference(&first, other, evidence.date.year()));
        r.open.insert(
            "fiscal_year_start",
            format!(
                "the periods the text dates ({dated}) fit {}{}",
                options.join(" and "),
                differ.map_or_else(String::new, |d| format!("; {d}"))
            ),
        );
        return;
    }
    let p = first.nearest_quarter_end(evidence.date);
    let ends = p
        .as_ref()
        .map(|p| format!("{} ends {} on {}", printed, p.label, p.end))
        .unwrap_or_default();
    match first.weeks {
        Some(w) if new.fiscal_year_end.is_none() => {
            let other = Calendar {
                weeks: Some(Weeks {
                    nearest: !w.nearest,
                    ..w
                }),
                ..first
            };
            let why_not = misfit(&other, facts).map_or_else(String::new, |m| {
                format!(
                    "; \"{}\" does not fit {m}",
                    rule_words(w.weekday, !w.nearest, first.start_month)
                )
            });
            let odd = facts
                .ends
                .iter()
                .find(|e| !month_end(e.date))
                .map(|e| e.date)
                .unwrap_or(evidence.date);
            propose(r, "fiscal_year_end", rule_of(&first), line, &printed);
            r.proposals.last_mut().expect("pushed").why = format!(
                "{odd} is no month's last day: years of 52/53 weeks ending on a {}; this rule \
                 ends every period the text dates where it says{why_not}",
                day_name(w.weekday)
            );
        }
        None if new.fiscal_year_start.is_none() => {
            propose(
                r,
                "fiscal_year_start_month",
                first.start_month.to_string(),
                line,
                &printed,
            );
            r.proposals.last_mut().expect("pushed").why = format!(
                "every period end the text dates is a month's last day, and they fall on \
                 different weekdays (no 52/53-week rule ends them all): years of whole months \
                 from {} ({ends})",
                month_name(first.start_month)
            );
        }
        _ => {}
    }
    // FY2006 starting or ending in 2006: only a printed fiscal year with a dated period says.
    if first.start_month != 1 && new.fiscal_year_named_by.is_none() {
        let named = |c: &Calendar| c.named_by_start.to_string();
        if same(&named) {
            let value = if first.named_by_start {
                "start_year"
            } else {
                "end_year"
            };
            let label = facts.reported.as_ref().and_then(|r| r.label());
            let (pline, pprinted) = facts
                .reported
                .as_ref()
                .filter(|r| r.line > 0)
                .map(|r| (r.line, r.printed.clone()))
                .unwrap_or((line, printed.clone()));
            let year = first.period(label.as_deref().unwrap_or_default()).ok();
            propose(r, "fiscal_year_named_by", value.into(), pline, &pprinted);
            r.proposals.last_mut().expect("pushed").why = match (label, year) {
                (Some(l), Some(y)) => format!(
                    "{l} ends on {} (line {line} \"{printed}\"): fiscal {} {} in {}",
                    y.end,
                    y.fiscal_year,
                    if first.named_by_start {
                        "starts"
                    } else {
                        "ends"
                    },
                    y.fiscal_year
                ),
                _ => String::new(),
            };
        } else {
            r.open.insert(
                "fiscal_year_named_by",
                "the text prints no fiscal year with a dated period (\"fiscal 2025 first quarter \
                 ended April 28, 2024\"): does its fiscal year start or end in the year it names?"
                    .into(),
            );
        }
    }
    // A 53-week year's 14th week: read only where the text dates such a year.
    if first.weeks.is_some() && new.week_53_quarter.is_none() {
        let q53: Vec<u32> = {
            let mut q: Vec<u32> = fit
                .iter()
                .filter_map(|c| c.weeks.map(|w| w.week_53_quarter))
                .collect();
            q.sort();
            q.dedup();
            q
        };
        match q53.as_slice() {
            [q] if *q != 4 => {
                propose(r, "week_53_quarter", q.to_string(), line, &printed);
                r.proposals.last_mut().expect("pushed").why = format!(
                    "only with a 53-week year's 14th week in quarter {q} does every period \
                     the text dates end where it says"
                );
            }
            qs if !qs.contains(&4) => {
                r.open.insert(
                    "week_53_quarter",
                    format!("the text's dates fit a 14th week in quarters {qs:?}"),
                );
            }
            qs => {
                // Left at the record's default (4): say so where the rule is proposed.
                if let (true, Some(p)) = (
                    qs.len() > 1,
                    r.proposals
                        .iter_mut()
                        .find(|p| p.field == "fiscal_year_end"),
                ) {
                    p.why.push_str(
                        "; the text dates no 53-week year, so which quarter holds such a \
                         year's 14th week is not read: week_53_quarter is left at 4, review",
                    );
                }
            }
        }
    }
}

/// Where two calendars that fit the text first part: "they first part at a year end: 2025-01-26
/// in ..., 2025-02-02 in ...".
fn first_difference(a: &Calendar, b: &Calendar, from: i32) -> Option<String> {
    (from - 1..from + 12).find_map(|fy| {
        let (x, y) = (a.year_end(fy)?, b.year_end(fy)?);
        (x != y).then(|| {
            format!(
                "they first part at a year end: {x} in {}, {y} in {}",
                a.describe(),
                b.describe()
            )
        })
    })
}

/// The release's period from the text, on `calendar`: the label it prints ("fiscal 2004 third
/// quarter" is 3Q04), or the period its dated end closes; both, when printed, must agree.
pub fn read_period(facts: &Facts, calendar: &Calendar) -> Result<Proposal, String> {
    let r = facts
        .reported
        .as_ref()
        .ok_or("the text names no period it reports")?;
    let by_date = r.ended.as_ref().map(|e| {
        let p = calendar
            .nearest_quarter_end(e.date)
            .filter(|p| p.end == e.date);
        let label = p.and_then(|p| match r.quarter {
            None => (p.seq == 4).then(|| format!("FY{}", p.fiscal_year)),
            Some(q) => (q == 0 || q == p.seq).then_some(p.label),
        });
        (label, e)
    });
    let label = match (r.label(), by_date) {
        (Some(l), Some((Some(d), _))) if l == d => l,
        (Some(l), Some((Some(d), e))) => {
            return Err(format!(
                "line {} \"{}\" names {l}, but line {} \"{}\" ends {d}",
                r.line, r.printed, e.line, e.printed
            ))
        }
        (_, Some((None, e))) => {
            return Err(format!(
                "line {} \"{}\" ends no period of the company's calendar there",
                e.line, e.printed
            ))
        }
        (Some(l), None) => l,
        (None, Some((Some(d), _))) => d,
        (None, None) => {
            return Err(format!(
                "line {} \"{}\" prints no year and dates no end",
                r.line, r.printed
            ))
        }
    };
    calendar.period(&label)?;
    let (line, printed) = match &r.ended {
        Some(e) if r.line == 0 || r.label().is_none() => (e.line, e.printed.clone()),
        _ => (r.line, r.printed.clone()),
    };
    Ok(Proposal {
        field: "fiscal_period",
        value: label,
        line,
        printed,
        why: String::new(),
    })
}

#[cfg(test)]
mod tests;
