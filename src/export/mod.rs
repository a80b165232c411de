//! Exporting the warehouse for other tools. Parquet goes through the same writer as the warehouse
//! files; CSV through the query CSV writer; the DuckDB file has the warehouse's own shape (schema
//! `raw` built from schema/ DDL, with constraints and comments, and the vintage views). Written
//! aside and renamed into place, never over data/, the warehouse or the project.
//!
//! Who may call it: cmd (export). It imports warehouse, render, schema, release and base.

use crate::base::project::Project;
use crate::base::{hex, StagedDir};
use crate::release::ReleaseInfo;
use crate::render::{is_percent, print, Format};
use crate::schema::{read_sql_files, Catalog};
use crate::warehouse::parquet;
use crate::warehouse::{QueryResult, Warehouse, RAW};

pub mod spark;
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Parquet,
    Csv,
    Duckdb,
}

pub struct ExportOptions {
    pub dir: PathBuf,
    pub format: ExportFormat,
    pub tables: Vec<String>,
    pub partition_by: Option<Partition>,
    pub force: bool,
    /// The one company to export (its id, `--company`); None: every company of the vintage.
    pub company: Option<String>,
}

/// How `--partition-by` splits a table's Parquet file into Hive-style folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Partition {
    /// fiscal_year=2006/: tables with a period or a balance sheet date, in the session's company
    #[value(name = "fiscal_year")]
    FiscalYear,
    /// company_id=iij/: every company of the vintage, each as of its newest release, so a reader
    /// of one company's files reads that company only
    Company,
}

#[derive(Serialize)]
pub struct ExportManifest {
    pub tool: String,
    pub schema_version: String,
    pub exported_at: String,
    pub format: String,
    pub releases: Vec<ReleaseInfo>,
    /// The `.duckdb` file of a duckdb export (its tables list no files of their own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<ExportFile>,
    pub tables: Vec<ExportTable>,
    /// Every file the export wrote (paths relative to its folder, this manifest included): a
    /// later `export --force` replaces the folder only when it holds nothing else.
    pub written: Vec<String>,
}

#[derive(Serialize)]
pub struct ExportTable {
    pub name: String,
    pub description: Option<String>,
    pub rows: usize,
    pub partitioned_by: Option<String>,
    pub files: Vec<ExportFile>,
    pub columns: Vec<ExportColumn>,
}

#[derive(Serialize)]
pub struct ExportFile {
    pub path: String,
    pub rows: usize,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct ExportColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub sql_type: String,
    pub nullable: bool,
    pub unit: Option<String>,
    pub description: Option<String>,
}

const FIGURES: &str = "figures";
const DUCKDB_FILE: &str = "iijwh.duckdb";

