//! Figures stated in sentences ("Revenues totaled JPY16,328 million, an increase of 19.2% from
//! 1Q07"; Japanese headlines) with their stated changes.

use super::*;

pub(super) static STATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<label>[A-Z][A-Za-z&/' ]{1,60}?)(?:\s+(?:totaled|totalled|was|were|of|amounted to))?\s+",
        r"(?P<cur>[A-Z]{3})\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>thousand|million|billion)\b"
    ))
    .expect("regex")
});
pub(super) static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?P<dir>increase|decrease|rise|decline|growth) of (?P<pct>\d+(?:\.\d+)?%)|\((?P<sign>[+-])(?P<pct2>\d+(?:\.\d+)?%))",
        r"\s+(?:from|compared to|compared with|over|on)\s+(?P<base>[1-4]Q\d{2}|[12]H\d{2}|FY\d{2,4}|the initial targets?)"
    ))
    .expect("regex")
});

/// A figure a sentence states: its label, number and unit, and its stated change.
pub(super) struct Statement<'a> {
    pub(super) label: &'a str,
    /// The label as printed through the figure ("Revenues totaled JPY16,328 million").
    pub(super) printed_label: String,
    pub(super) num: regex::Match<'a>,
    pub(super) unit: String,
    /// (token start, printed, value, base: a period or the initial target)
    pub(super) change: Option<(usize, String, String, Option<String>)>,
}

/// English: "<label> totaled JPY 16,328 million, an increase of 19.2% from 1Q07",
/// "Total revenues JPY 14,007 million (+17.4% compared to 2Q05)"; Japanese headlines:
/// "営業収益（売上高） 140.1億円（前年同四半期比 17.4%増）".
pub(super) fn statements(line: &str) -> Vec<Statement<'_>> {
    static JAPANESE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?P<label>[^\s・\d（）()]{2,20}(?:（[^）\d]{1,10}）)?)\s*(?P<num>\d[\d,]*(?:\.\d+)?)億円(?:（前年同四半期比\s*(?P<pct>\d+(?:\.\d+)?%)(?P<dir>増|減)）)?").expect("regex")
    });
    let mut out = Vec::new();
    // Where the line's sentences end and its stated changes are, found once for the line (a
    // search from each figure to its sentence's end would read a long line once per figure).
    // A change is the first after its figure, inside its sentence; none crosses a sentence's
    // end or a figure, so one pass over the line finds the same ones as a search per figure.
    let mut ends: Option<Vec<usize>> = None;
    let mut changes: Option<Vec<regex::Captures>> = None;
    for c in STATED.captures_iter(line) {
        let (Some(label), Some(num), Some(cur), Some(scale)) = (
            c.name("label"),
            c.name("num"),
            c.name("cur"),
            c.name("scale"),
        ) else {
            continue;
        };
        let end = (num.end() + 1 + scale.as_str().len()).min(line.len());
        let ends = ends.get_or_insert_with(|| line.match_indices(". ").map(|(i, _)| i).collect());
        let rest_end = ends
            .get(ends.partition_point(|&i| i < num.end()))
            .copied()
            .unwrap_or(line.len());
        let changes = changes.get_or_insert_with(|| CHANGE.captures_iter(line).collect());
        let next = changes.partition_point(|ch| ch.get(0).is_some_and(|m| m.start() < num.end()));
        let change = changes
            .get(next)
            .filter(|ch| ch.get(0).is_some_and(|m| m.end() <= rest_end));
        let change = change.and_then(|ch| {
            let (pct, negative, from) = match (ch.name("pct"), ch.name("pct2")) {
                (Some(p), _) => (
                    p,
                    ch.name("dir")
                        .is_some_and(|d| matches!(d.as_str(), "decrease" | "decline")),
                    p.start(),
                ),
                (_, Some(p)) => {
                    let sign = ch.name("sign")?;
                    (p, sign.as_str() == "-", sign.start())
                }
                _ => return None,
            };
            let mut v = printed_value(pct.as_str())?;
            if negative {
                v.insert(0, '-');
            }
            let base = ch.name("base").map(|b| b.as_str().to_string());
            Some((from, pct.as_str().to_string(), v, base))
        });
        out.push(Statement {
            label: label.as_str().trim(),
            printed_label: line[label.start()..end].trim().to_string(),
            num,
            unit: format!("{} {}", cur.as_str(), scale.as_str()),
            change,
        });
    }
    us_statements(line, &mut out);
    for c in JAPANESE.captures_iter(line) {
        let (Some(label), Some(num)) = (c.name("label"), c.name("num")) else {
            continue;
        };
        let change = c.name("pct").and_then(|p| {
            let mut v = printed_value(p.as_str())?;
            if c.name("dir").is_some_and(|d| d.as_str() == "減") {
                v.insert(0, '-');
            }
            // 前年同四半期比: on the same quarter a year earlier.
            Some((
                p.start(),
                p.as_str().to_string(),
                v,
                Some("year_ago".to_string()),
            ))
        });
        out.push(Statement {
            label: label.as_str().trim(),
            printed_label: label.as_str().trim().to_string(),
            num,
            unit: "JPY 100 million".to_string(),
            change,
        });
    }
    out
}

