//! A table's own arithmetic: which rows are totals of which rows above them, in every column at
//! once. Totals nest: once a row is found to total a run of rows, it stands for that run when a
//! later total is looked for ("Total assets" = "Total current assets" + the non-current rows).
//! Two forms are looked for, nearest first: a sum of the rows just above (parts to a total, a
//! cash-flow section to its net cash) and the first of them less the rest (gross profit =
//! revenue - cost of revenue, net income = income before tax - tax). A figure that takes part
//! in a total that ties, as total or part, is proved by the release's own arithmetic.

/// A total found: row `total` is the signed sum of `parts` (row indexes, +1 or -1).
#[derive(Debug, Clone, PartialEq)]
pub struct Tie {
    pub total: usize,
    pub parts: Vec<(i8, usize)>,
}

/// Decimal places of a printed value (`5.98` → 2).
fn places(v: &str) -> usize {
    v.split_once('.').map_or(0, |(_, f)| f.len())
}

/// The totals of a table whose rows hold `values` (row × column, as exact decimals; `None` for
/// an empty or not-meaningful cell). A total ties only when it does in every column both it and
/// its parts print, at least one of them not zero, within the rounding of the printed digits.
// Columns index several rows at once: a range reads plainer than zipped iterators.
pub fn ties(values: &[Vec<Option<String>>]) -> Vec<Tie> {
    let num = |v: &Option<String>| v.as_deref().and_then(|s| s.parse::<f64>().ok());
    // Each row stands for itself, or for the run of rows it totals: `block[r]` is where that run
    // starts.
    let mut block: Vec<usize> = (0..values.len()).collect();
    let mut out = Vec::new();
    for r in 0..values.len() {
        let columns = values[r].len();
        if columns == 0 || values[r].iter().all(|v| num(v).is_none()) {
            continue;
        }
        // The terms above r, nearest first, each a row standing for its block.
        let mut terms: Vec<usize> = Vec::new();
        let mut at = r;
        while at > 0 && terms.len() < 30 {
            let above = at - 1;
            terms.push(above);
            at = block[above];
        }
        let mut found: Option<Vec<(i8, usize)>> = None;
        'sizes: for n in 2..=terms.len() {
            let run = &terms[..n];
            if run.iter().any(|&t| values[t].len() != columns) {
                break;
            }
            // Sum of the run, then the first (topmost) less the rest.
            for form in 0..2 {
                let sign = |t: usize| -> f64 {
                    if form == 1 && t != run[n - 1] {
                        -1.0
                    } else {
                        1.0
                    }
                };
                let mut all = true;
                let mut some = false;
                for (c, printed_total) in values[r].iter().enumerate() {
                    let Some(total) = num(printed_total) else {
                        continue;
                    };
                    let parts: Option<Vec<(f64, usize)>> = run
                        .iter()
                        .map(|&t| {
                            num(&values[t][c]).map(|v| {
                                (v * sign(t), places(values[t][c].as_deref().unwrap_or("")))
                            })
                        })
                        .collect();
                    let Some(parts) = parts else {
                        all = false;
                        break;
                    };
                    let sum: f64 = parts.iter().map(|p| p.0).sum();
                    let digits = parts
                        .iter()
                        .map(|p| p.1)
                        .chain([places(values[r][c].as_deref().unwrap_or(""))])
                        .max()
                        .unwrap_or(0);
                    let unit = 10f64.powi(-(digits as i32));
                    // Independent rounding of each printed figure: half a unit each, at most.
                    let slack = unit * ((n as f64 + 1.0) / 2.0).min(2.0) + unit * 1e-6;
                    if (sum - total).abs() > slack {
                        all = false;
                        break;
                    }
                    some |= total != 0.0 || parts.iter().any(|p| p.0 != 0.0);
                }
                if all && some {
                    found = Some(
                        run.iter()
                            .rev()
                            .map(|&t| (if sign(t) < 0.0 { -1 } else { 1 }, t))
                            .collect(),
                    );
                    break 'sizes;
                }
            }
        }
        if let Some(parts) = found {
            block[r] = parts.iter().map(|p| block[p.1]).min().unwrap_or(r);
            out.push(Tie { total: r, parts });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[&str]]) -> Vec<Vec<Option<String>>> {
        v.iter()
            .map(|r| r.iter().map(|s| Some(s.to_string())).collect())
            .collect()
    }

    #[test]
    fn nvidia_income_statement_ties_row_by_row() {
        // NVIDIA Q1 FY2025, as printed.
        let t = rows(&[
            &["26044", "7192"], // 0 Revenue
            &["5638", "2544"],  // 1 Cost of revenue
            &["20406", "4648"], // 2 Gross profit
            &["2720", "1875"],  // 3 Research and development
            &["777", "633"],    // 4 SG&A
            &["3497", "2508"],  // 5 Total operating expenses
            &["16909", "2140"], // 6 Operating income
            &["359", "150"],    // 7 Interest income
            &["-64", "-66"],    // 8 Interest expense
            &["75", "-15"],     // 9 Other, net
            &["370", "69"],     // 10 Other income (expense), net
            &["17279", "2209"], // 11 Income before income tax
            &["2398", "166"],   // 12 Income tax expense
            &["14881", "2043"], // 13 Net income
            &["6.04", "0.83"],  // 14 Basic EPS
        ]);
        let found = ties(&t);
        let of = |r: usize| found.iter().find(|t| t.total == r).map(|t| t.parts.clone());
        assert_eq!(of(2), Some(vec![(1, 0), (-1, 1)]));
        assert_eq!(of(5), Some(vec![(1, 3), (1, 4)]));
        assert_eq!(of(6), Some(vec![(1, 2), (-1, 5)]));
        assert_eq!(of(10), Some(vec![(1, 7), (1, 8), (1, 9)]));
        assert_eq!(of(11), Some(vec![(1, 6), (1, 10)]));
        assert_eq!(of(13), Some(vec![(1, 11), (-1, 12)]));
        assert_eq!(of(14), None);
        // A misprint breaks the tie.
        let mut bad = t.clone();
        bad[4][0] = Some("787".into());
        assert!(ties(&bad).iter().all(|t| t.total != 5));
    }
}
