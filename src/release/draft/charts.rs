//! A results deck's charts (`read::slide`) as draft rows: each series whose legend label is
//! printed on its line takes that label's concept, and its numbers the periods of the axis
//! under them. A series is proved when the chart's own sums place it (the total of a stacked
//! chart, or a part of it); its periods are pinned only when the chart agrees with what the
//! rest of the release states for the same concept and period, and contradicts none of it. Only
//! then, with a known label, is a row certain; everything else is for review (a series placed by
//! its order alone is layout). A total whose parts are not its label's concept's parts is the
//! concept whose parts they are (a chart's "Total Revenues" over a few lines), for review.
//! Numbers no row takes (series without a label on their line, numbers between the axis'
//! periods) are listed as unplaced, with why.

use super::*;
use crate::release::read::cells::Cell;
use crate::release::read::slide::{self, Placed, Settled};

/// One settled series as the draft reads it.
struct Reading<'a> {
    settled: &'a Settled,
    label: String,
    /// (table, concept), when the label means one.
    meaning: Option<(String, String)>,
    certain: bool,
    how: Vec<String>,
}

/// Draft the charts of `text` into `d` (after the tables and the line reader, before the
/// checks): rows for the series with a meaning, the rest of their numbers unplaced.
pub(super) fn draft_charts(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    unit: &str,
    d: &mut Draft,
) {
    for chart in slide::charts(text) {
        if chart.periods.iter().any(|p| calendar.period(p).is_err()) {
            continue;
        }
        let settled = slide::settle(&chart);
        // A series line another reader drafted from is its.
        let taken: HashSet<usize> = d.rows.iter().map(|r| r.line).collect();
        let settled: Vec<&Settled> = settled
            .iter()
            .filter(|s| !taken.contains(&chart.series[s.series].line))
            .collect();
        let mut readings: Vec<Reading> =
            settled.iter().map(|s| read_series(k, &chart, s)).collect();
        resolve_totals(k, &mut readings);
        let pinned = pinned(d, &chart.periods, &readings, unit);
        let section = format!(
            "Chart over {} (line {})",
            chart.periods.join(" "),
            chart.axis_line
        );
        let total = readings
            .iter()
            .find(|r| matches!(r.settled.placed, Placed::Total { .. }))
            .and_then(|r| r.meaning.clone());
        for r in &readings {
            let series = &chart.series[r.settled.series];
            let line = series.line;
            // The line reader listed this line's numbers as unplaced: the chart reads them now.
            let before = d.unplaced.len();
            d.unplaced.retain(|u| u.line != line);
            let removed = before - d.unplaced.len();
            let pieces = r.settled.cells.len() + r.settled.between.len();
            d.numbers = (d.numbers + pieces).saturating_sub(removed);
            let context = r.label.clone();
            for c in &r.settled.between {
                d.unplaced.push(unplaced(
                    c,
                    &context,
                    "printed in a chart's run between the periods its axis labels: a period the \
                     axis does not print",
                ));
            }
            // What the row is: the label's concept, or a ratio of the chart's total.
            let (meaning, measure) = if series.percent {
                match (&total, ratio_of(&r.label)) {
                    (Some((table, concept)), Some(measure)) if table == "revenue_lines" => {
                        (Some((table.clone(), concept.clone())), measure)
                    }
                    _ => (None, "amount"),
                }
            } else {
                (r.meaning.clone(), "amount")
            };
            let Some((table, item)) = meaning else {
                let why = if r.label.is_empty() {
                    "a chart series whose legend label is not printed on its line: its concept \
                     is not known"
                } else if series.percent {
                    "a chart's ratio series the draft does not read"
                } else {
                    "a chart series whose label matches no concept of the company"
                };
                for c in &r.settled.cells {
                    d.unplaced.push(unplaced(c, &context, why));
                }
                continue;
            };
            let proved = matches!(r.settled.placed, Placed::Total { .. } | Placed::Part { .. });
            let certain =
                r.certain && proved && measure == "amount" && pinned.0 > 0 && pinned.1 == 0;
            let mut how = r.how.clone();
            how.push(placement_note(&chart, r.settled));
            how.push(format!(
                "the chart agrees with {} figure(s) the release states elsewhere for its concepts \
                 and periods, and differs from {}",
                pinned.0, pinned.1
            ));
            if measure != "amount" {
                how.push(format!(
                    "a {} series: the ratio of the chart's total ({item})",
                    measure.replace('_', " ")
                ));
            }
            for (c, period) in r.settled.cells.iter().zip(&chart.periods) {
                let Some(value) = c.value.clone() else {
                    continue;
                };
                d.rows.push(DraftRow {
                    table: table.clone(),
                    period: period.clone(),
                    start: String::new(),
                    end: String::new(),
                    item: item.clone(),
                    comparison: "level".to_string(),
                    value,
                    unit: if series.percent {
                        "%".to_string()
                    } else {
                        unit.to_string()
                    },
                    section: section.clone(),
                    label: r.label.clone(),
                    printed: c.printed.clone(),
                    placement: if proved { "reconciled" } else { "layout" },
                    measure,
                    certainty: if certain {
                        Certainty::Certain
                    } else {
                        Certainty::Review
                    },
                    how: how.clone(),
                    line: c.line,
                });
            }
        }
    }
}

fn unplaced(c: &Cell, context: &str, why: &str) -> Unplaced {
    Unplaced {
        line: c.line,
        printed: c.printed.clone(),
        context: context.to_string(),
        why: why.to_string(),
    }
}

