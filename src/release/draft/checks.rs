//! The draft's own checks over all its rows: totals against the parts the company's concepts
//! define, stated growth rates against their levels.

use super::*;

/// The draft's own checks: a total against its parts, a stated growth rate against its levels.
pub(super) fn prove(d: &mut Draft, k: &Knowledge, calendar: &Calendar) {
    // Statement rows take the section of the table-less text they are in.
    for r in d.rows.iter_mut().filter(|r| r.section.is_empty()) {
        r.section = "Highlights".to_string();
    }
    // The rows a check looks up, indexed once (a search of all rows per row is quadratic): the
    // first level row of each (period, item, unit), and of each item's periods by kind, number
    // and year (for a year-ago base) and by quarter count (for a quarter-before base).
    let mut levels: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut year_ago: HashMap<(&str, &str, u32, i32), usize> = HashMap::new();
    let mut quarter_before: HashMap<(&str, i32), usize> = HashMap::new();
    for (i, x) in d.rows.iter().enumerate() {
        if x.comparison != "level" {
            continue;
        }
        levels.entry((&x.period, &x.item, &x.unit)).or_insert(i);
        if x.unit == "%" {
            continue;
        }
        if let Ok(b) = calendar.period(&x.period) {
            year_ago
                .entry((&x.item, b.kind, b.seq, b.fiscal_year))
                .or_insert(i);
            if b.kind == "quarter" {
                quarter_before
                    .entry((&x.item, b.fiscal_year * 4 + b.seq as i32))
                    .or_insert(i);
            }
        }
    }
    let level = |period: &str, item: &str, unit: &str| levels.get(&(period, item, unit)).copied();
    let mut marks: Vec<(usize, Result<String, String>)> = Vec::new();
    for (i, r) in d.rows.iter().enumerate() {
        if r.comparison == "level" {
            if let Some(parts) = k.components.get(&r.item) {
                let found: Vec<Option<usize>> = parts
                    .iter()
                    .map(|(_, p)| level(&r.period, p, &r.unit))
                    .collect();
                if found.iter().all(Option::is_some) {
                    let sum: f64 = parts
                        .iter()
                        .zip(&found)
                        .map(|((s, _), j)| *s as f64 * j.map_or(0.0, |j| as_f64(&d.rows[j].value)))
                        .sum();
                    let ok = (sum - as_f64(&r.value)).abs() <= 1.0 + 1e-9;
                    // A sum over figures placed by layout (a chart's order) proves no period: it
                    // is said, and raises nothing.
                    let layout = r.placement == "layout"
                        || found
                            .iter()
                            .flatten()
                            .any(|&j| d.rows[j].placement == "layout");
                    let what = format!(
                        "{}parts of {} sum to {sum}",
                        if layout {
                            "with figures placed by layout, "
                        } else {
                            ""
                        },
                        r.item
                    );
                    marks.push((i, if ok { Ok(what) } else { Err(what) }));
                    for j in found.into_iter().flatten() {
                        marks.push((
                            j,
                            if ok && layout {
                                Ok(format!(
                                    "a part of {} that sums, with figures placed by layout",
                                    r.item
                                ))
                            } else if ok {
                                Ok(format!("a part of {} that sums", r.item))
                            } else {
                                Err(format!("a part of {} that does not sum", r.item))
                            },
                        ));
                    }
                }
            }
        }
        if r.comparison == "yoy_pct" || r.comparison == "qoq_pct" {
            let Ok(p) = calendar.period(&r.period) else {
                continue;
            };
            let base = if r.comparison == "yoy_pct" {
                year_ago.get(&(r.item.as_str(), p.kind, p.seq, p.fiscal_year - 1))
            } else {
                quarter_before.get(&(r.item.as_str(), p.fiscal_year * 4 + p.seq as i32 - 1))
            }
            .map(|&j| &d.rows[j]);
            let current_row = base.and_then(|b| level(&r.period, &r.item, &b.unit));
            let current = current_row.map(|j| as_f64(&d.rows[j].value));
            let layout = base.is_some_and(|b| b.placement == "layout")
                || current_row.is_some_and(|j| d.rows[j].placement == "layout");
            if let (Some(b), Some(c)) = (base, current) {
                let b = as_f64(&b.value);
                let lo = ((c - 0.5) / (b + 0.5) - 1.0) * 100.0;
                let hi = ((c + 0.5) / (b - 0.5) - 1.0) * 100.0;
                let stated = as_f64(&r.value);
                let (lo, hi) = (lo.min(hi), lo.max(hi));
                // Half a unit of the rate's last printed digit (`17.4%`: 0.05; `69%`: 0.5).
                let digits = r.value.split_once('.').map_or(0, |(_, f)| f.len());
                let slack = 0.5 * 10f64.powi(-(digits as i32)) + 1e-9;
                let ok = stated >= lo - slack && stated <= hi + slack;
                let what = format!(
                    "{}stated {stated}% vs {:.1}% from the levels",
                    if layout {
                        "with levels placed by layout, "
                    } else {
                        ""
                    },
                    (c / b - 1.0) * 100.0
                );
                marks.push((i, if ok { Ok(what) } else { Err(what) }));
            }
        }
    }
    // A level a sentence states in a coarser scale (`$26.0 billion`), or per share, against the
    // table's figure of the same concept and period, rounded to the printed digits.
    let mut astray: Vec<(usize, String, String)> = Vec::new();
    // Statement levels the table's figure of their concept proved or disproved.
    let mut compared: HashSet<usize> = HashSet::new();
    let tables: Vec<(usize, &DraftRow)> = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.placement == "label" && r.comparison == "level")
        .collect();
    for (i, r) in d.rows.iter().enumerate() {
        if r.placement != "statement" || r.comparison != "level" {
            continue;
        }
        let factor = match r.unit.split_whitespace().nth(1) {
            Some("billion") => 1000.0,
            Some("million") | Some("per") => 1.0,
            _ => continue,
        };
        let digits = r.value.split_once('.').map_or(0, |(_, f)| f.len());
        let stated = as_f64(&r.value);
        let table = tables.iter().find(|(_, t)| {
            t.item == r.item
                && t.period == r.period
                && (factor == 1.0 && t.unit == r.unit
                    || factor == 1000.0 && t.unit.ends_with(" million"))
        });
        if let Some((_, t)) = table {
            compared.insert(i);
            let scaled = as_f64(&t.value) / factor;
            let rounded = (scaled * 10f64.powi(digits as i32)).round() / 10f64.powi(digits as i32);
            let what = format!(
                "as the table prints it: {} {} (line {})",
                t.printed, t.unit, t.line
            );
            if (rounded - stated).abs() < 1e-9 {
                marks.push((i, Ok(what)));
            } else {
                // Not the table's figure of that concept: the sentence speaks of something else
                // (a segment's revenue under its heading); its figures are left, with why.
                astray.push((
                    r.line,
                    r.item.clone(),
                    format!(
                        "a sentence's figure that is not the table's {} ({what}): of a segment \
                         or a part, which its words do not name",
                        r.item
                    ),
                ));
            }
        }
    }
    // Two sentences stating one figure differently: neither is known to be right.
    // A stated change shares its level's fate (the level of its line and concept).
    let compared: HashSet<(usize, &str)> = compared
        .iter()
        .map(|&i| (d.rows[i].line, d.rows[i].item.as_str()))
        .collect();
    // Only a sentence's dollar figure waiting for its tie (a US release's) is judged so: a
    // stated figure of another kind keeps its own review note.
    let unproved = |_: usize, r: &DraftRow| {
        r.placement == "statement"
            && r.how.iter().any(|h| h.contains("certain once it ties"))
            && !compared.contains(&(r.line, r.item.as_str()))
    };
    let mut stated_values: HashMap<(&str, &str, &str, &str), HashSet<&str>> = HashMap::new();
    for (_, r) in d.rows.iter().enumerate().filter(|(i, r)| unproved(*i, r)) {
        stated_values
            .entry((&r.item, &r.period, &r.unit, &r.comparison))
            .or_default()
            .insert(&r.value);
    }
    let twice: Vec<(usize, String, String)> = d
        .rows
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            unproved(*i, r)
                && stated_values
                    .get(&(
                        r.item.as_str(),
                        r.period.as_str(),
                        r.unit.as_str(),
                        r.comparison.as_str(),
                    ))
                    .is_some_and(|v| v.len() > 1)
        })
        .map(|(_, r)| {
            (
                r.line,
                r.item.clone(),
                "a sentence's figure stated elsewhere in the text with another value: which \
                 is which, the words do not say"
                    .to_string(),
            )
        })
        .collect();
    astray.extend(twice);
    let mut once = HashSet::new();
    astray.retain(|(line, item, _)| once.insert((*line, item.clone())));
    let strays: HashSet<(usize, String)> = astray
        .iter()
        .map(|(l, item, _)| (*l, item.clone()))
        .collect();
    for (line, item, why) in &astray {
        for r in d
            .rows
            .iter()
            .filter(|r| r.line == *line && r.item == *item && r.placement == "statement")
        {
            d.unplaced.push(Unplaced {
                line: r.line,
                printed: r.printed.clone(),
                context: r.label.clone(),
                why: why.clone(),
            });
        }
    }
    let keep: Vec<bool> = d
        .rows
        .iter()
        .map(|r| !(r.placement == "statement" && strays.contains(&(r.line, r.item.clone()))))
        .collect();
    for (i, mark) in marks {
        let r = &mut d.rows[i];
        // A sentence's dollar figure (and its change) waits for its tie to the table.
        let waits = r.how.iter().any(|h| h.contains("certain once it ties"));
        match mark {
            Ok(why) => {
                // A period placed by layout alone stays for review, whatever sums.
                if r.certainty == Certainty::Review
                    && r.placement != "layout"
                    && (why.starts_with("parts")
                        || why.starts_with("as the table")
                        || waits && why.starts_with("stated"))
                {
                    r.certainty = Certainty::Certain;
                }
                let why = format!("tied: {why}");
                if !r.how.contains(&why) {
                    r.how.push(why);
                }
            }
            Err(why) => {
                r.certainty = Certainty::Review;
                r.how.push(format!("FLAGGED: {why}"));
            }
        }
    }
    // One row per key: a figure found twice (a sentence and a table) keeps both only in different
    // sections; an exact repeat is dropped.
    // A repeat with another value (a second "Other" read as the first's concept) is no repeat:
    // its number is listed unplaced, with the row it would have repeated.
    let mut seen: HashMap<_, (usize, String)> = HashMap::new();
    let mut at = 0;
    let mut repeats = Vec::new();
    d.rows.retain(|r| {
        at += 1;
        if !keep[at - 1] || r.table.is_empty() || r.item.is_empty() {
            return false;
        }
        let key = (
            r.table.clone(),
            r.section.clone(),
            r.label.clone(),
            r.period.clone(),
            r.item.clone(),
            r.comparison.clone(),
            r.unit.clone(),
        );
        match seen.get(&key) {
            None => {
                seen.insert(key, (r.line, r.value.clone()));
                true
            }
            Some((first, value)) => {
                if *value != r.value {
                    repeats.push(Unplaced {
                        line: r.line,
                        printed: r.printed.clone(),
                        context: r.label.clone(),
                        why: format!(
                            "read as {} {} like the row on line {first}: the same label twice in \
                             one statement, place it by hand",
                            r.item, r.period
                        ),
                    });
                }
                false
            }
        }
    });
    d.unplaced.extend(repeats);
}
