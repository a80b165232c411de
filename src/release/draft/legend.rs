//! Which concept a chart series is when its line prints no label: first by the release's own
//! arithmetic (a series equal, in every period, to figures the release gives elsewhere for one
//! concept, or to the sum of that concept's parts: a proof), then by the chart's legend printed
//! apart (its entries found as the company's known labels in the legend's words, glued or
//! wrapped as the PDF prints them). A legend names its series in the order the runs print them
//! or the reverse; the series the arithmetic identified say which, and the rest follow that
//! order: layout, for review. Nothing is guessed where the identified series do not settle it.

use super::*;
use crate::release::read::cells::Cell;
use std::cmp::Reverse;

/// The figures the draft already holds, by (concept, period): value, and the section it is in
/// (a chart is not evidence for itself).
pub(super) struct Figures {
    by: HashMap<(String, String), Vec<(f64, String)>>,
}

impl Figures {
    pub(super) fn of(d: &Draft, unit: &str) -> Figures {
        let mut by: HashMap<(String, String), Vec<(f64, String)>> = HashMap::new();
        for r in d.rows.iter().filter(|r| {
            r.comparison == "level" && r.unit == unit && r.measure == "amount" && !r.item.is_empty()
        }) {
            by.entry((r.item.clone(), r.period.clone()))
                .or_default()
                .push((as_f64(&r.value), r.section.clone()));
        }
        Figures { by }
    }

