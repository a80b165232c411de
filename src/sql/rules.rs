//! Data rules: `schema/checks/*.sql`, one rule a file. Each returns the rows that break it; a rule
//! may return an `explained` column, and rows explained there are residuals the release itself
//! leaves open (reported with their size, not silenced).

use crate::schema::SqlFile;
use crate::warehouse::{QueryResult, Warehouse};
use anyhow::{Context, Result};
use arrow::array::Array;
use std::collections::BTreeMap;
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
    /// Wall time of the rule's statement.
    pub millis: f64,
}

pub fn load_rules(dir: &Path) -> Result<Vec<SqlFile>> {
    crate::schema::read_sql_files(dir)
}

/// Run the rules on two sessions, one a core: each rule costs DuckDB mostly planning. Each thread
/// takes the next rule not yet taken, slowest first by `previous` (each rule's time at the last
/// load; a rule without one counts as slowest), so no slow rule is left for the end while the
/// other core idles. Outcomes come back in the rules' order.
pub fn run_rules(
    wh: &Warehouse,
    rules: Vec<SqlFile>,
    previous: &BTreeMap<String, f64>,
) -> Result<Vec<Outcome>> {
    let mut rules: Vec<(usize, SqlFile)> = rules.into_iter().enumerate().collect();
    let cost = |rule: &SqlFile| previous.get(&rule.name).copied().unwrap_or(f64::INFINITY);
    rules.sort_by(|(_, a), (_, b)| cost(b).total_cmp(&cost(a)));
    let queue = std::sync::Mutex::new(rules.into_iter());
    let other = wh.try_clone()?;
    let (mine, theirs) = std::thread::scope(|scope| {
        let queue = &queue;
        let handle = scope.spawn(move || run_each(&other, queue));
        (run_each(wh, queue), handle.join())
    });
    let mut all = mine?;
    all.extend(theirs.map_err(|_| anyhow::anyhow!("a check rule thread failed"))??);
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, o)| o).collect())
}

type Queue = std::sync::Mutex<std::vec::IntoIter<(usize, SqlFile)>>;

fn run_each(wh: &Warehouse, queue: &Queue) -> Result<Vec<(usize, Outcome)>> {
    let mut outcomes = Vec::new();
    loop {
        let next = queue
            .lock()
            .map_err(|_| anyhow::anyhow!("a check rule thread failed"))?
            .next();
        let Some((i, rule)) = next else {
            return Ok(outcomes);
        };
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
        let started = std::time::Instant::now();
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
        let millis = started.elapsed().as_secs_f64() * 1000.0;
        outcomes.push((
            i,
            Outcome {
                rule,
                status,
                rows,
                millis,
            },
        ));
    }
}

fn all_explained(rows: &QueryResult) -> bool {
    let Ok(idx) = rows.schema.index_of("explained") else {
        return false;
    };
    rows.batches.iter().all(|b| b.column(idx).null_count() == 0)
}