/// The measure a ratio series' label names, when it is one the fact tables hold.
fn ratio_of(label: &str) -> Option<&'static str> {
    let l = normalize(label);
    // "Gross Margin Ratio", "Gross margin rate", and as decks misprint it.
    (l.starts_with("gross margin rati") || l.starts_with("gross margin rate"))
        .then_some("gross_margin_ratio")
}

/// A series' label as a concept.
fn read_series<'a>(k: &Knowledge, chart: &slide::Chart, s: &'a Settled) -> Reading<'a> {
    let label = chart.series[s.series].label.clone();
    let mut r = Reading {
        settled: s,
        label: label.clone(),
        meaning: None,
        certain: false,
        how: Vec::new(),
    };
    if label.is_empty() || chart.series[s.series].percent {
        return r;
    }
    let (found, certainty, how) = meanings(k, &label);
    let concepts: HashSet<&String> = found.iter().map(|m| &m.concept).collect();
    if concepts.len() != 1 {
        if !found.is_empty() {
            r.how.push(format!("{how}: names several concepts"));
        }
        return r;
    }
    // A stacked chart's series are lines of a breakdown: a revenue line when the concept may
    // be one.
    let m = found
        .iter()
        .find(|m| m.table == "revenue_lines")
        .unwrap_or(&found[0]);
    r.meaning = Some((m.table.clone(), m.concept.clone()));
    r.certain = certainty == Certainty::Certain;
    r.how.push(format!("chart series: {how}"));
    r
}

/// The signed leaves a concept's components expand to (itself when it has none).
fn leaves(k: &Knowledge, concept: &str, sign: i32, depth: usize, out: &mut BTreeMap<String, i32>) {
    match k.components.get(concept) {
        Some(parts) if depth < 8 => {
            for (s, p) in parts {
                leaves(k, p, sign * s, depth + 1, out);
            }
        }
        _ => *out.entry(concept.to_string()).or_default() += sign,
    }
}

/// A proved total whose parts' concepts are all known: when its label's concept has other
/// parts, it is the concept whose parts they are, if one is; else it keeps its label, flagged.
fn resolve_totals(k: &Knowledge, readings: &mut [Reading]) {
    let Some(t) = readings
        .iter()
        .position(|r| matches!(r.settled.placed, Placed::Total { .. }))
    else {
        return;
    };
    let Placed::Total { parts } = &readings[t].settled.placed else {
        return;
    };
    let mut sum = BTreeMap::new();
    for p in parts {
        let Some(r) = readings.iter().find(|r| r.settled.series == *p) else {
            return;
        };
        let Some((_, c)) = &r.meaning else {
            return;
        };
        leaves(k, c, 1, 0, &mut sum);
    }
    sum.retain(|_, s| *s != 0);
    let expand = |c: &str| {
        let mut m = BTreeMap::new();
        leaves(k, c, 1, 0, &mut m);
        m.retain(|_, s| *s != 0);
        m
    };
    let r = &mut readings[t];
    if let Some((_, c)) = &r.meaning {
        if expand(c) == sum {
            r.how
                .push(format!("tied: the chart's parts are the parts of {c}"));
            return;
        }
    }
    let mut whose: Vec<&String> = k.components.keys().filter(|c| expand(c) == sum).collect();
    whose.sort();
    match (whose.as_slice(), &r.meaning) {
        ([c], Some((table, was))) => {
            r.how.push(format!(
                "the label names {was}, but the chart's sum has the parts of {c}: taken as {c}, \
                 for review"
            ));
            r.meaning = Some((table.clone(), (*c).clone()));
            r.certain = false;
        }
        _ => {
            r.how.push(
                "FLAGGED: the chart's sum has other parts than its label's concept".to_string(),
            );
            r.certain = false;
        }
    }
}

/// How the chart's figures stand against the rows already drafted from the rest of the text
/// (statements, tables) for the same concept and period: (agreeing, differing).
fn pinned(d: &Draft, periods: &[String], readings: &[Reading], unit: &str) -> (usize, usize) {
    let mut agree = 0;
    let mut differ = 0;
    for r in readings {
        let Some((_, item)) = &r.meaning else {
            continue;
        };
        for (c, period) in r.settled.cells.iter().zip(periods) {
            let Some(v) = c.value.as_deref() else {
                continue;
            };
            // The same concept is the same figure in any table (total revenues is a revenue
            // line and an income item).
            for x in d.rows.iter().filter(|x| {
                x.comparison == "level" && x.unit == unit && &x.period == period && x.item == *item
            }) {
                if as_f64(&x.value) == as_f64(v) {
                    agree += 1;
                } else {
                    differ += 1;
                }
            }
        }
    }
    (agree, differ)
}

/// Why a series' numbers stand under the axis' periods.
fn placement_note(chart: &slide::Chart, s: &Settled) -> String {
    let axis = format!(
        "the axis of line {} ({})",
        chart.axis_line,
        chart.periods.join(" ")
    );
    match &s.placed {
        Placed::Total { parts } => format!(
            "the total of its chart: the sum of the series on lines {} in every period of {axis}",
            lines_of(chart, parts)
        ),
        Placed::Part { total } => format!(
            "a part of the chart's total on line {}, which ties in every period of {axis}",
            chart.series[*total].line
        ),
        Placed::Alike { like } => format!(
            "layout: as many numbers as the proved series on line {}, taken at the same places, \
             under {axis}",
            chart.series[*like].line
        ),
        Placed::Layout => format!("layout: its numbers in the order of {axis}"),
    }
}

fn lines_of(chart: &slide::Chart, series: &[usize]) -> String {
    series
        .iter()
        .map(|&i| chart.series[i].line.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
