//! A chart's columns printed apart: the bars of a few periods (often the latest, their labels
//! set differently) come out of the PDF as a period label on a line of its own with the
//! column's numbers one to a line above it, while the series' runs print some of them among
//! their numbers between the axis' periods. A column's numbers go to the chart's series when the
//! column's own sum ties: one number is the total of the rest, the rest in the order the series'
//! runs are printed, and a part the column lacks is the one number of that series' run between
//! the axis' periods that makes the total tie, when exactly one choice does. The column's one
//! ratio goes to the chart's one ratio series. Placing by the order of the runs is layout.

use super::settle::combinations;
use super::{cuts, series_line, Cell, Chart, Placed, Settled, PERIOD};
use regex::Regex;
use std::sync::LazyLock;

/// A column of a chart printed apart from its axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The period label, as printed on its own line.
    pub period: String,
    pub line: usize,
    /// Its numbers, top to bottom, each on a line of its own.
    pub cells: Vec<Cell>,
}

/// The columns printed apart among `lines[from..to]`: a line holding one period label alone,
/// with two or more lines of one number each above it (blank lines between are nothing).
pub(super) fn columns(lines: &[&str], from: usize, to: usize) -> Vec<Column> {
    static ALONE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!(r"^\s*({PERIOD})\s*$")).expect("regex"));
    let mut out = Vec::new();
    for j in from..to {
        let Some(label) = ALONE.captures(lines[j]) else {
            continue;
        };
        let mut cells = Vec::new();
        let mut k = j;
        while k > from {
            k -= 1;
            if lines[k].trim().is_empty() {
                continue;
            }
            match number_alone(k + 1, lines[k]) {
                Some(c) => cells.push(c),
                None => break,
            }
        }
        if cells.len() >= 2 {
            cells.reverse();
            out.push(Column {
                period: label[1].to_string(),
                line: j + 1,
                cells,
            });
        }
    }
    out
}

/// A line holding one number and nothing else.
fn number_alone(line_no: usize, line: &str) -> Option<Cell> {
    let (start, end, label) = series_line(line)?;
    if !label.is_empty() {
        return None;
    }
    let run = &line[start..end];
    let cut = cuts(run, 1);
    let [one] = cut.as_slice() else {
        return None;
    };
    let (a, b) = one[0];
    let printed = &run[a..b];
    Some(Cell {
        printed: printed.to_string(),
        value: super::value_of(&printed.replace([' ', '%'], "")),
        start: start + a,
        end: start + b,
        line: line_no,
    })
}

/// Place the numbers of the chart's columns printed apart under its settled series (as their
/// `apart`); a number of a run between the axis' periods that a column takes leaves `between`.
pub fn place_columns(chart: &Chart, settled: &mut [Settled]) {
    for col in &chart.columns {
        if chart.periods.contains(&col.period) {
            continue;
        }
        let percent = |c: &Cell| c.printed.contains('%');
        let ratios: Vec<&Cell> = col.cells.iter().filter(|c| percent(c)).collect();
        let ratio_series: Vec<usize> = (0..settled.len())
            .filter(|&i| chart.series[settled[i].series].percent)
            .collect();
        if let ([cell], [i]) = (ratios.as_slice(), ratio_series.as_slice()) {
            settled[*i].apart.push((
                col.period.clone(),
                (*cell).clone(),
                format!(
                    "layout: the one ratio of the column printed apart over {} (line {}), the \
                     chart's one ratio series",
                    col.period, col.line
                ),
            ));
        }
        let amounts: Vec<&Cell> = col.cells.iter().filter(|c| !percent(c)).collect();
        if let Some(found) = sum_of_column(chart, settled, &amounts) {
            for (i, cell, how) in found {
                settled[i].between.retain(|b| b != &cell);
                settled[i].apart.push((
                    col.period.clone(),
                    cell,
                    format!("{how} (the column over {}, line {})", col.period, col.line),
                ));
            }
        }
    }
}

