//! Rows a slide prints number first, glued to their label (`1,608Net Cash Provided by Operating
//! Activities`, `636CAPEX`), a change sometimes after (`(983)Net Cash Used in Financing
//! Activities +38`), under a column head printed apart: a period label with its months on the
//! next line (`2Q06` over `(2006/7-2006/9)`), which must be the calendar's months of that period.
//! A row is its label's concept when that is a cash-flow or income figure of the standard's; its
//! period is the nearest such head, a few lines away, that is not under a column of numbers
//! printed alone: layout, for review.

use super::*;
use crate::release::read::cells;
use chrono::Datelike;

/// How far from a row its column head may be printed, in lines.
const HEAD_NEAR: usize = 12;

static ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<num>\(?\d{1,3}(?:,\d{3})*(?:\.\d+)?\)?)(?P<label>[A-Z][A-Za-z&/',() \-]{2,80}?)(?:\s+[+\-]?\(?\d[\d,]*(?:\.\d+)?%?\)?)?\s*$")
        .expect("regex")
});
static HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?P<period>(?:[1-4]Q|[12]H)\d{2}|FY\d{4})\s*$").expect("regex"));
static MONTHS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*\((?P<y1>\d{4})/(?P<m1>\d{1,2})-(?P<y2>\d{4})/(?P<m2>\d{1,2})\)")
        .expect("regex")
});

/// The period of the head printed nearest line `i` (0-based), above or below, when its months
/// are the calendar's: (period, 1-based line of the head).
fn head_near(lines: &[&str], i: usize, calendar: &Calendar) -> Option<(String, usize)> {
    let mut near: Vec<usize> = (i.saturating_sub(HEAD_NEAR)..(i + 1 + HEAD_NEAR).min(lines.len()))
        .filter(|&j| j != i && j + 1 < lines.len())
        .collect();
    // Nearest first; below before above at the same distance.
    near.sort_by_key(|&j| (j.abs_diff(i), j < i));
    for j in near {
        if !HEAD.is_match(lines[j]) || !MONTHS.is_match(lines[j + 1]) {
            continue;
        }
        // A head under numbers printed alone, one to a line, is theirs (a column printed
        // apart), not a row's.
        let above = lines[..j].iter().rev().find(|l| !l.trim().is_empty());
        if above.is_some_and(|l| cells::value_of(l.trim()).is_some()) {
            continue;
        }
        return head_at(lines, j, calendar).map(|p| (p, j + 1));
    }
    None
}

/// The period of a column head printed at line `j` (0-based): its label, its months on the next
/// line, which must be the calendar's months of that period.
pub(super) fn head_at(lines: &[&str], j: usize, calendar: &Calendar) -> Option<String> {
    let h = HEAD.captures(lines.get(j)?)?;
    let m = MONTHS.captures(lines.get(j + 1)?)?;
    let p = calendar.period(&h["period"]).ok()?;
    let num = |k: &str| m[k].parse::<u32>().ok();
    let (y1, m1, y2, m2) = (num("y1")?, num("m1")?, num("y2")?, num("m2")?);
    let fits = p.start.year() as u32 == y1
        && p.start.month() == m1
        && p.end.year() as u32 == y2
        && p.end.month() == m2;
    fits.then_some(p.label)
}

/// Draft line `i` (0-based) when it is such a row; how many numbers it read that are no tokens
/// of the line reader's (glued to their label, they are none).
pub(super) fn glued_row(
    i: usize,
    lines: &[&str],
    k: &Knowledge,
    calendar: &Calendar,
    unit: &str,
    d: &mut Draft,
    used: &mut HashSet<(usize, usize)>,
) -> usize {
    let line = lines[i];
    let Some(c) = ROW.captures(line) else {
        return 0;
    };
    let (num, label) = (&c["num"], c["label"].trim());
    let at = c.name("num").map_or(0, |m| m.start());
    if used.contains(&(i + 1, at)) {
        return 0;
    }
    let (found, certainty, how) = meanings(k, label);
    let concepts: BTreeSet<&String> = found.iter().map(|m| &m.concept).collect();
    let [concept] = concepts.into_iter().collect::<Vec<_>>()[..] else {
        return 0;
    };
    // The statement the standard says the concept is of (the company's own concept is its
    // standard's).
    let standard = k
        .own
        .iter()
        .find(|(_, own)| *own == concept)
        .map_or(concept.as_str(), |(s, _)| s.as_str());
    let table = match k.tables.get(standard).and_then(|t| t.first()) {
        Some(t) if t == "cash_flows" || t == "income_items" => t.clone(),
        _ => return 0,
    };
    if certainty != Certainty::Certain {
        return 0;
    }
    let Some((period, head)) = head_near(lines, i, calendar) else {
        return 0;
    };
    let (Some(value), Some(printed)) = (cells::value_of(num), Some(num.to_string())) else {
        return 0;
    };
    used.insert((i + 1, at));
    d.rows.push(DraftRow {
        table,
        period: period.clone(),
        start: String::new(),
        end: String::new(),
        item: concept.clone(),
        comparison: "level".to_string(),
        value,
        unit: unit.to_string(),
        section: String::new(),
        label: label.to_string(),
        printed,
        placement: "layout",
        measure: "amount",
        certainty: Certainty::Review,
        how: vec![format!(
            "a row printed number first: {how}; its period {period}: the column head printed \
             nearest it (line {head}), whose months are the calendar's for {period}; which column \
             it is, only the layout says"
        )],
        line: i + 1,
    });
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_printed_number_first_and_their_head() {
        let c = ROW
            .captures("(983)Net Cash Used in Financing Activities +38")
            .unwrap();
        assert_eq!(
            (&c["num"], c["label"].trim()),
            ("(983)", "Net Cash Used in Financing Activities")
        );
        let c = ROW
            .captures("12,860Cash, End of Each Period 5,906")
            .unwrap();
        assert_eq!(c["label"].trim(), "Cash, End of Each Period");
        assert!(ROW.captures("2Q05 due to an increase").is_none());
        let cal = Calendar::months(4, true);
        // IIJ 2Q06, lines 588-590.
        let lines = [
            "12,860Cash, End of Each Period 5,906",
            "",
            "Change2Q06",
            "(2006/7-2006/9)Cash Flows (3 months)",
        ];
        assert_eq!(head_near(&lines, 0, &cal), Some(("2Q06".to_string(), 3)));
        // Months that are not the period's: no head.
        let lines = ["636CAPEX", "2Q06", "(2006/4-2006/9)"];
        assert_eq!(head_near(&lines, 0, &cal), None);
        // Lines 640-648: the nearest head, above.
        let lines = [
            "2Q06",
            "(2006/7-2006/9)",
            "",
            "1,880Adjusted EBITDA",
            "",
            "795",
            "",
            "1,010",
            "",
            "2Q05",
            "(2005/7-2005/9)",
        ];
        assert_eq!(head_near(&lines, 3, &cal), Some(("2Q06".to_string(), 1)));
        // Lines 628-641: the head nearest CAPEX is the column above's, printed under its numbers.
        let lines = [
            "6,953",
            "",
            "2Q05",
            "(2005/7-2005/9)",
            "",
            "Balance Sheets",
            " 636CAPEX",
            "",
            "1,069Depreciation and Amortization",
            "",
            "(JPY million)",
            "",
            "2Q06",
            "(2006/7-2006/9)",
        ];
        assert_eq!(head_near(&lines, 6, &cal), Some(("2Q06".to_string(), 13)));
    }
}
