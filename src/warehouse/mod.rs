//! The warehouse core: a folder of Parquet generations with a `current` link to the live one,
//! opened as an embedded DuckDB. Schema `raw` reads the generation's files; schema/macros and
//! schema/views build the vintage views of `main` over it. Both live in the generation's catalog,
//! a DuckDB file the load makes (copied from the live generation's when the schema is the same)
//! and a session opens read-only. The load's own session reads the new rows in memory, through a
//! load catalog whose raw views read them there (see `LoadSession`). The session is
//! sealed: callers run SQL, bind parameters, set the vintage, apply the sandbox and attach an
//! export database through its methods, never its connection. Opening never builds:
//! `manifest::staleness` says when the generation is stale, and the command decides to call the
//! load (`crate::load`).
//!
//! Who may call it: load, export, repl, render (for `QueryResult`), sql and cmd; it imports only
//! schema, release (the manifest's release entries and the load's typed rows) and base.

pub mod build;
pub mod manifest;
pub mod parquet;

use crate::base::project::Project;
use crate::base::sql_string;
use crate::release::Dataset;
use crate::schema::{read_sql_files, Catalog, Constraint, Table};
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::Connection;
use manifest::{read_manifest, verify_files, Manifest, CURRENT};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

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

/// What a catalog's raw views read: a generation's Parquet files (what every session sees), or,
/// in the load's catalog, the new rows in `scratch`.
#[derive(Clone, Copy)]
enum RawSource<'a> {
    Files(&'a Path, &'a Manifest),
    Scratch(&'a Catalog),
}

/// The raw schema's statement: one view per table.
fn raw_ddl(source: RawSource) -> String {
    let (mut ddl, views): (String, Vec<(&str, String)>) = match source {
        RawSource::Files(dir, manifest) => (
            files_macro(dir),
            manifest
                .tables
                .iter()
                .map(|t| {
                    let from =
                        format!("read_parquet({RAW}.{FILES_MACRO}({}))", sql_string(&t.file));
                    (t.name.as_str(), from)
                })
                .collect(),
        ),
        RawSource::Scratch(catalog) => (
            String::new(),
            catalog
                .tables
                .iter()
                .map(|t| (t.name.as_str(), format!("{SCRATCH}.{RAW}.\"{}\"", t.name)))
                .collect(),
        ),
    };
    for (name, from) in views {
        ddl.push_str(&format!(
            "CREATE VIEW {RAW}.\"{name}\" AS SELECT * FROM {from};\n"
        ));
    }
    ddl
}

/// The raw views over files name their folder only through this macro (file name -> path), so
/// pointing a catalog at another generation's files is replacing the macro, which reads no file.
const FILES_MACRO: &str = "parquet_file";

fn files_macro(dir: &Path) -> String {
    let folder = format!("{}/", dir.to_string_lossy());
    format!(
        "CREATE OR REPLACE MACRO {RAW}.{FILES_MACRO}(file) AS {} || file;\n",
        sql_string(&folder)
    )
}

/// Create schema `raw` and the schema's macros and views, in that order (views bind the macros
/// they use when created).
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

/// What a catalog is made from besides the generation's file paths: the schema's tables, macros
/// and views, and the iijwh that registered them. Two generations with the same digest have the
/// same catalog but for the paths in its raw views.
pub fn catalog_digest(schema_dir: &Path) -> Result<String> {
    // The raw views' form is part of what a catalog is: a catalog whose views name their files
    // directly must not be copied and re-pointed through the macro.
    let form = format!("raw views read {RAW}.{FILES_MACRO}(file)");
    crate::schema::digest(
        schema_dir,
        &["tables", "macros", "views"],
        &[form.as_bytes()],
    )
}

