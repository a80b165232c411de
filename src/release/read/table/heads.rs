//! Header lines and the column heads they print: durations ("Three Months Ended", "Thirty-Nine
//! Weeks Ended"), dates over several lines, years, fiscal labels (`Q3 FY25`), change columns,
//! `As of`; which duration heads which column when they do not split evenly.

use super::*;

pub(super) static MONTH: &str = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

pub(super) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({MONTH})\.?\s+(\d{{1,2}}),?(?:\s+((?:19|20)\d\d)\b)?"
    ))
    .expect("regex")
});
pub(super) static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:(three|six|nine|twelve|3|6|9|12)[- ]months?|",
        r"(twelve|thirteen|fourteen|twenty[- ]six|twenty[- ]seven|thirty[- ]nine|forty|fifty[- ]two|fifty[- ]three|12|13|14|26|27|39|40|52|53)[- ]weeks?|",
        r"((?:fiscal\s+)?years?|quarters?)\s+ended)\b"
    ))
    .expect("regex")
});
pub(super) static FISCAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Q([1-4])\s*(?:FY|F|['’‘])\s*'?(\d{2}|\d{4})|([1-4])Q\s*'?(\d{2}|\d{4}))\b")
        .expect("regex")
});
pub(super) static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:19|20)\d\d\b").expect("regex"));
pub(super) static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bsequential\s+change\b|\byear/year\s+change\b|\bQ/Q\b|\bY/Y\b|\bYoY\b|\bQoQ\b|%\s*change\b|\bchange\b|\bvariance\b|%\s*chg\b|\bincrease\s*\(decrease\)|\bup/down\b|\bin\s+(?:US\s*\$|U\.S\.\s*dollars|constant\s+currency))").expect("regex")
});
/// A common-size column beside each period's ("2014   % of Revenues   2013   % of Revenues"):
/// each level's share of revenues, a ratio the release derives.
pub(super) static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)%\s*of\s+(?:total\s+)?(?:net\s+)?(?:revenues?|sales)\b").expect("regex")
});
/// Quarter labels without their year and a year's total (`Q1   Q2   Q3   Q4   TOTAL`), under a
/// line of fiscal years that groups them (Oracle's supplemental tables).
pub(super) static BARE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bQ([1-4])\b|\b(?:total|full[- ]year)\b").expect("regex"));
/// Words a header line may hold besides its heads.
pub(super) static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:ended|ending|as\s+of|as\s+at|at|unaudited|audited|and|for\s+the|of|the|fiscal|in|period|periods|to|from|through|increase|decrease|actual)\b|[(),.:$%\-–—/]").expect("regex")
});

/// What a header line holds, in print order: durations (months), dates, years, fiscal labels,
/// change heads; `None` when the line is not a header line.
#[derive(Debug, Default)]
pub(super) struct HeaderLine {
    pub(super) durations: Vec<(usize, u32)>,
    pub(super) dates: Vec<(usize, u32, u32, Option<i32>, String)>,
    pub(super) years: Vec<i32>,
    pub(super) fiscal: Vec<(u32, i32, String)>,
    pub(super) changes: Vec<String>,
    /// "% of Revenues" heads: a common-size column after each period's.
    pub(super) shares: usize,
    /// Bare quarter labels (1-4) and year totals (0), when the line prints two or more.
    pub(super) bare: Vec<u32>,
    pub(super) as_of: bool,
    /// Words before the heads (`ASSETS   November 2, 2024   February 3, 2024`): the table's
    /// first section.
    pub(super) lead: String,
}

pub(super) fn months_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase().replace(['-', ' '], "");
    Some(match w.as_str() {
        "three" | "3" | "thirteen" | "13" | "fourteen" | "14" => 3,
        "six" | "6" | "twentysix" | "26" | "twentyseven" | "27" => 6,
        "nine" | "9" | "thirtynine" | "39" | "forty" | "40" => 9,
        "twelve" | "12" | "fiftytwo" | "52" | "fiftythree" | "53" => 12,
        _ => return None,
    })
}