/// US press-release sentences: "Record quarterly revenue of $26.0 billion, up 18% from Q4 and up
/// 262% from a year ago", "GAAP earnings per diluted share was $5.98, up 21% ...": the level in
/// its printed scale (per share when the label says so), and the change from a year ago (a
/// change from the quarter before has no place in the income items). Figures of a year, or
/// non-GAAP ones, are not the release quarter's GAAP figures: left.
fn us_statements<'a>(line: &'a str, out: &mut Vec<Statement<'a>>) {
    static US: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?P<label>(?:[A-Za-z][\w&'/,-]*\s+){0,7}[A-Za-z][\w&'/-]*)\s+",
            r"(?:was|were|of|totaled|totalled|reached)\s+(?:a\s+record\s+(?:of\s+)?)?",
            r"\$(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s+(?P<scale>billion|million|thousand)\b)?"
        ))
        .expect("regex")
    });
    static YEAR_AGO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)\b(?P<dir>up|down|increased|decreased|rose|fell)\s+(?P<pct>\d+(?:\.\d+)?)\s?(?:%|percent)\s*",
            r"(?:(?:from|over|compared\s+with|compared\s+to|versus)\s+(?:a\s+year\s+(?:ago|earlier)|the\s+prior[- ]year(?:\s+quarter)?|the\s+year[- ]ago\s+quarter|the\s+same\s+quarter\s+(?:a\s+year\s+ago|last\s+year)|last\s+year)|year[- ]over[- ]year)"
        ))
        .expect("regex")
    });
    if !line.contains('$') {
        return;
    }
    let ends: Vec<usize> = line.match_indices(". ").map(|(i, _)| i).collect();
    for c in US.captures_iter(line) {
        let (Some(label), Some(num)) = (c.name("label"), c.name("num")) else {
            continue;
        };
        // The label's words after the ones that only say when or how ("Record quarterly",
        // "First-quarter", "For the quarter, GAAP").
        // A clause of a non-GAAP sentence ("On a non-GAAP basis, gross margin was 56%,
        // operating income was $3.1 billion") states non-GAAP figures whatever its label.
        let sentence_start = ends
            .iter()
            .rev()
            .find(|&&i| i < label.start())
            .map_or(0, |&i| i + 2);
        if line[sentence_start..label.start()]
            .to_lowercase()
            .contains("non-gaap")
        {
            continue;
        }
        let words: Vec<&str> = label.as_str().split_whitespace().collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        if lower.iter().any(|w| {
            w.starts_with("non-gaap")
                || matches!(
                    w.trim_end_matches(','),
                    "fiscal" | "year" | "annual" | "full-year" | "full" | "outlook" | "expected"
                )
        }) {
            continue;
        }
        let filler = |w: &str| {
            let w = w.trim_end_matches(',');
            matches!(
                w,
                "record" | "quarterly" | "gaap" | "for" | "the" | "quarter" | "and" | "a"
            ) || w.ends_with("-quarter")
        };
        let skip = lower.iter().take_while(|w| filler(w)).count();
        if skip == words.len() {
            continue;
        }
        let start = label.start() + label.as_str().find(words[skip]).unwrap_or_default();
        let clean = &line[start..label.end()];
        let scale = c.name("scale").map(|m| m.as_str());
        let per_share =
            clean.to_lowercase().contains("per") && clean.to_lowercase().contains("share");
        let unit = match (scale, per_share) {
            (Some(s), _) => format!("USD {s}"),
            (None, true) => "USD per share".to_string(),
            (None, false) => continue, // dollars of what scale, the sentence does not say
        };
        let sentence_end = ends
            .get(ends.partition_point(|&i| i < num.end()))
            .copied()
            .unwrap_or(line.len());
        let end = c.get(0).map_or(num.end(), |m| m.end());
        let change = YEAR_AGO.captures(&line[end..sentence_end]).and_then(|ch| {
            let pct = ch.name("pct")?;
            let mut v = printed_value(pct.as_str())?;
            if ch.name("dir").is_some_and(|d| {
                matches!(
                    d.as_str().to_lowercase().as_str(),
                    "down" | "decreased" | "fell"
                )
            }) {
                v.insert(0, '-');
            }
            Some((
                end + pct.start(),
                line[end + pct.start()..end + ch.get(0)?.end()]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                v,
                Some("year_ago".to_string()),
            ))
        });
        out.push(Statement {
            label: clean,
            printed_label: line[start..end].trim().to_string(),
            num,
            unit,
            change,
        });
    }
}

