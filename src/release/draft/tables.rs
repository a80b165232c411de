//! Statement tables as draft rows: the tables `read::table` finds under an income statement,
//! balance sheet or cash-flow statement title, their heads pinned to the company's periods
//! (`read::periods`), their rows' units (`read::units`) and their arithmetic (`read::proof`),
//! given meaning here: each row's concept is the one earlier releases of the company printed
//! under that label in that statement (the n-th "Other" is the n-th concept printed as "Other"),
//! else the standard concept of that statement with that label, else a new concept of the
//! company named after the label, proposed in concepts.csv with the parts the table proves.
//! A row is certain only when its label is known, its period pinned by its head and its value
//! ties; everything else is for review, with why.

use super::meaning::*;
use super::renamed;
use super::{normalize, Certainty, Draft, DraftRow, Knowledge};
use crate::release::calendar::Calendar;
use crate::release::read::periods::{self, When};
use crate::release::read::table::{self, Table};
use crate::release::read::{proof, units};
use std::collections::{HashMap, HashSet};

/// What the tables did with their cells, by byte range (line, start, end): taken as rows, or
/// left with the reason.
#[derive(Default)]
pub struct Taken {
    pub cells: Vec<(usize, usize, usize)>,
    /// line -> (start, end, why) of the cells left there
    left: HashMap<usize, Vec<(usize, usize, String)>>,
}

impl Taken {
    /// Why the tables left the number at `start..end` of `line`, if one of their cells holds it.
    pub fn why(&self, line: usize, start: usize, end: usize) -> Option<&str> {
        self.left
            .get(&line)?
            .iter()
            .find(|(s, e, _)| *s <= start && end <= *e)
            .map(|(.., why)| why.as_str())
    }

    fn leave_cell(&mut self, c: &crate::release::read::cells::Cell, why: &str) {
        self.left
            .entry(c.line)
            .or_default()
            .push((c.start, c.end, why.to_string()));
    }

    fn leave(&mut self, row: &table::Row, cells: &[crate::release::read::cells::Cell], why: &str) {
        for c in cells {
            self.left
                .entry(if c.line > 0 { c.line } else { row.line })
                .or_default()
                .push((c.start, c.end, why.to_string()));
        }
    }
}

