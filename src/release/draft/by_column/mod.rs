//! Results tables a slide prints column by column: each column's numbers one to a line (a blank
//! line between), the row labels as a block of words between two columns, a column head (a
//! period over its months) printed apart, and rows printed across the columns on one line
//! (`18.4%Gross Margin 3,818 17.5% +27.3%`). What places the numbers is the table's own
//! arithmetic, never the layout alone:
//!
//! - a change column (signed percentages) is the change from one amount column to another in
//!   every row: that pair is the table, the later of its two column heads the changed-to column's;
//! - a column starting at 100.0% is the share of the first row in one amount column, row by row;
//! - the rows take the labels of the one block of words that reads as that many known labels,
//!   the first row a label glued to a column's first number when the block is one short;
//! - a row printed across is its old and new amount when its change and shares say so.
//!
//! The period of a column is its head's, by the change's direction: for review, with why.

mod across;
mod columns;
mod labels;

use super::glued::head_at;
use super::*;
use columns::*;
use labels::*;

/// One row of a drafted table.
struct Row {
    label: String,
    table: String,
    concept: String,
}

/// A table found: its two amount columns' periods, the change between them, and what its rows
/// printed across need of it.
struct Table {
    new: String,
    old: String,
    comparison: &'static str,
    /// Why the table reads so, for every row's note.
    base: String,
    unit: String,
    /// The first rows of the new and old amount columns: what shares are of.
    x_whole: f64,
    y_whole: f64,
    /// The new column's numbers past its labeled rows.
    extra_new: Vec<Cell>,
}

