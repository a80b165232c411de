//! Reading `data/`: one file per company (`companies/<id>.toml`), one folder per release with
//! `release.toml`, the raw release text and one CSV per table; and the reference tables of
//! `schema/reference/` (units, standard concepts). Every cell is parsed into the type the schema
//! gives it; a bad cell is reported with file, line, column and value. The references DuckDB's
//! keys cannot say, because they go through a release's company, are checked here: a period
//! label must name a period of the company's calendar (the loader derives table `periods` from
//! them, see `calendar`), and an item a concept of the company or a standard one. Company
//! records and concept definitions are checked whole here, before anything is written (every
//! constraint of their tables; a currency and unit against the reference; the concepts a parent
//! or components name, and no cycle), each error naming file, line (or key) and value; other
//! constraints (CHECK, keys, references) of the fact rows are enforced by the warehouse build.
//! Here: the reading and typing (mod.rs), what data/ holds by one walk (scan), company records
//! (company), concept definitions (concepts), reference tables (reference), the references
//! through a company (references), fiscal calendars (calendar); beside it, scaffolding a new
//! release folder (scaffold), HTML release documents to text (document) and synthetic releases
//! (synthetic).
//!
//! Who may call it: warehouse (the manifest's release entries), load and cmd; web, for the reading
//! layer's cut of numbers a PDF prints run together (`read::slide`). It imports schema and base.

pub mod calendar;
pub(crate) mod company;
mod concepts;
pub mod document;
pub mod draft;
mod folder;
pub mod propose;
pub(crate) mod read;
mod reference;
mod references;
pub mod scaffold;
mod scan;
pub mod synthetic;

use company::read_companies;
pub use company::Company;
use concepts::check_definitions;
pub use folder::{Metadata, ReleaseFolder};
use reference::read_reference;
pub use reference::Units;
use references::{check_concepts, check_period_ends, derive_periods};
pub use scan::{
    listing_stamp, looked_at, scan_data, scan_data_listed, scan_data_where, stamps_digest,
    DataScan, FileIdentity, Listed, Look,
};

use crate::base::hex;
use crate::schema::{Catalog, Table};
use anyhow::{anyhow, bail, Context, Result};
use arrow::array::{ArrayRef, PrimitiveArray};
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Decimal128Type, Int32Type, Int64Type,
};
use arrow::record_batch::RecordBatch;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The keys of release.toml naming its document of record (`release::document`): not columns of
/// `releases`, checked here (the file's hash) and not loaded.
const DOCUMENT_KEYS: [&str; 2] = ["document_file", "document_sha256"];
/// Tables filled from the release metadata rather than from a CSV.
const RELEASES: &str = "releases";
const RELEASE_SOURCES: &str = "release_sources";
const COMPANIES: &str = "companies";
const PERIODS: &str = "periods";
const UNITS: &str = "units";
const CONCEPTS: &str = "concepts";
const STANDARD_CONCEPTS: &str = "standard_concepts";
pub(crate) const METADATA_FILE: &str = "release.toml";
/// What a column comment says when the column names a period of the release's company, or a
/// concept of it: references through the company, which a foreign key cannot express.
const PERIOD_REFERENCE: &str = "(periods.period)";
const CONCEPT_REFERENCE: &str = "(concepts.concept)";
/// What a column comment says when the column's date must be a period end of the company.
const PERIOD_END_REFERENCE: &str = "(periods.end_date)";

/// Whether a release folder may hold a CSV of `table`: the tables of a release's own rows
/// (with a release_id), except those the loader fills from release.toml and the text.
pub fn release_table(table: &Table) -> bool {
    table.column("release_id").is_some()
        && ![RELEASES, RELEASE_SOURCES].contains(&table.name.as_str())
}

/// Where a row came from, for error messages.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: PathBuf,
    pub line: u64,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// A release as recorded in the warehouse manifest.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ReleaseInfo {
    pub release_id: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub fiscal_period: String,
    #[serde(default)]
    pub published_on: String,
    pub source_sha256: String,
    /// Rows of the `figures` view from this release (filled when the warehouse is built).
    #[serde(default)]
    pub figures: usize,
}

/// Untyped rows of one table, as read, before parsing.
#[derive(Default)]
struct RawRows {
    values: Vec<Vec<Option<String>>>,
    origins: Vec<Origin>,
}