pub(super) fn month_number(name: &str) -> Option<u32> {
    crate::release::calendar::month_of(name)
}

pub(super) fn fiscal_year(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + n } else { n })
}

/// Read a line as a header line.
pub(super) fn header_line(line: &str) -> Option<HeaderLine> {
    let mut h = HeaderLine::default();
    let mut rest = line.to_string();
    let blank = |s: &mut String, from: usize, to: usize| {
        s.replace_range(from..to, &" ".repeat(to - from));
    };
    for c in DURATION.captures_iter(line) {
        let m = c.get(0)?;
        let months = match (c.get(1), c.get(2), c.get(3)) {
            (Some(w), _, _) | (_, Some(w), _) => months_of(w.as_str())?,
            (_, _, Some(w)) if w.as_str().to_ascii_lowercase().starts_with("quarter") => 3,
            _ => 12,
        };
        h.durations.push((m.start(), months));
        blank(&mut rest, m.start(), m.end());
    }
    for c in DATE.captures_iter(line) {
        let m = c.get(0)?;
        let month = month_number(&c[1])?;
        let day: u32 = c[2].parse().ok()?;
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        h.dates
            .push((m.start(), month, day, year, m.as_str().trim().to_string()));
        blank(&mut rest, m.start(), m.end());
    }
    for c in FISCAL.captures_iter(&rest.clone()) {
        let m = c.get(0)?;
        let (q, y) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(q), Some(y), _, _) | (_, _, Some(q), Some(y)) => (q.as_str(), y.as_str()),
            _ => continue,
        };
        h.fiscal
            .push((q.parse().ok()?, fiscal_year(y)?, m.as_str().to_string()));
        blank(&mut rest, m.start(), m.end());
    }
    for m in YEAR.find_iter(&rest.clone()) {
        h.years.push(m.as_str().parse().ok()?);
        blank(&mut rest, m.start(), m.end());
    }
    for m in SHARE.find_iter(&rest.clone()) {
        h.shares += 1;
        blank(&mut rest, m.start(), m.end());
    }
    for m in CHANGE.find_iter(&rest.clone()) {
        h.changes.push(m.as_str().to_string());
        blank(&mut rest, m.start(), m.end());
    }
    if h.durations.is_empty() && h.dates.is_empty() && h.fiscal.is_empty() && h.years.is_empty() {
        let bare: Vec<(u32, usize, usize)> = BARE
            .captures_iter(&rest.clone())
            .map(|c| {
                let m = c.get(0).expect("match");
                let q = c.get(1).and_then(|q| q.as_str().parse().ok()).unwrap_or(0);
                (q, m.start(), m.end())
            })
            .collect();
        if bare.len() >= 2 {
            for (q, from, to) in bare {
                h.bare.push(q);
                blank(&mut rest, from, to);
            }
        }
    }
    static AS_OF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bas\s+(?:of|at)\b").expect("regex"));
    static FOOTNOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\(\d{1,2}\)|\*+").expect("regex"));
    h.as_of = AS_OF.is_match(line);
    let rest = FOOTNOTE.replace_all(&rest, " ");
    let left = NOISE.replace_all(&rest, " ");
    let found = h.durations.len() + h.dates.len() + h.years.len() + h.fiscal.len() + h.bare.len();
    if found == 0 {
        return None;
    }
    if left.trim().is_empty() {
        return Some(h);
    }
    // Words before two or more dates are the table's first section, not a row.
    let first = left.find(|c: char| !c.is_whitespace()).unwrap_or(0);
    let last = left.trim_end().len();
    let first_head = h.dates.iter().map(|d| d.0).min().unwrap_or(usize::MAX);
    if h.dates.len() >= 2 && last <= first_head && first < first_head {
        h.lead = left[first..last].trim().to_string();
        return Some(h);
    }
    None
}

