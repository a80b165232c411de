//! The warehouse core: a folder of Parquet generations with a `current` link to the live one,
//! opened as an embedded DuckDB. Schema `raw` reads the generation's files; schema/macros and
//! schema/views build the vintage views of `main` over it. Both live in the generation's catalog,
//! a DuckDB file the load makes (copied from the live generation's when the schema is the same)
//! and a session opens read-only. The load's own session reads the new rows in memory, through a
//! load catalog whose raw views read them there (see `LoadSession`). The session is
//! sealed: callers run SQL, bind parameters, set the vintage, apply the sandbox and attach an
//! export database through its methods, never its connection. Opening never builds:
//! `staleness::staleness` says when the generation is stale, and the command decides to call the
//! load (`crate::load`).
//!
//! Who may call it: load, export, repl, render (for `QueryResult`), sql and cmd; it imports only
//! schema, release (the manifest's release entries and the load's typed rows) and base.

pub mod build;
mod load_session;
pub mod manifest;
pub mod parquet;
pub mod parts;
mod sandbox;
pub mod staleness;

pub use load_session::{CatalogSession, Fill, LoadSession};
pub use sandbox::{Bounded, Bounds};

use crate::base::project::Project;
use crate::base::sql_string;
use crate::schema::{read_sql_files, Catalog};
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::Connection;
use manifest::{read_manifest, verify_files, Manifest};
use std::path::{Path, PathBuf};

/// The DuckDB schema holding every loaded row of every release; `main` holds the vintage views.
pub const RAW: &str = "raw";
/// A generation's catalog: a DuckDB file with the raw views over its Parquet files and the
/// schema's macros and views, written by the load, so a session opens it instead of creating
/// (and binding) every view again.
pub const CATALOG: &str = "catalog.duckdb";

/// The in-memory database a load session keeps the new generation's rows in (see
/// `LoadSession::fill`).
pub const SCRATCH: &str = "scratch";
/// File name prefix of the load's catalog, beside the warehouse's generations.
const LOAD_CATALOG: &str = ".load-catalog-";

/// What a catalog's schemas `raw` and `latest` are. In a generation's catalog, `raw` holds the
/// companies, calendars and releases as tables, and reads every other table from the
/// generation's part files (see `parts::read_from_parts`) through views, as `latest` reads the
/// stored latest vintage; their paths start at the session's variable `generation_dir` (the
/// generation's folder, see `GENERATION_DIR`), so a catalog is the same wherever the warehouse
/// lies and the next load copies it as it is. In the load's catalog, `raw` is views
/// over the new rows in `scratch`.
#[derive(Clone, Copy)]
enum RawSource<'a> {
    Generation(&'a Catalog, &'a LatestParts),
    Scratch(&'a Catalog),
}

/// The stored latest vintage of a generation: the tables of schema `latest` (one folder of
/// company files each, see `parts::LATEST_DIR`) and the company of its newest release, whose
/// files a session reads when it names no company.
#[derive(Clone, Debug, Default)]
pub struct LatestParts {
    pub tables: Vec<String>,
    pub newest_company: String,
}

/// The raw schema's statement: one table or view per table of the schema.
fn raw_ddl(source: RawSource) -> String {
    let mut ddl = String::new();
    match source {
        RawSource::Generation(catalog, latest) => {
            for t in catalog.tables.iter().filter(|t| parts::read_from_parts(t)) {
                ddl.push_str(&format!(
                    "CREATE VIEW {RAW}.\"{0}\" AS FROM read_parquet({1});\n",
                    t.name,
                    part_files(&t.name)
                ));
            }
            ddl.push_str(&create_tables(catalog, "CREATE"));
            ddl.push_str(&latest_ddl(latest));
        }
        RawSource::Scratch(catalog) => {
            for t in &catalog.tables {
                ddl.push_str(&format!(
                    "CREATE VIEW {RAW}.\"{0}\" AS SELECT * FROM {SCRATCH}.{RAW}.\"{0}\";\n",
                    t.name
                ));
            }
        }
    }
    ddl
}

/// Schema `latest` of a generation's catalog: for each table, a view over every company's file
/// and one, `TABLE_of_company`, over the file of the session's company (variable `company`, else
/// that of the newest release), which the one-company views of schema/views/12_latest.sql read:
/// a question about one company opens its files only.
fn latest_ddl(latest: &LatestParts) -> String {
    let dir = parts::LATEST_DIR;
    let mut ddl = format!("CREATE SCHEMA IF NOT EXISTS {LATEST};\n");
    for t in &latest.tables {
        ddl.push_str(&format!(
            "CREATE OR REPLACE VIEW {LATEST}.\"{t}\" AS FROM read_parquet({});\n\
             CREATE OR REPLACE VIEW {LATEST}.\"{t}_of_company\" AS {};\n",
            part_files(&format!("{dir}/{t}")),
            company_latest(t, &latest.newest_company)
        ));
    }
    ddl
}

/// The stored latest vintage of `table` of the session's company (variable `company`, else
/// `newest`, the newest release's): its rows of its part's file of latest/, whose row groups
/// holding other companies only DuckDB skips by their statistics.
fn company_latest(table: &str, newest: &str) -> String {
    let company = format!("coalesce(getvariable('company'), {})", sql_string(newest));
    format!(
        "FROM read_parquet({GENERATION_DIR} || '/{}/{table}/' || {} || '.parquet') \
         WHERE company_id = {company}",
        parts::LATEST_DIR,
        parts::part_of_sql(&company)
    )
}

/// A digest of `latest_ddl(latest)`, kept in the manifest (`Manifest::latest_ddl`): a load
/// whose catalog is copied from a generation with the same one leaves those views as they are.
pub fn latest_ddl_digest(latest: &LatestParts) -> String {
    crate::base::hex(&<sha2::Sha256 as sha2::Digest>::digest(
        latest_ddl(latest).as_bytes(),
    ))
}

