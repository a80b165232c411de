//! The sentences of a release that date its periods: "fiscal 2004 third quarter ended June 26,
//! 2004", "Three Months Ended / June 27, / 2026" (a table header, one cell a line), "the fiscal
//! year ended March 31, 2026", and which period the release is about (its first mention: "First
//! Quarter Fiscal 2023", "fiscal 2014 Q4", "second quarter of 2026").

use crate::release::calendar::{month_of, quarter_label, Calendar};
use chrono::{Datelike, NaiveDate};
use regex::Regex;
use std::sync::LazyLock;

/// A printed date: "June 26, 2004", "JUNE 26, 2004", "Dec. 31, 2003", "Sept 30, 2023".
const DATE: &str = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember|t)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+(\d{1,2}),?\s+(\d{4})\b";

/// A period that ended on a printed day.
#[derive(Debug, Clone)]
pub struct Ended {
    pub line: usize,
    pub printed: String,
    pub date: NaiveDate,
    /// A fiscal year's end, or a quarter's (its number and fiscal year when printed with it).
    pub year: bool,
    pub quarter: Option<u32>,
    pub fiscal_year: Option<i32>,
}

/// The period the release reports, as its first mention names it.
#[derive(Debug, Clone)]
pub struct Reported {
    pub line: usize,
    pub printed: String,
    /// None: a fiscal year; Some(0): a quarter whose number the text does not print.
    pub quarter: Option<u32>,
    pub fiscal_year: Option<i32>,
    /// The day it ended: the latest of the text's ends of its kind (comparatives are earlier).
    pub ended: Option<Ended>,
}

/// What the text dates.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub ends: Vec<Ended>,
    pub reported: Option<Reported>,
}

fn ordinal(word: &str) -> Option<u32> {
    match word.to_ascii_lowercase().as_str() {
        "first" => Some(1),
        "second" => Some(2),
        "third" => Some(3),
        "fourth" => Some(4),
        _ => None,
    }
}

