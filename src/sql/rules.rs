//! Data rules: `schema/checks/*.sql`, one rule a file. Each returns the rows that break it; a rule
//! may return an `explained` column, and rows explained there are residuals the release itself
//! leaves open (reported with their size, not silenced).

use crate::schema::SqlFile;
use crate::warehouse::{QueryResult, Warehouse};
use anyhow::{Context, Result};
use arrow::array::Array;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    /// Every offending row carries an explanation of a residual the release leaves unexplained.
    Residual,
    Fail,
}

impl Status {
    /// Lower-case code, as stored in check_results.status.
    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Residual => "residual",
            Status::Fail => "fail",
        }
    }

    /// For people: a failure stands out in capitals.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "FAIL",
            other => other.code(),
        }
    }
}

pub struct Outcome {
    pub rule: SqlFile,
    pub status: Status,
    pub rows: QueryResult,
}

pub fn load_rules(dir: &Path) -> Result<Vec<SqlFile>> {
    crate::schema::read_sql_files(dir)
}

/// A rule with its place in the list.
type Numbered = (usize, SqlFile);

/// Run the rules, half of them on a second session on the other core: each rule costs DuckDB
/// mostly planning, so two threads halve the wall time. Outcomes come back in the rules' order.
pub fn run_rules(wh: &Warehouse, rules: Vec<SqlFile>) -> Result<Vec<Outcome>> {
    let (mine, theirs): (Vec<Numbered>, Vec<Numbered>) =
        rules.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let other = wh.try_clone()?;
    let (mine, theirs) = std::thread::scope(|scope| {
        let handle = scope.spawn(move || run_each(&other, theirs));
        (run_each(wh, mine), handle.join())
    });
    let mut all = mine?;
    all.extend(theirs.map_err(|_| anyhow::anyhow!("a check rule thread failed"))??);
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, o)| o).collect())
}

fn run_each(wh: &Warehouse, rules: Vec<Numbered>) -> Result<Vec<(usize, Outcome)>> {
    let mut outcomes = Vec::new();
    for (i, rule) in rules {
        let tolerance = rule.get("tolerance").unwrap_or("0");
        let tol: f64 = tolerance
            .split_whitespace()
            .next()
            .unwrap_or("0")
            .parse()
            .with_context(|| {
                format!(
                    "{}: tolerance must start with a number",
                    rule.path.display()
                )
            })?;
        wh.set_variable("tolerance", &tol.to_string())?;
        let rows = wh
            .query(&rule.sql, &[])
            .with_context(|| format!("check rule {} failed to run", rule.path.display()))?;
        let status = if rows.num_rows() == 0 {
            Status::Pass
        } else if all_explained(&rows) {
            Status::Residual
        } else {
            Status::Fail
        };
        outcomes.push((i, Outcome { rule, status, rows }));
    }
    Ok(outcomes)
}

fn all_explained(rows: &QueryResult) -> bool {
    let Ok(idx) = rows.schema.index_of("explained") else {
        return false;
    };
    rows.batches.iter().all(|b| b.column(idx).null_count() == 0)
}