/// The files of folder `folder` of the generation a view over every company's part reads: every
/// part's, or only those of the parts in session variable `parts` (a list of part names), which
/// `check --rerun` sets to run the rules a batch of parts at a time.
fn part_files(folder: &str) -> String {
    format!(
        "list_transform(coalesce(getvariable('{PARTS}'), ['*']), \
         c -> {GENERATION_DIR} || '/{folder}/' || c || '.parquet')"
    )
}

/// The session variable naming the parts the views read (see `part_files`).
pub const PARTS: &str = "parts";

/// Where the catalog's views find the generation's files: a session variable, set when the
/// session opens (a DuckDB CLI on the catalog sets it by hand: `SET VARIABLE generation_dir =
/// '.../generations/NAME'`).
const GENERATION_DIR: &str = "getvariable('generation_dir')";

/// The statement that points the catalog's views at the generation in `dir`.
fn generation_dir_setup(dir: &Path) -> String {
    format!(
        "SET VARIABLE generation_dir = {};\n",
        sql_string(&dir.to_string_lossy())
    )
}

/// `VERB TABLE raw."t" (columns with their types);` for every table the catalog holds the rows
/// of (`CREATE`, or `CREATE OR REPLACE` over a copied catalog).
fn create_tables(catalog: &Catalog, verb: &str) -> String {
    let mut ddl = String::new();
    for t in catalog.tables.iter().filter(|t| !parts::read_from_parts(t)) {
        let columns: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("\"{}\" {}", c.name, c.sql_type))
            .collect();
        ddl.push_str(&format!(
            "{verb} TABLE {RAW}.\"{}\" ({});\n",
            t.name,
            columns.join(", ")
        ));
    }
    ddl
}

/// Create schema `raw` and the schema's macros and views, in that order (views bind the macros
/// and tables they use when created).
fn register(conn: &Connection, source: RawSource, schema_dir: &Path) -> Result<()> {
    let ddl = format!("CREATE SCHEMA {RAW};\n{}", raw_ddl(source));
    conn.execute_batch(&ddl)
        .context("registering warehouse tables")?;
    for sub in ["macros", "views"] {
        for file in read_sql_files(&schema_dir.join(sub))? {
            conn.execute_batch(&file.sql)
                .with_context(|| format!("in {}", file.path.display()))?;
        }
    }
    Ok(())
}

/// What a catalog is made from besides its rows: the schema's tables, macros and views, and the
/// form of its raw schema. Two generations with the same digest have the same catalog but for
/// the rows of its tables.
pub fn catalog_digest(schema_dir: &Path) -> Result<String> {
    // The raw schema's form is part of what a catalog is: a catalog of an older iijwh, whose raw
    // views read the Parquet files by path, must not be copied.
    // Its list of names holds DuckDB's table functions: another iijwh's catalog is made again.
    let form = format!(
        "{RAW} holds the releases' companies, calendars and releases, and views over the parts \
         (format {FORMAT}, iijwh {})",
        env!("CARGO_PKG_VERSION")
    );
    crate::schema::digest(
        schema_dir,
        &["tables", "macros", "views"],
        &[form.as_bytes()],
    )
}