/// A printed year: four digits, or two (2000-2049, 1950-1999) as in "Q1 FY23".
fn year(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    match digits.len() {
        4 => Some(n),
        2 if n < 50 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

fn date(month: &str, day: &str, year: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month_of(month)?, day.parse().ok()?)
}

/// A mention of a period, before the release's is chosen: (line, column, length, quarter, year).
struct Mention {
    line: usize,
    col: usize,
    printed: String,
    quarter: Option<u32>,
    fiscal_year: Option<i32>,
}

/// The period ends and the reported period of a release text.
pub fn facts(text: &str) -> Facts {
    static QUARTER_ENDED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i)\b(?:fiscal\s+(?:year\s+)?(\d{{4}})\s+)?(?:(first|second|third|fourth)\s+)?(?:fiscal\s+)?(?:quarter|three\s+months|thirteen\s+weeks|fourteen\s+weeks|1[34][- ]weeks?)(?:\s+of\s+fiscal\s+(?:year\s+)?(\d{{4}}))?\s+ended\s+{DATE}"
        ))
        .expect("regex")
    });
    static YEAR_ENDED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"(?i)\b(half[- ])?(?:fiscal\s+year|year|twelve\s+months|12\s+months|fifty-two\s+weeks|fifty-three\s+weeks|5[23][- ]weeks)\s+ended\s+{DATE}"
        ))
        .expect("regex")
    });
    // "first quarter of fiscal 2023", "First Quarter Fiscal 2023", "second quarter of 2026",
    // "fourth quarter earnings" (no year).
    static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(first|second|third|fourth)\s+(?:fiscal\s+)?quarter(?:\s+of)?(?:\s+(?:fiscal\s+(?:year\s+)?|FY\s*)?(\d{4})\b)?").expect("regex")
    });
    // "fiscal 2004 third quarter", "fiscal 2014 Q4".
    static FISCAL_QUARTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bfiscal\s+(?:year\s+)?(\d{4})\s+(?:(first|second|third|fourth)\s+quarter|Q([1-4]))\b").expect("regex")
    });
    // "Q1 Fiscal 2023", "Q3 2004", "Q1 FY23".
    static Q_YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\bQ([1-4])\s*(?:'|FY\s*|(?i:fiscal\s+(?:year\s+)?))?(\d{4}|\d{2})\b")
            .expect("regex")
    });
    // "fiscal year 2014", "full year 2004", "FY2025".
    static YEAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:fiscal\s+year|full[- ]year|fiscal|FY)\s*(\d{4})\b").expect("regex")
    });

    let lines: Vec<&str> = text.lines().collect();
    let mut ends = header_ends(&lines);
    let mut mentions: Vec<Mention> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        // A date a header splits over the next lines ("June 27," / "2026") is read across them;
        // a match belongs to the line it starts on.
        let window = lines[i..lines.len().min(i + 4)].join(" ");
        for c in QUARTER_ENDED.captures_iter(&window) {
            let m = c.get(0).expect("match");
            let Some(day) = date(&c[4], &c[5], &c[6]) else {
                continue;
            };
            if m.start() >= line.len() {
                continue;
            }
            // "fiscal 2025 first quarter ended", "first quarter of fiscal 2025 ended".
            let fiscal_year = c.get(1).or(c.get(3)).and_then(|y| year(y.as_str()));
            ends.push(Ended {
                line: i + 1,
                printed: m.as_str().split_whitespace().collect::<Vec<_>>().join(" "),
                date: day,
                year: false,
                quarter: c.get(2).and_then(|q| ordinal(q.as_str())),
                fiscal_year,
            });
            mentions.push(Mention {
                line: i + 1,
                col: m.start(),
                printed: m.as_str().to_string(),
                quarter: Some(c.get(2).and_then(|q| ordinal(q.as_str())).unwrap_or(0)),
                fiscal_year,
            });
        }
        for c in YEAR_ENDED.captures_iter(&window) {
            let m = c.get(0).expect("match");
            // A half year is no fiscal year.
            if c.get(1).is_some() || m.start() >= line.len() {
                continue;
            }
            let Some(day) = date(&c[2], &c[3], &c[4]) else {
                continue;
            };
            let printed = m.as_str().split_whitespace().collect::<Vec<_>>().join(" ");
            ends.push(Ended {
                line: i + 1,
                printed: printed.clone(),
                date: day,
                year: true,
                quarter: None,
                fiscal_year: None,
            });
            mentions.push(Mention {
                line: i + 1,
                col: m.start(),
                printed,
                quarter: None,
                fiscal_year: None,
            });
        }
        let mut mention = |col: usize, printed: &str, quarter: Option<u32>, fy: Option<i32>| {
            mentions.push(Mention {
                line: i + 1,
                col,
                printed: printed.to_string(),
                quarter,
                fiscal_year: fy,
            })
        };
        for c in QUARTER.captures_iter(line) {
            let fy = c.get(2).and_then(|y| year(y.as_str()));
            mention(c.get(0).expect("match").start(), &c[0], ordinal(&c[1]), fy);
        }
        for c in FISCAL_QUARTER.captures_iter(line) {
            let q = c
                .get(2)
                .and_then(|w| ordinal(w.as_str()))
                .or_else(|| c.get(3).and_then(|d| d.as_str().parse().ok()));
            mention(c.get(0).expect("match").start(), &c[0], q, year(&c[1]));
        }
        for c in Q_YEAR.captures_iter(line) {
            let q = c[1].parse().ok();
            mention(c.get(0).expect("match").start(), &c[0], q, year(&c[2]));
        }
        for c in YEAR.captures_iter(line) {
            mention(c.get(0).expect("match").start(), &c[0], None, year(&c[1]));
        }
    }
    // The first mention says the kind (its longest reading at a place); the first mention of a
    // numbered quarter says which quarter, with the year it prints (a later "fourth quarter of
    // 2003" is a comparative, not the release's year).
    mentions.sort_by_key(|m| (m.line, m.col, std::cmp::Reverse(m.printed.len())));
    let reported = mentions.first().map(|first| {
        let quarter_kind = first.quarter.is_some();
        let numbered = mentions.iter().find(|m| m.quarter.is_some_and(|q| q > 0));
        // A headline's "THIRD QUARTER" takes its year from the later mentions of that quarter
        // ("third quarter of fiscal 2024"), the latest year they print (the others are
        // comparatives), and only when a dated quarter end checks the pair: a "fourth quarter
        // of 2003" with no date may be a comparative alone.
        let later_year = |n: &Mention| {
            mentions
                .iter()
                .filter(|m| (m.line, m.col) > (n.line, n.col) && m.quarter == n.quarter)
                .filter_map(|m| m.fiscal_year)
                .max()
                .filter(|_| {
                    ends.iter()
                        .any(|e| !e.year && (e.quarter.is_none() || e.quarter == n.quarter))
                })
        };
        let (quarter, fiscal_year, line, printed) = match (quarter_kind, numbered) {
            (true, Some(n)) => (
                n.quarter,
                n.fiscal_year.or_else(|| later_year(n)),
                n.line,
                n.printed.clone(),
            ),
            (true, None) => (Some(0), None, first.line, first.printed.clone()),
            (false, _) => (None, first.fiscal_year, first.line, first.printed.clone()),
        };
        let q = quarter.filter(|q| *q > 0);
        let ended = ends
            .iter()
            .filter(|e| match quarter {
                Some(_) => !e.year && (e.quarter.is_none() || e.quarter == q),
                None => e.year,
            })
            .max_by_key(|e| (e.date, std::cmp::Reverse(e.line)))
            .cloned();
        Reported {
            line,
            printed: printed.split_whitespace().collect::<Vec<_>>().join(" "),
            quarter,
            fiscal_year,
            ended,
        }
    });
    Facts { ends, reported }
}