/// The figures of a table as rows: (cell, period, comparison, measure, unit, why).
type Placed = (Cell, String, String, &'static str, String, String);

/// Draft the results tables printed column by column into `d` (after the line reader: their
/// numbers are among its unplaced ones).
pub(super) fn draft_by_column(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    unit: &str,
    d: &mut Draft,
) {
    let lines: Vec<&str> = text.lines().collect();
    let cols = columns(&lines);
    let mut placed: Vec<(Row, Placed)> = Vec::new();
    for (di, dc) in cols.iter().enumerate() {
        if !dc.changes() {
            continue;
        }
        // The pair of amount columns the change column is the change between, near it.
        let near = |c: &Column| c.first.abs_diff(dc.first) <= 150;
        let pairs: Vec<(usize, usize)> = (0..cols.len())
            .flat_map(|x| (0..cols.len()).map(move |y| (x, y)))
            .filter(|&(x, y)| {
                x != y
                    && x != di
                    && y != di
                    && cols[x].amounts()
                    && cols[y].amounts()
                    && near(&cols[x])
                    && near(&cols[y])
                    && changes_between(dc, &cols[x], &cols[y])
            })
            .collect();
        let [(xi, yi)] = pairs[..] else {
            continue;
        };
        let (x, y) = (&cols[xi], &cols[yi]);
        let n = dc.cells.len();
        // Share columns of either amount column.
        let shares: Vec<(usize, bool)> = cols
            .iter()
            .enumerate()
            .filter(|(_, p)| p.shares() && p.cells.len() == n && near(p))
            .filter_map(|(pi, p)| match (shares_of(p, x), shares_of(p, y)) {
                (true, false) => Some((pi, true)),
                (false, true) => Some((pi, false)),
                _ => None,
            })
            .collect();
        let mut members: Vec<usize> = vec![di, xi, yi];
        members.extend(shares.iter().map(|(p, _)| *p));
        let from = members
            .iter()
            .map(|&m| cols[m].label_from)
            .min()
            .unwrap_or(0);
        let to = members.iter().map(|&m| cols[m].last).max().unwrap_or(0) + 1;
        let to_heads = (to + 8).min(lines.len());
        // The two heads of the table: the later the changed-to column's.
        let heads: BTreeSet<String> = (from..to_heads)
            .filter_map(|j| head_at(&lines, j, calendar))
            .collect();
        let [a, b] = heads.iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        let (new, old) = match (
            comparison_of(calendar, a, Some(b)),
            comparison_of(calendar, b, Some(a)),
        ) {
            (Some(c), None) => (a.clone(), (b.clone(), c)),
            (None, Some(c)) => (b.clone(), (a.clone(), c)),
            _ => continue,
        };
        let (old, comparison) = old;
        // The rows' labels: the one block that reads as known labels, the first row's glued to
        // a column's first number when the block is one short.
        let table_cols: Vec<Column> = cols
            .iter()
            .filter(|c| c.first >= from && c.last < to_heads)
            .cloned()
            .collect();
        let read: Vec<Vec<(String, String, String)>> = blocks(&lines, from, to, &table_cols)
            .into_iter()
            .filter_map(|(_, words)| labels_of(k, &words))
            .filter(|l| l.len() >= 2)
            .collect();
        let [block] = &read[..] else {
            continue;
        };
        let mut labels = block.clone();
        if labels.len() + 1 == n {
            let glued: Vec<(String, String, String)> = table_cols
                .iter()
                .filter_map(|c| c.label.as_ref())
                .filter_map(|l| concept_of(k, l).map(|(t, c)| (l.clone(), t, c)))
                .collect();
            let Some(first) = glued.first() else {
                continue;
            };
            if glued.iter().any(|g| g.2 != first.2) {
                continue;
            }
            labels.insert(0, first.clone());
        }
        if labels.len() != n {
            continue;
        }
        let row = |i: usize| Row {
            label: labels[i].0.clone(),
            table: labels[i].1.clone(),
            concept: labels[i].2.clone(),
        };
        let base = format!(
            "a results table printed column by column: the column of changes (line {}) is the \
             change from the column of line {} to the column of line {} in every row, so the \
             later head, {new}, is the second's and {old} the first's",
            dc.first + 1,
            y.first + 1,
            x.first + 1
        );
        for r in 0..n {
            let why = format!("{base}; row {} of the labels printed apart", r + 1);
            placed.push((
                row(r),
                (
                    x.cells[r].clone(),
                    new.clone(),
                    "level".into(),
                    "amount",
                    unit.into(),
                    why.clone(),
                ),
            ));
            placed.push((
                row(r),
                (
                    y.cells[r].clone(),
                    old.clone(),
                    "level".into(),
                    "amount",
                    unit.into(),
                    why.clone(),
                ),
            ));
            placed.push((
                row(r),
                (
                    dc.cells[r].clone(),
                    new.clone(),
                    comparison.into(),
                    "amount",
                    "%".into(),
                    why.clone(),
                ),
            ));
            for (pi, of_new) in &shares {
                let period = if *of_new { &new } else { &old };
                placed.push((
                    row(r),
                    (
                        cols[*pi].cells[r].clone(),
                        period.clone(),
                        "level".into(),
                        "pct_of_revenues",
                        "%".into(),
                        format!(
                            "{why}; its share of the first row, as the column of line {} is",
                            cols[*pi].first + 1
                        ),
                    ),
                ));
            }
        }
        let t = Table {
            new: new.clone(),
            old: old.clone(),
            comparison,
            base: base.clone(),
            unit: unit.to_string(),
            x_whole: x.cells[0].v(),
            y_whole: y.cells[0].v(),
            extra_new: x.cells[n..].to_vec(),
        };
        placed.extend(across::across_rows(&lines, from, to_heads, k, &t));
    }
    write_rows(placed, text, d);
}

/// The placed figures as rows: each number once, only one no row took; dashes are no figures.
fn write_rows(placed: Vec<(Row, Placed)>, text: &str, d: &mut Draft) {
    let lines: Vec<&str> = text.lines().collect();
    let mut done: HashSet<(usize, String)> = HashSet::new();
    for (row, (cell, period, comparison, measure, unit, why)) in placed {
        if cell.nil() || !done.insert((cell.line, cell.printed.clone())) {
            continue;
        }
        let unplaced = d
            .unplaced
            .iter()
            .position(|u| u.line == cell.line && u.printed == cell.printed);
        let token = numbers_of(cell.line, lines[cell.line - 1])
            .iter()
            .any(|(t, _)| t.text == cell.printed);
        match unplaced {
            Some(u) => {
                d.unplaced.remove(u);
            }
            // A number the line reader took is some row's already.
            None if token => continue,
            // Glued to a word, it was no token of the line reader's.
            None => d.numbers += 1,
        }
        let conflict = d.rows.iter().any(|r| {
            r.table == row.table
                && r.period == period
                && r.item == row.concept
                && r.comparison == comparison
                && r.measure == measure
                && r.value != cell.value
        });
        if conflict {
            d.unplaced.push(Unplaced {
                line: cell.line,
                printed: cell.printed.clone(),
                context: row.label.clone(),
                why: format!(
                    "read as {} {period} by a results table printed column by column, which \
                     another row of the draft gives another value",
                    row.concept
                ),
            });
            continue;
        }
        d.rows.push(DraftRow {
            table: row.table,
            period,
            start: String::new(),
            end: String::new(),
            item: row.concept,
            comparison,
            value: cell.value,
            unit,
            section: String::new(),
            label: row.label,
            printed: cell.printed,
            placement: "layout",
            measure,
            certainty: Certainty::Review,
            how: vec![why],
            line: cell.line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A results slide's text as a PDF prints it, column by column (the layout of IIJ's 2Q06
    /// deck, lines 49-145, with figures of its own).
    const SLIDE: &str = " 100.0%

80.0%

20.0%

Costs

Operating
Income

900

750

150

100.0%

83.3%

16.7%

2Q05
(2005/7-2005/9)

Results % of Total
Revenues

+11.1%

+6.7%

+33.3%

YoY

15.0%Net
Income 90 10.0% +66.7%

Total
Revenues 1,000

800

200

150

2Q06
(2006/7-2006/9)

Results % of Total
Revenues";

    fn knowledge() -> Knowledge {
        let mut k = Knowledge::default();
        for (label, c) in [
            ("Total Revenues", "total_revenues"),
            ("Costs", "total_costs"),
            ("Operating Income", "operating_income"),
            ("Net Income", "net_income"),
        ] {
            k.named
                .entry(normalize(label))
                .or_default()
                .insert(c.to_string());
        }
        k
    }

    #[test]
    fn columns_are_of_one_kind_and_may_start_after_their_label() {
        let lines: Vec<&str> = SLIDE.lines().collect();
        let cols = columns(&lines);
        let printed: Vec<Vec<&str>> = cols
            .iter()
            .map(|c| c.cells.iter().map(|x| x.printed.as_str()).collect())
            .collect();
        assert_eq!(
            printed,
            [
                vec!["100.0%", "80.0%", "20.0%"],
                vec!["900", "750", "150"],
                vec!["100.0%", "83.3%", "16.7%"],
                vec!["+11.1%", "+6.7%", "+33.3%"],
                vec!["1,000", "800", "200", "150"],
            ]
        );
        assert_eq!(cols[4].label.as_deref(), Some("Total Revenues"));
        assert!(cols[0].shares() && cols[1].amounts() && cols[3].changes());
    }

    #[test]
    fn a_table_printed_column_by_column_is_placed_by_its_arithmetic() {
        let k = knowledge();
        let cal = Calendar::months(4, true);
        let mut d = Draft::default();
        for (i, line) in SLIDE.lines().enumerate() {
            for (t, _) in numbers_of(i + 1, line) {
                d.unplaced.push(Unplaced {
                    line: i + 1,
                    printed: t.text,
                    context: String::new(),
                    why: String::new(),
                });
            }
        }
        draft_by_column(SLIDE, &k, &cal, "JPY million", &mut d);
        let got: BTreeSet<(String, String, String, String, &str)> = d
            .rows
            .iter()
            .map(|r| {
                (
                    r.period.clone(),
                    r.item.clone(),
                    r.comparison.clone(),
                    r.value.clone(),
                    r.measure,
                )
            })
            .collect();
        let row = |p: &str, i: &str, c: &str, v: &str, m: &'static str| {
            (
                p.to_string(),
                i.to_string(),
                c.to_string(),
                v.to_string(),
                m,
            )
        };
        for want in [
            row("2Q06", "total_revenues", "level", "1000", "amount"),
            row("2Q05", "total_revenues", "level", "900", "amount"),
            row("2Q06", "total_revenues", "yoy_pct", "11.1", "amount"),
            row("2Q06", "total_costs", "level", "800", "amount"),
            row("2Q05", "operating_income", "level", "150", "amount"),
            row(
                "2Q06",
                "operating_income",
                "level",
                "20.0",
                "pct_of_revenues",
            ),
            row(
                "2Q05",
                "operating_income",
                "level",
                "16.7",
                "pct_of_revenues",
            ),
            // The row printed across: 90 is 10.0% of 900 (2Q05); its 2Q06 figure is the 2Q06
            // column's number past its labeled rows, 150, 15.0% of 1,000 and +66.7% on 90.
            row("2Q05", "net_income", "level", "90", "amount"),
            row("2Q05", "net_income", "level", "10.0", "pct_of_revenues"),
            row("2Q06", "net_income", "level", "150", "amount"),
            row("2Q06", "net_income", "level", "15.0", "pct_of_revenues"),
            row("2Q06", "net_income", "yoy_pct", "66.7", "amount"),
        ] {
            assert!(got.contains(&want), "{want:?} in {got:?}");
        }
        assert!(d.rows.iter().all(|r| r.certainty == Certainty::Review));
        // Every number placed left the unplaced list; the dashes and heads are no rows.
        assert!(d
            .unplaced
            .iter()
            .all(|u| u.printed != "1,000" && u.printed != "+11.1%"));
    }
}
