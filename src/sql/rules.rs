//! Data rules: `schema/checks/*.sql`, one rule a file. Each returns the rows that break it; a rule
//! may return an `explained` column, and rows explained there are residuals the release itself
//! leaves open (reported with their size, not silenced). The runner puts each rule's rows in one
//! order (see `in_order`), so a rule's SQL has no ORDER BY.

use crate::schema::SqlFile;
use crate::warehouse::{QueryResult, Warehouse, RAW};
use anyhow::{Context, Result};
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, UInt32Array};
use arrow::compute::{filter_record_batch, take_record_batch, SortOptions};
use arrow::datatypes::{DataType, Float64Type};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::Mutex;

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

/// Run the rules on two sessions, one a core (see `RuleQueue`). Outcomes come back in the rules'
/// order.
pub fn run_rules(
    wh: &Warehouse,
    rules: Vec<SqlFile>,
    previous: &BTreeMap<String, f64>,
) -> Result<Vec<Outcome>> {
    let queue = RuleQueue::new(rules, previous, |_| false);
    let other = wh.try_clone()?;
    let (mine, theirs) = std::thread::scope(|scope| {
        let queue = &queue;
        let handle = scope.spawn(move || queue.run(&other, false));
        (queue.run(wh, false), handle.join())
    });
    let theirs = theirs.map_err(|_| anyhow::anyhow!("a check rule thread failed"))?;
    Ok(RuleQueue::outcomes(vec![mine?, theirs?]))
}

/// `run_rules` over the warehouse's companies a batch at a time (`batches`, company ids), so no
/// statement holds more than a batch's rows: the part views read the batch's files only (see
/// `warehouse::PARTS`), and each rule keeps the rows of the batch's own releases, which it
/// computed from all of their company's rows (no rule compares companies). The rows of the
/// batches are put together, and the status is that of all of them.
pub fn run_rules_in_batches(
    wh: &Warehouse,
    rules: Vec<SqlFile>,
    previous: &BTreeMap<String, f64>,
    batches: &[Vec<String>],
) -> Result<Vec<Outcome>> {
    if batches.len() <= 1 {
        return run_rules(wh, rules, previous);
    }
    let ran = (|| -> Result<Vec<Outcome>> {
        let mut all: Vec<Outcome> = Vec::new();
        for batch in batches {
            wh.read_parts_of(Some(batch))?;
            let ids: Vec<String> = batch.iter().map(|c| crate::base::sql_string(c)).collect();
            let releases: HashSet<String> = wh
                .column_values(&format!(
                    "SELECT release_id FROM {RAW}.releases WHERE company_id IN ({})",
                    ids.join(", ")
                ))?
                .into_iter()
                .collect();
            let ran = run_rules(wh, rules.clone(), previous)?;
            if all.is_empty() {
                all = ran
                    .iter()
                    .map(|o| of_releases(o, &releases))
                    .collect::<Result<_>>()?;
                continue;
            }
            for (sum, o) in all.iter_mut().zip(&ran) {
                let mine = of_releases(o, &releases)?;
                sum.rows.batches.extend(mine.rows.batches);
                sum.millis += mine.millis;
            }
        }
        Ok(all)
    })();
    wh.read_parts_of(None)?;
    let mut all = ran?;
    for o in &mut all {
        o.status = status_of(&o.rows);
    }
    Ok(all)
}

/// `outcome` with only the rows naming one of `releases`.
fn of_releases(outcome: &Outcome, releases: &HashSet<String>) -> Result<Outcome> {
    let mut batches = Vec::new();
    for batch in &outcome.rows.batches {
        let ids = batch
            .column_by_name("release_id")
            .and_then(|c| c.as_string_opt::<i32>())
            .with_context(|| {
                format!(
                    "rule {} names no release (a text column release_id), so it cannot be run a \
                     batch of companies at a time",
                    outcome.rule.name
                )
            })?;
        let keep: BooleanArray = ids
            .iter()
            .map(|r| Some(r.is_some_and(|r| releases.contains(r))))
            .collect();
        batches.push(filter_record_batch(batch, &keep)?);
    }
    Ok(Outcome {
        rule: outcome.rule.clone(),
        status: outcome.status,
        rows: QueryResult {
            schema: outcome.rows.schema.clone(),
            batches,
        },
        millis: outcome.millis,
    })
}