/// Every table's rows going into memory: tables of schema `raw` of a new in-memory database
/// `scratch`, typed as schema/ declares them, each appended whole from the dataset's typed batch
/// in its order (so a row's `rowid` is its number in the dataset; the rows are read from data/
/// once). The tables carry the schema's CHECK constraints, which DuckDB checks on each appended
/// chunk: far cheaper than a query per constraint (~58 of them) afterwards. Two sessions share
/// the tables, each taking the next one, creating it and appending its rows (two statements a
/// table): the load's session, which first makes the database (`LoadSession::take_rows`), and the
/// catalog's session, once the Parquet files are written (`CatalogSession::help_fill`). When a
/// row breaks a CHECK, every row goes in again without them (`LoadSession::filled`), for the full
/// constraint check.
pub struct Fill<'a> {
    catalog: &'a Catalog,
    dataset: &'a Dataset,
    /// The next table to take (an index into the catalog's tables).
    next: AtomicUsize,
    /// A table failed to go in (a row breaks a CHECK, or the rows do not fit).
    failed: AtomicBool,
    /// Whether `scratch.raw` exists: None until the load's session says, then true, or false
    /// when it never will (it failed first); the helper waits for it.
    ready: Mutex<Option<bool>>,
    said: Condvar,
}

impl<'a> Fill<'a> {
    pub fn new(catalog: &'a Catalog, dataset: &'a Dataset) -> Fill<'a> {
        Fill {
            catalog,
            dataset,
            next: AtomicUsize::new(0),
            failed: AtomicBool::new(false),
            ready: Mutex::new(None),
            said: Condvar::new(),
        }
    }

    fn announce(&self, ready: bool) {
        if let Ok(mut state) = self.ready.lock() {
            state.get_or_insert(ready);
        }
        self.said.notify_all();
    }

    /// Create and fill tables on `conn` until none is left (or one failed).
    fn take_tables(&self, conn: &Connection) {
        loop {
            let i = self.next.fetch_add(1, Ordering::SeqCst);
            let Some(table) = self.catalog.tables.get(i) else {
                return;
            };
            let taken = (!self.failed.load(Ordering::SeqCst))
                .then(|| {
                    conn.execute_batch(&table_ddl(table, true))?;
                    append(conn, table, self.dataset)
                })
                .is_some_and(|r| r.is_ok());
            if !taken {
                self.failed.store(true, Ordering::SeqCst);
                return;
            }
        }
    }
}

/// Says, when dropped, that `scratch.raw` will never exist unless it was said it does: a
/// session that fails or panics before making it does not leave the helper waiting.
struct Announce<'f, 'a>(&'f Fill<'a>);

impl Drop for Announce<'_, '_> {
    fn drop(&mut self) {
        self.0.announce(false);
    }
}

/// The in-memory database `scratch` with its empty schema `raw`.
fn create_scratch(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "ATTACH ':memory:' AS {SCRATCH};\nCREATE SCHEMA {SCRATCH}.{RAW};\n"
    ))
    .context("creating the in-memory database")
}

/// The statement creating `table` in `scratch.raw`, with the schema's CHECK constraints when
/// `checks`.
fn table_ddl(table: &Table, checks: bool) -> String {
    let mut columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("\"{}\" {}", c.name, c.sql_type))
        .collect();
    if checks {
        columns.extend(table.constraints.iter().filter_map(|c| match c {
            Constraint::Check { expression, .. } => Some(format!("CHECK ({expression})")),
            _ => None,
        }));
    }
    format!(
        "CREATE TABLE {SCRATCH}.{RAW}.\"{}\" ({});\n",
        table.name,
        columns.join(", ")
    )
}

/// Table `table`'s rows appended to its in-memory table.
fn append(conn: &Connection, table: &Table, dataset: &Dataset) -> Result<()> {
    let (batch, _) = dataset
        .tables
        .get(&table.name)
        .with_context(|| format!("no rows read for table `{}`", table.name))?;
    let mut appender = conn.appender_to_catalog_and_db(&table.name, SCRATCH, RAW)?;
    appender
        .append_record_batch(batch.clone())
        .with_context(|| format!("reading table `{}` into memory", table.name))?;
    appender.flush()?;
    Ok(())
}

