//! Building a generation: a folder beside the live one (`generations/.NAME.tmp-PID`) that receives
//! one Parquet file per table, has the schema's constraints checked on what was written, is opened
//! for the data rules, and is switched live with one rename of the `current` link. A generation
//! dropped before `commit` is removed, so a failed or killed load leaves the live one untouched.
//! Which tables and rules go in is the load's business (`crate::load`), not this file's.

use super::manifest::{Manifest, TableEntry, CURRENT, GENERATIONS, MANIFEST};
use super::{parquet, Registration, Warehouse, RAW};
use crate::base::{sync_dir, StagedDir};
use crate::release::Origin;
use crate::schema::{Catalog, Constraint, Table};
use anyhow::{bail, Context, Result};
use arrow::record_batch::RecordBatch;
use std::path::{Path, PathBuf};

/// A generation being written. Holds the load lock: one load at a time, so neither removes the
/// generation the other swaps in.
pub struct Generation {
    staged: StagedDir,
    name: String,
    warehouse: PathBuf,
    metadata: Vec<(String, String)>,
    tables: Vec<TableEntry>,
    _lock: std::fs::File,
}

impl Generation {
    /// Start a generation in `warehouse`; `metadata` goes into every Parquet file's footer.
    pub fn begin(warehouse: &Path, metadata: Vec<(String, String)>) -> Result<Generation> {
        let generations = warehouse.join(GENERATIONS);
        std::fs::create_dir_all(&generations)
            .with_context(|| format!("creating {}", generations.display()))?;
        let lock = std::fs::File::create(warehouse.join(".load.lock"))?;
        lock.lock().context("waiting for another load to finish")?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ").to_string();
        let name = format!("{stamp}-{}", std::process::id());
        Ok(Generation {
            staged: StagedDir::new(&generations.join(&name))?,
            name,
            warehouse: warehouse.to_path_buf(),
            metadata,
            tables: Vec::new(),
            _lock: lock,
        })
    }

    /// Write (or replace) one table's Parquet file.
    pub fn write_table(&mut self, name: &str, batch: &RecordBatch) -> Result<()> {
        let entry = write_table(self.staged.path(), name, batch, &self.metadata)?;
        self.tables.retain(|t| t.name != name);
        self.tables.push(entry);
        inject_fault(self.tables.len())
    }

    /// The manifest entries of the tables written so far.
    pub fn tables(&self) -> Vec<TableEntry> {
        self.tables
            .iter()
            .map(|t| TableEntry {
                name: t.name.clone(),
                file: t.file.clone(),
                rows: t.rows,
                sha256: t.sha256.clone(),
                bytes: t.bytes,
            })
            .collect()
    }

    /// Open the written tables in memory, with the schema's macros and views: one read of the
    /// files serves the constraint check and the data rules.
    pub fn open(&self, manifest: Manifest, schema_dir: &Path) -> Result<Warehouse> {
        Warehouse::open_at(
            self.staged.path().to_path_buf(),
            manifest,
            schema_dir,
            Registration::InMemory,
        )
    }

    /// Every CHECK, key and reference constraint of the schema, and the cross-release metadata
    /// rules, checked on the session `open` gave; `origin(table, row)` locates a row in data/.
    pub fn check_constraints(
        &self,
        wh: &Warehouse,
        catalog: &Catalog,
        origin: impl Fn(&str, usize) -> Option<Origin>,
    ) -> Result<Vec<String>> {
        check_constraints(&wh.conn, catalog, origin)
    }

    /// Write the manifest, rename the generation into place, point `current` at it and remove
    /// generations older than the one it replaces. Returns the new generation's folder.
    pub fn commit(self, manifest: &mut Manifest, schema_dir: &Path) -> Result<PathBuf> {
        let generation = self.staged.commit()?;
        // The catalog refers to the files where they now are; the generation is not live until
        // `current` points at it, so writing into it here is still invisible to readers.
        super::write_catalog(&generation, manifest, schema_dir)?;
        let path = generation.join(super::CATALOG);
        let bytes = std::fs::read(&path)?;
        manifest.catalog = Some(TableEntry {
            name: "catalog".to_string(),
            file: super::CATALOG.to_string(),
            rows: 0,
            sha256: crate::base::hex(&sha2::Digest::finalize(sha2::Digest::chain_update(
                <sha2::Sha256 as sha2::Digest>::new(),
                &bytes,
            ))),
            bytes: bytes.len() as u64,
        });
        let tmp = generation.join(format!(".{MANIFEST}.tmp"));
        std::fs::write(&tmp, serde_json::to_string_pretty(manifest)?)?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, generation.join(MANIFEST))?;
        sync_dir(&generation)?;
        let previous = std::fs::canonicalize(self.warehouse.join(CURRENT)).ok();
        swap_current(&self.warehouse, &self.name)?;
        remove_old_generations(
            &self.warehouse.join(GENERATIONS),
            &generation,
            previous.as_deref(),
        );
        Ok(generation)
    }
}