/// The column heads of a header block.
pub(super) fn heads(lines: &[HeaderLine], printed: &[&str]) -> (Vec<Head>, Vec<String>) {
    let durations: Vec<u32> = lines
        .iter()
        .flat_map(|l| l.durations.iter().map(|d| d.1))
        .collect();
    let dates: Vec<&(usize, u32, u32, Option<i32>, String)> =
        lines.iter().flat_map(|l| l.dates.iter()).collect();
    let years: Vec<i32> = lines.iter().flat_map(|l| l.years.iter().copied()).collect();
    let fiscal: Vec<&(u32, i32, String)> = lines.iter().flat_map(|l| l.fiscal.iter()).collect();
    // Change heads over two lines name the same columns ("% Increase (Decrease)" over "in US $
    // in Constant Currency"): the line printing most of them counts them.
    let changes: Vec<String> = lines
        .iter()
        .map(|l| &l.changes)
        .max_by_key(|c| c.len())
        .cloned()
        .unwrap_or_default();
    let text = printed.join(" / ");
    // `Fiscal 2013   Fiscal 2014` over `Q1 ... Q4   TOTAL` twice: each year heads its group.
    let bare: Vec<u32> = lines.iter().flat_map(|l| l.bare.iter().copied()).collect();
    if !bare.is_empty()
        && dates.is_empty()
        && fiscal.is_empty()
        && !years.is_empty()
        && bare.len().is_multiple_of(years.len())
    {
        let per = bare.len() / years.len();
        let out = bare
            .iter()
            .enumerate()
            .map(|(i, &q)| Head {
                months: Some(if q == 0 { 12 } else { 3 }),
                end: None,
                fiscal: Some((q, years[i / per])),
                printed: text.clone(),
            })
            .collect();
        return (out, changes);
    }
    let n = if !dates.is_empty() && dates.iter().all(|d| d.3.is_some()) {
        dates.len()
    } else if !years.is_empty() {
        years.len()
    } else if !fiscal.is_empty() {
        fiscal.len()
    } else {
        dates.len()
    };
    if n == 0 {
        return (Vec::new(), changes);
    }
    let group = |count: usize, i: usize| -> Option<usize> {
        (count > 0 && n % count == 0).then(|| i / (n / count))
    };
    let ends: Vec<Option<NaiveDate>> = (0..n)
        .map(|i| {
            if dates.len() == n {
                let d = dates[i];
                let year = d.3.or_else(|| (years.len() == n).then(|| years[i]));
                year.and_then(|y| NaiveDate::from_ymd_opt(y, d.1, d.2))
            } else if let Some(g) = group(dates.len(), i) {
                let d = dates[g];
                let year = d.3.or_else(|| (years.len() == n).then(|| years[i]));
                year.and_then(|y| NaiveDate::from_ymd_opt(y, d.1, d.2))
            } else {
                None
            }
        })
        .collect();
    let runs = duration_runs(&ends, durations.len());
    let mut out = Vec::new();
    for i in 0..n {
        let end = ends[i];
        let months = group(durations.len(), i)
            .or_else(|| runs.as_ref().map(|r| r[i]))
            .map(|g| durations[g]);
        let fiscal = (fiscal.len() == n).then(|| (fiscal[i].0, fiscal[i].1));
        out.push(Head {
            months,
            end,
            fiscal,
            printed: text.clone(),
        });
    }
    (out, changes)
}

/// Which duration heads each column when the columns do not split evenly among them (AMD's
/// "Three Months Ended" over three dates, "Six Months Ended" over two, every head on a line of
/// its own): each duration's columns run from the latest date back, so a column dated after the
/// one before it starts the next duration. `None` unless the runs are exactly as many as the
/// durations.
pub(super) fn duration_runs(ends: &[Option<NaiveDate>], durations: usize) -> Option<Vec<usize>> {
    if durations < 2 || ends.len().is_multiple_of(durations) {
        return None;
    }
    let mut run = 0;
    let mut out = Vec::with_capacity(ends.len());
    for (i, end) in ends.iter().enumerate() {
        let end = (*end)?;
        if i > 0 && end > ends[i - 1]? {
            run += 1;
        }
        out.push(run);
    }
    (run + 1 == durations).then_some(out)
}
