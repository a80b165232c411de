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
    /// Its rows (or unplaced numbers) are written.
    done: bool,
    /// Its concept came from the legend's layout, not from its label or the arithmetic.
    by_legend: bool,
}

/// A chart being drafted: its series as read so far.
struct Work<'a> {
    chart: &'a slide::Chart,
    readings: Vec<Reading<'a>>,
    section: String,
}

/// Draft the charts of `text` into `d` (after the tables and the line reader, before the
/// checks): rows for the series with a meaning, the rest of their numbers unplaced. Labeled
/// series first (of every chart: one chart's figures identify another's unlabeled series), then
/// the unlabeled ones the figures so far identify, then ratio series.
pub(super) fn draft_charts(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    unit: &str,
    d: &mut Draft,
) {
    let charts: Vec<(slide::Chart, Vec<Settled>)> = slide::charts(text)
        .into_iter()
        .filter(|c| c.periods.iter().all(|p| calendar.period(p).is_ok()))
        .map(|c| {
            let mut s = slide::settle(&c);
            slide::place_columns(&c, &mut s);
            for x in &mut s {
                x.apart.retain(|(p, ..)| calendar.period(p).is_ok());
            }
            (c, s)
        })
        .collect();
    // Charts over the same axis print their extra periods alike.
    let mut charts = charts;
    for a in 0..charts.len() {
        for b in 0..charts.len() {
            if a != b {
                let theirs = charts[b].1.clone();
                let other = charts[b].0.clone();
                let (chart, settled) = &mut charts[a];
                slide::settle_alike(chart, settled, &other, &theirs);
            }
        }
    }
    // A series line another reader drafted from is its.
    let taken: HashSet<usize> = d.rows.iter().map(|r| r.line).collect();
    let mut works: Vec<Work> = charts
        .iter()
        .map(|(chart, settled)| {
            let mut readings: Vec<Reading> = settled
                .iter()
                .filter(|s| !taken.contains(&chart.series[s.series].line))
                .map(|s| read_series(k, chart, s))
                .collect();
            resolve_totals(k, &mut readings);
            Work {
                chart,
                readings,
                section: format!(
                    "Chart over {} (line {})",
                    chart.periods.join(" "),
                    chart.axis_line
                ),
            }
        })
        .collect();
    for w in &mut works {
        emit((k, text), unit, d, w, |r| r.meaning.is_some());
    }
    for w in &mut works {
        identify(k, unit, d, w);
        emit((k, text), unit, d, w, |r| r.meaning.is_some());
    }
    for w in &mut works {
        emit((k, text), unit, d, w, |_| true);
    }
    // The numbers of columns printed apart, with their period label.
    let apart: HashMap<(usize, String), String> = charts
        .iter()
        .flat_map(|(c, _)| &c.columns)
        .flat_map(|col| {
            col.cells
                .iter()
                .map(|x| ((x.line, x.printed.clone()), col.period.clone()))
        })
        .collect();
    legend::totals_apart(k, calendar, &apart, text, unit, d);
}

/// Unlabeled amount series of a chart: by the arithmetic against the figures drafted so far,
/// then by the chart's legend.
fn identify(k: &Knowledge, unit: &str, d: &Draft, w: &mut Work) {
    let figures = legend::Figures::of(d, unit);
    let chart = w.chart;
    let open: Vec<usize> = (0..w.readings.len())
        .filter(|&i| {
            let r = &w.readings[i];
            !r.done && r.meaning.is_none() && !chart.series[r.settled.series].percent
        })
        .collect();
    if open.is_empty() {
        return;
    }
    let mut known: Vec<(usize, String)> = Vec::new();
    for &i in &open {
        let cells = &w.readings[i].settled.cells;
        if let Some((c, agree)) =
            legend::by_arithmetic(k, &figures, cells, &chart.periods, &w.section)
        {
            let r = &mut w.readings[i];
            r.how.push(format!(
                "chart series with no label on its line: it equals the release's figures of {c} \
                 (or the sum of their parts) in {agree} of its periods and differs in none"
            ));
            r.meaning = Some((table_of(k, &c), c.clone()));
            known.push((i, c));
        }
    }
    // The legend, less what the chart's labeled series already are.
    let labeled: HashSet<String> = w
        .readings
        .iter()
        .filter(|r| !r.label.is_empty())
        .filter_map(|r| r.meaning.as_ref().map(|m| m.1.clone()))
        .collect();
    let legend: Vec<String> = legend::legend_concepts(k, &chart.legend)
        .into_iter()
        .filter(|c| !labeled.contains(c))
        .collect();
    // A legend entry one series alone agrees with, in some period, and with no other entry.
    for &i in &open {
        if known.iter().any(|(j, _)| *j == i) {
            continue;
        }
        let cells = &w.readings[i].settled.cells;
        let agreeing: Vec<&String> = legend
            .iter()
            .filter(|c| !known.iter().any(|(_, k)| k == *c))
            .filter(|c| figures.agreement(k, c, cells, &chart.periods, &w.section).0 > 0)
            .collect();
        if let [c] = agreeing.as_slice() {
            let others = open.iter().filter(|&&j| j != i).any(|&j| {
                figures
                    .agreement(
                        k,
                        c,
                        &w.readings[j].settled.cells,
                        &chart.periods,
                        &w.section,
                    )
                    .0
                    > 0
            });
            if !others {
                let c = (*c).clone();
                let r = &mut w.readings[i];
                r.how.push(format!(
                    "chart series with no label on its line: of its legend's entries, only {c} \
                     has a figure elsewhere in the release that it equals"
                ));
                r.meaning = Some((table_of(k, &c), c.clone()));
                r.by_legend = true;
                known.push((i, c));
            }
        }
    }
    let series: Vec<usize> = open.clone();
    for (i, c, how) in legend::by_legend(&series, &legend, &known) {
        let r = &mut w.readings[i];
        r.how.push(how);
        r.meaning = Some((table_of(k, &c), c));
        r.by_legend = true;
    }
}