/// The load's own catalog: the schema's macros and views over raw views that read `scratch`, so
/// the load's constraint check and rules read the new rows in memory. It depends on schema/ alone,
/// so it is kept beside the warehouse as `.load-catalog-DIGEST.duckdb`, made again only when the
/// schema changes, and attached read-only as the session's current database.
fn attach_load_catalog(
    conn: &Connection,
    warehouse: &Path,
    digest: &str,
    catalog: &Catalog,
    schema_dir: &Path,
) -> Result<()> {
    let name = format!("{LOAD_CATALOG}{}.duckdb", &digest[..16]);
    let path = warehouse.join(&name);
    let attach = || {
        conn.execute_batch(&format!(
            "ATTACH {} AS load_catalog (READ_ONLY); USE load_catalog;",
            sql_string(&path.to_string_lossy())
        ))
    };
    if path.exists() && attach().is_ok() {
        return Ok(());
    }
    // Missing, for another schema, or unreadable (a damaged file): made again, aside and renamed
    // in, the older ones removed.
    if let Ok(entries) = std::fs::read_dir(warehouse) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(LOAD_CATALOG)
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let tmp = warehouse.join(format!("{name}.tmp-{}", std::process::id()));
    conn.execute_batch(&format!(
        "ATTACH {} AS load_catalog_new; USE load_catalog_new;",
        sql_string(&tmp.to_string_lossy())
    ))?;
    let made = register(conn, RawSource::Scratch(catalog), schema_dir);
    conn.execute_batch("USE memory; CHECKPOINT load_catalog_new; DETACH load_catalog_new;")?;
    made?;
    std::fs::rename(&tmp, &path)?;
    attach().context("opening the load's catalog")
}

