//! Building the warehouse: read and type data/, write one Parquet file per table into a fresh
//! generation folder beside the live one, enforce the schema's constraints on what was written,
//! then switch the `current` link in one rename. A failure at any step leaves the last good
//! warehouse untouched.

use crate::parquet_out;
use crate::print_format::{print, Format};
use crate::project::Project;
use crate::release::{read_data, Origin};
use crate::rules::{load_rules, run_rules, Outcome, Status};
use crate::schema::{Catalog, Constraint, Table};
use crate::warehouse::{
    fingerprint, sql_string, Manifest, Registration, TableEntry, Warehouse, CURRENT, GENERATIONS,
    MANIFEST,
};
use anyhow::{bail, Context, Result};
use arrow::array::{ArrayRef, Int32Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const CHECK_RESULTS: &str = "check_results";

pub struct BuildReport {
    pub generation: PathBuf,
    pub manifest: Manifest,
    /// Outcome of each data rule on the new generation.
    pub checks: Vec<(String, Status)>,
    /// Wall time of each phase, for `load --timings` and the benchmark.
    pub phases: Vec<(&'static str, std::time::Duration)>,
}

fn check_results_batch(table: &Table, outcomes: &[Outcome]) -> Result<RecordBatch> {
    let text = |f: &dyn Fn(&Outcome) -> Option<String>| -> ArrayRef {
        Arc::new(outcomes.iter().map(f).collect::<StringArray>())
    };
    let details = |o: &Outcome| -> Option<String> {
        if o.status == Status::Pass {
            return None;
        }
        let mut buf = Vec::new();
        print(&o.rows, Format::Json, &mut buf).ok()?;
        String::from_utf8(buf).ok()
    };
    let columns: Vec<ArrayRef> = vec![
        text(&|o| Some(o.rule.name.clone())),
        text(&|o| Some(o.rule.get("description").unwrap_or("").to_string())),
        text(&|o| Some(o.rule.get("tolerance").unwrap_or("0").to_string())),
        text(&|o| Some(o.status.code().to_string())),
        Arc::new(
            outcomes
                .iter()
                .map(|o| Some(o.rows.num_rows() as i32))
                .collect::<Int32Array>(),
        ),
        text(&details),
    ];
    Ok(RecordBatch::try_new(table.schema.clone(), columns)?)
}

pub fn build(project: &Project, catalog: &Catalog) -> Result<BuildReport> {
    let mut clock = Phases::start();
    let fingerprint = fingerprint(project)?;
    let dataset = read_data(&project.data, catalog)?;
    clock.lap("read and type data/");

    let generations = project.warehouse.join(GENERATIONS);
    std::fs::create_dir_all(&generations)
        .with_context(|| format!("creating {}", generations.display()))?;
    // One load at a time: a second one waits, so neither removes the generation the other swaps in.
    let lock = std::fs::File::create(project.warehouse.join(".load.lock"))?;
    lock.lock().context("waiting for another load to finish")?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ").to_string();
    let name = format!("{stamp}-{}", std::process::id());
    let staging = generations.join(format!(".staging-{name}"));
    remove_dead_staging(&generations);
    std::fs::create_dir(&staging)?;
    // Removes the half-written folder on any early return.
    let guard = RemoveOnDrop(Some(staging.clone()));

    let release_ids: Vec<&str> = dataset
        .releases
        .iter()
        .map(|r| r.release_id.as_str())
        .collect();
    let checksums: Vec<String> = dataset
        .releases
        .iter()
        .map(|r| format!("{}={}", r.release_id, r.source_sha256))
        .collect();
    let metadata = vec![
        ("iijwh.schema_version".to_string(), catalog.version.clone()),
        ("iijwh.release_ids".to_string(), release_ids.join(",")),
        ("iijwh.source_sha256".to_string(), checksums.join(",")),
    ];
    let mut tables = Vec::new();
    for table in &catalog.tables {
        let (batch, _) = &dataset.tables[&table.name];
        tables.push(write_table(&staging, &table.name, batch, &metadata)?);
        inject_fault(tables.len())?;
    }

    clock.lap("write Parquet");
    let problems = check_constraints(&staging, catalog, |t, row| {
        dataset.tables[t].1.get(row).cloned()
    })?;
    if !problems.is_empty() {
        let shown = problems.len().min(20);
        bail!(
            "{} row(s) break the schema's rules; nothing was loaded:\n  {}{}",
            problems.len(),
            problems[..shown].join("\n  "),
            if problems.len() > shown {
                format!("\n  ... and {} more", problems.len() - shown)
            } else {
                String::new()
            }
        );
    }

    let manifest = Manifest {
        schema_version: catalog.version.clone(),
        fingerprint,
        built_at: chrono::Utc::now().to_rfc3339(),
        releases: dataset.releases.clone(),
        tables,
    };
    clock.lap("check constraints");
    // Run the data rules on the staged generation and store their outcome in it.
    let wh = Warehouse::open_at(
        staging.clone(),
        manifest,
        &project.schema_dir(),
        Registration::InMemory,
    )?;
    let outcomes = run_rules(&wh, load_rules(&project.checks_dir())?)?;
    let counts = wh.column_values("SELECT release_id || '=' || count(*) FROM figures GROUP BY ALL")?;
    let Warehouse {
        conn, mut manifest, ..
    } = wh;
    drop(conn);
    let table = catalog
        .table(CHECK_RESULTS)
        .context("schema has no check_results table")?;
    // Replaces the empty check_results file written with the other tables.
    let entry = write_table(
        &staging,
        CHECK_RESULTS,
        &check_results_batch(table, &outcomes)?,
        &metadata,
    )?;
    for release in &mut manifest.releases {
        release.figures = counts
            .iter()
            .find_map(|c| c.strip_prefix(&format!("{}=", release.release_id))?.parse().ok())
            .unwrap_or(0);
    }
    manifest.tables.retain(|t| t.name != CHECK_RESULTS);
    manifest.tables.push(entry);
    let checks = outcomes
        .iter()
        .map(|o| (o.rule.name.clone(), o.status))
        .collect();
    std::fs::write(
        staging.join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    sync_dir(&staging)?;

    clock.lap("run data rules");
    let generation = generations.join(&name);
    std::fs::rename(&staging, &generation)?;
    std::mem::forget(guard);
    sync_dir(&generations)?;
    let previous = std::fs::canonicalize(project.warehouse.join(CURRENT)).ok();
    swap_current(&project.warehouse, &name)?;
    remove_old_generations(&generations, &generation, previous.as_deref());
    clock.lap("swap");
    Ok(BuildReport {
        phases: clock.0,
        generation,
        manifest,
        checks,
    })
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
    let sha256 = parquet_out::write(&dir.join(&file), batch, &kv)?;
    Ok(TableEntry {
        name: name.to_string(),
        file,
        rows: batch.num_rows(),
        sha256,
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

/// Staging folders left by a load that was killed (its process is gone) are removed.
fn remove_dead_staging(generations: &Path) {
    let Ok(entries) = std::fs::read_dir(generations) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(".staging-")
            .and_then(|rest| rest.rsplit('-').next())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Wall time per phase.
struct Phases(Vec<(&'static str, std::time::Duration)>, std::time::Instant);

impl Phases {
    fn start() -> Phases {
        Phases(Vec::new(), std::time::Instant::now())
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.0.push((name, now - self.1));
        self.1 = now;
    }
}

struct RemoveOnDrop(Option<PathBuf>);
impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

/// Run every CHECK, key and reference constraint of the schema against the written Parquet files;
/// `origin(table, row)` maps a row number back to its file and line.
fn check_constraints(
    dir: &Path,
    catalog: &Catalog,
    origin: impl Fn(&str, usize) -> Option<Origin>,
) -> Result<Vec<String>> {
    let conn = crate::warehouse::embedded_duckdb()?;
    // Read each written file once into memory; every constraint query then runs on that copy.
    let mut stage = String::new();
    for t in &catalog.tables {
        stage.push_str(&format!(
            "CREATE TEMP TABLE \"_stage_{0}\" AS SELECT * FROM read_parquet({1}, file_row_number = true);\n",
            t.name,
            sql_string(&dir.join(format!("{}.parquet", t.name)).to_string_lossy())
        ));
    }
    conn.execute_batch(&stage)?;
    let source = |t: &str| format!("\"_stage_{t}\"");
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
                    "(SELECT {k} AS k, file_row_number AS r, {} AS v FROM {src} WHERE NOT ({expression}))",
                    show_columns(table, columns)
                ),
                Constraint::Unique { columns } => format!(
                    "(SELECT {k}, min(file_row_number), {} || ' (rows ' || string_agg(file_row_number::VARCHAR, ',' ORDER BY file_row_number) || ')'
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
                        "(SELECT {k}, s.file_row_number, {} FROM {src} s
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
        problems.extend(release_order_problems(&conn, &at)?);
    }
    Ok(problems)
}

/// Release metadata that only makes sense across releases: a release's own period must be a known
/// period, and a release that restates another must be published after it.
fn release_order_problems(
    conn: &duckdb::Connection,
    at: &dyn Fn(&str, i64) -> String,
) -> Result<Vec<String>> {
    let sql = "SELECT 'releases', r.file_row_number,
                      'fiscal_period ' || r.fiscal_period || ' of release ' || r.release_id ||
                      ' is not a period in any periods.csv; add the period to the release''s periods.csv'
               FROM \"_stage_releases\" r
               WHERE r.fiscal_period NOT IN (SELECT period FROM \"_stage_periods\")
               UNION ALL
               SELECT 'restatements', s.file_row_number,
                      'release ' || a.release_id || ' (published ' || a.published_on || ') restates release ' ||
                      b.release_id || ', published ' || b.published_on ||
                      ': a release can only restate one published before it; correct published_on or restates_release'
               FROM \"_stage_restatements\" s
               JOIN \"_stage_releases\" a ON a.release_id = s.release_id
               JOIN \"_stage_releases\" b ON b.release_id = s.restates_release
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