/// Everything in `data/`, typed, one batch per table.
pub struct Dataset {
    pub releases: Vec<ReleaseInfo>,
    pub tables: BTreeMap<String, (RecordBatch, Vec<Origin>)>,
}

/// Everything in `data/`, with the reference tables of `reference` (schema/reference/), typed.
pub fn read_data(data_dir: &Path, reference: &Path, catalog: &Catalog) -> Result<Dataset> {
    read_data_of(data_dir, reference, catalog, None)
}

/// The company a release folder names in its release.toml, if it can be read (a folder that
/// cannot is read whole by the load, which then says what is wrong with it).
pub fn release_company(release_dir: &Path) -> Option<String> {
    let meta = ReleaseFolder::at(release_dir).ok()?.metadata().ok()?;
    meta.table.get("company_id")?.as_str().map(str::to_string)
}

/// As `read_data`, reading only the release folders named in `only` (when given); every company
/// record and reference table is read whole.
pub fn read_data_of(
    data_dir: &Path,
    reference: &Path,
    catalog: &Catalog,
    only: Option<&std::collections::BTreeSet<String>>,
) -> Result<Dataset> {
    let releases_dir = data_dir.join("releases");
    if !releases_dir.is_dir() {
        bail!(
            "no releases folder at {}: the data folder must hold releases/<release-id>/{METADATA_FILE} \
             (set --data or IIJWH_DATA to the right folder)",
            releases_dir.display()
        );
    }
    let listed = |dirs: Vec<PathBuf>| -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = dirs.into_iter().filter(|p| p.is_dir()).collect();
        dirs.sort();
        dirs
    };
    let dirs = match only {
        // The folders named, not a listing of all: at 10,000 releases a `stat` of each is
        // ~15 ms of an incremental load.
        Some(only) => listed(only.iter().map(|name| releases_dir.join(name)).collect()),
        None => listed(
            std::fs::read_dir(&releases_dir)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect(),
        ),
    };
    // Stops at the first folder.
    let any_folder = || {
        std::fs::read_dir(&releases_dir)
            .is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| e.path().is_dir())))
    };
    if dirs.is_empty() && !any_folder() {
        bail!("{} holds no release folder", releases_dir.display());
    }

    let mut raw: BTreeMap<String, RawRows> = BTreeMap::new();
    read_reference(reference, catalog, &mut raw)?;
    let units = Units::of(catalog, raw.get(UNITS).unwrap_or(&RawRows::default()))?;
    let companies = read_companies(&data_dir.join("companies"), catalog, &units, &mut raw)?;
    let mut releases = Vec::new();
    let bar = crate::base::progress(dirs.len() as u64, "reading releases");
    for dir in dirs {
        releases.push(read_release(&dir, catalog, (&companies, &units), &mut raw)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let published: HashMap<String, (String, String)> = releases
        .iter()
        .map(|r| {
            let key = (r.company.clone(), r.published_on.clone());
            (r.release_id.clone(), key)
        })
        .collect();
    check_definitions(catalog, &units, &published, &raw)?;
    derive_periods(catalog, &companies, &published, &mut raw)?;
    check_period_ends(catalog, &companies, &published, &raw)?;
    check_concepts(catalog, &published, &raw)?;
    let mut tables = BTreeMap::new();
    for table in &catalog.tables {
        let rows = raw.remove(&table.name).unwrap_or_default();
        let batch = to_batch(table, &rows)?;
        tables.insert(table.name.clone(), (batch, rows.origins));
    }
    Ok(Dataset { releases, tables })
}

fn table<'a>(catalog: &'a Catalog, name: &str) -> Result<&'a Table> {
    catalog
        .table(name)
        .with_context(|| format!("schema has no {name} table"))
}

/// A row of `table` from (column, value) pairs; columns not named are NULL.
fn row_of(table: &Table, values: &[(&str, String)]) -> Vec<Option<String>> {
    table
        .columns
        .iter()
        .map(|c| {
            values
                .iter()
                .find(|(name, _)| *name == c.name)
                .map(|(_, v)| v.clone())
        })
        .collect()
}