/// Write one table's Parquet file into the generation folder; returns its manifest entry.
fn write_table(
    dir: &Path,
    name: &str,
    batch: &RecordBatch,
    metadata: &[(String, String)],
) -> Result<TableEntry> {
    let file = format!("{name}.parquet");
    let mut kv = metadata.to_vec();
    kv.push(("iijwh.table".to_string(), name.to_string()));
    let path = dir.join(&file);
    let sha256 = parquet::write(&path, batch, &kv)?;
    Ok(TableEntry {
        name: name.to_string(),
        rows: batch.num_rows(),
        sha256,
        bytes: std::fs::metadata(&path)?.len(),
        file,
    })
}

/// Point `current` at the new generation with a rename, which is atomic.
fn swap_current(warehouse: &Path, name: &str) -> Result<()> {
    let tmp = warehouse.join(format!(".{CURRENT}-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(Path::new(GENERATIONS).join(name), &tmp)?;
    std::fs::rename(&tmp, warehouse.join(CURRENT))?;
    sync_dir(warehouse)
}

/// Keep the new generation and the one before it (a running query may still read it).
fn remove_old_generations(dir: &Path, keep: &Path, previous: Option<&Path>) {
    let keep = std::fs::canonicalize(keep).unwrap_or_else(|_| keep.to_path_buf());
    let keep = keep.as_path();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let canonical = std::fs::canonicalize(&path).unwrap_or(path.clone());
        if hidden || canonical == keep || Some(canonical.as_path()) == previous {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// Test hook: IIJWH_FAULT=fail-after:N or pause-after:N (seconds-long sleep, for a kill) after the
/// N-th table file is written, to prove a load that dies halfway leaves the warehouse as it was.
fn inject_fault(written: usize) -> Result<()> {
    let Ok(spec) = std::env::var("IIJWH_FAULT") else {
        return Ok(());
    };
    let (kind, n) = spec.split_once(':').unwrap_or((spec.as_str(), "0"));
    if n.parse::<usize>().ok() != Some(written) {
        return Ok(());
    }
    match kind {
        "fail-after" => bail!("injected fault after writing {written} table file(s)"),
        "pause-after" => {
            eprintln!("paused after writing {written} table file(s)");
            std::thread::sleep(std::time::Duration::from_secs(30));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Run every CHECK, key and reference constraint of the schema against the written Parquet files;
/// `origin(table, row)` maps a row number back to its file and line.
fn check_constraints(
    conn: &duckdb::Connection,
    catalog: &Catalog,
    origin: impl Fn(&str, usize) -> Option<Origin>,
) -> Result<Vec<String>> {
    // The tables were read into this session once (Registration::InMemory); a table's rowid is
    // its row number in the file, which `origin` maps back to a line of data/.
    let source = |t: &str| format!("{RAW}.\"{t}\"");
    let at = |t: &str, row: i64| {
        origin(t, row as usize).map_or_else(|| format!("{t} row {row}"), |o| o.to_string())
    };
    // One statement for every constraint of every table: DuckDB's cost here is per statement.
    let mut checks: Vec<(&Table, &Constraint)> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for table in &catalog.tables {
        let src = source(&table.name);
        for constraint in &table.constraints {
            let k = checks.len();
            parts.push(match constraint {
                Constraint::Check { expression, columns } => format!(
                    "(SELECT {k} AS k, rowid AS r, {} AS v FROM {src} WHERE NOT ({expression}))",
                    show_columns(table, columns)
                ),
                Constraint::Unique { columns } => format!(
                    "(SELECT {k}, min(rowid), {} || ' (rows ' || string_agg(rowid::VARCHAR, ',' ORDER BY rowid) || ')'
                      FROM {src} GROUP BY {} HAVING count(*) > 1)",
                    show_columns(table, columns),
                    quoted(columns)
                ),
                Constraint::ForeignKey { columns, table: ref_table, ref_columns } => {
                    let join: Vec<String> = columns
                        .iter()
                        .zip(ref_columns)
                        .map(|(c, r)| format!("r.\"{r}\" = s.\"{c}\""))
                        .collect();
                    let not_null: Vec<String> =
                        columns.iter().map(|c| format!("s.\"{c}\" IS NOT NULL")).collect();
                    format!(
                        "(SELECT {k}, s.rowid, {} FROM {src} s
                          WHERE {} AND NOT EXISTS (SELECT 1 FROM {} r WHERE {}))",
                        show_columns_prefixed(table, columns, "s."),
                        not_null.join(" AND "),
                        source(ref_table),
                        join.join(" AND ")
                    )
                }
            });
            checks.push((table, constraint));
        }
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT * FROM ({}) ORDER BY 1, 2",
        parts.join("\nUNION ALL\n")
    );
    let mut stmt = conn.prepare(&sql).context("constraint query failed")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<duckdb::Result<Vec<_>>>()?;
    let mut problems = Vec::new();
    for (k, row, values) in rows {
        let (table, constraint) = checks[k as usize];
        let name = &table.name;
        problems.push(match constraint {
            Constraint::Check { expression, .. } => {
                format!("{}: breaks CHECK ({expression}) of table `{name}`: {values}", at(name, row))
            }
            Constraint::Unique { columns } => {
                let (key, rows) = values.rsplit_once(" (rows ").unwrap_or((values.as_str(), ""));
                let repeats: Vec<String> = rows
                    .trim_end_matches(')')
                    .split(',')
                    .filter_map(|r| r.parse::<i64>().ok())
                    .skip(1)
                    .map(|r| at(name, r))
                    .collect();
                format!(
                    "{}: duplicate figure: table `{name}` already has a row with the same key ({}): {key}; repeated at {}",
                    at(name, row),
                    columns.join(", "),
                    repeats.join(", ")
                )
            }
            Constraint::ForeignKey { table: ref_table, ref_columns, .. } => format!(
                "{}: {values} is not in table `{ref_table}` ({}); add it there or correct the value",
                at(name, row),
                ref_columns.join(", ")
            ),
        });
    }
    if problems.is_empty() {
        problems.extend(release_order_problems(conn, &at)?);
    }
    Ok(problems)
}

/// Release metadata that only makes sense across releases: a release's own period must be a known
/// period, and a release that restates another must be published after it.
fn release_order_problems(
    conn: &duckdb::Connection,
    at: &dyn Fn(&str, i64) -> String,
) -> Result<Vec<String>> {
    let sql = "SELECT 'releases', r.rowid,
                      'fiscal_period ' || r.fiscal_period || ' of release ' || r.release_id ||
                      ' is not a period in any periods.csv; add the period to the release''s periods.csv'
               FROM raw.releases r
               WHERE r.fiscal_period NOT IN (SELECT period FROM raw.periods)
               UNION ALL
               SELECT 'restatements', s.rowid,
                      'release ' || a.release_id || ' (published ' || a.published_on || ') restates release ' ||
                      b.release_id || ', published ' || b.published_on ||
                      ': a release can only restate one published before it; correct published_on or restates_release'
               FROM raw.restatements s
               JOIN raw.releases a ON a.release_id = s.release_id
               JOIN raw.releases b ON b.release_id = s.restates_release
               WHERE b.published_on >= a.published_on
               ORDER BY 1, 2";
    let mut stmt = conn.prepare(sql).context("release metadata query failed")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<duckdb::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(table, row, problem)| format!("{}: {problem}", at(&table, row)))
        .collect())
}

fn quoted(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn show_columns(table: &Table, columns: &[String]) -> String {
    show_columns_prefixed(table, columns, "")
}

/// A SQL expression rendering `col='value', ...` for the given columns (all of them if none named).
fn show_columns_prefixed(table: &Table, columns: &[String], prefix: &str) -> String {
    let names: Vec<&str> = if columns.is_empty() {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        columns.iter().map(String::as_str).collect()
    };
    let parts: Vec<String> = names
        .iter()
        .map(|c| format!("'{c}=' || coalesce('''' || {prefix}\"{c}\"::VARCHAR || '''', 'NULL')"))
        .collect();
    parts.join(" || ', ' || ")
}
