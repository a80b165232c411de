//! A chart's own arithmetic: in a stacked chart one series (the total) is the sum of all the
//! others in every column. Where a run cuts more than one way, or prints more numbers than the
//! axis has labels, the cut and the numbers under the labels are the ones that make the total
//! tie, and only when exactly one choice does. A series the arithmetic does not reach is placed
//! by its order alone when its run cuts one way into as many numbers as the axis has labels, or
//! prints as many as a series the arithmetic placed (the same periods, in the same order): such a
//! placement is layout, never proof.

use super::{Cell, Chart};

/// How a series' numbers came to stand under the axis labels.
#[derive(Debug, Clone, PartialEq)]
pub enum Placed {
    /// The total of the chart: the sum of these series in every column.
    Total { parts: Vec<usize> },
    /// A part of the total series `total`.
    Part { total: usize },
    /// As many numbers as the proved series `like`, taken at the same places of the run.
    Alike { like: usize },
    /// As many numbers as the proved series on `line` of another chart over the same axis
    /// (its `axis_line`), taken at the same places of the run.
    AlikeElsewhere { axis_line: usize, line: usize },
    /// Its only cut, one number per label, in order: layout alone.
    Layout,
}

/// A series whose numbers stand under the axis labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// Index of the series in the chart.
    pub series: usize,
    /// One number per axis label, in the axis' order.
    pub cells: Vec<Cell>,
    /// Numbers of the run under no label of the axis (periods it does not print).
    pub between: Vec<Cell>,
    pub placed: Placed,
    /// Numbers of columns printed apart (`columns`): (period, cell, why).
    pub apart: Vec<(String, Cell, String)>,
}

/// Combinations weighed per chart at most: beyond, the chart is left to layout.
const BUDGET: usize = 500_000;

/// One way a series' numbers can stand under the labels: the cut, and the places of the cut
/// under the labels.
struct Choice {
    cut: usize,
    at: Vec<usize>,
    values: Vec<f64>,
    places: usize,
}

/// The series of `chart` whose numbers stand under its labels, and how.
pub fn settle(chart: &Chart) -> Vec<Settled> {
    let n = chart.periods.len();
    let choices: Vec<Vec<Choice>> = chart.series.iter().map(|s| choices(s, n)).collect();
    let amounts: Vec<usize> = (0..chart.series.len())
        .filter(|&i| !chart.series[i].percent && !choices[i].is_empty())
        .collect();
    // Every (total, parts) choice that ties, as the choice index of each series.
    let mut solutions: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut spent = 0;
    if amounts.len() >= 3 {
        for &total in &amounts {
            let parts: Vec<usize> = amounts.iter().copied().filter(|&p| p != total).collect();
            let mut picked = Vec::new();
            search(
                &choices,
                total,
                &parts,
                &mut picked,
                &mut spent,
                &mut solutions,
            );
        }
    }
    // One set of values, however many places give it (a value printed twice in a row).
    let values_of = |s: &Vec<(usize, usize)>| -> Vec<Vec<String>> {
        s.iter()
            .map(|&(i, c)| {
                choices[i][c]
                    .values
                    .iter()
                    .map(|v| format!("{v:.6}"))
                    .collect()
            })
            .collect()
    };
    let proved = if spent <= BUDGET {
        let mut distinct: Vec<Vec<Vec<String>>> = solutions.iter().map(values_of).collect();
        distinct.sort();
        distinct.dedup();
        (distinct.len() == 1).then(|| solutions[0].clone())
    } else {
        None
    };
    let mut out = Vec::new();
    let take = |i: usize, c: &Choice, placed: Placed| {
        let cut = &chart.series[i].cuts[c.cut];
        Settled {
            series: i,
            cells: c.at.iter().map(|&p| cut[p].clone()).collect(),
            between: (0..cut.len())
                .filter(|p| !c.at.contains(p))
                .map(|p| cut[p].clone())
                .collect(),
            placed,
            apart: Vec::new(),
        }
    };
    if let Some(solution) = &proved {
        let total = solution[0].0;
        let parts: Vec<usize> = solution[1..].iter().map(|s| s.0).collect();
        for (k, &(i, c)) in solution.iter().enumerate() {
            let placed = if k == 0 {
                Placed::Total {
                    parts: parts.clone(),
                }
            } else {
                Placed::Part { total }
            };
            out.push(take(i, &choices[i][c], placed));
        }
    }
    for (i, s) in chart.series.iter().enumerate() {
        if out.iter().any(|o| o.series == i) || s.cuts.len() != 1 {
            continue;
        }
        let m = s.cuts[0].len();
        if m == n && !choices[i].is_empty() {
            out.push(take(i, &choices[i][0], Placed::Layout));
            continue;
        }
        // A run as long as a proved one's: the same periods, at the same places.
        let like = proved
            .iter()
            .flatten()
            .find(|&&(j, c)| m > n && chart.series[j].cuts[choices[j][c].cut].len() == m);
        if let Some(&(j, c)) = like {
            let choice = Choice {
                cut: 0,
                at: choices[j][c].at.clone(),
                values: Vec::new(),
                places: 0,
            };
            out.push(take(i, &choice, Placed::Alike { like: j }));
        }
    }
    out.sort_by_key(|s| s.series);
    out
}