/// The one way the column's amounts tie: (settled index, cell, why) for the total and each part.
fn sum_of_column(
    chart: &Chart,
    settled: &[Settled],
    amounts: &[&Cell],
) -> Option<Vec<(usize, Cell, String)>> {
    let t = settled
        .iter()
        .position(|s| matches!(s.placed, Placed::Total { .. }))?;
    let Placed::Total { parts } = &settled[t].placed else {
        return None;
    };
    // The part series in the order their runs are printed, as settled indexes.
    let mut parts: Vec<usize> = parts
        .iter()
        .filter_map(|p| settled.iter().position(|s| s.series == *p))
        .collect();
    parts.sort_by_key(|&i| chart.series[settled[i].series].line);
    let value = |c: &Cell| c.value.as_deref().and_then(|v| v.parse::<f64>().ok());
    let mut solutions: Vec<Vec<(usize, Cell, String)>> = Vec::new();
    for (ti, total) in amounts.iter().enumerate() {
        let Some(tv) = value(total) else {
            continue;
        };
        let others: Vec<&Cell> = (0..amounts.len())
            .filter(|&j| j != ti)
            .map(|j| amounts[j])
            .collect();
        if others.len() > parts.len() || others.iter().any(|c| value(c).is_none()) {
            continue;
        }
        let shown: f64 = others.iter().filter_map(|c| value(c)).sum();
        let tolerance = 0.5 * (parts.len() + 1) as f64 + 1e-9;
        for missing in combinations(parts.len(), parts.len() - others.len()) {
            let present: Vec<usize> = (0..parts.len()).filter(|p| !missing.contains(p)).collect();
            // Each missing part: one of its run's numbers between the axis' periods.
            let mut picks: Vec<Vec<&Cell>> = vec![Vec::new()];
            for &m in &missing {
                let between = &settled[parts[m]].between;
                picks = picks
                    .into_iter()
                    .flat_map(|p| {
                        between.iter().map(move |b| {
                            let mut q = p.clone();
                            q.push(b);
                            q
                        })
                    })
                    .collect();
            }
            for pick in picks {
                let sum = shown + pick.iter().filter_map(|c| value(c)).sum::<f64>();
                if (sum - tv).abs() > tolerance {
                    continue;
                }
                let mut s = vec![(
                    t,
                    (*total).clone(),
                    "layout: the total of its column, which ties".to_string(),
                )];
                for (k, &p) in present.iter().enumerate() {
                    s.push((
                        parts[p],
                        others[k].clone(),
                        "layout: a part of its column, in the order the chart's runs are printed"
                            .to_string(),
                    ));
                }
                for (k, &m) in missing.iter().enumerate() {
                    s.push((
                        parts[m],
                        pick[k].clone(),
                        "the number of its run between the axis' periods that makes its column's \
                         total tie"
                            .to_string(),
                    ));
                }
                solutions.push(s);
            }
        }
    }
    match solutions.len() {
        1 => solutions.pop(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{charts, settle};
    use super::*;

    #[test]
    fn columns_printed_apart_take_their_series_by_the_columns_sums() {
        // IIJ 2Q06, lines 384-428: the connectivity chart with its 1Q06, 4Q05 and 3Q05 columns
        // printed apart; 4Q05's and 3Q05's dedicated access are in that series' run.
        let text = "5,8415,7675,767\n\n13.5 %\n\n5,864\n2,616\n\n607\n1,741\n\n900\n1Q06\n\n2,6872,6032,5802,6952,7472,8412,7812,8322,918Dedicated Access Services\n\n13.0 %\n\n5,849\n\n645\n1,755\n\n846\n4Q05\n\n13.8 %\n\n5,841\n\n648\n1,649\n\n964\n3Q05\n\n14.6%13.5 %13.9 %14.4 %14.0 %13.2 %11.7%Gross Margin Ration (%)\n\n6,1565,7675,7675,8605,6665,5085,450Total Revenues\n\n606682699718727740752Dial-up Access Services\n\n1,9061,4591,3881,3221,2761,2201,187Value-added Services\n957930933979882716592Other Revenues\n\n2Q062Q051Q054Q043Q042Q041Q04Revenues (JPY million)\n";
        let chart = &charts(text)[0];
        let periods: Vec<&str> = chart.columns.iter().map(|c| c.period.as_str()).collect();
        assert_eq!(periods, ["1Q06", "4Q05", "3Q05"]);
        assert_eq!(chart.columns[0].cells.len(), 6);
        let mut settled = settle(chart);
        place_columns(chart, &mut settled);
        let of = |label: &str| {
            let s = settled
                .iter()
                .find(|s| chart.series[s.series].label == label)
                .unwrap();
            s.apart
                .iter()
                .map(|(p, c, _)| (p.clone(), c.printed.clone()))
                .collect::<Vec<_>>()
        };
        let pair = |p: &str, v: &str| (p.to_string(), v.to_string());
        assert_eq!(
            of("Dedicated Access Services"),
            [
                pair("1Q06", "2,616"),
                pair("4Q05", "2,603"),
                pair("3Q05", "2,580")
            ]
        );
        assert_eq!(
            of("Total Revenues"),
            [
                pair("1Q06", "5,864"),
                pair("4Q05", "5,849"),
                pair("3Q05", "5,841")
            ]
        );
        assert_eq!(of("Other Revenues")[1], pair("4Q05", "846"));
        assert_eq!(of("Gross Margin Ration (%)")[0], pair("1Q06", "13.5 %"));
        // The run's numbers the columns took are no longer between the axis' periods.
        let dedicated = settled
            .iter()
            .find(|s| chart.series[s.series].label.starts_with("Dedicated"))
            .unwrap();
        assert!(dedicated.between.is_empty());
    }
}