pub fn export(project: &Project, wh: &Warehouse, opts: &ExportOptions) -> Result<ExportManifest> {
    let catalog = Catalog::of(project)?;
    let mut all: Vec<String> = catalog.tables.iter().map(|t| t.name.clone()).collect();
    all.push(FIGURES.to_string());
    let selected: Vec<String> = if opts.tables.is_empty() {
        all.clone()
    } else {
        for t in &opts.tables {
            if !all.contains(t) {
                bail!("no table `{t}` to export; tables: {}", all.join(", "));
            }
        }
        opts.tables.clone()
    };
    if opts.format == ExportFormat::Duckdb && !opts.tables.is_empty() {
        bail!("--tables does not apply to --format duckdb: the database file holds every table");
    }
    if opts.partition_by.is_some() && opts.format != ExportFormat::Parquet {
        bail!("--partition-by applies to --format parquet only");
    }
    let dir = &opts.dir;
    project.guard_output_dir(dir)?;
    check_replaceable(dir, opts.force)?;

    let staged = StagedDir::new(dir)?;
    let mut manifest = write_export(wh, &catalog, &selected, opts, staged.path())?;
    if opts.format == ExportFormat::Parquet {
        // A report in Spark answers for the company an iijwh session shows by default; the
        // tables of an export by fiscal year hold that company's rows only.
        let shown = (opts.partition_by != Some(Partition::FiscalYear))
            .then(|| wh.column_values("SELECT company_id FROM vintage_company"))
            .transpose()?
            .and_then(|c| c.into_iter().next());
        // A report written for one company answers for it, unless --company chose another.
        let headed = match (&opts.company, shown.is_some()) {
            (None, true) => wh.column_values("SELECT company_id FROM companies")?,
            _ => Vec::new(),
        };
        spark::write(
            project,
            dir,
            staged.path(),
            &manifest.tables,
            shown.as_deref(),
            &headed,
        )?;
    }
    manifest.written = files_below(staged.path())?;
    manifest.written.push("manifest.json".to_string());
    manifest.written.sort();
    std::fs::write(
        staged.path().join("manifest.json"),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    // The old export (if any) is moved aside first and removed last.
    staged.commit()?;
    Ok(manifest)
}

/// An existing target is replaced only when it is empty, or holds a previous iijwh export (its
/// manifest.json), --force says so, and it holds only the files that export wrote (its
/// manifest's `written`): anything else in the way is named, never deleted.
fn check_replaceable(dir: &Path, force: bool) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        bail!(
            "{} is a file, not a folder; choose a folder name for the export",
            dir.display()
        );
    }
    let entries = files_below(dir)?;
    if entries.is_empty() && std::fs::read_dir(dir)?.next().is_none() {
        return Ok(());
    }
    let listed = |what: &str, names: &[String]| {
        let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        format!(
            "{what} {}{}",
            shown.join(", "),
            if names.len() > shown.len() {
                format!(" and {} more", names.len() - shown.len())
            } else {
                String::new()
            }
        )
    };
    let Some(written) = previous_export(dir) else {
        bail!(
            "{} is not empty and is not an iijwh export (no iijwh manifest.json): {}; \
             --force replaces only a previous export. Choose another folder",
            dir.display(),
            listed("it holds", &entries)
        );
    };
    if !force {
        bail!(
            "{} holds a previous iijwh export; pass --force to replace it, or choose another folder",
            dir.display()
        );
    }
    let foreign: Vec<String> = entries
        .into_iter()
        .filter(|f| !written.contains(f))
        .collect();
    if !foreign.is_empty() {
        bail!(
            "{} holds a previous iijwh export and files it did not write ({}): --force replaces \
             only what an export wrote, so nothing was replaced. Move those files out, or choose \
             another folder",
            dir.display(),
            listed("", &foreign).trim()
        );
    }
    Ok(())
}