/// The table a concept's figures go to: a revenue line when it may be one.
fn table_of(k: &Knowledge, concept: &str) -> String {
    let tables = k.tables.get(concept);
    if tables.is_some_and(|t| t.iter().any(|t| t == "revenue_lines")) {
        "revenue_lines".to_string()
    } else {
        tables
            .and_then(|t| t.first().cloned())
            .unwrap_or_else(|| "income_items".to_string())
    }
}

/// Rows (or unplaced numbers) of the readings `which` picks that are not done yet.
fn emit(
    (k, text): (&Knowledge, &str),
    unit: &str,
    d: &mut Draft,
    w: &mut Work,
    which: impl Fn(&Reading) -> bool,
) {
    let chart = w.chart;
    let pinned = pinned(d, &chart.periods, &w.readings, unit, &w.section);
    let figures = legend::Figures::of(d, unit);
    let total = w
        .readings
        .iter()
        .find(|r| matches!(r.settled.placed, Placed::Total { .. }))
        .and_then(|r| r.meaning.clone());
    let section = w.section.clone();
    for r in w.readings.iter_mut() {
        if r.done || !which(r) {
            continue;
        }
        r.done = true;
        {
            let series = &chart.series[r.settled.series];
            let line = series.line;
            // The line reader listed this line's numbers as unplaced: the chart reads them now.
            let before = d.unplaced.len();
            d.unplaced.retain(|u| u.line != line);
            let removed = before - d.unplaced.len();
            let taken_apart = r.settled.apart.iter().filter(|(_, c, _)| c.line == line);
            let pieces = r.settled.cells.len() + r.settled.between.len() + taken_apart.count();
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
                    _ => match legend::share_of_revenues(
                        k,
                        &figures,
                        &r.settled.cells,
                        &chart.periods,
                    ) {
                        Some((c, agree)) => {
                            r.how.push(format!(
                                "a ratio series: {c} over total revenues, as drafted, gives its \
                                 numbers in {agree} periods and differs in none"
                            ));
                            (Some(("income_items".to_string(), c)), "pct_of_revenues")
                        }
                        None => (None, "amount"),
                    },
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
                // Numbers of its run a column printed apart took are its run's still.
                let run = r
                    .settled
                    .apart
                    .iter()
                    .map(|(_, c, _)| c)
                    .filter(|c| c.line == line);
                for c in r.settled.cells.iter().chain(run) {
                    d.unplaced.push(unplaced(c, &context, why));
                }
                continue;
            };
            let proved = matches!(r.settled.placed, Placed::Total { .. } | Placed::Part { .. });
            // The periods are the axis' by order: pinned only when the chart agrees with the
            // release's figures elsewhere, and contradicts none. Else layout, which the checks do
            // not raise to certain.
            let reconciled = proved && !r.by_legend && pinned.0 > 0 && pinned.1 == 0;
            let certain = r.certain && reconciled && measure == "amount";
            let mut how = r.how.clone();
            how.push(placement_note(chart, r.settled));
            how.push(format!(
                "the chart agrees with {} figure(s) the release states elsewhere for its concepts \
                 and periods, and differs from {}",
                pinned.0, pinned.1
            ));
            if measure == "gross_margin_ratio" {
                how.push(format!(
                    "a {} series: the ratio of the chart's total ({item})",
                    measure.replace('_', " ")
                ));
            }
            // The fact tables want a label: a series printed without one takes its concept's
            // label as the text prints it elsewhere (its legend).
            let label = if r.label.is_empty() {
                legend::label_in_text(k, text, &item)
                    .unwrap_or_else(|| format!("(no label on its line: {item})"))
            } else {
                r.label.clone()
            };
            let on_axis = r
                .settled
                .cells
                .iter()
                .zip(&chart.periods)
                .map(|(c, p)| (c, p, None));
            let apart = r.settled.apart.iter().map(|(p, c, why)| (c, p, Some(why)));
            for (c, period, why) in on_axis.chain(apart) {
                let Some(value) = c.value.clone() else {
                    continue;
                };
                let mut how = how.clone();
                if let Some(why) = why {
                    // A number on a line of its own: the line reader listed it as unplaced.
                    if c.line != line {
                        d.unplaced.retain(|u| u.line != c.line);
                    }
                    how.push(format!("its period {period}: {why}"));
                }
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
                    label: label.clone(),
                    printed: c.printed.clone(),
                    placement: if reconciled && why.is_none() {
                        "reconciled"
                    } else {
                        "layout"
                    },
                    measure,
                    certainty: if certain && why.is_none() {
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
        done: false,
        by_legend: false,
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
fn pinned(
    d: &Draft,
    periods: &[String],
    readings: &[Reading],
    unit: &str,
    section: &str,
) -> (usize, usize) {
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
                x.comparison == "level"
                    && x.unit == unit
                    && &x.period == period
                    && x.item == *item
                    && x.section != section
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
        Placed::AlikeElsewhere { axis_line, line } => format!(
            "layout: as many numbers as the proved series on line {line} of the chart over the \
             same axis (line {axis_line}), taken at the same places, under {axis}"
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