/// Rules waiting to run, shared by the threads that run them: each takes the next rule not yet
/// taken. Each statement costs DuckDB mostly planning, so two sessions, one a core, finish in
/// about half the time. The rules that read no view the load computes late (`late`: `figures`,
/// which the load puts into memory while it checks the constraints) come first, so a session
/// may start on them early; then, in each part, the slowest first by `previous` (each rule's
/// time at the last load; a rule without one counts as slowest), so no slow rule is left for
/// the end while the other core idles.
pub struct RuleQueue {
    rules: Mutex<VecDeque<Queued>>,
}

struct Queued {
    index: usize,
    rule: SqlFile,
    late: bool,
}

pub type Ran = Vec<(usize, Outcome)>;

impl RuleQueue {
    pub fn new(
        rules: Vec<SqlFile>,
        previous: &BTreeMap<String, f64>,
        late: impl Fn(&SqlFile) -> bool,
    ) -> RuleQueue {
        let mut rules: Vec<Queued> = rules
            .into_iter()
            .enumerate()
            .map(|(index, rule)| Queued {
                index,
                late: late(&rule),
                rule,
            })
            .collect();
        let cost = |q: &Queued| previous.get(&q.rule.name).copied().unwrap_or(f64::INFINITY);
        rules.sort_by(|a, b| a.late.cmp(&b.late).then(cost(b).total_cmp(&cost(a))));
        RuleQueue {
            rules: Mutex::new(rules.into()),
        }
    }

    /// Run rules on `wh` until none is left, or, when `early`, until the next one reads a late
    /// view.
    pub fn run(&self, wh: &Warehouse, early: bool) -> Result<Ran> {
        let mut outcomes = Vec::new();
        // The `tolerance` variable as last set on `wh`: most rules share one of three values, and
        // each SET is a statement of its own.
        let mut tolerance = None;
        loop {
            let next = {
                let mut rules = self
                    .rules
                    .lock()
                    .map_err(|_| anyhow::anyhow!("a check rule thread failed"))?;
                match rules.front() {
                    Some(q) if !(early && q.late) => rules.pop_front(),
                    _ => None,
                }
            };
            let Some(Queued { index, rule, .. }) = next else {
                return Ok(outcomes);
            };
            outcomes.push((index, run_rule(wh, rule, &mut tolerance)?));
        }
    }

    /// Drop the rules not yet taken (a load that stops).
    pub fn clear(&self) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.clear();
        }
    }

    /// The outcomes of every thread, in the rules' order.
    pub fn outcomes(parts: Vec<Ran>) -> Vec<Outcome> {
        let mut all: Ran = parts.into_iter().flatten().collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, o)| o).collect()
    }
}

/// Run one rule on `wh`, first setting `tolerance` to the rule's unless `set` says it has it.
fn run_rule(wh: &Warehouse, rule: SqlFile, set: &mut Option<f64>) -> Result<Outcome> {
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
    if *set != Some(tol) {
        wh.set_variable("tolerance", &tol.to_string())?;
        *set = Some(tol);
    }
    let started = std::time::Instant::now();
    let rows = wh
        .query(&rule.sql, &[])
        .and_then(in_order)
        .with_context(|| format!("check rule {} failed to run", rule.path.display()))?;
    let status = status_of(&rows);
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    Ok(Outcome {
        rule,
        status,
        rows,
        millis,
    })
}

