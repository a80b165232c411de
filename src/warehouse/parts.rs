//! Company parts: how a generation's rows are laid out so that a load pays for what changed.
//! The rows of a table that belong to one company (the tables with a release_id or company_id,
//! but `companies`) are one file per company, `TABLE/COMPANY.parquet`: each table a folder that
//! pyarrow, polars, DuckDB and Spark read as one table, and a question about one company reads
//! its files only. A load writes the parts of the companies whose files in data/ changed and
//! hard-links the others' from the live generation, unchanged; the warehouse's own tables
//! (units, companies, standard concepts, check results) are one file each, `TABLE.parquet`,
//! written every load. Each company's share of the data rules' outcomes is kept in its part
//! (`rule_outcomes/COMPANY.parquet`, check_results' columns), so the next load runs the rules on
//! the companies it reads and takes the others' outcomes as they were.
//!
//! Who may call it: the rest of `warehouse`, and `crate::load`.

use crate::schema::Table;
use anyhow::{Context, Result};
use arrow::array::{BooleanArray, StringArray};
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;
use std::collections::HashMap;

/// The folder of each company's share of the data rules' outcomes.
pub const RULE_OUTCOMES: &str = "rule_outcomes";

/// The folder of the latest vintage as the load stored it: `latest/TABLE/COMPANY.parquet`, one
/// file per company of each table of the catalog's schema `latest` (schema/views/12_latest.sql).
pub const LATEST_DIR: &str = "latest";

/// The releases a command that reads every company holds in memory at once, at most (a full
/// load reads data/, `check --rerun` runs the rules, a batch of companies at a time):
/// `IIJWH_BATCH_RELEASES`, else 1,000, whose load peaks well under 1 GiB.
pub fn batch_releases() -> usize {
    std::env::var("IIJWH_BATCH_RELEASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1000)
}

/// Companies with their releases (`items`, in the order given) cut into runs of about `size`
/// releases (a company is never split; `first` go into the first run whatever its size).
pub fn batches<T>(
    first: Vec<T>,
    items: impl IntoIterator<Item = (String, Vec<T>)>,
    size: usize,
) -> Vec<(std::collections::BTreeSet<String>, Vec<T>)> {
    let mut batches = Vec::new();
    let mut batch = (std::collections::BTreeSet::new(), first);
    for (company, releases) in items {
        if !batch.1.is_empty() && batch.1.len() + releases.len() > size {
            batches.push(std::mem::take(&mut batch));
        }
        batch.0.insert(company);
        batch.1.extend(releases);
    }
    batches.push(batch);
    batches
}

/// Whether the catalog reads `table` from its part files (a view over `TABLE/*.parquet`) rather
/// than holding its rows: the tables of what releases print, nearly all of a warehouse's bytes,
/// so a load that adds one company's release writes that company's files and a catalog of a few
/// kilobytes. The tables saying which companies, calendars and releases there are stay in the
/// catalog: small, and read by nearly every statement.
pub fn read_from_parts(table: &Table) -> bool {
    company_scoped(table) && table.column("release_id").is_some() && table.name != "releases"
}

/// Whether `table`'s rows are kept one file per company.
pub fn company_scoped(table: &Table) -> bool {
    table.name != "companies"
        && (table.column("release_id").is_some() || table.column("company_id").is_some())
}

/// A part's file of `table` (or of RULE_OUTCOMES) for `company`, relative to the generation.
pub fn part_file(table: &str, company: &str) -> String {
    format!("{table}/{company}.parquet")
}

/// The company of each row of `batch` (of `table`): its company_id, else its release's company
/// (`release_company`: release id -> company id); None when neither is known.
pub fn row_companies(
    table: &Table,
    batch: &RecordBatch,
    release_company: &HashMap<String, String>,
) -> Result<Vec<Option<String>>> {
    let text = |name: &str| -> Result<Option<&StringArray>> {
        match batch.column_by_name(name) {
            None => Ok(None),
            Some(c) => Ok(Some(
                c.as_any().downcast_ref::<StringArray>().with_context(|| {
                    format!("column `{name}` of table `{}` is not text", table.name)
                })?,
            )),
        }
    };
    if let Some(companies) = text("company_id")? {
        return Ok(companies.iter().map(|c| c.map(str::to_string)).collect());
    }
    let releases = text("release_id")?
        .with_context(|| format!("table `{}` names no release or company", table.name))?;
    Ok(releases
        .iter()
        .map(|r| r.and_then(|r| release_company.get(r).cloned()))
        .collect())
}

/// The rows of `batch` whose company (see `row_companies`) is `company`, in their order.
pub fn rows_of(
    batch: &RecordBatch,
    companies: &[Option<String>],
    company: &str,
) -> Result<RecordBatch> {
    let keep: BooleanArray = companies
        .iter()
        .map(|c| Some(c.as_deref() == Some(company)))
        .collect();
    Ok(filter_record_batch(batch, &keep)?)
}

/// Every row of `batch` has a known company.
pub fn unplaced_rows(companies: &[Option<String>]) -> usize {
    companies.iter().filter(|c| c.is_none()).count()
}

/// The text column `name` of `batch`.
pub fn text_column<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a StringArray> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<StringArray>())
        .with_context(|| format!("no text column `{name}`"))
}

/// Read a Parquet file the warehouse wrote (a part's rule outcomes) back into one batch.
pub fn read_file(path: &std::path::Path) -> Result<RecordBatch> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(|| format!("reading {}", path.display()))?;
    let schema = reader.schema().clone();
    let batches = reader
        .build()?
        .collect::<std::result::Result<Vec<_>, _>>()
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(arrow::compute::concat_batches(&schema, &batches)?)
}