/// Draft the statement tables of `text` into `d`; the cells taken.
pub fn draft_tables(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    company_unit: &str,
    d: &mut Draft,
    reading: &mut Reading,
) -> Taken {
    let mut taken = Taken::default();
    // Printings of a label so far, by statement title: a supplemental table that repeats the
    // statement's lines ("Services" revenues, Oracle's) counts its own, a page continued under
    // the same title counts on.
    let mut printed: HashMap<(String, String, String), usize> = HashMap::new();
    // Rows drafted from a summary (a transposed table) with a known label, by index in d.rows.
    let mut summary: Vec<usize> = Vec::new();
    let earlier = renamed::EarlierFigures::of(k);
    for t in table::tables(text) {
        // Heads of fiscal labels alone (`1Q08 1Q07 YoY % change`) are the line reader's; quarter
        // labels under their fiscal years (`Fiscal 2014` over `Q1 .. Q4 TOTAL`) are read here.
        if t.heads
            .iter()
            .all(|h| h.end.is_none() && h.months.is_none())
        {
            continue;
        }
        for (c, why) in &t.left {
            taken.leave_cell(c, why);
        }
        let Some(st) = statement_of(&t) else {
            let why = format!(
                "in a table the draft does not read as a statement: \"{}\"",
                t.title
            );
            for row in &t.rows {
                taken.leave(row, &row.cells, &why);
            }
            continue;
        };
        let whens: Vec<Result<When, String>> =
            t.heads.iter().map(|h| periods::when(calendar, h)).collect();
        let units = units::units(&t.scale, company_unit);
        let n = t.heads.len();
        let fits = |cells: usize| cells == n || cells == n + t.changes.len();
        let values: Vec<Vec<Option<String>>> = t
            .rows
            .iter()
            .map(|r| {
                if fits(r.cells.len()) {
                    r.cells[..n].iter().map(|c| c.value.clone()).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let ties = proof::ties(&values);
        let mut tied: HashMap<usize, String> = HashMap::new();
        for tie in &ties {
            let parts: Vec<String> = tie
                .parts
                .iter()
                .map(|(s, p)| format!("{}{}", if *s < 0 { "-" } else { "+" }, t.rows[*p].label))
                .collect();
            let what = format!("\"{}\" = {}", t.rows[tie.total].label, parts.join(" "));
            tied.entry(tie.total)
                .or_insert_with(|| format!("tied: {what}"));
            for (_, p) in &tie.parts {
                tied.entry(*p)
                    .or_insert_with(|| format!("tied: a part of {what}"));
            }
        }
        for (r, why) in per_share_ties(k, &t, &values, &units) {
            tied.entry(r).or_insert(why);
        }
        let clashes = alias_clashes(k, st, &t, &values, &ties);
        let parts_of = breakdown_sections(&t, &values);
        let mut concept_of: Vec<Option<String>> = vec![None; t.rows.len()];
        for (ri, row) in t.rows.iter().enumerate() {
            if values[ri].is_empty() {
                let why = format!(
                    "the row prints {} cells under {} column heads ({}): which cell is which \
                     period, the layout does not say",
                    row.cells.len(),
                    n + t.changes.len(),
                    t.heads[0].printed
                );
                taken.leave(row, &row.cells, &why);
                continue;
            }
            if !row.label.chars().any(char::is_alphabetic) {
                taken.leave(
                    row,
                    &row.cells,
                    "a row with no label (a subtotal?): place it by hand",
                );
                continue;
            }
            // A balance (a standard balance-sheet concept's label) in an income statement's
            // columns of periods is not what the layout seems (a cash-flow statement's
            // "Inventories" is a change, and its own).
            let balance = k.named.get(&normalize(&row.label)).is_some_and(|cs| {
                cs.iter().any(|c| {
                    k.tables
                        .get(c)
                        .is_some_and(|t| t.iter().all(|t| t == "balance_sheet"))
                })
            });
            // Or by its figures: an amount of a half (or year) equal to its last quarter's is
            // a balance (average share counts may well be equal).
            let amount = units::measure(&row.label, &row.section, &row.cells[0].printed)
                == units::Measure::Amount;
            let balance = balance
                || amount && {
                    let same_end = |a: usize, b: usize| {
                        t.heads[a].end.is_some() && t.heads[a].end == t.heads[b].end
                    };
                    (0..n).any(|a| {
                        (0..n).any(|b| {
                            t.heads[a].months.unwrap_or(0) > 3
                                && t.heads[b].months == Some(3)
                                && same_end(a, b)
                                && values[ri][a].is_some()
                                && values[ri][a] == values[ri][b]
                                && values[ri][a].as_deref() != Some("0")
                        })
                    })
                };
            if balance && st == Statement::Income {
                taken.leave(
                    row,
                    &row.cells,
                    "a balance-sheet label under heads of periods: place it by hand",
                );
                continue;
            }
            taken.leave(row, &row.cells[n..], "a change column");
            let first = &row.cells[0].printed;
            let mut measure = units::measure(&row.label, &row.section, first);
            if t.transposed && row.section == "%" {
                measure = units::Measure::Percent;
            }
            // Percentages under "AS REPORTED REVENUE GROWTH RATES" (Oracle's supplemental
            // tables): each column's change on the same period a year before, of the line the
            // table printed above under that label; at constant currency, no change of a printed
            // level.
            let growth = |s: &str| {
                let s = s.to_lowercase();
                s.contains("growth") || s.contains("change")
            };
            if measure == units::Measure::Percent && !t.transposed && growth(&row.section) {
                let as_reported = !row.section.to_lowercase().contains("constant currency");
                let level = (0..ri).rev().find(|&r| {
                    normalize(&t.rows[r].label) == normalize(&row.label) && concept_of[r].is_some()
                });
                let (true, Some(r)) = (as_reported, level) else {
                    taken.leave(
                        row,
                        &row.cells,
                        "a growth rate at constant currency, or of no line the table prints: \
                         place it by hand",
                    );
                    continue;
                };
                let concept = concept_of[r].clone().unwrap_or_default();
                let table = d
                    .rows
                    .iter()
                    .rev()
                    .find(|x| x.item == concept && x.line == t.rows[r].line)
                    .map_or_else(|| st.table().to_string(), |x| x.table.clone());
                for (ci, cell) in row.cells.iter().take(n).enumerate() {
                    let (Some(value), Ok(When::Period(p))) = (cell.value.clone(), &whens[ci])
                    else {
                        taken.leave(row, std::slice::from_ref(cell), "no period or no number");
                        continue;
                    };
                    let line = if cell.line > 0 { cell.line } else { row.line };
                    taken.cells.push((line, cell.start, cell.end));
                    // Its dates are filled in with every row's (draft::draft).
                    d.rows.push(DraftRow {
                        table: table.clone(),
                        period: p.clone(),
                        start: String::new(),
                        end: String::new(),
                        item: concept.clone(),
                        comparison: "yoy_pct".to_string(),
                        value,
                        unit: "%".to_string(),
                        section: t.title.clone(),
                        label: row.label.clone(),
                        printed: cell.printed.clone(),
                        placement: "label",
                        measure: "amount",
                        certainty: Certainty::Review,
                        how: vec![format!(
                            "a growth rate under \"{}\": {concept}'s change on the same period a \
                             year before (line {})",
                            row.section, t.rows[r].line
                        )],
                        line,
                    });
                }
                continue;
            }
            if t.transposed
                && row.section.eq_ignore_ascii_case("yen")
                && measure != units::Measure::PerShare
            {
                taken.leave(
                    row,
                    &row.cells,
                    "a figure in yen (not millions) that is not per share: place it by hand",
                );
                continue;
            }

            // A summary restates the statements: its labels are no printing of their own.
            let nth = if t.transposed {
                0
            } else {
                let table = if t.counted.is_some() {
                    "kpis"
                } else {
                    st.table()
                };
                let c = printed
                    .entry((t.title.clone(), table.to_string(), normalize(&row.label)))
                    .or_default();
                *c += 1;
                *c - 1
            };
            let m = match &t.counted {
                Some(_) => counted(k, reading, &row.label, nth),
                None if parts_of.contains(&ri) => {
                    let known = |c: &str| earlier.knows(c);
                    part_of(
                        k,
                        &known,
                        reading,
                        st.table(),
                        &row.section,
                        &row.label,
                        nth,
                    )
                }
                None => meaning(
                    k,
                    reading,
                    st,
                    &row.label,
                    measure,
                    nth,
                    !clashes.contains(&ri),
                ),
            };
            let unit = match (&t.counted, measure) {
                (Some(u), _) => u.clone(),
                (None, units::Measure::Shares) => {
                    units::shares_of_section(&row.section).unwrap_or_else(|| units.of(measure))
                }
                (None, _) => units.of(measure),
            };
            let comparatives: Vec<(String, f64)> = row
                .cells
                .iter()
                .take(n)
                .enumerate()
                .filter_map(|(ci, c)| {
                    let v = c.value.as_deref()?.parse().ok()?;
                    match &whens[ci] {
                        Ok(When::Period(p)) => Some((p.clone(), v)),
                        Ok(When::Date(day)) => Some((day.to_string(), v)),
                        Err(_) => None,
                    }
                })
                .collect();
            let m = renamed::by_figures(
                &earlier,
                reading,
                m,
                &row.label,
                nth,
                &comparatives,
                &unit,
                &concept_of,
            );
            concept_of[ri] = Some(m.concept.clone());
            let proposed = reading.concepts.len();
            let placed_before = d.rows.len();
            if !m.known
                && !earlier.knows(&m.concept)
                && !reading.concepts.iter().any(|c| c.concept == m.concept)
            {
                let (kind, dimension) = match measure {
                    _ if t.counted.is_some() => ("count", "count"),
                    units::Measure::Shares => ("count", "count"),
                    units::Measure::Percent => ("ratio", "percent"),
                    units::Measure::PerShare => ("amount", "currency_per_share"),
                    _ => ("amount", "currency"),
                };
                reading.concepts.push(NewConcept {
                    concept: m.concept.clone(),
                    label: row.label.clone(),
                    parent: String::new(),
                    components: String::new(),
                    kind,
                    dimension,
                    sort_order: reading.concepts.len() + 1,
                    note: format!("proposed by the draft: first printed in {}", t.title),
                });
            }
            for (ci, cell) in row.cells.iter().take(n).enumerate() {
                let Some(value) = cell.value.clone() else {
                    continue;
                };
                let (period, start, end, pinned) = match &whens[ci] {
                    Ok(When::Period(p)) => {
                        let dates = calendar.period(p).ok();
                        (
                            p.clone(),
                            dates
                                .as_ref()
                                .map(|d| d.start.to_string())
                                .unwrap_or_default(),
                            dates
                                .as_ref()
                                .map(|d| d.end.to_string())
                                .unwrap_or_default(),
                            Ok(()),
                        )
                    }
                    Ok(When::Date(day)) => {
                        (day.to_string(), String::new(), day.to_string(), Ok(()))
                    }
                    Err(e) => (String::new(), String::new(), String::new(), Err(e.clone())),
                };
                // A balance-sheet figure needs a date, a flow a period: a head that gives the
                // other is no place for it.
                let fits_table = match (&whens[ci], m.table.as_str()) {
                    (Ok(When::Date(_)), "balance_sheet") => true,
                    (Ok(When::Date(_)), _) | (Ok(When::Period(_)), "balance_sheet") => false,
                    _ => true,
                };
                if let Err(e) = pinned {
                    taken.leave(row, std::slice::from_ref(cell), &e);
                    continue;
                }
                if !fits_table {
                    taken.leave(
                        row,
                        std::slice::from_ref(cell),
                        &format!(
                            "{} is a concept of {}, but its column is {}",
                            m.concept,
                            m.table,
                            if m.table == "balance_sheet" {
                                "a period"
                            } else {
                                "a date"
                            }
                        ),
                    );
                    continue;
                }
                let mut how = vec![format!(
                    "table row of {} ({}): {}; column \"{}\" = {period}",
                    t.title,
                    st.table(),
                    m.how,
                    t.heads[ci].printed
                )];
                // A comparative printed again: the earlier printing confirms it, or it differs
                // (a restatement, or a misreading: for review either way).
                let earlier = k.values.get(&(
                    m.table.clone(),
                    m.concept.clone(),
                    period.clone(),
                    unit.clone(),
                ));
                let mut confirmed = None;
                let mut differs = false;
                if let Some((before, release)) = earlier {
                    let same = before.parse::<f64>().ok() == value.parse::<f64>().ok();
                    if same {
                        confirmed = Some(format!("tied: as {release} printed it"));
                    } else {
                        differs = true;
                        how.push(format!(
                            "FLAGGED: {release} printed {before}: a restatement, or a misreading"
                        ));
                        reading.restated.push(Restated {
                            table: m.table.clone(),
                            concept: m.concept.clone(),
                            period: period.clone(),
                            release: release.clone(),
                            unit: unit.clone(),
                        });
                    }
                }
                let proof = tied.get(&ri).cloned().or(confirmed);
                let certainty = match (m.known, proof.as_ref()) {
                    _ if differs => Certainty::Review,
                    (true, Some(why)) => {
                        how.push(why.clone());
                        Certainty::Certain
                    }
                    (false, Some(why)) => {
                        how.push(why.clone());
                        how.push("the label is new to the company: review the concept".into());
                        Certainty::Review
                    }
                    (_, None) => {
                        how.push("no total of the table proves it".into());
                        Certainty::Review
                    }
                };
                let line = if cell.line > 0 { cell.line } else { row.line };
                taken.cells.push((line, cell.start, cell.end));
                if t.transposed && m.known {
                    summary.push(d.rows.len());
                }
                d.rows.push(DraftRow {
                    table: m.table.clone(),
                    period,
                    start,
                    end,
                    item: m.concept.clone(),
                    comparison: "level".to_string(),
                    value,
                    unit: unit.clone(),
                    section: t.title.clone(),
                    label: row.label.clone(),
                    printed: cell.printed.clone(),
                    placement: "label",
                    measure: "amount",
                    certainty,
                    how,
                    line,
                });
            }
            // A concept none of whose figures could be placed is not proposed.
            let placed = d.rows.len() > placed_before;
            if !placed {
                reading.concepts.truncate(proposed);
                concept_of[ri] = None;
            }
        }
        // The parts a new total is proved to be the sum of, and the total each part is in.
        for tie in &ties {
            let Some(total) = concept_of[tie.total].clone() else {
                continue;
            };
            let parts: Option<Vec<(i8, String)>> = tie
                .parts
                .iter()
                .map(|(s, p)| concept_of[*p].clone().map(|c| (*s, c)))
                .collect();
            let Some(parts) = parts else {
                continue;
            };
            if parts.iter().any(|(_, c)| *c == total) {
                continue;
            }
            let formula: String = parts
                .iter()
                .enumerate()
                .map(|(i, (s, c))| match (i, s) {
                    (0, 1) => c.clone(),
                    (_, 1) => format!("+{c}"),
                    _ => format!("-{c}"),
                })
                .collect();
            // A definition the load's rule checks to one unit: only a tie that close makes one
            // (yen rounded down can leave a total two units off its parts).
            let close = (0..values[tie.total].len()).all(|c| {
                let num = |r: usize| values[r][c].as_deref().and_then(|v| v.parse::<f64>().ok());
                let Some(t) = num(tie.total) else {
                    return true;
                };
                let sum: Option<f64> = tie
                    .parts
                    .iter()
                    .map(|(s, p)| num(*p).map(|v| f64::from(*s) * v))
                    .sum();
                sum.is_none_or(|sum| (sum - t).abs() <= 1.0 + 1e-9)
            });
            if let Some(def) = reading.concepts.iter_mut().find(|c| c.concept == total) {
                if def.components.is_empty() && !formula.starts_with('-') && close {
                    def.components = formula;
                }
            }
            for (s, part) in &parts {
                if *s < 0 {
                    continue;
                }
                if let Some(def) = reading.concepts.iter_mut().find(|c| c.concept == *part) {
                    if def.parent.is_empty() {
                        def.parent = total.clone();
                    }
                }
            }
        }
    }
    // A summary restates the statements: its figure is certain when a certain statement row of
    // the same concept, period and unit prints the same value.
    for &i in &summary {
        let r = &d.rows[i];
        if r.certainty == Certainty::Certain {
            continue;
        }
        let confirmed = d
            .rows
            .iter()
            .enumerate()
            .find(|(j, s)| {
                !summary.contains(j)
                    && s.certainty == Certainty::Certain
                    && (
                        &s.table,
                        &s.item,
                        &s.period,
                        &s.unit,
                        &s.comparison,
                        &s.value,
                    ) == (
                        &r.table,
                        &r.item,
                        &r.period,
                        &r.unit,
                        &r.comparison,
                        &r.value,
                    )
            })
            .map(|(_, s)| {
                format!(
                    "tied: the same figure as \"{}\" of {} (line {})",
                    s.label, s.section, s.line
                )
            });
        if let Some(why) = confirmed {
            let r = &mut d.rows[i];
            r.how.retain(|h| h != "no total of the table proves it");
            r.how.push(why);
            r.certainty = Certainty::Certain;
        }
    }
    taken
}

/// Earnings per share against net income and the share count of the same table: a basic or
/// diluted per-share row ties when net income over its share row, each within the rounding of
/// its printed digits, rounds to the printed figure. Both rows tie then.
// Columns index several rows at once: a range reads plainer than zipped iterators.
fn per_share_ties(
    k: &Knowledge,
    t: &Table,
    values: &[Vec<Option<String>>],
    u: &units::Units,
) -> Vec<(usize, String)> {
    let factor = |unit: &str| -> f64 {
        match unit.split_whitespace().find(|w| scale_factor(w) != 1.0) {
            Some(w) => scale_factor(w),
            None => 1.0,
        }
    };
    let is_net_income = |label: &str| {
        let key = normalize(label);
        key == "net income"
            || key == "net income (loss)"
            || key == "net earnings"
            || k.named.get(&key).is_some_and(|c| c.contains("net_income"))
    };
    let Some(ni) = t
        .rows
        .iter()
        .position(|r| is_net_income(&r.label))
        .filter(|&i| !values[i].is_empty())
    else {
        return Vec::new();
    };
    let measure = |r: &table::Row| {
        units::measure(
            &r.label,
            &r.section,
            r.cells.first().map_or("", |c| c.printed.as_str()),
        )
    };
    let word = |label: &str| {
        let l = label.to_lowercase();
        if l.contains("diluted") {
            "diluted"
        } else if l.contains("basic") {
            "basic"
        } else {
            ""
        }
    };
    let ratio = factor(&u.amount) / factor(&u.shares);
    let num = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<f64>().ok());
    let half = |v: &Option<String>| {
        let places = v
            .as_deref()
            .and_then(|s| s.split_once('.'))
            .map_or(0, |(_, f)| f.len());
        0.5 * 10f64.powi(-(places as i32))
    };
    let mut out = Vec::new();
    for (e, row) in t.rows.iter().enumerate() {
        if values[e].is_empty()
            || measure(row) != units::Measure::PerShare
            || word(&row.label).is_empty()
        {
            continue;
        }
        let Some(s) = t.rows.iter().enumerate().position(|(i, r)| {
            !values[i].is_empty()
                && measure(r) == units::Measure::Shares
                && word(&r.label) == word(&row.label)
        }) else {
            continue;
        };
        let mut all = true;
        let mut some = false;
        for (c, printed_eps) in values[e].iter().enumerate() {
            let (Some(eps), Some(n), Some(sh)) =
                (num(printed_eps), num(&values[ni][c]), num(&values[s][c]))
            else {
                continue;
            };
            if sh <= 1.0 {
                all = false;
                break;
            }
            let (hn, hs, he) = (half(&values[ni][c]), half(&values[s][c]), half(printed_eps));
            let bounds = [
                (n - hn) / (sh + hs),
                (n - hn) / (sh - hs),
                (n + hn) / (sh + hs),
                (n + hn) / (sh - hs),
            ];
            let lo = bounds.iter().copied().fold(f64::INFINITY, f64::min) * ratio;
            let hi = bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max) * ratio;
            if eps + he < lo - 1e-9 || eps - he > hi + 1e-9 {
                all = false;
                break;
            }
            some = true;
        }
        if all && some {
            let what = format!(
                "tied: \"{}\" = \"{}\" / \"{}\" (within rounding)",
                row.label, t.rows[ni].label, t.rows[s].label
            );
            out.push((e, what.clone()));
            out.push((s, what));
        }
    }
    out
}

fn scale_factor(word: &str) -> f64 {
    match word {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        _ => 1.0,
    }
}

/// Rows of a table that prints the same lines for each of three or more parts (Oracle's
/// revenues by region: `Software and cloud revenues` then `Hardware systems revenues` under
/// `AMERICAS`, `EUROPE / MIDDLE EAST / AFRICA`, `ASIA PACIFIC`, then `TOTAL COMPANY`): a part's
/// line, not the company's own, unless under a total's section. The sections must print the
/// very same lines in the same order: a statement's sections share a label or two (products
/// and services under net sales and under cost of sales), not their whole run.
fn breakdown_sections(t: &Table, values: &[Vec<Option<String>>]) -> HashSet<usize> {
    let amount = |row: &table::Row| {
        units::measure(&row.label, &row.section, &row.cells[0].printed) == units::Measure::Amount
    };
    // Each section's run of amount rows, in print order.
    let mut runs: Vec<(&str, Vec<usize>)> = Vec::new();
    for (ri, row) in t.rows.iter().enumerate() {
        if values[ri].is_empty() || row.section.is_empty() || !amount(row) {
            continue;
        }
        match runs.last_mut() {
            Some((section, rows)) if *section == row.section => rows.push(ri),
            _ => runs.push((row.section.as_str(), vec![ri])),
        }
    }
    let labels = |rows: &[usize]| -> Vec<String> {
        rows.iter().map(|&r| normalize(&t.rows[r].label)).collect()
    };
    let mut out = HashSet::new();
    for (section, rows) in &runs {
        let same = runs
            .iter()
            .filter(|(_, other)| labels(other) == labels(rows))
            .count();
        if rows.len() >= 2 && same >= 3 && !section.to_lowercase().starts_with("total") {
            out.extend(rows.iter().copied());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concept_codes_from_labels() {
        assert_eq!(
            slug("Accrued and other current liabilities"),
            "accrued_and_other_current_liabilities"
        );
        assert_eq!(slug("Other, net"), "other_net");
        assert_eq!(slug("2024 notes"), "c_2024_notes");
    }
}
