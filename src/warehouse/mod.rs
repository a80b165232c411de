//! The warehouse core: a folder of Parquet generations with a `current` link to the live one,
//! opened as an embedded DuckDB. Schema `raw` reads the generation's files; schema/macros and
//! schema/views build the vintage views of `main` over it. Both live in the generation's catalog,
//! a DuckDB file the load makes (copied from the live generation's when the schema is the same)
//! and a session opens read-only. The session is sealed: callers run SQL,
//! bind parameters, set the vintage, apply the sandbox and attach an export database through its
//! methods, never its connection. Opening never builds: `manifest::staleness` says when the
//! generation is stale, and the command decides to call the load (`crate::load`).
//!
//! Who may call it: load, export, repl, render (for `QueryResult`), sql and cmd; it imports only
//! schema, release (the manifest's release entries) and base.

pub mod build;
pub mod manifest;
pub mod parquet;

use crate::base::project::Project;
use crate::base::sql_string;
use crate::release::Dataset;
use crate::schema::{read_sql_files, Catalog};
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::Connection;
use manifest::{read_manifest, verify_files, Manifest, CURRENT};
use std::path::{Path, PathBuf};

/// The DuckDB schema holding every loaded row of every release; `main` holds the vintage views.
pub const RAW: &str = "raw";
/// A generation's catalog: a DuckDB file with the raw views over its Parquet files and the
/// schema's macros and views, written by the load, so a session opens it instead of creating
/// (and binding) every view again.
pub const CATALOG: &str = "catalog.duckdb";

/// The in-memory database a load session keeps the new generation's rows in (see
/// `Warehouse::build_catalog`).
pub const SCRATCH: &str = "scratch";

/// What a catalog's raw views read: the generation's Parquet files (what every session sees), or,
/// while the load checks the generation, its rows in `scratch`.
#[derive(Clone, Copy)]
enum RawSource<'a> {
    Files(&'a Path),
    Scratch,
}

/// The raw schema's statement: one view per table of the manifest.
fn raw_ddl(source: RawSource, manifest: &Manifest, replace: bool) -> String {
    let verb = if replace {
        "CREATE OR REPLACE"
    } else {
        "CREATE"
    };
    let mut ddl = String::new();
    for t in &manifest.tables {
        let from = match source {
            RawSource::Files(dir) => format!(
                "read_parquet({})",
                sql_string(&dir.join(&t.file).to_string_lossy())
            ),
            RawSource::Scratch => format!("{SCRATCH}.{RAW}.\"{}\"", t.name),
        };
        ddl.push_str(&format!(
            "{verb} VIEW {RAW}.\"{}\" AS SELECT * FROM {from};\n",
            t.name
        ));
    }
    ddl
}

/// Create schema `raw` and the schema's macros and views, in that order (views bind the macros
/// they use when created).
fn register(
    conn: &Connection,
    source: RawSource,
    manifest: &Manifest,
    schema_dir: &Path,
) -> Result<()> {
    let ddl = format!("CREATE SCHEMA {RAW};\n{}", raw_ddl(source, manifest, false));
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
    crate::schema::digest(schema_dir, &["tables", "macros", "views"], &[])
}

/// Put every table's rows, in the dataset's order (so a row's `rowid` is its number in the
/// dataset), into tables of schema `raw` of a new in-memory database `scratch`, typed as schema/
/// declares them. Appended from the typed batches: the rows are read from data/ once.
fn fill_scratch(conn: &Connection, catalog: &Catalog, dataset: &Dataset) -> Result<()> {
    let mut ddl = format!("ATTACH ':memory:' AS {SCRATCH};\nCREATE SCHEMA {SCRATCH}.{RAW};\n");
    for table in &catalog.tables {
        let columns: Vec<String> = table
            .columns
            .iter()
            .map(|c| format!("\"{}\" {}", c.name, c.sql_type))
            .collect();
        ddl.push_str(&format!(
            "CREATE TABLE {SCRATCH}.{RAW}.\"{}\" ({});\n",
            table.name,
            columns.join(", ")
        ));
    }
    conn.execute_batch(&ddl)
        .context("creating the in-memory tables")?;
    for table in &catalog.tables {
        let (batch, _) = dataset
            .tables
            .get(&table.name)
            .with_context(|| format!("no rows read for table `{}`", table.name))?;
        let mut appender = conn.appender_to_catalog_and_db(&table.name, SCRATCH, RAW)?;
        appender
            .append_record_batch(batch.clone())
            .with_context(|| format!("reading table `{}` into memory", table.name))?;
        appender.flush()?;
    }
    Ok(())
}

