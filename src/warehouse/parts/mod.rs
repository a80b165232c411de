//! Company parts: how a generation's rows are laid out so that a load pays for what changed, and
//! the number of files does not follow the number of companies. The rows of a table that belong
//! to companies (the tables with a release_id or company_id, but `companies`) are cut into 256
//! parts by company, `TABLE/part-XX.parquet`, XX the first byte of the SHA-256 of the company's
//! id: each table a folder that pyarrow, polars, DuckDB and Spark read as one table. In a part
//! file the companies follow in id order, in row groups of whole companies (`row_group_rows`: its
//! statistics name the companies it holds, so a question about one company skips the row groups
//! of the others), and the footer says how many rows each company has (`COMPANY_ROWS`).
//!
//! Why 256 parts by a hash, measured in bench/RESULTS.md 0p against one file per company (the
//! layout before) and one file per table: one file per company made 27 files a company (135,000
//! at 5,000 companies), each opened by every statement over all companies; one file per table
//! makes every load rewrite every company's rows. A fixed number of parts keeps the file count
//! at most 256 a table whatever the number of companies, and a load rewrites the parts of the
//! companies it read (a 256th of the warehouse each); a hash, not a list kept in the manifest,
//! so a part is found from a company's id alone (in SQL too: `part_of_sql`), a full load and
//! incremental ones make the same files, and no part fills up as companies add quarters.
//!
//! A load reads the companies whose files in data/ changed, rewrites their parts (the other
//! companies of a part taken from the live generation's file as they were) and hard-links the
//! other parts' files from the live generation; the warehouse's own tables (units, companies,
//! standard concepts, check results) are one file each, `TABLE.parquet`, written every load.
//! Each company's share of the data rules' outcomes is kept in its part
//! (`rule_outcomes/part-XX.parquet`, check_results' columns), so the next load runs the rules
//! on the companies it reads and takes the others' outcomes as they were.
//!
//! Who may call it: the rest of `warehouse`, and `crate::load`.

pub mod file;

use crate::schema::Table;
use anyhow::{Context, Result};
use arrow::array::{BooleanArray, StringArray};
use arrow::compute::filter_record_batch;
use arrow::record_batch::RecordBatch;
use std::collections::{BTreeMap, HashMap};

/// The folder of each company's share of the data rules' outcomes.
pub const RULE_OUTCOMES: &str = "rule_outcomes";

/// The folder of the latest vintage as the load stored it: `latest/TABLE/part-XX.parquet`, one
/// file per part of each table of the catalog's schema `latest` (schema/views/12_latest.sql).
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

/// Companies with their releases (`items`) cut into runs of about `size` releases, whole parts
/// at a time, in part order (a part is never split, so each part's files are written once by a
/// load of many batches, and a batch's views read whole parts; `first` go into the first run
/// whatever its size).
pub fn batches<T>(
    first: Vec<T>,
    items: impl IntoIterator<Item = (String, Vec<T>)>,
    size: usize,
) -> Vec<(std::collections::BTreeSet<String>, Vec<T>)> {
    let mut by_part: BTreeMap<String, Vec<(String, Vec<T>)>> = BTreeMap::new();
    for (company, releases) in items {
        by_part
            .entry(part_of(&company))
            .or_default()
            .push((company, releases));
    }
    let mut batches = Vec::new();
    let mut batch = (std::collections::BTreeSet::new(), first);
    for (_, mut companies) in by_part {
        companies.sort_by(|a, b| a.0.cmp(&b.0));
        let releases: usize = companies.iter().map(|(_, r)| r.len()).sum();
        if !batch.1.is_empty() && batch.1.len() + releases > size {
            batches.push(std::mem::take(&mut batch));
        }
        for (company, releases) in companies {
            batch.0.insert(company);
            batch.1.extend(releases);
        }
    }
    batches.push(batch);
    batches
}

/// How many hex digits of the hash name a part: 2, 256 parts. `IIJWH_PART_DIGITS` (0-4) sets
/// another for the layout benchmark (bench/market.py: 0 is one file per table); it is part of
/// what every part is made under (`load::plan::build_key`), so a load under another rebuilds.
pub fn part_digits() -> usize {
    // Read once: `part_of` asks for every release of a load (100,000 at the largest shape).
    static DIGITS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *DIGITS.get_or_init(|| {
        std::env::var("IIJWH_PART_DIGITS")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&n| n <= 4)
            .unwrap_or(2)
    })
}

/// The rows a row group of a part file holds at least before the next company starts a new
/// one: whole companies packed, never one split. A row group per company (the layout of RESULTS
/// 0p) made a scan of every company ~4x slower than the bare DuckDB CLI over one file, each
/// row group of a few hundred rows costing DuckDB its own task (RESULTS 0q); at 16,384 rows a
/// scan of every company costs about what a file per part in one row group does, and a
/// one-company read decodes a few thousand rows of other companies at most.
/// `IIJWH_ROW_GROUP_ROWS` sets another (1: a row group per company) for tests and the layout
/// benchmark; it is part of what every part is made under (`load::plan::build_key`).
pub fn row_group_rows() -> usize {
    std::env::var("IIJWH_ROW_GROUP_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(16_384)
}

/// The part holding `company`'s rows: `part-XX`, XX the first hex digits of the SHA-256 of its
/// id (see `part_digits`).
pub fn part_of(company: &str) -> String {
    use sha2::Digest;
    let hash = crate::base::hex(&sha2::Sha256::digest(company.as_bytes())[..2]);
    format!("part-{}", &hash[..part_digits()])
}

/// `part_of` in DuckDB's SQL, of the text expression `company` (the one-company views find
/// their company's file with it).
pub fn part_of_sql(company: &str) -> String {
    format!("'part-' || left(sha256({company}), {})", part_digits())
}

/// The part of a part file's path (`latest/kpis/part-3f.parquet` -> `part-3f`).
pub fn part_of_file(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".parquet").unwrap_or(name)
}

/// The footer key of a part file saying how many rows each company has, in the file's order:
/// `a=120,b=0,c=57`.
pub const COMPANY_ROWS: &str = "iijwh.company_rows";

/// One company's rows of a part.
pub type CompanyRows = (String, RecordBatch);

/// The rows of a part file, company by company, in its order (see `COMPANY_ROWS`).
pub fn read_part(path: &std::path::Path) -> Result<Vec<CompanyRows>> {
    file::LivePart::open(path)?.every_company()
}

/// Each company of a part file and its rows, in the file's order, from its footer's
/// `COMPANY_ROWS` (`metadata`; `path` for what an error names).
pub fn company_rows_of(
    metadata: &parquet::file::metadata::FileMetaData,
    path: &std::path::Path,
) -> Result<Vec<(String, usize)>> {
    let counts = metadata
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == COMPANY_ROWS))
        .and_then(|k| k.value.clone())
        .with_context(|| format!("{}: a part file without its {COMPANY_ROWS}", path.display()))?;
    counts
        .split(',')
        .filter(|i| !i.is_empty())
        .map(|item| {
            item.rsplit_once('=')
                .and_then(|(c, n)| Some((c.to_string(), n.parse::<usize>().ok()?)))
                .with_context(|| format!("{}: {COMPANY_ROWS} `{item}`", path.display()))
        })
        .collect()
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

/// Part `part`'s file of folder `table` (a table, `latest/TABLE` or RULE_OUTCOMES), relative to
/// the generation.
pub fn part_file(table: &str, part: &str) -> String {
    format!("{table}/{part}.parquet")
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