/// Series of `chart` no sum placed whose run prints as many numbers as a proved series of
/// `other`, a chart over the same axis (a deck prints its charts' extra periods alike): placed
/// at the same places of the run, as layout.
pub fn settle_alike(chart: &Chart, settled: &mut Vec<Settled>, other: &Chart, theirs: &[Settled]) {
    if chart.periods != other.periods {
        return;
    }
    let n = chart.periods.len();
    for (i, s) in chart.series.iter().enumerate() {
        let [cut] = s.cuts.as_slice() else {
            continue;
        };
        if cut.len() <= n || settled.iter().any(|x| x.series == i) {
            continue;
        }
        // A proved run of as many numbers: the places of its numbers under the labels.
        let like = theirs.iter().find_map(|t| {
            if !matches!(t.placed, Placed::Total { .. } | Placed::Part { .. }) {
                return None;
            }
            let run = other.series[t.series]
                .cuts
                .iter()
                .find(|c| c.len() == cut.len() && t.cells.iter().all(|x| c.contains(x)))?;
            let at: Vec<usize> = t
                .cells
                .iter()
                .filter_map(|x| run.iter().position(|c| c == x))
                .collect();
            Some((other.series[t.series].line, at))
        });
        let Some((line, at)) = like else {
            continue;
        };
        settled.push(Settled {
            series: i,
            cells: at.iter().map(|&p| cut[p].clone()).collect(),
            between: (0..cut.len())
                .filter(|p| !at.contains(p))
                .map(|p| cut[p].clone())
                .collect(),
            placed: Placed::AlikeElsewhere {
                axis_line: other.axis_line,
                line,
            },
            apart: Vec::new(),
        });
    }
    settled.sort_by_key(|s| s.series);
}

/// The ways a series' numbers can stand under `n` labels.
fn choices(s: &super::Series, n: usize) -> Vec<Choice> {
    let mut out = Vec::new();
    for (k, cut) in s.cuts.iter().enumerate() {
        let values: Option<Vec<f64>> = cut
            .iter()
            .map(|c| c.value.as_deref().and_then(|v| v.parse().ok()))
            .collect();
        let Some(values) = values else {
            continue;
        };
        let places = cut
            .iter()
            .filter_map(|c| c.value.as_deref())
            .map(|v| v.split_once('.').map_or(0, |(_, f)| f.len()))
            .max()
            .unwrap_or(0);
        for at in combinations(cut.len(), n) {
            out.push(Choice {
                cut: k,
                values: at.iter().map(|&p| values[p]).collect(),
                at,
                places,
            });
        }
    }
    out
}