/// Write the catalog file of the generation in `dir` (whose files are in their final place) on
/// `conn`. When `previous`, a generation's folder and manifest, has a catalog of the same digest,
/// it is copied and pointed at this generation's files (one macro, see `files_macro`): creating and
/// binding every macro and view again is most of what a catalog costs. Anything wrong with the
/// copy means a catalog made afresh.
fn write_catalog(
    conn: &Connection,
    dir: &Path,
    manifest: &Manifest,
    schema_dir: &Path,
    previous: Option<(&Path, &Manifest)>,
) -> Result<()> {
    let path = dir.join(CATALOG);
    let attach = format!(
        "ATTACH {} AS generation; USE generation;",
        sql_string(&path.to_string_lossy())
    );
    let close = "USE memory; CHECKPOINT generation; DETACH generation;";
    let same_schema = |(_, old): &(&Path, &Manifest)| {
        manifest.catalog_digest.is_some() && old.catalog_digest == manifest.catalog_digest
    };
    if let Some((old, _)) = previous.filter(same_schema) {
        let copied = || -> Result<()> {
            std::fs::copy(old.join(CATALOG), &path)?;
            conn.execute_batch(&attach)?;
            let repointed = conn.execute_batch(&files_macro(dir));
            conn.execute_batch(close)?;
            Ok(repointed?)
        };
        if copied().is_ok() {
            return Ok(());
        }
        let _ = conn.execute_batch("USE memory; DETACH DATABASE IF EXISTS generation;");
    }
    let _ = std::fs::remove_file(&path);
    conn.execute_batch(&attach)?;
    let made = register(conn, RawSource::Files(dir, manifest), schema_dir);
    conn.execute_batch(close)?;
    made
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
    manifest: Manifest,
    /// schema/ folder whose macros and views this session registered.
    schema_dir: PathBuf,
    /// What a clone of this session runs first to see what it sees: the current database and
    /// the temporary views over in-memory copies (see `for_load` and `materialize`).
    clone_setup: String,
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

/// The load's DuckDB: an in-memory database, opened before the new generation's files are written
/// and given the rows while they are (see `fill`).
pub struct LoadSession {
    conn: Connection,
    /// Whether the rows went in under the schema's CHECK constraints (see `Fill`), so none of
    /// them breaks one.
    checks_held: bool,
}

/// A second connection on the load's DuckDB: it helps the load's session take the rows (see
/// `Fill`), then writes the generation's catalog (see `build::Generation::write_catalog`).
pub struct CatalogSession(Connection);

impl LoadSession {
    /// An empty in-memory DuckDB. The load's first step: DuckDB takes ~12 ms to start.
    pub fn open() -> Result<LoadSession> {
        Ok(LoadSession {
            conn: crate::base::open_duckdb()?,
            checks_held: false,
        })
    }

    /// The connection the generation's catalog is written on.
    pub fn catalog_session(&self) -> Result<CatalogSession> {
        Ok(CatalogSession(self.conn.try_clone()?))
    }

    /// Make the in-memory database and take the rows of `fill` into it, table by table, with the
    /// other session when it is free (see `Fill`); then the schema's macros and views from
    /// the load's catalog of schema digest `digest` (see `attach_load_catalog`), kept in
    /// `warehouse`. The rows are all in once both sessions are done: see `filled`. The caller
    /// holds the load lock.
    pub fn fill(
        self,
        warehouse: &Path,
        schema_dir: &Path,
        digest: &str,
        fill: &Fill,
    ) -> Result<LoadSession> {
        self.take_rows(fill);
        attach_load_catalog(&self.conn, warehouse, digest, fill.catalog, schema_dir)?;
        Ok(self)
    }

    /// Make the in-memory database, say so to the other session, and take tables of `fill`
    /// until none is left.
    fn take_rows(&self, fill: &Fill) {
        let announce = Announce(fill);
        let ready = create_scratch(&self.conn);
        fill.announce(ready.is_ok());
        drop(announce);
        match ready {
            Ok(()) => fill.take_tables(&self.conn),
            Err(_) => fill.failed.store(true, Ordering::SeqCst),
        }
    }

    /// With both sessions done with `fill`: when a table failed to go in under the CHECKs (a row
    /// breaks one, or the rows do not fit at all), the tables are made again without their
    /// CHECKs and take every row, so the constraint check can name every offending row, file and
    /// line.
    pub fn filled(self, fill: &Fill) -> Result<LoadSession> {
        if !fill.failed.load(Ordering::SeqCst) {
            return Ok(LoadSession {
                checks_held: true,
                ..self
            });
        }
        self.conn
            .execute_batch(&format!("DETACH DATABASE IF EXISTS {SCRATCH};"))?;
        create_scratch(&self.conn)?;
        let ddl: String = fill
            .catalog
            .tables
            .iter()
            .map(|t| table_ddl(t, false))
            .collect();
        self.conn
            .execute_batch(&ddl)
            .context("creating the in-memory tables")?;
        for table in &fill.catalog.tables {
            append(&self.conn, table, fill.dataset)?;
        }
        Ok(LoadSession {
            checks_held: false,
            ..self
        })
    }

    /// Whether every row is known to pass the schema's CHECK constraints: DuckDB checked them
    /// as the rows went in (see `Fill`).
    pub fn checks_held(&self) -> bool {
        self.checks_held
    }
}

impl CatalogSession {
    /// As soon as the load's session has made the in-memory database, take tables of `fill`
    /// until none is left (see `Fill`).
    pub fn help_fill(&self, fill: &Fill) {
        let Ok(mut ready) = fill.ready.lock() else {
            return;
        };
        while ready.is_none() {
            ready = match fill.said.wait(ready) {
                Ok(r) => r,
                Err(_) => return,
            };
        }
        if *ready == Some(true) {
            drop(ready);
            fill.take_tables(&self.0);
        }
    }

    /// Write the catalog of the generation in `dir` (see `build::Generation::write_catalog`).
    fn write(
        &self,
        dir: &Path,
        manifest: &Manifest,
        schema_dir: &Path,
        previous: Option<(&Path, &Manifest)>,
    ) -> Result<()> {
        write_catalog(&self.0, dir, manifest, schema_dir, previous)
            .context("writing the generation's catalog")
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
}

impl Warehouse {
    /// Open the live generation as it is (see `manifest::staleness` for whether it is current).
    pub fn open(project: &Project) -> Result<Warehouse> {
        let link = project.warehouse.join(CURRENT);
        let dir = std::fs::canonicalize(&link).with_context(|| {
            format!(
                "no warehouse at {}: run `iijwh load` first",
                project.warehouse.display()
            )
        })?;
        let manifest = read_manifest(&dir)?;
        verify_files(&dir, &manifest).map_err(|damage| {
            anyhow::anyhow!(
                "the warehouse is damaged: {damage}; run `iijwh load` to rebuild it from data/"
            )
        })?;
        if manifest.catalog.is_some() {
            // The catalog the load wrote: tables, macros and views are there already.
            return Warehouse::open_catalog(dir, manifest, &project.schema_dir());
        }
        // A generation from before catalogs: its views are made for this session.
        let conn = crate::base::open_duckdb()?;
        register(
            &conn,
            RawSource::Files(&dir, &manifest),
            &project.schema_dir(),
        )?;
        Ok(Warehouse::session(
            conn,
            dir,
            manifest,
            &project.schema_dir(),
        ))
    }

    fn session(conn: Connection, dir: PathBuf, manifest: Manifest, schema_dir: &Path) -> Warehouse {
        Warehouse {
            conn,
            dir,
            manifest,
            schema_dir: schema_dir.to_path_buf(),
            clone_setup: String::new(),
        }
    }

    /// A read-only session on the catalog of the generation in `dir`.
    fn open_catalog(dir: PathBuf, manifest: Manifest, schema_dir: &Path) -> Result<Warehouse> {
        // A catalog another DuckDB version wrote (an iijwh upgrade) does not open: the load makes
        // a new one, which a query without --no-build does by itself.
        let conn = crate::base::open_duckdb_file(&dir.join(CATALOG), true)
            .context("the warehouse cannot be opened as it is; run `iijwh load` to rebuild it")?;
        Ok(Warehouse::session(conn, dir, manifest, schema_dir))
    }

    /// The load's session on the generation in `dir`, whose files and catalog are in place (see
    /// `build::Generation::write_catalog`).
    fn for_load(
        started: LoadSession,
        dir: PathBuf,
        manifest: Manifest,
        schema_dir: &Path,
    ) -> Warehouse {
        let LoadSession { conn, .. } = started;
        let mut session = Warehouse::session(conn, dir, manifest, schema_dir);
        session.clone_setup = "USE load_catalog;\n".to_string();
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
        let mut clone = Warehouse::session(
            conn,
            self.dir.clone(),
            self.manifest.clone(),
            &self.schema_dir,
        );
        clone.clone_setup = self.clone_setup.clone();
        Ok(clone)
    }

    /// End the load's session. Returns the manifest (the load adds check_results to it) and the
    /// DuckDB instance, which holds nothing to write.
    pub fn end_load(self) -> (Manifest, Engine) {
        (
            self.manifest,
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
        let unit = if unit.is_empty() { "JPY million" } else { unit };
        Ok((line.to_string(), unit.to_string()))
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
        self.conn
            .execute_batch(&format!("SET VARIABLE {name} = {sql_value}"))
            .with_context(|| format!("setting {name}"))
    }

    /// A handle that interrupts the statement this session runs (Ctrl-C in the REPL).
    pub fn interrupt_handle(&self) -> std::sync::Arc<duckdb::InterruptHandle> {
        self.conn.interrupt_handle()
    }

    /// Run SQL (one or more statements; the last one's rows are returned). `params` bind the
    /// last statement's named parameters (`$name`) as prepared-statement values, never as SQL text.
    pub fn query(&self, sql: &str, params: &[(String, String)]) -> Result<QueryResult> {
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
            let known = self.column_values(&format!(
                "SELECT DISTINCT company FROM {RAW}.releases ORDER BY 1"
            ))?;
            if !known.contains(company) {
                bail!(
                    "no company `{company}` in the warehouse; companies: {}",
                    known.join(", ")
                );
            }
            sql.push_str(&format!(
                "SET VARIABLE company = {};\n",
                sql_string(company)
            ));
        }
        if sql.is_empty() {
            // The latest vintage of the newest release's company: never empty (a load needs a
            // release), so a session that sets nothing asks nothing.
            return Ok(());
        }
        self.conn
            .execute_batch(&sql)
            .context("setting the vintage")?;
        if self
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

    /// Confine SQL to the warehouse: no reading or writing other files, no ATTACH, no extension
    /// installs, and the configuration locked so SQL cannot undo it.
    pub fn sandbox(&self) -> Result<()> {
        let dir = format!("{}/", self.dir.to_string_lossy());
        self.conn
            .execute_batch(&format!(
                "SET allowed_directories = [{}];
                 SET enable_external_access = false;
                 SET autoinstall_known_extensions = false;
                 SET autoload_known_extensions = false;
                 SET lock_configuration = true;",
                sql_string(&dir)
            ))
            .context("restricting SQL to the warehouse")
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

    /// The schema and the typed rows of the real release.
    fn real_release() -> (Catalog, Dataset) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalog = Catalog::load(&root.join("schema")).unwrap();
        let dataset = crate::release::read_data(&root.join("data"), &catalog).unwrap();
        (catalog, dataset)
    }

    /// The load's constraints and rules read the rows appended into memory; every other reader
    /// reads the Parquet files written from the same batches. For the real release both hold the
    /// same rows in the same order, NULLs and decimals included.
    #[test]
    fn rows_in_memory_equal_the_parquet_files() {
        let (catalog, dataset) = real_release();
        let dir = tempfile::tempdir().unwrap();
        // Both sessions take tables, as in a load.
        let session = LoadSession::open().unwrap();
        let helper = session.catalog_session().unwrap();
        let fill = Fill::new(&catalog, &dataset);
        std::thread::scope(|s| {
            let fill = &fill;
            s.spawn(move || helper.help_fill(fill));
            session.take_rows(fill);
        });
        let session = session.filled(&fill).unwrap();
        assert!(
            session.checks_held(),
            "the real release passes every CHECK as it goes in"
        );
        let conn = &session.conn;
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        for table in &catalog.tables {
            let (batch, _) = &dataset.tables[&table.name];
            let path = dir.path().join(format!("{}.parquet", table.name));
            parquet::write(&path, batch, &[]).unwrap();
            let memory = format!(
                "SELECT *, rowid AS r FROM {SCRATCH}.{RAW}.\"{}\"",
                table.name
            );
            let file = format!(
                "SELECT * EXCLUDE (file_row_number), file_row_number AS r \
                 FROM read_parquet({}, file_row_number = true)",
                sql_string(&path.to_string_lossy())
            );
            let rows = batch.num_rows() as i64;
            assert_eq!(count(&format!("SELECT count(*) FROM ({memory})")), rows);
            assert_eq!(count(&format!("SELECT count(*) FROM ({file})")), rows);
            for (a, b) in [(&memory, &file), (&file, &memory)] {
                let differing = count(&format!("SELECT count(*) FROM ({a} EXCEPT ALL {b})"));
                assert_eq!(differing, 0, "table {}", table.name);
            }
        }
        // The comparison covers NULLs and decimals: derived figures have no printed form.
        let revenue = format!("{SCRATCH}.{RAW}.revenue_lines");
        assert!(
            count(&format!(
                "SELECT count(*) FROM {revenue} WHERE printed IS NULL"
            )) > 0
        );
        assert_eq!(
            count(&format!(
                "SELECT value::BIGINT FROM {revenue} WHERE period = '2Q06' \
                 AND line = 'total_revenues' AND comparison = 'level' AND measure = 'amount' LIMIT 1"
            )),
            14007
        );
    }

    /// A row that breaks a CHECK is not lost on the way in: the rows go in again without the
    /// CHECKs, all of them, and the load is told to check them one by one.
    #[test]
    fn a_row_breaking_a_check_still_goes_in_for_the_full_check() {
        use arrow::array::{Array, StringArray};
        let (catalog, mut dataset) = real_release();
        let (batch, _) = dataset.tables.get_mut("services").unwrap();
        let at = batch.schema().index_of("kind").unwrap();
        let kinds = batch
            .column(at)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        // The first row's kind out of the CHECK's vocabulary; the others as they are.
        let broken: StringArray = kinds
            .iter()
            .enumerate()
            .map(|(i, kind)| if i == 0 { Some("upgrade") } else { kind })
            .collect();
        let mut columns = batch.columns().to_vec();
        columns[at] = std::sync::Arc::new(broken);
        *batch = RecordBatch::try_new(batch.schema(), columns).unwrap();
        let rows = batch.num_rows() as i64;

        // The helper session takes every table and meets the broken row.
        let session = LoadSession::open().unwrap();
        let helper = session.catalog_session().unwrap();
        let fill = Fill::new(&catalog, &dataset);
        create_scratch(&session.conn).unwrap();
        fill.announce(true);
        helper.help_fill(&fill);
        assert!(fill.failed.load(Ordering::SeqCst));
        let session = session.filled(&fill).unwrap();
        assert!(!session.checks_held());
        let conn = &session.conn;
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count(&format!("SELECT count(*) FROM {SCRATCH}.{RAW}.services")),
            rows
        );
        assert_eq!(
            count(&format!(
                "SELECT count(*) FROM {SCRATCH}.{RAW}.services WHERE kind = 'upgrade' AND rowid = 0"
            )),
            1
        );
        let problems = super::build::check_constraints(conn, &catalog, &dataset, false).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("breaks CHECK"), "{}", problems[0]);
        assert!(problems[0].contains("kind='upgrade'"), "{}", problems[0]);
    }
}