/// The comparison a stated change makes from `base`: a year ago, a quarter before, the initial
/// target; none when the base is none of them.
pub(super) fn comparison_of(
    calendar: &Calendar,
    period: &str,
    base: Option<&str>,
) -> Option<&'static str> {
    let base = base?;
    if base == "year_ago" {
        return Some("yoy_pct");
    }
    if base.starts_with("the initial target") {
        return Some("vs_initial_target_pct");
    }
    let (a, b) = (calendar.period(period).ok()?, calendar.period(base).ok()?);
    if a.kind == b.kind && a.seq == b.seq && a.fiscal_year == b.fiscal_year + 1 {
        Some("yoy_pct")
    } else if a.kind == "quarter"
        && b.kind == "quarter"
        && a.fiscal_year * 4 + a.seq as i32 == b.fiscal_year * 4 + b.seq as i32 + 1
    {
        Some("qoq_pct")
    } else {
        None
    }
}

/// A stated change of a line of its own under its figure, as slides print them: `(+21.3%
/// compared to 1H05, +5.6% compared to the initial target)`, `(+19.7% from 1Q06, +39.9% from
/// 2Q05)`: (start, printed, value, base) of each percentage with its base.
pub(super) fn changes_below(next: &str) -> Vec<(usize, String, String, Option<String>)> {
    super::bullets::changes_of(next)
        .into_iter()
        .filter(|(.., pct, _, base)| *pct && base.is_some())
        .map(|(at, printed, v, _, _, base)| (at, printed, v, base))
        .collect()
}

/// The period a figure stated with a change from `base` is of, when that is not the release's:
/// a change from 1H05 is a half's, the half a year after it.
pub(super) fn period_from_base(
    calendar: &Calendar,
    period: &str,
    base: Option<&str>,
) -> Option<String> {
    let base = base?;
    let b = calendar.period(base).ok()?;
    if comparison_of(calendar, period, Some(base)).is_some() {
        return None;
    }
    let yy = (b.fiscal_year + 1).rem_euclid(100);
    let label = match b.kind {
        "quarter" => format!("{}Q{yy:02}", b.seq),
        "half" => format!("{}H{yy:02}", b.seq),
        "year" => format!("FY{}", b.fiscal_year + 1),
        _ => return None,
    };
    calendar.period(&label).ok().map(|p| p.label)
}