/// The ways to choose `n` of `m` places, in order.
pub(super) fn combinations(m: usize, n: usize) -> Vec<Vec<usize>> {
    fn grow(from: usize, m: usize, n: usize, at: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if at.len() == n {
            out.push(at.clone());
            return;
        }
        for p in from..m {
            if m - p < n - at.len() {
                break;
            }
            at.push(p);
            grow(p + 1, m, n, at, out);
            at.pop();
        }
    }
    let mut out = Vec::new();
    if n <= m {
        grow(0, m, n, &mut Vec::new(), &mut out);
    }
    out
}

/// Every choice of the total's and the parts' numbers that ties in every column, within the
/// rounding of the printed digits (half a unit of each term).
fn search(
    choices: &[Vec<Choice>],
    total: usize,
    parts: &[usize],
    picked: &mut Vec<usize>,
    spent: &mut usize,
    out: &mut Vec<Vec<(usize, usize)>>,
) {
    if *spent > BUDGET {
        return;
    }
    let k = picked.len();
    if k < parts.len() {
        for c in 0..choices[parts[k]].len() {
            picked.push(c);
            search(choices, total, parts, picked, spent, out);
            picked.pop();
        }
        return;
    }
    for (tc, t) in choices[total].iter().enumerate() {
        *spent += 1;
        let terms = parts.len() + 1;
        let ties = (0..t.values.len()).all(|col| {
            let sum: f64 = parts
                .iter()
                .zip(picked.iter())
                .map(|(&p, &c)| choices[p][c].values[col])
                .sum();
            let unit = 10f64.powi(-(t.places as i32));
            (sum - t.values[col]).abs() <= 0.5 * terms as f64 * unit + 1e-9
        });
        let something = t.values.iter().any(|v| *v != 0.0);
        if ties && something {
            let mut s = vec![(total, tc)];
            s.extend(parts.iter().zip(picked.iter()).map(|(&p, &c)| (p, c)));
            out.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{charts, tests::CONNECTIVITY};
    use super::*;

    fn values(s: &Settled) -> Vec<&str> {
        s.cells
            .iter()
            .map(|c| c.value.as_deref().unwrap())
            .collect()
    }

    #[test]
    fn the_total_ties_and_places_a_longer_run() {
        let chart = &charts(CONNECTIVITY)[0];
        let settled = settle(chart);
        let total = settled.iter().find(|s| s.series == 2).unwrap();
        assert_eq!(
            total.placed,
            Placed::Total {
                parts: vec![0, 3, 4, 5]
            }
        );
        // Dedicated access prints nine numbers: the two the axis does not label are the ones
        // the total leaves out.
        let dedicated = settled.iter().find(|s| s.series == 0).unwrap();
        assert_eq!(dedicated.placed, Placed::Part { total: 2 });
        assert_eq!(
            values(dedicated),
            ["2687", "2695", "2747", "2841", "2781", "2832", "2918"]
        );
        let between: Vec<&str> = dedicated
            .between
            .iter()
            .map(|c| c.printed.as_str())
            .collect();
        assert_eq!(between, ["2,603", "2,580"]);
        // The ratio series is no part: placed by its order only.
        let ratio = settled.iter().find(|s| s.series == 1).unwrap();
        assert_eq!(ratio.placed, Placed::Layout);
        assert_eq!(values(ratio)[0], "14.6");
    }

    #[test]
    fn the_arithmetic_chooses_among_cuts() {
        // IIJ 2Q06, lines 265-290: the revenue chart; equipment sales (line 288) cut many ways,
        // two runs of nine and eight numbers; the ratio run as long as the nine.
        let text = "3,2933,2483,2273,3783,4463,5593,5083,5723,670\n18.3%17.1%18.7%17.2%17.8%18.3%17.3%15.8%14.2%Gross Margin Ratio\n 2,8632,6132,3892,3212,3012,1581,9361,779\n14,00711,9299,88012,25410,26110,5128,675Total Revenues\n3,3502,7572,6472,5662,2981,7371,655\n3,8712,4051,1932,7861,6722,1011,040\n6301,0002731,0436251,167531\n2Q062Q051Q054Q043Q042Q041Q04\n";
        let chart = &charts(text)[0];
        let settled = settle(chart);
        let total = settled.iter().find(|s| s.series == 3).unwrap();
        assert!(matches!(total.placed, Placed::Total { .. }));
        let equipment = settled.iter().find(|s| s.series == 6).unwrap();
        assert_eq!(
            values(equipment),
            ["630", "1000", "273", "1043", "625", "1167", "531"]
        );
        let connectivity = settled.iter().find(|s| s.series == 0).unwrap();
        assert_eq!(
            values(connectivity),
            ["3293", "3378", "3446", "3559", "3508", "3572", "3670"]
        );
        let ratio = settled.iter().find(|s| s.series == 1).unwrap();
        assert_eq!(ratio.placed, Placed::Alike { like: 0 });
        assert_eq!(values(ratio)[1], "17.2");
        let between: Vec<&str> = ratio.between.iter().map(|c| c.printed.as_str()).collect();
        assert_eq!(between, ["17.1%", "18.7%"]);
    }

    #[test]
    fn a_run_as_long_as_a_proved_one_of_a_chart_over_the_same_axis_is_placed_alike() {
        // Lines 265-290 and 305-325: net income prints nine numbers, as the revenue chart's
        // connectivity does (2Q06, 4Q05, 3Q05, then 2Q05 back to 1Q04).
        let revenue = "3,2933,2483,2273,3783,4463,5593,5083,5723,670\n 2,8632,6132,3892,3212,3012,1581,9361,779\n14,00711,9299,88012,25410,26110,5128,675Total Revenues\n3,3502,7572,6472,5662,2981,7371,655\n3,8712,4051,1932,7861,6722,1011,040\n6301,0002731,0436251,167531\n2Q062Q051Q054Q043Q042Q041Q04\n";
        // As printed, net income's run cuts more than one way into nine (`623` and `2,256`, or
        // `62` and `32,256`): left. Cut one way, it takes the connectivity run's places.
        let income = "2,1201,9411,1891,0016232,256660229(238)\n811507247656410282(100)\n2Q062Q051Q054Q043Q042Q041Q04\n";
        let r = &charts(revenue)[0];
        let theirs = settle(r);
        let i = &charts(income)[0];
        let mut settled = settle(i);
        settle_alike(i, &mut settled, r, &theirs);
        assert_eq!(settled.len(), 1);
        let income = "2,1201,9411,1891,0011,6232,256660229(238)\n811507247656410282(100)\n2Q062Q051Q054Q043Q042Q041Q04\n";
        let i = &charts(income)[0];
        let mut settled = settle(i);
        settle_alike(i, &mut settled, r, &theirs);
        assert_eq!(
            settled[0].placed,
            Placed::AlikeElsewhere {
                axis_line: 7,
                line: 1
            }
        );
        assert_eq!(
            values(&settled[0]),
            ["2120", "1001", "1623", "2256", "660", "229", "-238"]
        );
    }

    #[test]
    fn without_a_total_only_single_cuts_are_placed() {
        // Lines 321-325: operating margin and operating income, no total among them; six
        // numbers of three digits and a negative cut one way only. Lines 305-307: net income
        // prints nine numbers under seven labels, and nothing says which.
        let text = "2,1201,9411,1891,0016232,256660229(238)\n5.8%4.3%2.5%5.4%4.0%2.7%(1.2%)\n811507247656410282(100)\n2Q062Q051Q054Q043Q042Q041Q04\n";
        let settled = settle(&charts(text)[0]);
        assert_eq!(settled.len(), 2);
        assert!(settled.iter().all(|s| s.placed == Placed::Layout));
        assert_eq!(values(&settled[0])[6], "-1.2");
        assert_eq!(
            values(&settled[1]),
            ["811", "507", "247", "656", "410", "282", "-100"]
        );
    }
}
