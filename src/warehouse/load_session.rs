//! The load's DuckDB session: an in-memory database that takes the new generation's rows from
//! the typed batches (two sessions sharing the tables, see `Fill`), with the load's catalog (the
//! schema's macros and views over those rows, see `attach_load_catalog`) for the constraint check
//! and the data rules. The second session then writes the generation's catalog.
//!
//! Who may call it: the rest of `warehouse` (re-exported as `LoadSession`, `CatalogSession` and
//! `Fill`), for `crate::load`.

use super::{register, write_catalog, RawSource, TableRows, LOAD_CATALOG, RAW, SCRATCH};
use crate::base::sql_string;
use crate::release::Dataset;
use crate::schema::{Catalog, Constraint, Table};
use anyhow::{Context, Result};
use duckdb::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

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

    /// The session's connection, for the warehouse session the load runs on.
    pub(super) fn into_connection(self) -> Connection {
        self.conn
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

    /// Write the catalog of the generation in `dir` (see `build::Generation::write_catalog`);
    /// returns its names (`Manifest::catalog_names`).
    pub(super) fn write(
        &self,
        dir: &Path,
        schema: (&Catalog, &str),
        (rows, arriving): (&[TableRows], super::Arriving),
        schema_dir: &Path,
        (previous, patch): (Option<(&Path, &super::CatalogOrigin)>, Option<&str>),
    ) -> Result<Vec<String>> {
        write_catalog(
            &self.0, dir, schema, rows, arriving, schema_dir, previous, patch,
        )
        .context("writing the generation's catalog")
    }
}

#[cfg(test)]
mod tests {
    use super::super::{build, parquet};
    use super::*;
    use arrow::record_batch::RecordBatch;

    /// The schema and the typed rows of the real release.
    fn real_release() -> (Catalog, Dataset) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalog = Catalog::load(&root.join("schema")).unwrap();
        let dataset =
            crate::release::read_data(&root.join("data"), &root.join("schema/reference"), &catalog)
                .unwrap();
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
        let problems = build::check_constraints(conn, &catalog, &dataset, false).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("breaks CHECK"), "{}", problems[0]);
        assert!(problems[0].contains("kind='upgrade'"), "{}", problems[0]);
    }
}