/// The id of the company `name` names on `conn` (macro companies_named, the one lookup of a
/// company's name); None when it names none; an error listing the candidates when it names
/// more than one.
fn company_named(conn: &Connection, name: &str) -> Result<Option<String>> {
    let found: Vec<(String, String)> = conn
        .prepare(&format!(
            "SELECT company_id, name FROM companies_named({})",
            sql_string(name)
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<duckdb::Result<_>>()?;
    match found.as_slice() {
        [] => Ok(None),
        [(id, _)] => Ok(Some(id.clone())),
        several => {
            let listed: Vec<String> = several
                .iter()
                .map(|(id, name)| format!("{id} ({name})"))
                .collect();
            bail!(
                "company `{name}` is ambiguous: it names {}; name one by its id",
                listed.join(", ")
            )
        }
    }
}

fn damaged(damage: String) -> anyhow::Error {
    anyhow::anyhow!("the warehouse is damaged: {damage}; run `iijwh load` to rebuild it from data/")
}

/// Every name a statement could read data through (see `Manifest::catalog_names`): the
/// catalog's schemas, tables and views, its macros and every table function (read_parquet,
/// query ...), lower-cased. Listed once when a catalog is made (~20 ms: DuckDB's functions) and
/// kept in the manifest, so a command can tell what a statement reads before it opens DuckDB.
const CATALOG_NAMES_SQL: &str = "\
SELECT lower(schema_name) AS name FROM duckdb_schemas() WHERE database_name = current_database() \
UNION SELECT lower(table_name) FROM duckdb_tables() WHERE database_name = current_database() \
UNION SELECT lower(view_name) FROM duckdb_views() WHERE database_name = current_database() \
UNION SELECT lower(function_name) FROM duckdb_functions() \
WHERE function_type IN ('table', 'table_macro') OR (function_type = 'macro' AND NOT internal) \
ORDER BY name";

/// The warehouse's format: part of every generation's fingerprint, so a generation an older
/// iijwh wrote (raw views over its Parquet files, paths inside) is rebuilt, not opened.
pub const FORMAT: &str =
    "10: companies in 256 parts by the hash of their id, in row groups of whole companies; the catalog reads printed figures from the parts, or those of variable parts; the manifest lists its names, its companies and releases a part at a time";

/// A table's rows for the catalog: its name and one batch.
pub type TableRows = (String, RecordBatch);

/// The schema of the catalog holding the latest vintage as the load stored it (see
/// schema/views/12_latest.sql).
pub const LATEST: &str = "latest";

/// Rows reaching the catalog's writer after it started: the statement that first clears what
/// they replace, and the rows, for table `table`.
pub struct LateRows {
    /// A table of schema raw.
    pub table: String,
    pub clear: String,
    pub batch: RecordBatch,
}

/// What a load's catalog writer needs of the generation before (see `write_catalog`): not its
/// companies and releases, which it would cost ~50 ms to copy at 100,000 releases.
#[derive(Clone, Debug)]
pub struct CatalogOrigin {
    /// `Manifest::catalog_digest`, `catalog`, `latest_ddl` and `catalog_names`.
    pub digest: Option<String>,
    pub catalog: Option<manifest::TableEntry>,
    pub latest_ddl: Option<String>,
    pub names: Vec<String>,
    /// The catalog file's identity (`manifest::identity_of`) when the load verified every file
    /// of that generation: while it holds, the file need not be hashed again (42 MB at 100,000
    /// releases) before it is copied.
    pub verified: Option<String>,
}

impl CatalogOrigin {
    pub fn of(manifest: &Manifest, verified: Option<String>) -> CatalogOrigin {
        CatalogOrigin {
            digest: manifest.catalog_digest.clone(),
            catalog: manifest.catalog.clone(),
            latest_ddl: manifest.latest_ddl.clone(),
            names: manifest.catalog_names.clone(),
            verified,
        }
    }
}

/// What reaches a catalog's writer after it started, in this order: the stored latest vintage
/// (its views bind to files written after the writer started), then the rows of tables known
/// only after the rules ran (check_results).
pub struct Arriving {
    pub latest: std::sync::mpsc::Receiver<LatestParts>,
    pub late: std::sync::mpsc::Receiver<LateRows>,
}

/// Write the catalog file of the generation in `dir` on `conn`: schema `raw` (tables holding
/// `rows` for the tables the catalog holds, views over the part files for the others, see
/// `RawSource::Generation`), schema `latest` over the stored latest vintage once it arrives,
/// then the rows of the late tables (check_results, known only after the rules ran) as they
/// arrive, until the sender is dropped. When `previous`, a generation's folder and catalog, has
/// a catalog of the same `digest` whose bytes are still those its manifest records, it is
/// copied and its tables replaced: creating and binding every macro and view again is most of
/// what a catalog costs. Anything wrong with the copy means a catalog made afresh. The copy, its
/// patch and `rows` go in while the load still computes the latest vintage (~0.2 s of a load
/// at 100,000 releases).
///
/// With a `patch` (an incremental load: `rows` hold only the companies it read), the live
/// catalog must be copied: `patch` deletes what those companies had and replaces the
/// warehouse's own tables, and `rows` are appended to what is left.
#[allow(clippy::too_many_arguments)]
fn write_catalog(
    conn: &Connection,
    dir: &Path,
    (catalog, digest): (&Catalog, &str),
    rows: &[TableRows],
    arriving: Arriving,
    schema_dir: &Path,
    previous: Option<(&Path, &CatalogOrigin)>,
    patch: Option<&str>,
) -> Result<Vec<String>> {
    let path = dir.join(CATALOG);
    // 16 KiB blocks, not DuckDB's 256 KiB: the catalog holds many small tables, each of which
    // takes whole blocks (5 MiB for one release at 256 KiB, a few hundred KiB at 16), and the
    // load writes and syncs all of it.
    let attach = |create: bool| {
        format!(
            "ATTACH {} AS generation{}; USE generation;",
            sql_string(&path.to_string_lossy()),
            if create { " (BLOCK_SIZE 16384)" } else { "" }
        )
    };
    // The views over the parts bind (when created) against this generation's files.
    conn.execute_batch(&generation_dir_setup(dir))?;
    // The catalog's tables are small (companies, calendars, releases): trying every compression
    // method on each of their columns at checkpoint costs more than the bytes it saves.
    conn.execute_batch("SET force_compression = 'uncompressed';")?;
    let close = "USE memory; CHECKPOINT generation; DETACH generation;";
    let append_to = |schema: &str, name: &str, batch: &RecordBatch| -> Result<()> {
        let mut appender = conn.appender_to_catalog_and_db(name, "generation", schema)?;
        appender
            .append_record_batch(batch.clone())
            .with_context(|| format!("writing table `{name}` into the catalog"))?;
        appender.flush()?;
        Ok(())
    };
    let same_schema = |(old_dir, old): &(&Path, &CatalogOrigin)| {
        old.digest.as_deref() == Some(digest)
            && old.catalog.as_ref().is_some_and(|entry| {
                let now = manifest::identity_of(&old_dir.join(&entry.file));
                (now.is_some() && now == old.verified) || manifest::file_is_intact(old_dir, entry)
            })
    };
    let held: std::collections::HashSet<&str> = catalog
        .tables
        .iter()
        .filter(|t| !parts::read_from_parts(t))
        .map(|t| t.name.as_str())
        .collect();
    let rows_in = || -> Result<()> {
        for (name, batch) in rows.iter().filter(|(name, _)| held.contains(name.as_str())) {
            append_to(RAW, name, batch)?;
        }
        Ok(())
    };
    let late_in = || -> Result<()> {
        let mut cleared = std::collections::HashSet::new();
        for rows in arriving.late.iter() {
            if cleared.insert(rows.table.clone()) {
                conn.execute_batch(&rows.clear)?;
            }
            append_to(RAW, &rows.table, &rows.batch)?;
        }
        Ok(())
    };
    // Once, as the copy may fail after it came and the catalog be made afresh.
    let mut latest: Option<LatestParts> = None;
    let mut latest_parts = || -> Result<LatestParts> {
        if latest.is_none() {
            let came = arriving.latest.recv().map_err(|_| {
                anyhow::anyhow!("the load stopped before its latest vintage was stored")
            })?;
            latest = Some(came);
        }
        Ok(latest.clone().expect("just set"))
    };
    let usable = previous.filter(same_schema);
    if patch.is_some() && usable.is_none() {
        bail!(
            "the live generation's catalog is not one this load can add to; run `iijwh load --full`"
        );
    }
    if let Some((old, origin)) = usable {
        let mut copied = || -> Result<Vec<String>> {
            std::fs::copy(old.join(CATALOG), &path)?;
            conn.execute_batch(&attach(false))?;
            let replaced = match patch {
                Some(sql) => conn.execute_batch(sql),
                None => conn.execute_batch(&create_tables(catalog, "CREATE OR REPLACE")),
            }
            .map_err(anyhow::Error::from)
            .and_then(|()| rows_in())
            .and_then(|()| {
                let latest = latest_parts()?;
                // The same views (the same tables, the same newest company): binding them
                // again lists every company's files of each (~30 ms at 10,000 releases).
                match origin.latest_ddl.as_deref() == Some(&latest_ddl_digest(&latest)) {
                    true => Ok(()),
                    false => Ok(conn.execute_batch(&latest_ddl(&latest))?),
                }
            });
            // The same schema, the same names (an older manifest lists none).
            let names = replaced.and_then(|()| match origin.names.is_empty() {
                true => listed_names(conn),
                false => Ok(origin.names.clone()),
            });
            if names.is_err() {
                conn.execute_batch(close)?;
            }
            names
        };
        match copied() {
            Ok(names) => {
                let made = late_in();
                conn.execute_batch(close)?;
                return made.map(|()| names);
            }
            Err(e) if patch.is_some() => {
                let _ = conn.execute_batch("USE memory; DETACH DATABASE IF EXISTS generation;");
                return Err(e.context(
                    "adding to the live generation's catalog failed; run `iijwh load --full`",
                ));
            }
            Err(_) => {}
        }
        let _ = conn.execute_batch("USE memory; DETACH DATABASE IF EXISTS generation;");
    }
    let _ = std::fs::remove_file(&path);
    // Made afresh: its views over the latest vintage bind to files written after the writer
    // started.
    let latest = latest_parts()?;
    conn.execute_batch(&attach(true))?;
    let made = register(conn, RawSource::Generation(catalog, &latest), schema_dir)
        .and_then(|()| listed_names(conn))
        .and_then(|names| rows_in().and_then(|()| late_in()).map(|()| names));
    conn.execute_batch(close)?;
    made
}

/// The company the catalog's views show when asked for none, as of `as_of` (None: the
/// latest vintage): vintage_company's, the variable set for the question alone.
fn newest_company(conn: &Connection, as_of: Option<chrono::NaiveDate>) -> Result<Option<String>> {
    if let Some(date) = as_of {
        conn.execute_batch(&format!(
            "SET VARIABLE vintage_date = DATE '{}';",
            date.format("%Y-%m-%d")
        ))?;
    }
    let id = conn
        .prepare("SELECT max(company_id) FROM vintage_company")?
        .query_row([], |r| r.get(0));
    if as_of.is_some() {
        conn.execute_batch("RESET VARIABLE vintage_date;")?;
    }
    Ok(id?)
}

/// A manifest's catalog names (`Manifest::catalog_names`) as a set.
fn names_of(manifest: &Manifest) -> std::collections::HashSet<String> {
    manifest.catalog_names.iter().cloned().collect()
}

/// `CATALOG_NAMES_SQL`'s names, of the database in use.
fn listed_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(CATALOG_NAMES_SQL)?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(names.collect::<duckdb::Result<_>>()?)
}

/// The temporary view that shadows view `view` of `main` with its copy in `scratch`.
fn shadow(view: &str) -> String {
    format!("CREATE OR REPLACE TEMP VIEW \"{view}\" AS SELECT * FROM {SCRATCH}.main.\"{view}\";\n")
}

pub struct Warehouse {
    conn: Connection,
    /// The generation folder this session reads; fixed at open, so a concurrent load that swaps
    /// `current` never mixes two generations in one session.
    dir: PathBuf,
    manifest: std::sync::Arc<Manifest>,
    /// schema/ folder whose macros and views this session registered.
    schema_dir: PathBuf,
    /// What a clone of this session runs first to see what it sees: the current database and
    /// the temporary views over in-memory copies (see `for_load` and `materialize`).
    clone_setup: String,
    /// The session variables set on this session (the vintage, the company), in order: a clone
    /// sets them too, so work shared out to another thread (the rules of `check --as-of`) asks
    /// of the same vintage.
    variables: std::sync::Mutex<String>,
    /// The generation's lease, held while the session lives (None for the load's own session).
    _lease: Option<manifest::Lease>,
    /// Whether `sandbox` confined this session (its SQL then passes `sandbox::refusal` first).
    sandboxed: bool,
    /// Whether this session reads the stored latest files without the catalog (see
    /// `open_for_company`).
    direct: bool,
}

/// A DuckDB instance whose work is done and written. Dropping it tears DuckDB down (~5 ms); a
/// process about to exit skips that with `abandon`.
pub struct Engine {
    _instance: Connection,
}

impl Engine {
    /// Leave the instance to the process's exit.
    pub fn abandon(self) {
        std::mem::forget(self);
    }
}

/// Result of one statement.
pub struct QueryResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl QueryResult {
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// The column names, in order.
    pub fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// All the rows in one batch.
    pub fn single_batch(&self) -> Result<RecordBatch> {
        Ok(arrow::compute::concat_batches(&self.schema, &self.batches)?)
    }
}

impl Warehouse {
    /// Open the live generation as it is (see `staleness::staleness` for whether it is current),
    /// after checking its files against the manifest's checksums (see `manifest::verify_files`).
    /// The session holds a lease on the generation (see `manifest::Lease`): no load deletes it
    /// while the session lives.
    pub fn open(project: &Project) -> Result<Warehouse> {
        let (dir, lease) = manifest::Lease::take(&project.warehouse)?;
        let manifest = read_manifest(&dir)?;
        verify_files(&dir, &manifest).map_err(damaged)?;
        let mut wh = Warehouse::open_catalog(dir, manifest, &project.schema_dir())?;
        wh._lease = Some(lease);
        Ok(wh)
    }

    /// `open` for statements about company `name` alone (an id, name or alias; None: the
    /// company a session shows when asked for none, the newest release's by `as_of`), with the
    /// id it names: only the files such a statement can read are checked, the catalog, the
    /// warehouse's own tables and the company's part (at 10,000 releases ~30 files of ~7,000).
    /// `beside` runs on a thread of its own meanwhile, given the manifest (the caller's check of
    /// data/). `reads` says, given the catalog's names (`Manifest::catalog_names`), what the
    /// statement reads (see `Reads`). None when it reads more than one company's figures
    /// (nothing is opened then) or no company of the warehouse has that name.
    ///
    /// When it reads nothing but the stored latest vintage of some fact tables
    /// (`Reads::LatestFiles`) and the company is named by its id (or is the default), the
    /// session is not the catalog's: an in-memory DuckDB whose views of those names read the
    /// company's files of latest/ (the catalog's `latest.TABLE_of_company`, see
    /// `company_latest`), the files the catalog's session would read verified all the same.
    /// DuckDB reading the catalog (its ~100 views and macros) is most of what a short
    /// statement costs beyond the bare CLI's (`bench/RESULTS.md` 1b). Such a session answers
    /// that statement only (`is_direct`).
    pub fn open_for_company<T: Send>(
        project: &Project,
        (name, as_of): (Option<&str>, Option<chrono::NaiveDate>),
        reads: impl FnOnce(&std::collections::HashSet<String>) -> Reads,
        beside: impl FnOnce(&Manifest) -> T + Send,
    ) -> Result<Option<(Warehouse, String, T)>> {
        let (dir, lease) = manifest::Lease::take(&project.warehouse)?;
        let manifest = read_manifest(&dir)?;
        // An older manifest names nothing of its catalog: nothing can be told of a statement.
        let reads = match manifest.catalog_names.is_empty() {
            true => Reads::Anything,
            false => reads(&names_of(&manifest)),
        };
        let tables = match reads {
            Reads::Anything => return Ok(None),
            Reads::OneCompany => None,
            // The stored files are the latest vintage only.
            Reads::LatestFiles(_) if as_of.is_some() => None,
            Reads::LatestFiles(tables) => Some(tables),
        };
        // A name that is not an id has no part of its own: the catalog then answers.
        let direct = tables.and_then(|tables| {
            let id = name.or_else(|| manifest.newest_company())?;
            Some((id.to_string(), tables))
        });
        let (opened, aside) = std::thread::scope(|scope| {
            let aside = scope.spawn(|| beside(&manifest));
            let opened = (|| -> Result<Option<(Connection, String, bool)>> {
                if let Some((id, tables)) = &direct {
                    if let Some(conn) = Warehouse::open_latest_files(&dir, &manifest, id, tables)? {
                        return Ok(Some((conn, id.clone(), true)));
                    }
                }
                let mut verifier = manifest::Verifier::new(&dir);
                verifier
                    .check(manifest.tables.iter().chain(&manifest.catalog))
                    .map_err(damaged)?;
                let conn = Warehouse::open_connection(&dir, &manifest)?;
                let id: Option<String> = match name {
                    Some(name) => company_named(&conn, name)?,
                    None => newest_company(&conn, as_of)?,
                };
                let Some(id) = id else { return Ok(None) };
                verifier
                    .check(manifest.files_of_company(&id))
                    .map_err(damaged)?;
                verifier.finish();
                Ok(Some((conn, id, false)))
            })();
            (opened, aside.join())
        });
        let aside = aside.map_err(|_| anyhow::anyhow!("checking data/ failed"))?;
        let Some((conn, id, direct)) = opened? else {
            return Ok(None);
        };
        let mut wh = Warehouse::session_on(conn, dir, manifest, &project.schema_dir());
        wh._lease = Some(lease);
        wh.direct = direct;
        Ok(Some((wh, id, aside)))
    }

    /// The in-memory session of `open_for_company` on company `id`'s stored latest files of
    /// `tables`, once the files the catalog's session would read are verified; None when no
    /// company has that id or it lacks one of them (the catalog then answers).
    fn open_latest_files(
        dir: &Path,
        manifest: &Manifest,
        id: &str,
        tables: &[&str],
    ) -> Result<Option<Connection>> {
        if manifest.company_part(id)?.is_none() {
            return Ok(None);
        }
        let files = manifest.files_of_company(id);
        for t in tables {
            let file = parts::part_file(&format!("{}/{t}", parts::LATEST_DIR), &parts::part_of(id));
            if !files.iter().any(|f| f.file == file) {
                return Ok(None);
            }
        }
        // The files the catalog's session would verify, though this one reads fewer: a
        // damaged generation is told at once, whichever session answers.
        let mut verifier = manifest::Verifier::new(dir);
        verifier
            .check(manifest.tables.iter().chain(&manifest.catalog).chain(files))
            .map_err(damaged)?;
        verifier.finish();
        let conn = crate::base::open_duckdb()?;
        // What the catalog's session sets, and its views of the same names; spilling nowhere,
        // as a read-only catalog's session does not.
        let mut setup = format!("{}SET temp_directory = '';\n", generation_dir_setup(dir));
        for t in tables {
            setup.push_str(&format!(
                "CREATE VIEW main.\"{t}\" AS {};\n",
                company_latest(t, id)
            ));
        }
        conn.execute_batch(&setup)
            .context("reading the stored latest vintage")?;
        Ok(Some(conn))
    }

    /// Whether this session reads the stored latest files without the catalog (see
    /// `open_for_company`): it answers the statement it was opened for, and nothing of the
    /// catalog (no vintage note, no other company).
    pub fn is_direct(&self) -> bool {
        self.direct
    }

    fn session(conn: Connection, dir: PathBuf, manifest: Manifest, schema_dir: &Path) -> Warehouse {
        Warehouse::sharing(conn, dir, std::sync::Arc::new(manifest), schema_dir)
    }

    /// `session`, on a manifest another session holds too (see `try_clone`).
    fn sharing(
        conn: Connection,
        dir: PathBuf,
        manifest: std::sync::Arc<Manifest>,
        schema_dir: &Path,
    ) -> Warehouse {
        Warehouse {
            conn,
            dir,
            manifest,
            schema_dir: schema_dir.to_path_buf(),
            clone_setup: String::new(),
            variables: std::sync::Mutex::new(String::new()),
            _lease: None,
            sandboxed: false,
            direct: false,
        }
    }

    /// A read-only session on the catalog of the generation in `dir`.
    fn open_catalog(dir: PathBuf, manifest: Manifest, schema_dir: &Path) -> Result<Warehouse> {
        let conn = Warehouse::open_connection(&dir, &manifest)?;
        Ok(Warehouse::session_on(conn, dir, manifest, schema_dir))
    }

    /// A read-only connection to the catalog of the generation in `dir`, its views reading the
    /// generation's files.
    fn open_connection(dir: &Path, manifest: &Manifest) -> Result<Connection> {
        if manifest.catalog.is_none() {
            bail!(
                "the warehouse at {} was built by an older iijwh (no catalog); run `iijwh load` \
                 to rebuild it from data/",
                dir.display()
            );
        }
        // A catalog another DuckDB version wrote (an iijwh upgrade) does not open: the load makes
        // a new one, which a query without --no-build does by itself.
        let conn = crate::base::open_duckdb_file(&dir.join(CATALOG), true)
            .context("the warehouse cannot be opened as it is; run `iijwh load` to rebuild it")?;
        // The catalog's views read the generation's files from its folder (see RawSource).
        conn.execute_batch(&generation_dir_setup(dir))?;
        Ok(conn)
    }

    /// The session on `conn`, a connection `open_connection` made.
    fn session_on(
        conn: Connection,
        dir: PathBuf,
        manifest: Manifest,
        schema_dir: &Path,
    ) -> Warehouse {
        let setup = generation_dir_setup(&dir);
        let mut session = Warehouse::session(conn, dir, manifest, schema_dir);
        session.clone_setup = setup;
        session
    }

    /// The load's session on the generation in `dir`, whose files and catalog are in place (see
    /// `build::Generation::write_catalog`).
    fn for_load(
        started: LoadSession,
        dir: PathBuf,
        manifest: Manifest,
        schema_dir: &Path,
    ) -> Warehouse {
        let conn = started.into_connection();
        // The load's rules read the vintage computed from the rows it loads (see
        // schema/macros/vintage.sql), not the stored latest vintage.
        let computed = "SET VARIABLE computed_vintage = true;\n";
        let _ = conn.execute_batch(computed);
        let mut session = Warehouse::session(conn, dir, manifest, schema_dir);
        session.clone_setup = format!("USE load_catalog;\n{computed}");
        session
    }

    /// Compute views of `main` once for the rest of the session and its clones (the load's many
    /// statements over few rows): each is copied into `scratch` and a temporary view of the same
    /// name, which DuckDB finds first even inside other views, reads the copy. The catalog
    /// itself is not written.
    pub fn materialize(&mut self, views: &[&str]) -> Result<()> {
        let mut sql = String::new();
        for view in views {
            sql.push_str(&format!(
                "CREATE TABLE {SCRATCH}.main.\"{view}\" AS SELECT * FROM \"{view}\";\n{}",
                shadow(view)
            ));
        }
        self.conn
            .execute_batch(&sql)
            .with_context(|| format!("reading {} into memory", views.join(", ")))?;
        self.clone_setup.extend(views.iter().map(|v| shadow(v)));
        Ok(())
    }

    /// A second session on the same database (for work on another thread); its variables are its
    /// own.
    pub fn try_clone(&self) -> Result<Warehouse> {
        let conn = self.conn.try_clone()?;
        conn.execute_batch(&self.clone_setup)?;
        let variables = self.variables_set();
        conn.execute_batch(&variables)?;
        // The manifest shared, not copied: a load's holds every release (~50 ms to copy at
        // 100,000 releases, twice a load).
        let mut clone = Warehouse::sharing(
            conn,
            self.dir.clone(),
            self.manifest.clone(),
            &self.schema_dir,
        );
        clone.clone_setup = self.clone_setup.clone();
        clone.remember_variables(&variables);
        Ok(clone)
    }

    /// End the load's session. Returns the manifest (the load adds check_results to it) and the
    /// DuckDB instance, which holds nothing to write.
    pub fn end_load(self) -> (Manifest, Engine) {
        // Its clones are gone by now; were one not, the manifest is copied.
        let manifest = std::sync::Arc::try_unwrap(self.manifest).unwrap_or_else(|m| (*m).clone());
        (
            manifest,
            Engine {
                _instance: self.conn,
            },
        )
    }

    /// The vintage in one line (company, latest release, as-of) and the unit of its amounts, for
    /// chart footers, axis titles and spreadsheet headers.
    pub fn vintage_note(&self) -> Result<(String, String)> {
        let rows = self.column_values("SELECT line || chr(9) || unit FROM vintage_summary")?;
        let row = rows.into_iter().next().unwrap_or_default();
        let (line, unit) = row.split_once('\t').unwrap_or((row.as_str(), ""));
        Ok((line.to_string(), unit.to_string()))
    }

    /// The vintage in one line for an answer across companies (chart footers of peer reports).
    pub fn vintage_note_all(&self) -> Result<String> {
        Ok(self
            .column_values("SELECT line FROM vintage_summary_all")?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    /// The name of the database this session's tables live in (`memory`, or the catalog file's).
    pub fn database(&self) -> Result<String> {
        self.column_values("SELECT current_database()")?
            .into_iter()
            .next()
            .context("no current database")
    }

    /// The manifest of the generation this session reads.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Set a session variable (`getvariable(name)` in SQL) to a value given as SQL.
    pub fn set_variable(&self, name: &str, sql_value: &str) -> Result<()> {
        let sql = format!("SET VARIABLE {name} = {sql_value};\n");
        self.conn
            .execute_batch(&sql)
            .with_context(|| format!("setting {name}"))?;
        self.remember_variables(&sql);
        Ok(())
    }

    /// The generation's companies in batches of about `parts::batch_releases()` releases, whole
    /// parts in part order: what the commands that read every company read at once (see
    /// `read_parts_of`).
    pub fn company_batches(&self) -> Result<Vec<Vec<String>>> {
        let companies = self
            .manifest
            .body()?
            .parts
            .iter()
            .map(|p| (p.company_id.clone(), p.releases.keys().cloned().collect()));
        Ok(
            parts::batches(Vec::<String>::new(), companies, parts::batch_releases())
                .into_iter()
                .map(|(companies, _)| companies.into_iter().collect())
                .collect(),
        )
    }

    /// Have the part views read the parts of `companies` only (`Some`), or every part (`None`,
    /// the default): see `PARTS`. A part holds other companies too: `company_batches` gives
    /// whole parts, and a statement about one company filters its rows. For the commands that
    /// read every company a batch at a time; they set it back to None whether the batch
    /// succeeded or not.
    pub fn read_parts_of(&self, companies: Option<&[String]>) -> Result<()> {
        match companies {
            Some(ids) => {
                let parts: std::collections::BTreeSet<String> =
                    ids.iter().map(|c| sql_string(&parts::part_of(c))).collect();
                let parts: Vec<String> = parts.into_iter().collect();
                self.set_variable(PARTS, &format!("[{}]::VARCHAR[]", parts.join(", ")))
            }
            None => self.set_variable(PARTS, "NULL::VARCHAR[]"),
        }
    }

    /// Keep `sql` (SET VARIABLE statements just run) for this session's clones.
    fn remember_variables(&self, sql: &str) {
        if let Ok(mut set) = self.variables.lock() {
            set.push_str(sql);
        }
    }

    /// The SET VARIABLE statements run on this session so far.
    fn variables_set(&self) -> String {
        self.variables.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// A handle that interrupts the statement this session runs (Ctrl-C in the REPL).
    pub fn interrupt_handle(&self) -> std::sync::Arc<duckdb::InterruptHandle> {
        self.conn.interrupt_handle()
    }

    /// Run SQL (one or more statements; the last one's rows are returned). `params` bind the
    /// last statement's named parameters (`$name`) as prepared-statement values, never as SQL text.
    pub fn query(&self, sql: &str, params: &[(String, String)]) -> Result<QueryResult> {
        if self.sandboxed {
            if let Some(why) = sandbox::refusal(&self.conn, sql) {
                bail!("{why}");
            }
        }
        let mut stmt = self.conn.prepare(sql)?;
        let mut values = Vec::with_capacity(stmt.parameter_count());
        for i in 1..=stmt.parameter_count() {
            let name = stmt.parameter_name(i)?;
            match params.iter().find(|(k, _)| *k == name) {
                Some((_, v)) => values.push(v.clone()),
                None => bail!("the SQL uses parameter ${name} but no value was given for it"),
            }
        }
        let arrow = stmt.query_arrow(duckdb::params_from_iter(values))?;
        let schema = arrow.get_schema();
        let batches = arrow.collect();
        Ok(QueryResult { schema, batches })
    }
}

/// What a statement reads, as far as its words tell (see `sql::scope`): what
/// `Warehouse::open_for_company` may open for it.
pub enum Reads {
    /// Anything of the warehouse.
    Anything,
    /// The session company's figures alone.
    OneCompany,
    /// The stored latest vintage of these fact tables alone, of the session's company (none:
    /// `select 1`).
    LatestFiles(Vec<&'static str>),
}

/// Which vintage a session sees: the newest printing of each figure as of a date or a release, of
/// one company. All `None`: the latest vintage of the company of the newest release.
#[derive(Debug, Clone, Default)]
pub struct Vintage {
    pub as_of: Option<chrono::NaiveDate>,
    pub release: Option<String>,
    pub company: Option<String>,
}

impl Warehouse {
    /// Set the session's vintage (the variables schema/views/10_vintage.sql reads); an unknown
    /// release or company is an error that lists the known ones.
    pub fn set_vintage(&self, vintage: &Vintage) -> Result<()> {
        if self.direct {
            return self.set_direct_vintage(vintage);
        }
        let mut sql = String::new();
        if let Some(id) = &vintage.release {
            let known = self.column_values(&format!(
                "SELECT release_id || '\t' || published_on FROM {RAW}.releases ORDER BY published_on, release_id"
            ))?;
            let Some(published) = known.iter().find_map(|r| {
                let (rid, date) = r.split_once('\t')?;
                (rid == id).then(|| date.to_string())
            }) else {
                let ids: Vec<&str> = known.iter().filter_map(|r| r.split('\t').next()).collect();
                bail!(
                    "no release `{id}` in the warehouse; releases: {}",
                    ids.join(", ")
                );
            };
            sql.push_str(&format!(
                "SET VARIABLE vintage_date = DATE {};\nSET VARIABLE vintage_release = {};\n",
                sql_string(&published),
                sql_string(id)
            ));
        }
        if let Some(date) = vintage.as_of {
            sql.push_str(&format!(
                "SET VARIABLE vintage_date = DATE '{}';\n",
                date.format("%Y-%m-%d")
            ));
        }
        if let Some(company) = &vintage.company {
            let Some(id) = self.company_id(company)? else {
                let known = self.column_values(&format!(
                    "SELECT company_id || ' (' || name || ')' FROM {RAW}.companies ORDER BY 1"
                ))?;
                bail!(
                    "no company `{company}` in the warehouse; companies: {}",
                    known.join(", ")
                );
            };
            let released = self.column_values(&format!(
                "SELECT release_id FROM {RAW}.releases WHERE company_id = {} LIMIT 1",
                sql_string(&id)
            ))?;
            if released.is_empty() {
                bail!("company `{id}` has no release in the warehouse");
            }
            sql.push_str(&format!("SET VARIABLE company = {};\n", sql_string(&id)));
        }
        if sql.is_empty() {
            // The latest vintage of the newest release's company: never empty (a load needs a
            // release), so a session that sets nothing asks nothing.
            return Ok(());
        }
        self.conn
            .execute_batch(&sql)
            .context("setting the vintage")?;
        self.remember_variables(&sql);
        // Only a date can leave no release now (the company has one): asking costs the vintage
        // of every release, ~40 ms at 100,000.
        let dated = vintage.as_of.is_some() || vintage.release.is_some();
        if dated
            && self
                .column_values("SELECT release_id FROM vintage_releases LIMIT 1")?
                .is_empty()
        {
            let first = self.column_values(&format!(
                "SELECT min(published_on)::VARCHAR FROM {RAW}.releases"
            ))?;
            bail!(
                "no release was published by then: the first release in the warehouse is of {}",
                first.first().map_or("(none)", String::as_str)
            );
        }
        Ok(())
    }

    /// `set_vintage` on a session of the stored latest files (see `open_for_company`): the
    /// latest vintage of the company it was opened for, named by its id, is all it answers.
    /// Forget the company a `set_vintage` named: the session shows the newest release's again
    /// (the REPL, after a report written for one company ran).
    pub fn unset_company(&self) -> Result<()> {
        let sql = "RESET VARIABLE company;\n";
        self.conn
            .execute_batch(sql)
            .context("resetting the company")?;
        self.remember_variables(sql);
        Ok(())
    }

    fn set_direct_vintage(&self, vintage: &Vintage) -> Result<()> {
        if vintage.as_of.is_some() || vintage.release.is_some() {
            bail!("a session of the stored latest vintage answers no other vintage");
        }
        if let Some(id) = &vintage.company {
            if self.manifest.company_part(id)?.is_none() {
                bail!("a session of the stored latest vintage names its company by id");
            }
            let sql = format!("SET VARIABLE company = {};\n", sql_string(id));
            self.conn.execute_batch(&sql)?;
            self.remember_variables(&sql);
        }
        Ok(())
    }

    /// The company the session shows (vintage_company): its id and name, empty with none loaded.
    pub fn session_company(&self) -> Result<(String, String)> {
        let row = self
            .column_values("SELECT company_id || chr(9) || company FROM vintage_company")?
            .into_iter()
            .next()
            .unwrap_or_default();
        let (id, name) = row.split_once('\t').unwrap_or((row.as_str(), ""));
        Ok((id.to_string(), name.to_string()))
    }

    /// The id of the company `name` names: an id, its name or a prefix or word of it, an alias,
    /// ticker, local code or SEC CIK (macro companies_named); an error when it names several.
    pub fn company_id(&self, name: &str) -> Result<Option<String>> {
        company_named(&self.conn, name)
    }

    /// A report parameter named `company` (an id, name or alias; empty: the session's) picks the
    /// company as `--company` does, so the views, the period macros and the chart footer all
    /// answer for that company.
    pub fn pick_company(&self, params: &[(String, String)]) -> Result<()> {
        match params.iter().find(|(k, v)| k == "company" && !v.is_empty()) {
            Some((_, company)) => self.set_vintage(&Vintage {
                company: Some(company.clone()),
                ..Vintage::default()
            }),
            None => Ok(()),
        }
    }

    /// Attach a new DuckDB database file as `export_db` for `fill(connection, schema_dir)` to
    /// write, and detach it again whatever happens.
    pub fn attach_for_export(
        &self,
        path: &Path,
        fill: impl FnOnce(&Connection, &Path) -> Result<()>,
    ) -> Result<()> {
        self.conn.execute_batch(&format!(
            "ATTACH {} AS export_db (READ_WRITE);",
            sql_string(&path.to_string_lossy())
        ))?;
        let home = self.database()?;
        let result = fill(&self.conn, &self.schema_dir);
        self.conn
            .execute_batch(&format!("USE \"{home}\".main; DETACH export_db;"))?;
        result
    }

    /// The first column of a query, as text (for parameter value lists).
    pub fn column_values(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<duckdb::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clone of a session asks of the same vintage: the variables set on the session are set on
    /// the clone (the rules of `check --as-of` run on two sessions).
    #[test]
    fn a_clone_keeps_the_sessions_variables() {
        let manifest: Manifest = serde_json::from_value(serde_json::json!({
            "schema_version": "test", "fingerprint": "", "built_at": "", "releases": [],
            "tables": []
        }))
        .unwrap();
        let wh = Warehouse::session(
            crate::base::open_duckdb().unwrap(),
            PathBuf::from("/nonexistent"),
            manifest,
            Path::new("schema"),
        );
        wh.set_variable("vintage_date", "DATE '2006-11-02'")
            .unwrap();
        let clone = wh.try_clone().unwrap();
        let seen = clone
            .column_values("SELECT getvariable('vintage_date')::VARCHAR")
            .unwrap();
        assert_eq!(seen, vec!["2006-11-02".to_string()]);
        // And a clone of the clone.
        let again = clone.try_clone().unwrap();
        let seen = again
            .column_values("SELECT getvariable('vintage_date')::VARCHAR")
            .unwrap();
        assert_eq!(seen, vec!["2006-11-02".to_string()]);
    }
}