/// Figures stated in sentences, as rows of the release's own period (a text with headings for
/// other periods leaves that for review), or of the period a year after the base their change
/// is stated from, when that is another kind of period (`compared to 1H05`: 1H06). A change
/// printed on the line below its figure, in parentheses, is the figure's.
pub(super) fn stated(
    line_no: usize,
    (line, next): (&str, Option<&str>),
    (k, section): (&Knowledge, &str),
    period: &str,
    calendar: &Calendar,
    d: &mut Draft,
    used: &mut HashSet<(usize, usize)>,
) {
    let all = statements(line);
    let single = all.len() == 1;
    for st in all {
        let (found, mut certainty, mut how) = meanings(k, st.label);
        if found.is_empty() || used.contains(&(line_no, st.num.start())) {
            continue;
        }
        if !d.headings.is_empty() {
            certainty = Certainty::Review;
            // The first few name them; a text of thousands of headings would repeat them all
            // in every row's note.
            let more = match d.headings.len() {
                n if n > 8 => format!(" and {} more", n - 8),
                _ => String::new(),
            };
            how.push_str(&format!(
                "; the text has headings for the periods {}{more}: which one this figure is of, \
                 its printed order does not pin",
                d.headings[..d.headings.len().min(8)].join(", ")
            ));
        }
        // A dollar figure of a US release's sentence restates a table's figure, rounded: it is
        // certain once it ties to it (see checks), not by its label alone.
        if line[..st.num.start()].ends_with('$') && certainty == Certainty::Certain {
            certainty = Certainty::Review;
            how.push_str("; certain once it ties to the table's figure");
        }
        let Some(value) = printed_value(st.num.as_str()) else {
            continue;
        };
        let candidates = found
            .iter()
            .map(|m| format!("{}:{}", m.table, m.concept))
            .collect::<Vec<_>>()
            .join("|");
        used.insert((line_no, st.num.start()));
        let row = |comparison: &str, value: String, unit: String, printed: String, how: String| {
            DraftRow {
                table: candidates.clone(),
                period: period.to_string(),
                start: String::new(),
                end: String::new(),
                item: String::new(),
                comparison: comparison.to_string(),
                value,
                unit,
                section: section.to_string(),
                label: st.printed_label.clone(),
                printed,
                placement: "statement",
                measure: "amount",
                certainty,
                how: vec![how],
                line: line_no,
            }
        };
        // Its changes: on its line, else on the line below, in parentheses (only when the line
        // states one figure, whose they then are).
        let changes: Vec<(usize, usize, String, String, Option<String>)> = match &st.change {
            Some((at, printed, v, base)) => {
                vec![(line_no, *at, printed.clone(), v.clone(), base.clone())]
            }
            None if single => next
                .map(changes_below)
                .unwrap_or_default()
                .into_iter()
                .map(|(at, printed, v, base)| (line_no + 1, at, printed, v, base))
                .collect(),
            None => Vec::new(),
        };
        let moved = changes
            .iter()
            .find_map(|c| period_from_base(calendar, period, c.4.as_deref()));
        let mut level = row(
            "level",
            value,
            st.unit.clone(),
            st.num.as_str().to_string(),
            format!("stated figure: {how}; the release's period {period}"),
        );
        let figure_period = match &moved {
            Some(p) => {
                level.period = p.clone();
                level.certainty = Certainty::Review;
                level.how = vec![format!(
                    "stated figure: {how}; its period {p}: a year after the period its change \
                     is stated from"
                )];
                p.clone()
            }
            None => period.to_string(),
        };
        let level_certainty = level.certainty;
        d.rows.push(level);
        for (at_line, at, printed, v, base) in &changes {
            let Some(comparison) = comparison_of(calendar, &figure_period, base.as_deref()) else {
                continue;
            };
            used.insert((*at_line, *at));
            let base = base.as_deref().unwrap_or_default();
            let mut r = row(
                comparison,
                v.clone(),
                "%".to_string(),
                printed.clone(),
                format!("stated change from {base}: {how}"),
            );
            r.period = figure_period.clone();
            r.certainty = level_certainty;
            if *at_line != line_no {
                r.how
                    .push("printed on the line below its figure, in parentheses".to_string());
            }
            d.rows.push(r);
        }
    }
}