/// The dates under a table's "Three Months Ended   Six Months Ended" header: every column's
/// period ends at a quarter's end. The cells come as "June 26, 2004" a cell, or one cell a line
/// ("June 27," / "2026"), or a row of days over a row of years ("July 31,   August 1," /
/// "2022   2021"), which are paired column by column.
fn header_ends(lines: &[&str]) -> Vec<Ended> {
    static HEADER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:months|weeks|quarter|year)\s+ended\s*$").expect("regex")
    });
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:([a-z]{3,9})\.?|(\d{1,2}),?|(\d{4}))$").expect("regex")
    });
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !HEADER.is_match(line.trim_end()) {
            continue;
        }
        // The rows below that hold only months, days and years.
        let mut days: Vec<(u32, u32)> = Vec::new();
        let mut years: Vec<i32> = Vec::new();
        let mut in_order: Vec<NaiveDate> = Vec::new();
        let mut pending: Option<(u32, Option<u32>)> = None;
        for row in lines.iter().skip(i + 1).take(12) {
            let words: Vec<&str> = row.split_whitespace().collect();
            let tokens: Option<Vec<regex::Captures>> =
                words.iter().map(|w| TOKEN.captures(w)).collect();
            let Some(tokens) = tokens.filter(|t| !t.is_empty()) else {
                break;
            };
            let mut dateish = true;
            for t in &tokens {
                if let Some(m) = t.get(1) {
                    match month_of(m.as_str()) {
                        Some(month) => pending = Some((month, None)),
                        None => dateish = false,
                    }
                } else if let Some(d) = t.get(2) {
                    match pending.as_mut() {
                        Some((month, day @ None)) => {
                            *day = d.as_str().parse().ok();
                            days.push((*month, day.unwrap_or(0)));
                        }
                        _ => dateish = false,
                    }
                } else if let Some(y) = t.get(3).and_then(|y| y.as_str().parse().ok()) {
                    years.push(y);
                    if let Some((month, Some(day))) = pending.take() {
                        in_order.extend(NaiveDate::from_ymd_opt(y, month, day));
                    }
                }
            }
            if !dateish {
                break;
            }
        }
        let dates: Vec<NaiveDate> = if !days.is_empty() && in_order.len() == days.len() {
            in_order
        } else if days.len() == years.len() {
            days.iter()
                .zip(&years)
                .filter_map(|(&(m, d), &y)| NaiveDate::from_ymd_opt(y, m, d))
                .collect()
        } else {
            Vec::new()
        };
        let header = line.split_whitespace().collect::<Vec<_>>().join(" ");
        for date in dates {
            out.push(Ended {
                line: i + 1,
                printed: format!("{header} {}", date.format("%B %-d, %Y")),
                date,
                year: false,
                quarter: None,
                fiscal_year: None,
            });
        }
    }
    out
}