/// The files a folder written by `iijwh export` holds by its manifest (which names iijwh as
/// the tool), or None when it is not one. Exports from before `written` list their table and
/// database files, the Spark files and the manifest.
fn previous_export(dir: &Path) -> Option<Vec<String>> {
    let text = crate::base::read_text_bounded(&dir.join("manifest.json")).ok()?;
    let v = serde_json::from_str::<serde_json::Value>(&text).ok()?;
    if !v.get("tool")?.as_str()?.starts_with("iijwh ") {
        return None;
    }
    let strings = |v: Option<&serde_json::Value>| -> Vec<String> {
        v.and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    if v.get("written").is_some() {
        return Some(strings(v.get("written")));
    }
    let mut files = vec!["manifest.json".to_string()];
    for table in v.get("tables")?.as_array()? {
        for file in table.get("files")?.as_array()? {
            files.push(file.get("path")?.as_str()?.to_string());
        }
    }
    if let Some(db) = v.get("database").and_then(|d| d.get("path")?.as_str()) {
        files.push(db.to_string());
    }
    let spark = files_below(&dir.join("spark")).unwrap_or_default();
    files.extend(
        spark
            .into_iter()
            .filter(|f| {
                f == "tables.sql"
                    || f == "UNPORTED.md"
                    || (f.starts_with("reports/") && f.ends_with(".sql"))
            })
            .map(|f| format!("spark/{f}")),
    );
    Some(files)
}

/// Every file below `dir` (links not followed), as paths relative to it, sorted.
fn files_below(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                out.push(rel.to_string_lossy().to_string());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn write_export(
    wh: &Warehouse,
    catalog: &Catalog,
    selected: &[String],
    opts: &ExportOptions,
    out: &Path,
) -> Result<ExportManifest> {
    // The companies whose rows the export holds: the one named, else every one of the vintage;
    // by fiscal year, the session's (the years are those of its calendar).
    let companies = match (&opts.company, opts.partition_by) {
        (Some(id), _) => vec![id.clone()],
        (None, Some(Partition::FiscalYear)) => {
            wh.column_values("SELECT company_id FROM vintage_company")?
        }
        (None, _) => {
            wh.column_values("SELECT DISTINCT company_id FROM vintage_releases ORDER BY 1")?
        }
    };
    let quoted: Vec<String> = companies
        .iter()
        .map(|c| crate::base::sql_string(c))
        .collect();
    let release_ids = wh.column_values(&format!(
        "SELECT release_id FROM vintage_releases WHERE company_id IN ({}) ORDER BY vintage_order",
        match quoted.is_empty() {
            true => "NULL".to_string(),
            false => quoted.join(", "),
        }
    ))?;
    let releases: Vec<ReleaseInfo> = wh
        .manifest()
        .body()?
        .releases
        .iter()
        .filter(|r| release_ids.contains(&r.release_id))
        .cloned()
        .collect();
    let metadata = vec![
        ("iijwh.schema_version".to_string(), catalog.version.clone()),
        ("iijwh.release_ids".to_string(), release_ids.join(",")),
    ];
    let mut tables = Vec::new();
    if opts.format == ExportFormat::Duckdb {
        write_duckdb(wh, catalog, &out.join(DUCKDB_FILE))?;
    }
    for name in selected {
        if opts.format == ExportFormat::Parquet
            && opts.partition_by.is_none()
            && opts.company.is_none()
            && name == FIGURES
        {
            tables.push(write_in_batches(wh, catalog, name, out, &metadata)?);
            continue;
        }
        let partitioned = opts.format == ExportFormat::Parquet
            && match opts.partition_by {
                Some(Partition::FiscalYear) => fiscal_year_expr(catalog, name).is_some(),
                Some(Partition::Company) => company_scoped(catalog, name),
                None => false,
            };
        // A partitioned table is read a partition at a time; here only its columns.
        let no_rows = || {
            typed_rows(
                wh,
                catalog,
                name,
                &format!(
                    "SELECT {} FROM \"{name}\" LIMIT 0",
                    columns(catalog, name, "")
                ),
                &[],
            )
        };
        let result = match partitioned {
            true => no_rows()?,
            // A table of the companies' rows holds those of each company exported, not only
            // those of the company the session shows.
            false if company_scoped(catalog, name) => {
                let mut batches = Vec::new();
                company_partitions(wh, catalog, name, &companies, |_, part| {
                    batches.push(part);
                    Ok(())
                })?;
                QueryResult {
                    schema: no_rows()?.schema,
                    batches,
                }
            }
            false => read_table(wh, catalog, name)?,
        };
        let mut rows = result.num_rows();
        let mut files = Vec::new();
        let mut partitioned_by = None;
        match opts.format {
            ExportFormat::Duckdb => {}
            ExportFormat::Csv => {
                let path = out.join(format!("{name}.csv"));
                let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
                print(&result, Format::Csv, &mut file)?;
                file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
                files.push(file_entry(out, &path, rows, None)?);
            }
            ExportFormat::Parquet => {
                let mut kv = metadata.clone();
                kv.push(("iijwh.table".to_string(), name.clone()));
                let fiscal = fiscal_year_expr(catalog, name)
                    .filter(|_| opts.partition_by == Some(Partition::FiscalYear));
                let by_company =
                    opts.partition_by == Some(Partition::Company) && company_scoped(catalog, name);
                // Each partition's file is written as it is read, so one is in memory at a time.
                let mut emit = |key: &str, value: String, part: RecordBatch| -> Result<()> {
                    let folder = out.join(name).join(format!("{key}={value}"));
                    std::fs::create_dir_all(&folder)?;
                    let path = folder.join("part-0.parquet");
                    let sha256 = parquet::write(&path, &part, &kv)?;
                    files.push(file_entry(out, &path, part.num_rows(), Some(sha256))?);
                    Ok(())
                };
                let key = match (fiscal, by_company) {
                    (Some(expr), _) => {
                        partitions(wh, catalog, name, &expr, |v, p| emit("fiscal_year", v, p))?;
                        Some("fiscal_year")
                    }
                    (None, true) => {
                        company_partitions(wh, catalog, name, &companies, |v, p| {
                            // Hive layout: the key is the folder's, not the file's (Spark
                            // refuses it twice).
                            let keep: Vec<usize> = (0..p.num_columns())
                                .filter(|&i| p.schema().field(i).name() != "company_id")
                                .collect();
                            emit("company_id", v, p.project(&keep)?)
                        })?;
                        Some("company_id")
                    }
                    _ => None,
                };
                match key {
                    Some(key) => {
                        partitioned_by = Some(key.to_string());
                        rows = files.iter().map(|f| f.rows).sum();
                    }
                    None => {
                        let path = out.join(format!("{name}.parquet"));
                        let sha256 = parquet::write(&path, &result.single_batch()?, &kv)?;
                        files.push(file_entry(out, &path, rows, Some(sha256))?);
                    }
                }
            }
        }
        tables.push(describe(
            catalog,
            name,
            &result.schema,
            rows,
            partitioned_by,
            files,
        ));
    }
    let database = match opts.format {
        ExportFormat::Duckdb => {
            let rows = tables.iter().map(|t| t.rows).sum();
            Some(file_entry(out, &out.join(DUCKDB_FILE), rows, None)?)
        }
        _ => None,
    };
    Ok(ExportManifest {
        tool: format!("iijwh {}", env!("CARGO_PKG_VERSION")),
        schema_version: catalog.version.clone(),
        exported_at: chrono::Utc::now().to_rfc3339(),
        format: format!("{:?}", opts.format).to_lowercase(),
        releases,
        database,
        tables,
        written: Vec::new(),
    })
}

/// The Parquet file of `figures` (every printing of every company, ~400 rows a release), read a
/// batch of companies at a time (see `warehouse::PARTS`) and written piece by piece, so the
/// export holds a batch's rows, not the warehouse's.
fn write_in_batches(
    wh: &Warehouse,
    catalog: &Catalog,
    name: &str,
    out: &Path,
    metadata: &[(String, String)],
) -> Result<ExportTable> {
    let mut kv = metadata.to_vec();
    kv.push(("iijwh.table".to_string(), name.to_string()));
    let mut writer: Option<(parquet::Writer, SchemaRef)> = None;
    let mut rows = 0;
    let written = (|| -> Result<()> {
        for companies in wh.company_batches()? {
            wh.read_parts_of(Some(&companies))?;
            let piece = read_table(wh, catalog, name)?;
            let (w, _) = match &mut writer {
                Some(w) => w,
                None => writer.insert((
                    parquet::Writer::new(piece.schema.clone(), &kv)?,
                    piece.schema.clone(),
                )),
            };
            for batch in &piece.batches {
                w.write(batch)?;
            }
            rows += piece.num_rows();
        }
        Ok(())
    })();
    wh.read_parts_of(None)?;
    written?;
    let (w, schema) = match writer {
        Some(w) => w,
        None => {
            let empty = read_table(wh, catalog, name)?;
            let schema = empty.schema.clone();
            (parquet::Writer::new(schema.clone(), &kv)?, schema)
        }
    };
    let path = out.join(format!("{name}.parquet"));
    let sha256 = parquet::write_bytes(&path, &w.finish()?)?;
    let files = vec![file_entry(out, &path, rows, Some(sha256))?];
    Ok(describe(catalog, name, &schema, rows, None, files))
}

/// A table's rows with the schema's own Arrow schema (nullability, descriptions) where it has one.
fn read_table(wh: &Warehouse, catalog: &Catalog, name: &str) -> Result<QueryResult> {
    typed_rows(
        wh,
        catalog,
        name,
        &format!("SELECT {} FROM \"{name}\"", columns(catalog, name, "")),
        &[],
    )
}

/// The schema's columns of a table (the vintage views add provenance columns the DDL does not
/// declare), or `*` for a view such as figures.
fn columns(catalog: &Catalog, name: &str, prefix: &str) -> String {
    match catalog.table(name) {
        Some(t) => t
            .columns
            .iter()
            .map(|c| format!("{prefix}\"{}\"", c.name))
            .collect::<Vec<_>>()
            .join(", "),
        None => format!("{prefix}*"),
    }
}

/// Rows of table `name` selected by `sql`, with the table's schema from the catalog.
fn typed_rows(
    wh: &Warehouse,
    catalog: &Catalog,
    name: &str,
    sql: &str,
    params: &[(String, String)],
) -> Result<QueryResult> {
    let result = wh.query(sql, params)?;
    match catalog.table(name) {
        Some(t) => {
            let batches = result
                .batches
                .iter()
                .map(|b| RecordBatch::try_new(t.schema.clone(), b.columns().to_vec()))
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("table {name} does not match its schema"))?;
            Ok(QueryResult {
                schema: t.schema.clone(),
                batches,
            })
        }
        None => Ok(result),
    }
}

/// SQL giving the fiscal year of a row, for tables that have a period or a balance sheet date.
fn fiscal_year_expr(catalog: &Catalog, name: &str) -> Option<String> {
    let t = catalog.table(name)?;
    if name == "periods" {
        return None; // the period dimension keeps fiscal_year as a column
    }
    if t.column("period").is_some() {
        Some("period_fiscal_year(t.period)".to_string())
    } else if t.column("as_of").is_some() {
        Some("date_fiscal_year(t.as_of)".to_string())
    } else {
        None
    }
}

fn partitions(
    wh: &Warehouse,
    catalog: &Catalog,
    name: &str,
    expr: &str,
    mut emit: impl FnMut(String, RecordBatch) -> Result<()>,
) -> Result<()> {
    let years = wh.column_values(&format!(
        "SELECT DISTINCT ({expr})::VARCHAR FROM \"{name}\" t ORDER BY 1"
    ))?;
    for year in years {
        let part = typed_rows(
            wh,
            catalog,
            name,
            &format!(
                "SELECT {} FROM \"{name}\" t WHERE ({expr})::VARCHAR = $year",
                columns(catalog, name, "t.")
            ),
            &[("year".to_string(), year.clone())],
        )?;
        emit(year, part.single_batch()?)?;
    }
    Ok(())
}

/// Whether a table's rows belong to one company each: what a release prints (a release_id), the
/// company's periods, and `figures`; the reference tables and `companies` are shared.
fn company_scoped(catalog: &Catalog, name: &str) -> bool {
    name == "figures"
        || catalog
            .table(name)
            .is_some_and(|t| t.column("release_id").is_some() || t.column("company_id").is_some())
            && name != "companies"
}

/// Whether iijwh's view `name` answers for every company of the vintage (the releases, their
/// texts and restatements, and the figures search) rather than for the session's one.
pub fn shows_every_company(name: &str) -> bool {
    matches!(
        name,
        "releases" | "figures" | "release_sources" | "restatements"
    )
}

/// A table's rows per company of `companies` (of the vintage). The views show the session's
/// company, so each company is set in turn (as `--company` does); views of every company
/// (releases, figures) are filtered by their company_id instead.
fn company_partitions(
    wh: &Warehouse,
    catalog: &Catalog,
    name: &str,
    companies: &[String],
    mut emit: impl FnMut(String, RecordBatch) -> Result<()>,
) -> Result<()> {
    let shown = wh.column_values("SELECT company_id FROM vintage_company")?;
    let all_companies = matches!(name, "releases" | "figures");
    let written = (|| -> Result<()> {
        for company in companies {
            if !all_companies {
                wh.set_variable("company", &crate::base::sql_string(company))?;
            }
            // The part views read this company's files only (see `warehouse::PARTS`).
            wh.read_parts_of(Some(std::slice::from_ref(company)))?;
            let sql = match name {
                "releases" | "figures" => format!(
                    "SELECT {} FROM \"{name}\" t WHERE t.company_id = $company",
                    columns(catalog, name, "t.")
                ),
                "release_sources" | "restatements" => format!(
                    "SELECT {} FROM \"{name}\" t WHERE t.release_id IN \
                 (SELECT release_id FROM vintage_releases WHERE company_id = $company)",
                    columns(catalog, name, "t.")
                ),
                _ => format!("SELECT {} FROM \"{name}\" t", columns(catalog, name, "t.")),
            };
            let part = typed_rows(
                wh,
                catalog,
                name,
                &sql,
                &[("company".to_string(), company.clone())],
            )?
            .single_batch()?;
            emit(company.clone(), part)?;
        }
        Ok(())
    })();
    // Every company's parts and the session's company again, for what the session reads next,
    // whether the partitions were written or not.
    wh.read_parts_of(None)?;
    if let Some(c) = shown.first() {
        wh.set_variable("company", &crate::base::sql_string(c))?;
    }
    written
}

/// The `.duckdb` file: the warehouse's own shape. Schema `raw` holds the tables created from
/// schema/ DDL (constraints, comments) with the rows of the releases in the session's vintage;
/// `main` holds the same macros and vintage views as a live session.
fn write_duckdb(wh: &Warehouse, catalog: &Catalog, path: &Path) -> Result<()> {
    let home = wh.database()?;
    wh.attach_for_export(path, |conn, schema_dir| {
        conn.execute_batch(&format!(
            "CREATE SCHEMA export_db.{RAW}; USE export_db.{RAW};"
        ))?;
        for file in read_sql_files(&schema_dir.join("tables"))? {
            conn.execute_batch(&file.sql)
                .with_context(|| format!("in {}", file.path.display()))?;
        }
        for t in &catalog.tables {
            let filter = if t.column("release_id").is_some() {
                format!(" WHERE release_id IN (SELECT release_id FROM \"{home}\".main.vintage_releases)")
            } else {
                String::new()
            };
            conn.execute_batch(&format!(
                "INSERT INTO export_db.{RAW}.\"{0}\" SELECT * FROM \"{home}\".{RAW}.\"{0}\"{filter};",
                t.name
            ))
            .with_context(|| format!("copying table {}", t.name))?;
        }
        conn.execute_batch("USE export_db.main;")?;
        for sub in ["macros", "views"] {
            for file in read_sql_files(&schema_dir.join(sub))? {
                conn.execute_batch(&file.sql)
                    .with_context(|| format!("in {}", file.path.display()))?;
            }
        }
        // The stored latest vintage (schema/views/12_latest.sql) of the rows just copied, as
        // the load stores it: every company's vintage_* rows.
        let mut stmt = conn.prepare(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'export_db' \
             AND schema_name = 'latest' ORDER BY table_name",
        )?;
        let latest: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<duckdb::Result<_>>()?;
        conn.execute_batch("SET VARIABLE every_company = true;")?;
        let filled = latest.iter().try_for_each(|t| {
            conn.execute_batch(&format!(
                "INSERT INTO export_db.latest.\"{t}\" SELECT * FROM export_db.main.\"vintage_{t}\";"
            ))
            .with_context(|| format!("storing the latest vintage of {t}"))
        });
        conn.execute_batch("RESET VARIABLE every_company;")?;
        filled
    })
}

/// A manifest entry for a written file; `sha256` when the writer already computed it.
fn file_entry(root: &Path, path: &Path, rows: usize, sha256: Option<String>) -> Result<ExportFile> {
    let sha256 = match sha256 {
        Some(sha) => sha,
        None => hex(&Sha256::digest(std::fs::read(path)?)),
    };
    Ok(ExportFile {
        path: path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .to_string(),
        rows,
        sha256,
    })
}

fn describe(
    catalog: &Catalog,
    name: &str,
    schema: &SchemaRef,
    rows: usize,
    partitioned_by: Option<String>,
    files: Vec<ExportFile>,
) -> ExportTable {
    let table = catalog.table(name);
    let columns = schema
        .fields()
        .iter()
        .map(|f| {
            let col = table.and_then(|t| t.column(f.name()));
            let has_unit_column = schema.field_with_name("unit").is_ok();
            let unit = if f.name() == "value" && has_unit_column {
                Some("per row, in column unit".to_string())
            } else if is_percent(f.name()) {
                Some("%".to_string())
            } else {
                None
            };
            ExportColumn {
                name: f.name().clone(),
                sql_type: col.map_or_else(|| f.data_type().to_string(), |c| c.sql_type.clone()),
                nullable: f.is_nullable(),
                unit,
                description: col.and_then(|c| c.comment.clone()),
            }
        })
        .collect();
    ExportTable {
        name: name.to_string(),
        description: table.and_then(|t| t.comment.clone()),
        rows,
        partitioned_by,
        files,
        columns,
    }
}
