//! The warehouse: a folder of Parquet generations with a `current` link to the live one, opened as
//! an embedded DuckDB whose views read those files. The query command, the REPL, checks and
//! export all go through `Warehouse::open`.

use crate::project::Project;
use crate::release::ReleaseInfo;
use crate::schema::read_sql_files;
use anyhow::{bail, Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";
pub const CURRENT: &str = "current";
pub const GENERATIONS: &str = "generations";
/// The DuckDB schema holding every loaded row of every release; `main` holds the vintage views.
pub const RAW: &str = "raw";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: String,
    /// Hash of schema/ and data/ this generation was built from; a mismatch means stale.
    pub fingerprint: String,
    pub built_at: String,
    pub releases: Vec<ReleaseInfo>,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

pub struct Warehouse {
    pub conn: Connection,
    /// The generation folder this session reads; fixed at open, so a concurrent load that swaps
    /// `current` never mixes two generations in one session.
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// schema/ folder whose macros and views this session registered.
    pub schema_dir: PathBuf,
}

/// How the warehouse tables appear in a session.
pub enum Registration {
    /// Views over the Parquet files: nothing is read until a query needs it (query, REPL).
    Views,
    /// Tables read into memory once: for many queries in a row (the data rules at load).
    InMemory,
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
}

impl Warehouse {
    /// Open the current generation, building it first when it is missing or older than data/.
    pub fn open_fresh(project: &Project) -> Result<Warehouse> {
        // The staleness walk (a stat per data file) runs beside the opening of DuckDB, which also
        // verifies every table file's checksum: the two costs overlap instead of adding up.
        let (opened, changed) = std::thread::scope(|scope| {
            let changed = scope.spawn(|| data_changed(project));
            (Warehouse::open(project), changed.join())
        });
        let changed = changed.map_err(|_| anyhow::anyhow!("the staleness check failed"))??;
        let why = match (&opened, changed) {
            (_, Some(reason)) => reason,
            (Err(e), None) => e.to_string(),
            (Ok(_), None) => return opened,
        };
        drop(opened);
        eprintln!(
            "building the warehouse from {} ({why}) ...",
            project.data.display()
        );
        let catalog = project.catalog()?;
        crate::load::build(project, &catalog)?;
        Warehouse::open(project)
    }

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
        Warehouse::open_at(dir, manifest, &project.schema_dir(), Registration::Views)
    }

    /// Open the generation in `dir` described by `manifest`.
    pub fn open_at(
        dir: PathBuf,
        manifest: Manifest,
        schema_dir: &Path,
        registration: Registration,
    ) -> Result<Warehouse> {
        let conn = embedded_duckdb()?;
        let kind = match registration {
            Registration::Views => "VIEW",
            Registration::InMemory => "TABLE",
        };
        // Every row as loaded lives in schema `raw`; schema/views builds the vintage views of
        // `main` over it (and macros come first: views bind the macros they use when created).
        let mut ddl = format!("CREATE SCHEMA {RAW};\n");
        for t in &manifest.tables {
            let path = dir.join(&t.file);
            ddl.push_str(&format!(
                "CREATE {kind} {RAW}.\"{}\" AS SELECT * FROM read_parquet({});\n",
                t.name,
                sql_string(&path.to_string_lossy())
            ));
        }
        conn.execute_batch(&ddl)
            .context("registering warehouse tables")?;
        for sub in ["macros", "views"] {
            for file in read_sql_files(&schema_dir.join(sub))? {
                conn.execute_batch(&file.sql)
                    .with_context(|| format!("in {}", file.path.display()))?;
            }
        }
        Ok(Warehouse {
            conn,
            dir,
            manifest,
            schema_dir: schema_dir.to_path_buf(),
        })
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
                bail!("no release `{id}` in the warehouse; releases: {}", ids.join(", "));
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
        if !sql.is_empty() {
            self.conn
                .execute_batch(&sql)
                .context("setting the vintage")?;
        }
        if self.column_values("SELECT release_id FROM vintage_releases LIMIT 1")?.is_empty() {
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
            "ATTACH {} AS export_db;",
            sql_string(&path.to_string_lossy())
        ))?;
        let result = fill(&self.conn, &self.schema_dir);
        self.conn.execute_batch("USE memory.main; DETACH export_db;")?;
        result
    }

    /// The first column of a query, as text (for parameter value lists).
    pub fn column_values(&self, sql: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<duckdb::Result<_>>()?)
    }
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {}: the warehouse is damaged; run `iijwh load`",
            path.display()
        )
    })?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid manifest; run `iijwh load`", path.display()))
}

/// Why the warehouse no longer matches data/ and schema/ (None when it does); damage to its files
/// is found by `Warehouse::open`.
fn data_changed(project: &Project) -> Result<Option<String>> {
    let Ok(dir) = std::fs::canonicalize(project.warehouse.join(CURRENT)) else {
        return Ok(Some("no warehouse yet".to_string()));
    };
    let Ok(manifest) = read_manifest(&dir) else {
        return Ok(Some("its manifest is missing or damaged".to_string()));
    };
    if manifest.fingerprint != fingerprint(project)? {
        return Ok(Some(
            "data/ or schema/ changed since it was built".to_string(),
        ));
    }
    Ok(None)
}

/// Every table file exists and has the checksum the manifest recorded.
pub fn verify_files(dir: &Path, manifest: &Manifest) -> std::result::Result<(), String> {
    for t in &manifest.tables {
        let path = dir.join(&t.file);
        let Ok(bytes) = std::fs::read(&path) else {
            return Err(format!("{} is missing", path.display()));
        };
        if crate::release::hex(&Sha256::digest(&bytes)) != t.sha256 {
            return Err(format!(
                "{} is damaged (checksum differs from the manifest)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Hash of every file under schema/ and data/ (path, size and modification time) plus the iijwh
/// version: any edit changes it, and checking it costs a `stat` per file, not a read.
pub fn fingerprint(project: &Project) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for (label, root) in [
        ("schema", project.schema_dir()),
        ("data", project.data.clone()),
    ] {
        if !root.is_dir() {
            bail!("{} is not a folder", root.display());
        }
        let mut files = Vec::new();
        walk(&root, &mut files)?;
        // Byte order of the paths: deterministic, and far cheaper than Path's component order.
        files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        for (path, len, modified) in files {
            let rel = path.strip_prefix(&root).unwrap_or(&path);
            hasher.update(label.as_bytes());
            hasher.update(rel.to_string_lossy().as_bytes());
            hasher.update(len.to_le_bytes());
            hasher.update(modified.to_le_bytes());
        }
    }
    Ok(crate::release::hex(&hasher.finalize()))
}

/// Every file below `dir` with its size and modification time (ns): one `stat` per file.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, u128)>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), out)?;
        } else {
            let meta = entry.metadata()?;
            let modified = meta
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            out.push((entry.path(), meta.len(), modified.as_nanos()));
        }
    }
    Ok(())
}

/// An in-memory DuckDB tuned for small data: one thread (a release is a few hundred rows, and
/// handing work between threads costs more than it saves) and no extension auto-install.
pub fn embedded_duckdb() -> Result<Connection> {
    let config = duckdb::Config::default()
        .threads(1)?
        .with("autoinstall_known_extensions", "false")?;
    Ok(Connection::open_in_memory_with_flags(config)?)
}

/// A SQL string literal.
pub fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