impl Reported {
    /// The quarter's number, when the text prints it.
    pub fn quarter_number(&self) -> Option<u32> {
        self.quarter.filter(|q| *q > 0)
    }

    /// Its label when the text prints the year: `3Q04`, `FY2025`.
    pub fn label(&self) -> Option<String> {
        let fy = self.fiscal_year?;
        match self.quarter {
            None => Some(format!("FY{fy}")),
            Some(0) => None,
            Some(q) => Some(quarter_label(fy, q)),
        }
    }
}

/// Why a calendar does not give a dated period end, or None when it does: each printed end must
/// be an end of its kind (a quarter's, of the quarter printed; a year's), and the reported
/// period's label, when printed, must end on its day.
pub fn misfit(calendar: &Calendar, facts: &Facts) -> Option<String> {
    let given = |d: NaiveDate| calendar.nearest_quarter_end(d);
    for e in &facts.ends {
        let Some(p) = given(e.date) else {
            return Some(format!(
                "line {} \"{}\": no period holds it",
                e.line, e.printed
            ));
        };
        let labelled = match (e.quarter, e.fiscal_year) {
            (Some(q), Some(fy)) => calendar.period(&quarter_label(fy, q)).ok(),
            _ => None,
        };
        let bad = match &labelled {
            Some(l) => l.end != e.date,
            None => {
                p.end != e.date || (e.year && p.seq != 4) || e.quarter.is_some_and(|q| q != p.seq)
            }
        };
        if bad {
            let says = match labelled {
                Some(l) => format!("ends {} on {}", l.label, l.end),
                None => format!(
                    "ends no {} on {} (its nearest is {}, on {})",
                    if e.year { "year" } else { "quarter" },
                    e.date,
                    p.label,
                    p.end
                ),
            };
            return Some(format!("line {} \"{}\": it {says}", e.line, e.printed));
        }
    }
    let r = facts.reported.as_ref()?;
    let ended = r.ended.as_ref()?;
    let Some(label) = r.label() else {
        // A quarter printed without its year still says which quarter ended that day.
        let q = r.quarter_number()?;
        let p = calendar.nearest_quarter_end(ended.date)?;
        return (p.seq != q).then(|| {
            format!(
                "line {} \"{}\" with line {} \"{}\": it ends {} there",
                r.line, r.printed, ended.line, ended.printed, p.label
            )
        });
    };
    let p = calendar.period(&label).ok()?;
    (p.end != ended.date).then(|| {
        format!(
            "line {} \"{}\" with line {} \"{}\": it ends {label} on {}",
            r.line, r.printed, ended.line, ended.printed, p.end
        )
    })
}

/// A day's last-day-of-month-ness: a whole-month calendar ends periods only there.
pub fn month_end(day: NaiveDate) -> bool {
    day.succ_opt().is_some_and(|d| d.day() == 1)
}
