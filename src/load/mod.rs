//! The load: data/ read and typed (release), written as a new warehouse generation
//! (warehouse::build), its constraints checked, the data rules run on it (sql::rules) and their
//! outcome stored in it as check_results, then switched live. A failure at any step leaves the last
//! good warehouse untouched.
//!
//! Who may call it: cmd (load, and the commands that rebuild a stale warehouse before reading).

use crate::base::project::Project;
use crate::base::Phases;
use crate::release::{read_data, Dataset};
use crate::render::{print, Format};
use crate::schema::sqlfile::words;
use crate::schema::{views_reading, Catalog, Table};
use crate::sql::rules::{load_rules, Outcome, Ran, RuleQueue, Status};
use crate::warehouse::build::{inject_step_fault, remove_retired, Generation};
use crate::warehouse::manifest::{fingerprint, Manifest};
use crate::warehouse::{catalog_digest, Engine, Fill, LoadSession, Warehouse};
use anyhow::{bail, Context, Result};
use arrow::array::{ArrayRef, Int32Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::path::PathBuf;
use std::sync::Arc;

const CHECK_RESULTS: &str = "check_results";
/// The view the rules read most, computed into memory once per load.
const FIGURES: &str = "figures";
/// The concept definitions of every release, which most rules (and `figures`) read: into memory
/// first, before the session is shared, so every rule and the figures read the table.
const RELEASE_CONCEPTS: &str = "release_concepts";

pub struct BuildReport {
    /// The load's DuckDB, done with (see `Engine::abandon`).
    pub engine: Engine,
    pub generation: PathBuf,
    pub manifest: Manifest,
    /// Outcome of each data rule on the new generation.
    pub checks: Vec<(String, Status)>,
    /// Wall time of each phase, for `load --timings` and the benchmark.
    pub phases: Phases,
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

/// Build a new generation from data/ and switch it live.
pub fn build(project: &Project) -> Result<BuildReport> {
    let mut clock = Phases::start();
    // DuckDB takes ~13 ms to start, and everything the load does in it waits for that: it starts
    // first, beside reading schema/ and data/.
    let opening = std::thread::spawn(LoadSession::open);
    // The generations the last load retired are deleted on a thread of their own (mostly waiting
    // for the disk); joined before this load retires any.
    let sweep = std::thread::spawn({
        let warehouse = project.warehouse.clone();
        move || remove_retired(&warehouse)
    });
    let catalog = Catalog::for_load(project)?;
    clock.lap("read schema/");
    let fingerprint = fingerprint(project)?;
    let dataset = read_data(&project.data, &project.reference_dir(), &catalog)?;
    clock.lap("read and type data/");

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
    let mut generation = Generation::begin(&project.warehouse, metadata)?;
    let digest = catalog_digest(&project.schema_dir())?;
    let schema_dir = project.schema_dir();
    // Two cores: on one, DuckDB starts, creates the in-memory tables and takes the rows; on the
    // other, the Parquet files are written and the rules read, then, on a second connection, it
    // takes the rows not yet taken and starts the generation's catalog on a thread of its own.
    let fill = Fill::new(&catalog, &dataset);
    let (started, written) = std::thread::scope(|scope| {
        let (catalog, dataset, schema_dir, digest) = (&catalog, &dataset, &schema_dir, &digest);
        let fill = &fill;
        let (send, opened) = std::sync::mpsc::channel();
        let started = scope.spawn(move || {
            let session = opening
                .join()
                .map_err(|_| anyhow::anyhow!("DuckDB failed to start"))??;
            let _ = send.send(session.catalog_session()?);
            session.fill(&project.warehouse, schema_dir, digest, fill)
        });
        let written = (|| -> Result<(Manifest, RuleQueue)> {
            for table in &catalog.tables {
                let (batch, _) = &dataset.tables[&table.name];
                generation.write_table(&table.name, batch)?;
            }
            generation.place()?;
            generation.sync_in_background()?;
            // The new generation's manifest; its catalog digest decides whether the live
            // catalog is copied.
            let manifest = Manifest {
                schema_version: catalog.version.clone(),
                fingerprint,
                built_at: chrono::Utc::now().to_rfc3339(),
                releases: dataset.releases.clone(),
                tables: generation.tables(),
                catalog: None,
                catalog_digest: Some(digest.clone()),
                rule_millis: Default::default(),
            };
            let session = opened
                .recv()
                .map_err(|_| anyhow::anyhow!("the load's session failed to start"))?;
            // The rules, read here while the other core may still be taking the rows. `figures`,
            // which they read over and over, is computed once into memory (a table found before
            // the view), so each rule plans against a table instead of the whole union of the
            // view; the rules that read it directly or through other views wait for it.
            let previous = generation
                .live_manifest()
                .map(|m| m.rule_millis.clone())
                .unwrap_or_default();
            let late = views_reading(schema_dir, FIGURES)?;
            let rules = RuleQueue::new(load_rules(&project.checks_dir())?, &previous, |rule| {
                words(&rule.sql).iter().any(|w| late.contains(w))
            });
            session.help_fill(fill);
            let rows = catalog
                .tables
                .iter()
                .map(|t| (t.name.clone(), dataset.tables[&t.name].0.clone()))
                .collect();
            generation.write_catalog(session, (&manifest, catalog), rows, schema_dir)?;
            Ok((manifest, rules))
        })();
        (started.join(), written)
    });
    // A session that failed to start says why before what could not be written without it.
    let started = started.map_err(|_| anyhow::anyhow!("the load's session failed to start"))??;
    let (manifest, rules) = written?;
    let started = started.filled(&fill)?;
    clock.lap("start DuckDB; write Parquet, rows into memory");

    let checks_held = started.checks_held();
    let mut wh = generation.open(manifest, &schema_dir, started)?;
    let (outcomes, counts) = check_and_run_rules(
        &mut wh,
        (&generation, &catalog, &dataset, checks_held),
        &rules,
        &mut clock,
    )?;
    clock.lap("run data rules");
    let (mut manifest, engine) = wh.end_load();
    let table = catalog
        .table(CHECK_RESULTS)
        .context("schema has no check_results table")?;
    // Replaces the empty check_results file written with the other tables.
    generation.write_table(CHECK_RESULTS, &check_results_batch(table, &outcomes)?)?;
    manifest.tables = generation.tables();
    for release in &mut manifest.releases {
        release.figures = counts
            .iter()
            .find_map(|c| {
                c.strip_prefix(&format!("{}=", release.release_id))?
                    .parse()
                    .ok()
            })
            .unwrap_or(0);
    }
    let checks = outcomes
        .iter()
        .map(|o| (o.rule.name.clone(), o.status))
        .collect();
    manifest.rule_millis = outcomes
        .iter()
        .map(|o| (o.rule.name.clone(), (o.millis * 10.0).round() / 10.0))
        .collect();
    clock.lap("check_results");

    let _ = sweep.join();
    let generation = generation.commit(&mut manifest)?;
    clock.lap("swap");
    Ok(BuildReport {
        engine,
        phases: clock,
        generation,
        manifest,
        checks,
    })
}

/// The constraints and the data rules on the load's session `wh`: `figures` into memory on this
/// core while the other checks the constraints on the dataset's rows and runs the rules that do not
/// read `figures`; then both take the rest. A row that breaks a constraint fails the load before
/// any rule's outcome counts. Also returns the figures of each release (`RELEASE=N`), counted on
/// this core before it takes its share of the rest, so the queue evens out that work too.
fn check_and_run_rules(
    wh: &mut Warehouse,
    (generation, catalog, dataset, checks_held): (&Generation, &Catalog, &Dataset, bool),
    rules: &RuleQueue,
    clock: &mut Phases,
) -> Result<(Vec<Outcome>, Vec<String>)> {
    wh.materialize(&[RELEASE_CONCEPTS])?;
    let checker = wh.try_clone()?;
    let (checked, mine) = std::thread::scope(|scope| {
        let (send, computed) = std::sync::mpsc::channel();
        let checked = scope.spawn(move || {
            let checked = (|| -> Result<(Vec<String>, Ran)> {
                let problems =
                    generation.check_constraints(&checker, catalog, dataset, checks_held)?;
                if !problems.is_empty() {
                    return Ok((problems, Vec::new()));
                }
                let mut ran = rules.run(&checker, true)?;
                if let Ok(session) = computed.recv() {
                    ran.extend(rules.run(&session?, false)?);
                }
                Ok((problems, ran))
            })();
            if !matches!(&checked, Ok((problems, _)) if problems.is_empty()) {
                rules.clear();
            }
            checked
        });
        let figures = wh
            .materialize(&[FIGURES])
            .and_then(|()| inject_step_fault(FIGURES));
        let mine = figures.and_then(|()| {
            clock.lap(
                "figures into memory; beside it: check constraints, rules not reading figures, \
                 the catalog",
            );
            let _ = send.send(wh.try_clone());
            let counts = wh.column_values(&format!(
                "SELECT release_id || '=' || count(*) FROM {FIGURES} GROUP BY release_id"
            ))?;
            Ok((rules.run(wh, false)?, counts))
        });
        // Unblocks the other thread when figures failed and nothing was sent.
        drop(send);
        (checked.join(), mine)
    });
    let (problems, theirs) =
        checked.map_err(|_| anyhow::anyhow!("the constraint check failed to run"))??;
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
    let (mine, counts) = mine?;
    Ok((RuleQueue::outcomes(vec![mine, theirs]), counts))
}