/// A rule's rows by every column, left to right, ascending, NULLs last: DuckDB's `ORDER BY ALL`,
/// done here for every rule. Planning an ORDER BY costs DuckDB 1.5 a run of its SQL parser per
/// sort key (it parses each key's type from text), ~0.3 ms a rule and ~3 ms of a load's 17, for
/// a handful of rows. -0.0 and NaN come out as DuckDB's sort gives them: as 0.0 (it sorts them
/// equal and returns 0.0), and above every number.
fn in_order(rows: QueryResult) -> Result<QueryResult> {
    if rows.num_rows() < 2 {
        return Ok(rows);
    }
    let batch = rows.single_batch()?;
    let options = SortOptions {
        descending: false,
        nulls_first: false,
    };
    let fields = batch
        .schema()
        .fields()
        .iter()
        .map(|f| SortField::new_with_options(f.data_type().clone(), options))
        .collect();
    let columns: Vec<ArrayRef> = batch.columns().iter().map(as_duckdb_sorts).collect();
    let keys = RowConverter::new(fields)?.convert_columns(&columns)?;
    let mut order: Vec<u32> = (0..batch.num_rows() as u32).collect();
    order.sort_by(|a, b| keys.row(*a as usize).cmp(&keys.row(*b as usize)));
    let sorted = take_record_batch(
        &RecordBatch::try_new(batch.schema(), columns)?,
        &UInt32Array::from(order),
    )?;
    Ok(QueryResult {
        schema: rows.schema,
        batches: vec![sorted],
    })
}

/// A column with its doubles as DuckDB's sort returns them: -0.0 as 0.0, every NaN the same.
fn as_duckdb_sorts(column: &ArrayRef) -> ArrayRef {
    if column.data_type() != &DataType::Float64 {
        return column.clone();
    }
    let doubles = column.as_primitive::<Float64Type>();
    std::sync::Arc::new(doubles.unary::<_, Float64Type>(|x| {
        if x.is_nan() {
            f64::NAN
        } else {
            x + 0.0
        }
    }))
}

/// A rule's status from its rows: none, pass; all explained (a residual the release leaves),
/// residual; else fail.
pub fn status_of(rows: &QueryResult) -> Status {
    if rows.num_rows() == 0 {
        Status::Pass
    } else if all_explained(rows) {
        Status::Residual
    } else {
        Status::Fail
    }
}

fn all_explained(rows: &QueryResult) -> bool {
    let Ok(idx) = rows.schema.index_of("explained") else {
        return false;
    };
    rows.batches.iter().all(|b| b.column(idx).null_count() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `in_order` puts rows where DuckDB's `ORDER BY ALL` does: text in byte order, NULLs last,
    /// -0.0 as 0.0, NaN above every number, ties broken by the later columns, over more than one
    /// batch.
    #[test]
    fn rows_come_in_the_order_of_duckdbs_order_by_all() {
        let conn = crate::base::open_duckdb().unwrap();
        conn.execute_batch(
            "CREATE TABLE t AS SELECT
                 CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 'B' WHEN 2 THEN 'a' WHEN 3 THEN 'é'
                            ELSE 'a b' END AS name,
                 CASE i % 7 WHEN 0 THEN '-0.0'::DOUBLE WHEN 1 THEN 0.0 WHEN 2 THEN 'NaN'::DOUBLE
                            WHEN 3 THEN NULL WHEN 4 THEN -1.5 WHEN 5 THEN 2.25 ELSE 1e10 END AS value,
                 i % 3 = 0 AS flag,
                 DATE '2006-09-30' + (i % 4)::INTEGER AS day,
                 (i % 6 - 3)::DECIMAL(18, 1) / 2 AS amount,
                 i AS n
             FROM range(3000) r(i)",
        )
        .unwrap();
        let fetch = |sql: &str| -> QueryResult {
            let mut statement = conn.prepare(sql).unwrap();
            let batches: Vec<RecordBatch> = statement.query_arrow([]).unwrap().collect();
            QueryResult {
                schema: batches[0].schema(),
                batches,
            }
        };
        let shown = |r: &QueryResult| {
            arrow::util::pretty::pretty_format_batches(&r.batches)
                .unwrap()
                .to_string()
        };
        let scrambled = fetch("SELECT * FROM t ORDER BY hash(n)");
        let expected = fetch("SELECT * FROM t ORDER BY ALL");
        assert!(scrambled.batches.len() > 1);
        assert_ne!(shown(&scrambled), shown(&expected));
        let sorted = in_order(scrambled).unwrap();
        assert_eq!(sorted.num_rows(), 3000);
        assert_eq!(shown(&sorted), shown(&expected));
    }
}
