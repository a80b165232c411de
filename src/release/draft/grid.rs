//! The draft as a person reads a statement: per section (a statement's title), a grid of its
//! rows by period, each cell its printed figure, marked certain or for review, with its line.
//! `release draft --report`, DRAFT.md and the page `/drafts/ID` show it.

use super::{Certainty, Draft};

/// One statement of the draft as a grid.
#[derive(Debug, Clone)]
pub struct Grid {
    pub section: String,
    /// Columns in the order the text prints them (periods, or balance-sheet dates).
    pub periods: Vec<String>,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone)]
pub struct GridRow {
    pub label: String,
    pub item: String,
    pub unit: String,
    pub cells: Vec<Option<GridCell>>,
}

#[derive(Debug, Clone)]
pub struct GridCell {
    pub printed: String,
    pub certain: bool,
    pub line: usize,
}

/// The grids of a draft's level figures, sections in the order the text prints them.
pub fn grids(d: &Draft) -> Vec<Grid> {
    let mut out: Vec<Grid> = Vec::new();
    for r in d.rows.iter().filter(|r| r.comparison == "level") {
        let g = match out.iter().position(|g| g.section == r.section) {
            Some(i) => i,
            None => {
                out.push(Grid {
                    section: r.section.clone(),
                    periods: Vec::new(),
                    rows: Vec::new(),
                });
                out.len() - 1
            }
        };
        let grid = &mut out[g];
        let col = match grid.periods.iter().position(|p| *p == r.period) {
            Some(c) => c,
            None => {
                grid.periods.push(r.period.clone());
                for row in &mut grid.rows {
                    row.cells.push(None);
                }
                grid.periods.len() - 1
            }
        };
        // A row is a label printed with one concept and unit; printed again further down (the
        // same label in another part of the statement), it is a row of its own.
        let same = |x: &GridRow| x.label == r.label && x.item == r.item && x.unit == r.unit;
        let at = grid
            .rows
            .iter()
            .rposition(|x| same(x) && x.cells[col].is_none())
            .filter(|&i| i + 1 >= grid.rows.len() || grid.rows[i + 1..].iter().all(|x| !same(x)));
        let row = match at {
            Some(i) => i,
            None => {
                grid.rows.push(GridRow {
                    label: r.label.clone(),
                    item: r.item.clone(),
                    unit: r.unit.clone(),
                    cells: vec![None; grid.periods.len()],
                });
                grid.rows.len() - 1
            }
        };
        grid.rows[row].cells[col] = Some(GridCell {
            printed: r.printed.clone(),
            certain: r.certainty == Certainty::Certain,
            line: r.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::draft::DraftRow;

    fn row(section: &str, label: &str, period: &str, printed: &str, line: usize) -> DraftRow {
        DraftRow {
            table: "income_items".into(),
            period: period.into(),
            start: String::new(),
            end: String::new(),
            item: label.to_lowercase(),
            comparison: "level".into(),
            value: printed.replace(',', ""),
            unit: "USD million".into(),
            section: section.into(),
            label: label.into(),
            printed: printed.into(),
            placement: "label",
            measure: "amount",
            certainty: if line == 83 {
                Certainty::Certain
            } else {
                Certainty::Review
            },
            how: Vec::new(),
            line,
        }
    }

    #[test]
    fn a_statement_reads_as_its_grid() {
        let d = Draft {
            rows: vec![
                row("INCOME", "Revenue", "1Q25", "$26,044", 83),
                row("INCOME", "Revenue", "1Q24", "$7,192", 83),
                row("INCOME", "Cost of revenue", "1Q25", "5,638", 84),
                row("INCOME", "Cost of revenue", "1Q24", "2,544", 84),
                row("BALANCE", "Cash", "2024-04-28", "7,587", 120),
            ],
            ..Draft::default()
        };
        let g = grids(&d);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].periods, vec!["1Q25".to_string(), "1Q24".to_string()]);
        assert_eq!(g[0].rows.len(), 2);
        let cell = g[0].rows[0].cells[1].as_ref().unwrap();
        assert_eq!(
            (cell.printed.as_str(), cell.certain, cell.line),
            ("$7,192", true, 83)
        );
        assert!(!g[0].rows[1].cells[0].as_ref().unwrap().certain);
        assert_eq!(g[1].rows[0].label, "Cash");
    }
}