fn column_names(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Line (1-based) of the first line of a TOML text that sets `key`.
fn line_of(text: &str, key: &str) -> u64 {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i as u64 + 1)
}

/// Column number of column `ci` of `table` in its file (a release CSV leaves release_id out).
fn file_column(table: &Table, ci: usize) -> usize {
    match table.columns.iter().position(|c| c.name == "release_id") {
        Some(r) if r < ci && table.name != RELEASES => ci,
        _ => ci + 1,
    }
}

fn read_release(
    dir: &Path,
    catalog: &Catalog,
    (companies, units): (&BTreeMap<String, Company>, &Units),
    raw: &mut BTreeMap<String, RawRows>,
) -> Result<ReleaseInfo> {
    let folder_id = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    let folder = ReleaseFolder::at(dir)?;
    let metadata = folder.metadata()?;
    let (meta_path, text, meta) = (&metadata.path, &metadata.text, &metadata.table);
    let releases = catalog
        .table(RELEASES)
        .context("schema has no releases table")?;
    let get = |key: &str| metadata.get(key);
    let line_of = |key: &str| line_of(text, key);
    for key in meta.keys() {
        if releases.column(key).is_none() && !DOCUMENT_KEYS.contains(&key.as_str()) {
            bail!(
                "{}:{}: unknown key `{key}`; {METADATA_FILE} takes: {}",
                meta_path.display(),
                line_of(key),
                releases
                    .columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .chain(DOCUMENT_KEYS)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    // The document of record (an HTML page whose text is source_file) comes with its hash.
    for [key, other] in [DOCUMENT_KEYS, [DOCUMENT_KEYS[1], DOCUMENT_KEYS[0]]] {
        if meta.contains_key(key) && !meta.contains_key(other) {
            bail!(
                "{}:{}: {key} without {other}; a document of record is named with its SHA-256 \
                 (both keys, or neither)",
                meta_path.display(),
                line_of(key)
            );
        }
    }
    let release_id = get("release_id").unwrap_or_default();
    if release_id != folder_id {
        bail!(
            "{}:{}: release_id `{release_id}` must equal the folder name `{folder_id}`",
            meta_path.display(),
            line_of("release_id")
        );
    }
    let company_id = get("company_id").unwrap_or_default();
    let Some(company) = companies.get(&company_id) else {
        bail!(
            "{}:{}: company_id `{company_id}` is not a company: there is no data/companies/{company_id}.toml \
             (companies: {}); `iijwh release new ID --company {company_id} --name ... \
             --fiscal-year-start MONTH --currency CUR --unit UNIT` writes one",
            meta_path.display(),
            line_of("company_id"),
            companies.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    };
    // A release prints in its company's currency and unit unless it says otherwise; what it
    // says is held to the rule of a company's.
    if meta.contains_key("currency") || meta.contains_key("unit") {
        let currency = get("currency").unwrap_or_else(|| company.currency.clone());
        let unit = get("unit").unwrap_or_else(|| company.unit.clone());
        if let Err(problem) = units.check_currency(&currency, &unit) {
            let (key, why) = problem.key_and_why();
            bail!("{}:{}: {key} {why}", meta_path.display(), line_of(key));
        }
    }
    let row = releases
        .columns
        .iter()
        .map(|c| {
            get(&c.name).or_else(|| match c.name.as_str() {
                "currency" => Some(company.currency.clone()),
                "unit" => Some(company.unit.clone()),
                _ => None,
            })
        })
        .collect();
    push_row(
        raw,
        RELEASES,
        row,
        Origin {
            file: meta_path.clone(),
            line: 1,
        },
    );

    if let Some(published) = get("published_on") {
        let Ok(date) = NaiveDate::parse_from_str(&published, "%Y-%m-%d") else {
            bail!(
                "{}:{}: published_on {published:?} is not a date; write it as YYYY-MM-DD",
                meta_path.display(),
                line_of("published_on")
            );
        };
        {
            if date > chrono::Local::now().date_naive() {
                bail!(
                    "{}:{}: published_on {published} is in the future; a results release is \
                     loaded once published: correct the date",
                    meta_path.display(),
                    line_of("published_on")
                );
            }
        }
    }

    let source_file = get("source_file").unwrap_or_default();
    let (source_path, source) = folder.source(&metadata)?;
    let sha = hex(&Sha256::digest(source.as_bytes()));
    let declared = get("source_sha256").unwrap_or_default();
    if sha != declared {
        bail!(
            "{}:{}: source_sha256 does not match {}: the file hashes to {sha}; the release text \
             changed or the checksum is wrong",
            meta_path.display(),
            line_of("source_sha256"),
            source_path.display()
        );
    }
    let document_file = get("document_file");
    if let Some(name) = &document_file {
        if document::kind_of(Path::new(name)).is_none() || *name == source_file {
            bail!(
                "{}:{}: document_file `{name}` is not a document of record: it names the HTML page \
                 (.htm, .html) that source_file `{source_file}` is the text of",
                meta_path.display(),
                line_of("document_file")
            );
        }
    }
    if let Some((path, bytes)) = folder.document(&metadata)? {
        let sha = hex(&Sha256::digest(&bytes));
        let declared = get("document_sha256").unwrap_or_default();
        if sha != declared {
            bail!(
                "{}:{}: document_sha256 does not match {}: the file hashes to {sha}; the document \
                 of record changed or the checksum is wrong",
                meta_path.display(),
                line_of("document_sha256"),
                path.display()
            );
        }
    }
    push_row(
        raw,
        RELEASE_SOURCES,
        vec![Some(release_id.clone()), Some(source)],
        Origin {
            file: source_path,
            line: 1,
        },
    );

    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        // Notes beside the data (DRAFT.md of `release draft`) are for people, not the loader.
        if name == METADATA_FILE
            || name == source_file
            || document_file.as_deref() == Some(name.as_str())
            || name.ends_with(".md")
        {
            continue;
        }
        let table = name
            .strip_suffix(".csv")
            .and_then(|stem| catalog.table(stem))
            .filter(|t| release_table(t));
        let Some(table) = table else {
            bail!(
                "{}: unknown table file; a release folder holds {METADATA_FILE}, {source_file}, notes (.md) and \
                 CSV files named after schema tables: {}",
                path.display(),
                catalog
                    .tables
                    .iter()
                    .filter(|t| release_table(t))
                    .map(|t| format!("{}.csv", t.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        let text = folder.read(&path)?;
        read_csv_text(&path, &text, table, Some(&release_id), raw)?;
    }
    Ok(ReleaseInfo {
        company: company_id,
        fiscal_period: get("fiscal_period").unwrap_or_default(),
        published_on: get("published_on").unwrap_or_default(),
        release_id,
        source_sha256: sha,
        figures: 0,
    })
}

/// A file's bytes as UTF-8 text, bounded as `base::read_bounded`; a bad byte is reported with its
/// line.
fn read_utf8(path: &Path) -> Result<String> {
    let bytes = crate::base::read_bounded(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        anyhow!(
            "{}:{line}: invalid UTF-8 at byte {}: save the file as UTF-8",
            path.display(),
            upto.len()
        )
    })
}

fn push_row(raw: &mut BTreeMap<String, RawRows>, table: &str, row: Vec<Option<String>>, o: Origin) {
    let rows = raw.entry(table.to_string()).or_default();
    rows.values.push(row);
    rows.origins.push(o);
}

/// The rows of a table CSV; `release_id` fills that column of a release's table.
fn read_csv_text(
    path: &Path,
    text: &str,
    table: &Table,
    release_id: Option<&str>,
    raw: &mut BTreeMap<String, RawRows>,
) -> Result<()> {
    // Spreadsheets save a byte-order mark; it is not part of the first column name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        bail!(
            "{}:1: empty file; a table CSV starts with a header row naming the columns of `{}`",
            path.display(),
            table.name
        );
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{}:1: unreadable header", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let injects_release = release_id.is_some();
    let expected: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|n| !(injects_release && *n == "release_id"))
        .collect();
    if header != expected {
        let unknown: Vec<&String> = header
            .iter()
            .filter(|h| !expected.contains(&h.as_str()))
            .collect();
        let missing: Vec<&&str> = expected
            .iter()
            .filter(|e| !header.iter().any(|h| h == **e))
            .collect();
        bail!(
            "{}:1: header does not match table `{}`{}{}; expected columns: {}",
            path.display(),
            table.name,
            if unknown.is_empty() {
                String::new()
            } else {
                format!("; unknown: {unknown:?}")
            },
            if missing.is_empty() {
                String::new()
            } else {
                format!("; missing: {missing:?}")
            },
            expected.join(",")
        );
    }
    let rows = raw.entry(table.name.clone()).or_default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut row: Vec<Option<String>> = Vec::with_capacity(table.columns.len());
        let mut fields = record.iter();
        for col in &table.columns {
            if let (Some(id), "release_id") = (release_id, col.name.as_str()) {
                row.push(Some(id.to_string()));
            } else {
                let v = fields.next().unwrap_or_default();
                row.push((!v.is_empty()).then(|| v.to_string()));
            }
        }
        rows.values.push(row);
        rows.origins.push(Origin {
            file: path.to_path_buf(),
            line,
        });
    }
    Ok(())
}

fn csv_error(path: &Path, e: &csv::Error) -> anyhow::Error {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => anyhow!(
            "{}:{}: wrong column count: expected {expected_len} fields like the header, found {len}; \
             quote values that contain commas",
            path.display(),
            pos.as_ref().map_or(0, |p| p.line())
        ),
        _ => anyhow!("{}: {e}", path.display()),
    }
}

/// Parse every cell into its column's Arrow type.
fn to_batch(table: &Table, rows: &RawRows) -> Result<RecordBatch> {
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(table.columns.len());
    for (ci, field) in table.schema.fields().iter().enumerate() {
        let cells = rows.values.iter().map(|r| r[ci].as_deref());
        let fail = |ri: usize, value: &str, problem: String| -> anyhow::Error {
            let o = &rows.origins[ri];
            let col = table.columns[ci].name.as_str();
            let csv_col = file_column(table, ci);
            anyhow!(
                "{}:{}:{csv_col}: column `{col}` ({}): {problem}: {value:?}",
                o.file.display(),
                o.line,
                table.columns[ci].sql_type
            )
        };
        for (ri, cell) in cells.clone().enumerate() {
            if cell.is_none() && !field.is_nullable() {
                return Err(fail(
                    ri,
                    "",
                    "missing value in a NOT NULL column; fill it in".into(),
                ));
            }
        }
        const WHOLE: &str = "not a whole number (digits only, no separators)";
        let array: ArrayRef = match field.data_type() {
            DataType::Utf8 => Arc::new(cells.collect::<arrow::array::StringArray>()),
            DataType::Int32 => Arc::new(primitive::<Int32Type>(
                cells,
                |v| v.parse().map_err(|_| WHOLE.into()),
                &fail,
            )?),
            DataType::Int64 => Arc::new(primitive::<Int64Type>(
                cells,
                |v| v.parse().map_err(|_| WHOLE.into()),
                &fail,
            )?),
            DataType::Date32 => {
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
                Arc::new(primitive::<Date32Type>(
                    cells,
                    |v| {
                        NaiveDate::parse_from_str(v, "%Y-%m-%d")
                            .map(|d| (d - epoch).num_days() as i32)
                            .map_err(|_| "not a date; write it as YYYY-MM-DD".into())
                    },
                    &fail,
                )?)
            }
            DataType::Decimal128(p, s) => Arc::new(
                primitive::<Decimal128Type>(cells, |v| parse_decimal(v, *p, *s), &fail)?
                    .with_precision_and_scale(*p, *s)?,
            ),
            DataType::Boolean => {
                let values = cells
                    .enumerate()
                    .map(|(ri, c)| {
                        c.map(|v| {
                            v.parse::<bool>()
                                .map_err(|_| fail(ri, v, "not true or false".into()))
                        })
                        .transpose()
                    })
                    .collect::<Result<Vec<Option<bool>>>>()?;
                Arc::new(arrow::array::BooleanArray::from(values))
            }
            other => bail!(
                "table {}: column type {other} is not supported by the loader",
                table.name
            ),
        };
        arrays.push(array);
    }
    Ok(RecordBatch::try_new(table.schema.clone(), arrays)?)
}

/// Parse cells into a primitive Arrow array; `fail(row, value, problem)` makes the located error.
fn primitive<'a, T: ArrowPrimitiveType>(
    cells: impl Iterator<Item = Option<&'a str>>,
    parse: impl Fn(&str) -> std::result::Result<T::Native, String>,
    fail: &impl Fn(usize, &str, String) -> anyhow::Error,
) -> Result<PrimitiveArray<T>> {
    cells
        .enumerate()
        .map(|(ri, cell)| {
            cell.map(|v| parse(v).map_err(|problem| fail(ri, v, problem)))
                .transpose()
        })
        .collect()
}

/// Exact decimal parsing: plain digits with an optional sign and decimal point, no rounding.
pub fn parse_decimal(v: &str, precision: u8, scale: i8) -> std::result::Result<i128, String> {
    let hint = if v.ends_with('%') {
        "a percentage where a number is expected; write the number without % (18.3, not 18.3%)"
    } else if v.contains(',') {
        "not a plain number; write it without thousands separators (14007, not 14,007)"
    } else if v.starts_with('(') {
        "not a plain number; write negatives with a minus sign (-238, not (238))"
    } else {
        "not a number"
    };
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(hint.to_string());
    }
    if frac.len() > scale.max(0) as usize {
        return Err(format!("more than {scale} decimal places; the schema stores DECIMAL({precision},{scale}) exactly, without rounding"));
    }
    arrow_cast::parse::parse_decimal::<Decimal128Type>(v, precision, scale)
        .map_err(|_| format!("does not fit DECIMAL({precision},{scale})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Any plain decimal within DECIMAL(18,1) parses to exactly its digits.
        #[test]
        fn plain_decimals_parse_exactly(int in -99_999_999_999_999_999i128 / 10..99_999_999_999_999_999i128 / 10, frac in 0u8..10) {
            let text = if int < 0 { format!("-{}.{frac}", -int) } else { format!("{int}.{frac}") };
            let expected = if int < 0 { int * 10 - frac as i128 } else { int * 10 + frac as i128 };
            prop_assert_eq!(parse_decimal(&text, 18, 1), Ok(expected));
        }

        // Arbitrary text never panics, and is accepted only if it is a plain number.
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,24}") {
            let plain = text.strip_prefix(['-', '+']).unwrap_or(&text);
            let looks_plain = !plain.is_empty()
                && plain.split_once('.').map_or(plain.bytes().all(|b| b.is_ascii_digit()), |(i, f)| {
                    !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && f.bytes().all(|b| b.is_ascii_digit())
                });
            if parse_decimal(&text, 18, 1).is_ok() {
                prop_assert!(looks_plain, "{text:?} was accepted");
            }
        }

    }

    proptest! {
        // Each case opens DuckDB to read the schema: a bounded number of cases.
        #![proptest_config(ProptestConfig::with_cases(32))]

        // Whole release folders with random CSV bodies: the loader returns an error or data, never panics.
        #[test]
        fn random_csv_never_panics(body in proptest::collection::vec("[ -~\\n\",]{0,40}", 0..6)) {
            let dir = tempfile::tempdir().unwrap();
            let release = dir.path().join("releases").join("r1");
            std::fs::create_dir_all(&release).unwrap();
            let source = "text";
            std::fs::write(release.join("source.txt"), source).unwrap();
            let sha = hex(&Sha256::digest(source.as_bytes()));
            std::fs::write(release.join(METADATA_FILE), format!(
                "release_id = \"r1\"\ncompany_id = \"c\"\ntitle = \"t\"\npublished_on = 2006-11-02\nfiscal_period = \"2Q06\"\nsource_file = \"source.txt\"\nsource_sha256 = \"{sha}\"\n")).unwrap();
            std::fs::create_dir_all(dir.path().join("companies")).unwrap();
            std::fs::write(dir.path().join("companies").join("c.toml"), "company_id = \"c\"\nname = \"C\"\nfiscal_year_start_month = 1\nfiscal_year_named_by = \"end_year\"\ncurrency = \"USD\"\nunit = \"USD million\"\n").unwrap();
            let header = "period,item,comparison,value,unit,section,label,printed,derived,placement,note\n";
            std::fs::write(release.join("kpis.csv"), format!("{header}{}", body.join("\n"))).unwrap();
            let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
            let catalog = Catalog::load(&schema).unwrap();
            let _ = read_data(dir.path(), &schema.join("reference"), &catalog);
        }
    }
}