    /// The figures of `concept` at `period` outside `section`: stated, or the sum of its parts
    /// (with the parts' rounding: half a unit each).
    fn at(&self, k: &Knowledge, concept: &str, period: &str, section: &str) -> Vec<(f64, f64)> {
        let direct = |c: &str| -> Vec<f64> {
            self.by
                .get(&(c.to_string(), period.to_string()))
                .map(|v| {
                    v.iter()
                        .filter(|(_, s)| s != section)
                        .map(|(x, _)| *x)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut out: Vec<(f64, f64)> = direct(concept).into_iter().map(|v| (v, 0.0)).collect();
        if let Some(parts) = k.components.get(concept) {
            let values: Option<Vec<f64>> = parts
                .iter()
                .map(|(s, p)| direct(p).first().map(|v| f64::from(*s) * v))
                .collect();
            if let Some(values) = values {
                out.push((values.iter().sum(), 0.5 * values.len() as f64));
            }
        }
        out
    }

    /// How many of a series' numbers agree with the figures of `concept` at their periods, and
    /// how many differ.
    pub(super) fn agreement(
        &self,
        k: &Knowledge,
        concept: &str,
        cells: &[Cell],
        periods: &[String],
        section: &str,
    ) -> (usize, usize) {
        let (mut agree, mut differ) = (0, 0);
        for (c, p) in cells.iter().zip(periods) {
            let Some(v) = c.value.as_deref().map(as_f64) else {
                continue;
            };
            let found = self.at(k, concept, p, section);
            if found.is_empty() {
                continue;
            }
            if found.iter().any(|(x, slack)| (x - v).abs() <= slack + 1e-9) {
                agree += 1;
            } else {
                differ += 1;
            }
        }
        (agree, differ)
    }

    /// The figures of `concept` at `period`, in any section.
    fn values(&self, concept: &str, period: &str) -> Vec<f64> {
        self.by
            .get(&(concept.to_string(), period.to_string()))
            .map(|v| v.iter().map(|(x, _)| *x).collect())
            .unwrap_or_default()
    }

    /// The concepts the draft holds figures of, or could sum from their parts.
    pub(super) fn concepts(&self, k: &Knowledge) -> Vec<String> {
        let mut c: BTreeSet<String> = self.by.keys().map(|(c, _)| c.clone()).collect();
        c.extend(k.components.keys().cloned());
        c.into_iter().collect()
    }
}

/// The concept an unlabeled series is by the arithmetic alone: the one concept whose figures
/// (or parts' sums) it equals in at least three periods, and in none differs from.
pub(super) fn by_arithmetic(
    k: &Knowledge,
    figures: &Figures,
    cells: &[Cell],
    periods: &[String],
    section: &str,
) -> Option<(String, usize)> {
    let fits: Vec<(String, usize)> = figures
        .concepts(k)
        .into_iter()
        .filter_map(|c| {
            let (agree, differ) = figures.agreement(k, &c, cells, periods, section);
            (agree >= 3.min(periods.len()) && differ == 0).then_some((c, agree))
        })
        .collect();
    match fits.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The concept a ratio series is the share of revenues of, by the arithmetic: the one concept
/// (an income item) whose figures over total revenues' give the series' numbers, within the
/// rounding of both, in at least three periods and differ in none.
pub(super) fn share_of_revenues(
    k: &Knowledge,
    figures: &Figures,
    cells: &[Cell],
    periods: &[String],
) -> Option<(String, usize)> {
    let revenues = k
        .own
        .get("total_revenues")
        .map_or("total_revenues", String::as_str);
    let fits: Vec<(String, usize)> = figures
        .concepts(k)
        .into_iter()
        .filter(|c| {
            c != revenues
                && k.tables
                    .get(c)
                    .is_some_and(|t| t.iter().any(|t| t == "income_items"))
        })
        .filter_map(|c| {
            let (mut agree, mut differ) = (0, 0);
            for (cell, p) in cells.iter().zip(periods) {
                let Some(v) = cell.value.as_deref() else {
                    continue;
                };
                let half =
                    0.5 * 10f64.powi(-(v.split_once('.').map_or(0, |(_, f)| f.len()) as i32));
                let v = as_f64(v);
                let (xs, rs) = (figures.values(&c, p), figures.values(revenues, p));
                if xs.is_empty() || rs.is_empty() {
                    continue;
                }
                let fits = xs.iter().any(|x| {
                    rs.iter().any(|r| {
                        let ends = [
                            (x - 0.5) / (r - 0.5),
                            (x - 0.5) / (r + 0.5),
                            (x + 0.5) / (r - 0.5),
                            (x + 0.5) / (r + 0.5),
                        ]
                        .map(|e| e * 100.0);
                        let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = ends.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        *r > 0.5 && v + half >= lo - 1e-9 && v - half <= hi + 1e-9
                    })
                });
                if fits {
                    agree += 1;
                } else {
                    differ += 1;
                }
            }
            (agree >= 3.min(periods.len()) && differ == 0).then_some((c, agree))
        })
        .collect();
    match fits.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// Numbers a deck prints alone (on lines of numbers only: a stacked chart's totals, set apart
/// from their bars) that equal the sum of a concept's parts, as drafted, in exactly one period
/// where the concept has no figure yet: that concept's figure of that period, proved by the
/// sum, for review. A concept whose parts are all revenue lines is one.
pub(super) fn totals_apart(
    k: &Knowledge,
    calendar: &Calendar,
    apart: &HashMap<(usize, String), String>,
    text: &str,
    unit: &str,
    d: &mut Draft,
) {
    // (concept, period) -> (sum, slack, table) of every concept whose parts are all drafted.
    let mut levels: HashMap<(&str, &str), (f64, &str)> = HashMap::new();
    for r in d.rows.iter().filter(|r| {
        r.comparison == "level" && r.unit == unit && r.measure == "amount" && !r.item.is_empty()
    }) {
        levels
            .entry((r.item.as_str(), r.period.as_str()))
            .or_insert((as_f64(&r.value), r.table.as_str()));
    }
    let periods: BTreeSet<&str> = levels.keys().map(|(_, p)| *p).collect();
    let mut sums: Vec<(String, String, f64, f64, String)> = Vec::new();
    for (concept, parts) in &k.components {
        for &p in &periods {
            if levels.contains_key(&(concept.as_str(), p)) {
                continue;
            }
            let found: Option<Vec<(f64, &str)>> = parts
                .iter()
                .map(|(sign, part)| {
                    levels
                        .get(&(part.as_str(), p))
                        .map(|(v, t)| (f64::from(*sign) * v, *t))
                })
                .collect();
            let Some(found) = found else {
                continue;
            };
            let table = if found.iter().all(|(_, t)| *t == "revenue_lines") {
                "revenue_lines".to_string()
            } else {
                "income_items".to_string()
            };
            let sum: f64 = found.iter().map(|(v, _)| v).sum();
            let slack = 0.5 * (parts.len() + 1) as f64;
            sums.push((concept.clone(), p.to_string(), sum, slack, table));
        }
    }
    // A quarter of a half is the half less its other quarter, when the draft has both: only
    // for a number of a chart's column printed apart under that quarter's label (a text of
    // one number to a line prints many numbers alone, of other columns).
    let quarters_from = sums.len();
    for ((concept, p), (half, table)) in &levels {
        let Ok(h) = calendar.period(p) else {
            continue;
        };
        if h.kind != "half" {
            continue;
        }
        let [first, second] = [1, 2].map(|n| {
            let label = format!("{}Q{}", 2 * (h.seq - 1) + n, &p[2..]);
            calendar
                .period(&label)
                .ok()
                .filter(|q| q.kind == "quarter" && (q.start == h.start || q.end == h.end))
                .map(|q| q.label)
        });
        let (Some(first), Some(second)) = (first, second) else {
            continue;
        };
        for (q, other) in [(&first, &second), (&second, &first)] {
            if levels.contains_key(&(*concept, q.as_str())) {
                continue;
            }
            if let Some((o, _)) = levels.get(&(*concept, other.as_str())) {
                sums.push((
                    concept.to_string(),
                    q.clone(),
                    half - o,
                    0.5,
                    table.to_string(),
                ));
            }
        }
    }
    if sums.is_empty() {
        return;
    }
    let mut taken: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty()
            || !words
                .iter()
                .all(|w| crate::release::read::cells::value_of(w).is_some())
        {
            continue;
        }
        for w in words {
            let Some(v) = crate::release::read::cells::value_of(w).map(|v| as_f64(&v)) else {
                continue;
            };
            if v.abs() < 100.0 || !d.unplaced.iter().any(|u| u.line == i + 1 && u.printed == w) {
                continue;
            }
            let column = apart.get(&(i + 1, w.to_string()));
            let fits: Vec<&(String, String, f64, f64, String)> = sums
                .iter()
                .enumerate()
                .filter(|(n, (_, p, _, _, _))| *n < quarters_from || column == Some(p))
                .map(|(_, s)| s)
                .filter(|(_, _, sum, slack, _)| (sum - v).abs() <= slack + 1e-9)
                .collect();
            let [(concept, period, sum, _, table)] = fits.as_slice() else {
                continue;
            };
            taken.push((i + 1, w.to_string()));
            d.rows.push(DraftRow {
                table: table.clone(),
                period: period.clone(),
                start: String::new(),
                end: String::new(),
                item: concept.clone(),
                comparison: "level".to_string(),
                value: crate::release::read::cells::value_of(w).unwrap_or_default(),
                unit: unit.to_string(),
                section: String::new(),
                label: label_in_text(k, text, concept)
                    .unwrap_or_else(|| format!("(printed alone: {concept})")),
                printed: w.to_string(),
                placement: "reconciled",
                measure: "amount",
                certainty: Certainty::Review,
                how: vec![format!(
                    "a number printed alone, equal to the sum of {concept}'s parts in {period} as \
                     drafted ({sum}; a quarter's parts: its half less its other quarter), and to \
                     no other concept's in any period: {concept} of {period}, with no label of \
                     its own"
                )],
                line: i + 1,
            });
        }
    }
    d.unplaced
        .retain(|u| !taken.iter().any(|(l, p)| *l == u.line && *p == u.printed));
}

/// A label of `concept` as the release prints it (its words as printed, however wrapped), for
/// a figure printed without one on its line: the longest of its known labels the text holds.
pub(super) fn label_in_text(k: &Knowledge, text: &str, concept: &str) -> Option<String> {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = folded.to_ascii_lowercase();
    k.named
        .iter()
        .filter(|(label, concepts)| {
            label.len() >= 5
                && concepts
                    .iter()
                    .any(|c| c == concept || k.own.get(c).is_some_and(|o| o == concept))
        })
        .filter_map(|(label, _)| {
            let at = lower.find(label.as_str())?;
            folded.get(at..at + label.len()).map(str::to_string)
        })
        .max_by_key(|l| (l.len(), l.clone()))
}

/// The concepts a chart's legend names, in printed order: the longest known labels found in its
/// words, each at word boundaries (or where the PDF glued two entries: `SalesSystems`). An
/// entry followed by "ratio" or "rate" names a ratio, not the concept.
pub(super) fn legend_concepts(k: &Knowledge, legend: &[(usize, String)]) -> Vec<String> {
    let joined = legend
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('’', "'");
    let lower = joined.to_ascii_lowercase();
    let b = joined.as_bytes();
    let glued = |i: usize| i > 0 && b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase();
    let word = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (label, concepts) in &k.named {
        let concepts: BTreeSet<&String> =
            concepts.iter().map(|c| k.own.get(c).unwrap_or(c)).collect();
        if label.len() < 5 || concepts.len() != 1 {
            continue;
        }
        let concept = concepts.into_iter().next().expect("one concept").clone();
        for (i, _) in lower.match_indices(label.as_str()) {
            let end = i + label.len();
            let starts = i == 0 || !word(i - 1) || glued(i);
            let ends = end == b.len() || !word(end) || glued(end);
            let rest = lower[end..].trim_start();
            let ratio = rest.starts_with("ratio") || rest.starts_with("rate");
            if starts && ends && !ratio {
                found.push((i, end, concept.clone()));
            }
        }
    }
    found.sort_by_key(|(s, e, c)| (Reverse(e - s), *s, c.clone()));
    let mut kept: Vec<(usize, usize, String)> = Vec::new();
    for f in found {
        if kept.iter().all(|t| f.1 <= t.0 || f.0 >= t.1) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|t| t.0);
    let mut out: Vec<String> = Vec::new();
    for (_, _, c) in kept {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Unlabeled series (printed order) to legend concepts (printed order), given the pairs already
/// known: the rest follow the legend's order or its reverse, whichever alone agrees with every
/// known pair; by elimination when one of each is left. (series, concept, how).
pub(super) fn by_legend(
    series: &[usize],
    legend: &[String],
    known: &[(usize, String)],
) -> Vec<(usize, String, String)> {
    let open: Vec<usize> = series
        .iter()
        .copied()
        .filter(|s| !known.iter().any(|(k, _)| k == s))
        .collect();
    let free: Vec<&String> = legend
        .iter()
        .filter(|c| !known.iter().any(|(_, k)| k == *c))
        .collect();
    if open.is_empty() || open.len() != free.len() {
        return Vec::new();
    }
    if open.len() == 1 {
        return vec![(
            open[0],
            free[0].clone(),
            format!(
                "layout: the one series of its chart left for the one legend entry left ({})",
                free[0]
            ),
        )];
    }
    if series.len() != legend.len() || known.is_empty() {
        return Vec::new();
    }
    let n = series.len();
    let fits = |reverse: bool| {
        known.iter().all(|(s, c)| {
            let i = series.iter().position(|x| x == s);
            let j = legend.iter().position(|x| x == c);
            matches!((i, j), (Some(i), Some(j)) if (if reverse { n - 1 - i } else { i }) == j)
        })
    };
    let reverse = match (fits(false), fits(true)) {
        (true, false) => false,
        (false, true) => true,
        _ => return Vec::new(),
    };
    open.iter()
        .map(|&s| {
            let i = series.iter().position(|x| *x == s).expect("a series");
            let j = if reverse { n - 1 - i } else { i };
            (
                s,
                legend[j].clone(),
                format!(
                    "layout: the legend names its series in the {} order of their runs, as the \
                     series identified by arithmetic show; this one is entry {} ({})",
                    if reverse { "reverse" } else { "same" },
                    j + 1,
                    legend[j]
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_order_follows_the_identified_series() {
        let legend: Vec<String> = ["e", "s", "o", "v", "c"].map(String::from).to_vec();
        // Runs printed c, v, o, s, e; c and v identified by arithmetic.
        let known = vec![(0, "c".to_string()), (1, "v".to_string())];
        let got = by_legend(&[0, 1, 2, 3, 4], &legend, &known);
        let pairs: Vec<(usize, &str)> = got.iter().map(|(s, c, _)| (*s, c.as_str())).collect();
        assert_eq!(pairs, [(2, "o"), (3, "s"), (4, "e")]);
        // One identified series in the middle agrees with both orders: nothing is placed.
        assert!(by_legend(&[0, 1, 2], &legend[..3], &[(1, "s".to_string())]).is_empty());
        // One of each left: by elimination.
        let got = by_legend(&[7], &["x".to_string(), "y".to_string()], &[]);
        assert!(got.is_empty());
        let got = by_legend(
            &[7, 8],
            &["x".to_string(), "y".to_string()],
            &[(8, "y".into())],
        );
        assert_eq!((got[0].0, got[0].1.as_str()), (7, "x"));
    }

    #[test]
    fn legend_entries_glued_or_wrapped_are_found() {
        let mut k = Knowledge::default();
        for (label, c) in [
            ("equipment sales", "equipment_sales"),
            ("systems integration (one-time)", "si_one_time"),
            ("value-added services", "value_added_services"),
            ("value-added services and other revenues", "vas_and_other"),
            ("sales", "total_revenues"),
            ("gross margin", "gross_profit"),
        ] {
            k.named
                .entry(label.to_string())
                .or_default()
                .insert(c.to_string());
        }
        // IIJ 2Q06, lines 241-249.
        let legend: Vec<(usize, String)> = [
            "Equipment SalesSystems Integration (One-time)",
            "Value-added Services",
            "and Other Revenues",
            "Services Gross Margin Ratio",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.to_string()))
        .collect();
        assert_eq!(
            legend_concepts(&k, &legend),
            ["equipment_sales", "si_one_time", "vas_and_other"]
        );
    }

    #[test]
    fn a_quarter_printed_apart_is_its_half_less_its_other_quarter() {
        let cal = Calendar::months(4, true);
        let draft = || {
            let mut d = Draft::default();
            for (period, value) in [("1H06", "1370"), ("2Q06", "811")] {
                d.rows.push(DraftRow {
                    table: "income_items".into(),
                    period: period.into(),
                    start: String::new(),
                    end: String::new(),
                    item: "operating_income".into(),
                    comparison: "level".into(),
                    value: value.into(),
                    unit: "JPY million".into(),
                    section: String::new(),
                    label: String::new(),
                    printed: value.into(),
                    placement: "layout",
                    measure: "amount",
                    certainty: Certainty::Review,
                    how: Vec::new(),
                    line: 9,
                });
            }
            d.unplaced.push(Unplaced {
                line: 1,
                printed: "559".into(),
                context: String::new(),
                why: String::new(),
            });
            d
        };
        // IIJ 2Q06, lines 303-305: a chart's column printed apart, under its quarter's label.
        let text = "559\n\n1Q06";
        let apart: HashMap<(usize, String), String> =
            [((1, "559".to_string()), "1Q06".to_string())].into();
        let mut d = draft();
        totals_apart(
            &Knowledge::default(),
            &cal,
            &apart,
            text,
            "JPY million",
            &mut d,
        );
        assert_eq!(
            (d.rows[2].period.as_str(), d.rows[2].value.as_str()),
            ("1Q06", "559")
        );
        // Not a chart's column: left.
        let mut d = draft();
        totals_apart(
            &Knowledge::default(),
            &cal,
            &HashMap::new(),
            text,
            "JPY million",
            &mut d,
        );
        assert_eq!(d.rows.len(), 2);
    }
}