/// Make the catalog file of the generation in `dir` (whose files are in their final place) and
/// return the read-write connection that made it, its raw views reading the rows of `dataset` in
/// `scratch` until `Warehouse::seal_catalog` points them at the files. When `previous`, a
/// generation's folder and manifest, has a catalog of the same digest, it is copied: creating and
/// binding every macro and view again is most of what a catalog costs. Anything wrong with the
/// copy means a catalog made afresh.
fn make_catalog(
    dir: &Path,
    manifest: &Manifest,
    schema_dir: &Path,
    previous: Option<(&Path, &Manifest)>,
    tables: (&Catalog, &Dataset),
) -> Result<Connection> {
    let path = dir.join(CATALOG);
    let same_schema = |(_, old): &(&Path, &Manifest)| {
        manifest.catalog_digest.is_some() && old.catalog_digest == manifest.catalog_digest
    };
    if let Some((old, _)) = previous.filter(same_schema) {
        let copied = || -> Result<Connection> {
            let _ = std::fs::remove_file(&path);
            std::fs::copy(old.join(CATALOG), &path)?;
            let conn = crate::base::open_duckdb_file(&path, false)?;
            fill_scratch(&conn, tables.0, tables.1)?;
            conn.execute_batch(&raw_ddl(RawSource::Scratch, manifest, true))?;
            Ok(conn)
        };
        if let Ok(conn) = copied() {
            return Ok(conn);
        }
    }
    let _ = std::fs::remove_file(&path);
    let conn = crate::base::open_duckdb_file(&path, false)?;
    fill_scratch(&conn, tables.0, tables.1)?;
    register(&conn, RawSource::Scratch, manifest, schema_dir)?;
    Ok(conn)
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
    /// Views of `main` this session reads from in-memory copies (see `materialize`).
    shadowed: Vec<String>,
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
            RawSource::Files(&dir),
            &manifest,
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
            shadowed: Vec::new(),
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

    /// Make the catalog of the generation being built in `dir` (see `make_catalog`) and open a
    /// session on it, read-write, for the load; its raw tables are the rows of `tables` in memory
    /// until `seal_catalog`.
    fn build_catalog(
        dir: PathBuf,
        manifest: Manifest,
        schema_dir: &Path,
        previous: Option<(&Path, &Manifest)>,
        tables: (&Catalog, &Dataset),
    ) -> Result<Warehouse> {
        let conn = make_catalog(&dir, &manifest, schema_dir, previous, tables)?;
        Ok(Warehouse::session(conn, dir, manifest, schema_dir))
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
        self.shadowed.extend(views.iter().map(|v| v.to_string()));
        Ok(())
    }

    /// A second session on the same database (for work on another thread); its variables are its
    /// own.
    pub fn try_clone(&self) -> Result<Warehouse> {
        let conn = self.conn.try_clone()?;
        let sql: String = self.shadowed.iter().map(|v| shadow(v)).collect();
        conn.execute_batch(&sql)?;
        let mut clone = Warehouse::session(
            conn,
            self.dir.clone(),
            self.manifest.clone(),
            &self.schema_dir,
        );
        clone.shadowed = self.shadowed.clone();
        Ok(clone)
    }

    /// End the load's session: point the catalog's raw views at the generation's files, write it
    /// out and close it. Returns the manifest (the load adds check_results to it).
    pub fn seal_catalog(self) -> Result<Manifest> {
        let ddl = raw_ddl(RawSource::Files(&self.dir), &self.manifest, true);
        self.conn
            .execute_batch(&format!("{ddl}DETACH {SCRATCH};\nCHECKPOINT;"))
            .context("writing the generation's catalog")?;
        drop(self.conn);
        Ok(self.manifest)
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
