//! The load: data/ read and typed (release), written as a new warehouse generation
//! (warehouse::build), its constraints checked, the data rules run on it (sql::rules) and their
//! outcome stored in it as check_results, then switched live. A failure at any step leaves the last
//! good warehouse untouched.
//!
//! Who may call it: cmd (load, and the commands that rebuild a stale warehouse before reading).

mod latest;
mod outcomes;
mod plan;
mod scoped;
mod unchanged;
mod walk;

use crate::base::project::Project;
use crate::base::{sql_string, Phases};
use crate::release::{read_data_of, DataScan, Dataset, ReleaseInfo};
use crate::schema::sqlfile::words;
use crate::schema::{views_reading, Catalog};
use crate::sql::rules::{load_rules, Outcome, Ran, RuleQueue, Status};
use crate::warehouse::build::{inject_step_fault, remove_retired, Generation};
use crate::warehouse::manifest::TableEntry;
use crate::warehouse::manifest::{verify_files, Body, Manifest, PartEntry, SourceStamps};
use crate::warehouse::parts::file::{self, LivePart, Rows};
use crate::warehouse::parts::{
    self, company_scoped, part_of, read_from_parts, row_companies, rows_of, CompanyRows,
    RULE_OUTCOMES,
};
use crate::warehouse::{
    catalog_digest, CatalogSession, Engine, Fill, LoadSession, TableRows, Warehouse, RAW,
};
use anyhow::{Context, Result};
use arrow::record_batch::RecordBatch;
use latest::store_latest_vintage;
use outcomes::{
    all_passed, check_results_batch, merge_check_results, outcomes_by_company, Share, PASSED,
    WAREHOUSE_SHARE,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
pub use unchanged::{unchanged, Live, Unchanged};
pub use walk::{walk, walk_after, walk_changed, Walked};

const CHECK_RESULTS: &str = "check_results";
/// The view the rules read most (the rules that read it wait for it)...
const FIGURES: &str = "figures";
/// ... and what it is computed from, into memory once per load.
const VINTAGE_FIGURES: &str = "vintage_figures";
/// The concept definitions of every release, which most rules (and `figures`) read: into memory
/// first, before the session is shared, so every rule and the figures read the table; stored
/// with the latest vintage too (schema/views/15_concepts.sql), for the reports that read them.
const RELEASE_CONCEPTS: &str = "vintage_release_concepts";

pub struct BuildReport {
    /// The load's DuckDB, done with (see `Engine::abandon`).
    pub engine: Engine,
    pub generation: PathBuf,
    pub manifest: Manifest,
    /// Outcome of each data rule on the new generation.
    pub checks: Vec<(String, Status)>,
    /// Wall time of each phase, for `load --timings` and the benchmark.
    pub phases: Phases,
    /// Why every company's part was made again (None: only those whose files changed).
    pub full: Option<String>,
    /// How many companies' parts the load made.
    pub touched: usize,
    /// The row groups of the part files it wrote: copied as they were, and encoded.
    pub row_groups: (usize, usize),
}

/// Build a new generation from data/ and switch it live: only the companies whose files changed
/// are read, written and checked again (see `plan`), unless `full` or the plan says every part
/// must be made again. `walked`: the walk of data/ the caller made just before (`unchanged`
/// found the live generation stale by it), taken instead of walking again (1.2 s at 100,000
/// releases); the files read later than it make the next check say stale, never a wrong answer.
pub fn build(project: &Project, full: bool, mut walked: Option<Walked>) -> Result<BuildReport> {
    let mut clock = Phases::start();
    // DuckDB takes ~13 ms to start, and everything the load does in it waits for that: it starts
    // first, beside reading schema/ and data/.
    let opening = std::thread::spawn(LoadSession::open);
    let catalog = Catalog::for_load(project)?;
    clock.lap("read schema/");
    // One walk of data/ (its stamps tell the plan what changed and make the fingerprint), on
    // threads of its own, beside reading the live manifest and verifying the live files.
    let given = walked.is_some();
    let read = walked.as_mut().and_then(|w| w.live.take());
    // The generation the walk took its stamps from, when it took them (see `plan::guided`).
    let walked_from = read.as_ref().map(|(dir, _)| dir.clone());
    let (walked, generation, intact) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| match walked {
            Some(walked) => Ok(walked),
            None => walk(project),
        });
        // The metadata of the warehouse's own files is set once the releases are known.
        let generation = Generation::begin(&project.warehouse, Vec::new(), read);
        let intact = generation.as_ref().ok().and_then(|g| {
            let (dir, manifest) = (g.live_dir()?, g.live_manifest()?);
            // Its companies and releases too, which the plan reads (unreadable: the plan says so).
            let _ = manifest.body();
            Some(verify_files(dir, manifest).is_ok())
        });
        (walk.join(), generation, intact)
    });
    let Walked {
        scan,
        fingerprint,
        stamps,
        key,
        synced,
        named: _,
        stamped,
        live: _,
    } = walked.map_err(|_| anyhow::anyhow!("walking {} failed", project.data.display()))??;
    let mut generation = generation?;
    if intact == Some(true) {
        generation.live_verified();
    }
    let live = generation.live_manifest().zip(intact);
    clock.lap(match given {
        true => "read the live manifest and verify its files",
        false => "walk data/ and schema/; beside it, read the live manifest and verify its files",
    });
    // The generations the last load retired are deleted on a thread of their own (mostly waiting
    // for the disk); joined before this load retires any. Not before the live files are
    // verified: unlinking a retired generation's name of a file the live one shares changes the
    // file's change time, and so the identity its checksum is remembered by (`verify_files`),
    // which would have every shared file hashed again (~0.2-0.5 s at 10,000 releases).
    let sweep = std::thread::spawn({
        let warehouse = project.warehouse.clone();
        move || remove_retired(&warehouse)
    });
    // Only against the generation whose stamps the walk took for the folders it did not stamp.
    let stamped = stamped
        .filter(|_| walked_from.is_some() && generation.live_dir() == walked_from.as_deref());
    let plan = plan::plan(&project.data, &scan, live, &key, full, stamped.as_ref());
    clock.lap("plan: what changed in data/");
    let batches = match plan.full {
        Some(_) => plan::batches(&project.data, &scan, parts::batch_releases()),
        None => Vec::new(),
    };
    let why = plan.full.clone();
    let under = |last: bool| Under {
        fingerprint: &fingerprint,
        stamps: &stamps,
        key: &key,
        last,
    };
    let mut row_groups = (0, 0);
    let done = if batches.len() <= 1 {
        step(
            project,
            &catalog,
            (&scan, plan),
            under(true),
            opening,
            &mut clock,
            &mut generation,
        )?
    } else {
        // A full load of a large data/: a generation a batch of companies at a time, each made
        // on the one before as an incremental load would be (see `Generation::after`), so no
        // step holds more than a batch's rows in memory; the last one goes live.
        let mut opening = Some(opening);
        let mut touched = 0;
        let mut batches = batches.into_iter().peekable();
        let mut first = true;
        loop {
            // The batch's own scan and plan: its companies are new to the generation sealed
            // before, which holds the batches before as they were (a plan comparing every
            // folder so far made the load's cost grow with the square of its batches).
            let (companies, releases) = batches.next().unwrap_or_default();
            let scan = scan.only(&companies, &releases);
            let plan = match generation.live_manifest().filter(|_| !first) {
                None => plan::plan(&project.data, &scan, None, &key, true, None),
                Some(base) => plan::batch(&scan, base)?,
            };
            let opening = opening
                .take()
                .unwrap_or_else(|| std::thread::spawn(LoadSession::open));
            let mut made = step(
                project,
                &catalog,
                (&scan, plan),
                under(batches.peek().is_none()),
                opening,
                &mut clock,
                &mut generation,
            )?;
            touched += made.touched;
            if batches.peek().is_none() {
                made.touched = touched;
                break made;
            }
            generation.seal(&mut made.manifest)?;
            // Its DuckDB and rows go before the next batch is read.
            let Step {
                manifest: sealed,
                checks,
                engine,
                touched: _,
            } = made;
            drop((checks, engine));
            let (copied, encoded) = generation.row_groups();
            row_groups.0 += copied;
            row_groups.1 += encoded;
            generation = generation.after(sealed)?;
            first = false;
            clock.lap("batch sealed");
        }
    };
    let Step {
        mut manifest,
        checks,
        engine,
        touched,
    } = done;
    let _ = sweep.join();
    let (copied, encoded) = generation.row_groups();
    let row_groups = (row_groups.0 + copied, row_groups.1 + encoded);
    let generation = generation.commit(&mut manifest)?;
    clock.lap("swap");
    // The walk the generation was made by began after the journal's count stood here.
    if let Some(synced) = synced {
        synced.record(&crate::warehouse::staleness::journal_token(
            &generation,
            &manifest,
        ));
    }
    Ok(BuildReport {
        phases: clock,
        generation,
        manifest,
        full: why,
        touched,
        row_groups,
        checks,
        engine,
    })
}

/// What one step of a load made: its generation's manifest (not yet sealed), the rules'
/// statuses, its DuckDB, and how many companies' parts it made.
struct Step {
    manifest: Manifest,
    checks: Vec<(String, Status)>,
    engine: Engine,
    touched: usize,
}

/// The companies a load takes as they were, and their parts (hashed once, not at every file
/// of every part it writes: 2,500 companies at the largest shape).
pub(super) struct Reused {
    companies: BTreeSet<String>,
    parts: BTreeSet<String>,
}

impl Reused {
    fn of(parts: &[PartEntry]) -> Self {
        let companies: BTreeSet<String> = parts.iter().map(|p| p.company_id.clone()).collect();
        let parts = companies.iter().map(|c| part_of(c)).collect();
        Reused { companies, parts }
    }

    pub(super) fn contains(&self, company: &String) -> bool {
        self.companies.contains(company)
    }
}

/// The live generation's file of `part` of folder `table`, when the load takes any of its
/// companies as they were (`reused`; a full load reads nothing of the live generation, which
/// may be damaged): what the part's new file takes their rows from (see `parts::file`).
pub(super) fn live_file(
    generation: &Generation,
    table: &str,
    part: &str,
    reused: &Reused,
) -> Result<Option<LivePart>> {
    if !reused.parts.contains(part) {
        return Ok(None);
    }
    let (Some(live), Some(manifest)) = (generation.live_dir(), generation.live_manifest()) else {
        return Ok(None);
    };
    let file = parts::part_file(table, part);
    match manifest.part_files.iter().any(|f| f.file == file) {
        true => Ok(Some(LivePart::open(&live.join(&file))?)),
        false => Ok(None),
    }
}

/// The rows of `part`'s new file of folder `table`: `made`, and those of the companies it
/// takes as they were from `live` (see `live_file`), in company order.
pub(super) fn part_rows<'a>(
    live: Option<&'a LivePart>,
    reused: &Reused,
    made: Vec<CompanyRows>,
) -> Vec<(String, Rows<'a>)> {
    let kept = live
        .map(|l| l.kept(|c| reused.contains(c)))
        .unwrap_or_default();
    file::merged(kept, made)
}

/// The rows of a part's file of folder `table` in the live generation, company by company
/// (none when there is no live generation, or it has no such file).
fn live_part(generation: &Generation, table: &str, part: &str) -> Result<Vec<CompanyRows>> {
    let (Some(live), Some(manifest)) = (generation.live_dir(), generation.live_manifest()) else {
        return Ok(Vec::new());
    };
    let file = parts::part_file(table, part);
    match manifest.part_files.iter().any(|f| f.file == file) {
        true => parts::read_part(&live.join(&file)),
        false => Ok(Vec::new()),
    }
}

/// The rule outcomes of `company` in the live generation (its part's file), which this load
/// replaces.
fn replaced_outcomes(generation: &Generation, company: &str) -> Result<RecordBatch> {
    live_part(generation, RULE_OUTCOMES, &parts::part_of(company))?
        .into_iter()
        .find(|(c, _)| c == company)
        .map(|(_, rows)| rows)
        .with_context(|| format!("the part of {company} has no rule outcomes"))
}

/// What every step of one load is made under, and whether a step is its last, the one that goes
/// live.
#[derive(Clone, Copy)]
struct Under<'a> {
    fingerprint: &'a str,
    stamps: &'a SourceStamps,
    key: &'a str,
    last: bool,
}

/// One step of a load into `generation`: the companies `plan` names read, written, checked, their
/// latest vintage stored, the catalog written and check_results merged (of every part in a
/// load's last step, of its own companies in the others); everything but the swap.
fn step(
    project: &Project,
    catalog: &Catalog,
    (scan, mut plan): (&DataScan, plan::Plan),
    under: Under,
    opening: std::thread::JoinHandle<Result<LoadSession>>,
    clock: &mut Phases,
    generation: &mut Generation,
) -> Result<Step> {
    // The releases of the companies read again whose files did not change: the rules scoped to
    // a release take their rows from the parts replaced (see `scoped`).
    let kept = scoped::kept_releases(&plan, scan);
    // The parts of the companies read again are written again, the others' files linked
    // (while the changed ones are read).
    let touched_parts: BTreeSet<String> = plan.touched.iter().map(|c| part_of(c)).collect();
    let reused = Reused::of(&plan.reused);
    // The parts taken as they are go into the new manifest as they are (moved, not copied:
    // 2,500 companies' release stamps at the largest shape).
    let reused_parts = std::mem::take(&mut plan.reused);
    // What the load takes from the live manifest: the files of the parts it does not touch, and
    // the releases of the companies it takes as they were (a full load takes nothing: the live
    // part manifests may be what it rebuilds for).
    let (linked, kept_releases): (Vec<TableEntry>, Vec<ReleaseInfo>) =
        match (&plan.full, generation.live_manifest()) {
            (None, Some(live)) => (
                live.part_files
                    .iter()
                    .filter(|f| !touched_parts.contains(parts::part_of_file(&f.file)))
                    .cloned()
                    .collect(),
                match reused.companies.is_empty() {
                    true => Vec::new(),
                    false => live
                        .body()?
                        .releases
                        .iter()
                        .filter(|r| reused.contains(&r.company))
                        .cloned()
                        .collect(),
                },
            ),
            _ => (Vec::new(), Vec::new()),
        };
    if !linked.is_empty() {
        generation.link_parts_in_background(linked.clone())?;
    }
    let dataset = read_data_of(
        &project.data,
        &project.reference_dir(),
        catalog,
        Some(&plan.read),
    )?;
    clock.lap("read and type data/");

    // Every release of the new generation: those of the parts taken as they are, as the live
    // manifest has them, and those read now; in release order.
    let mut releases: Vec<ReleaseInfo> = kept_releases
        .into_iter()
        .chain(dataset.releases.iter().cloned())
        .collect();
    releases.sort_by(|a, b| a.release_id.cmp(&b.release_id));
    generation.set_metadata(file_metadata(catalog, releases.iter()));
    let part_releases = PartReleases::of(releases.iter(), &touched_parts);
    let release_company: HashMap<String, String> = dataset
        .releases
        .iter()
        .map(|r| (r.release_id.clone(), r.company.clone()))
        .collect();
    // The parts this load makes: every company with a record that it read.
    let made: Vec<&String> = plan
        .touched
        .iter()
        .filter(|c| scan.companies.contains_key(*c))
        .collect();
    let digest = catalog_digest(&project.schema_dir())?;
    let schema_dir = project.schema_dir();
    let patch = plan
        .full
        .is_none()
        .then(|| catalog_patch(catalog, &plan.replaced));
    // Two cores: on one, DuckDB starts, creates the in-memory tables and takes the rows; on the
    // other, the Parquet files are written and the rules read, then, on a second connection, it
    // takes the rows not yet taken and starts the generation's catalog on a thread of its own.
    let fill = Fill::new(catalog, &dataset);
    let (started, written) = std::thread::scope(|scope| {
        let (catalog, dataset, schema_dir, digest) = (catalog, &dataset, &schema_dir, &digest);
        let fill = &fill;
        let (send, opened) = std::sync::mpsc::channel();
        let started = scope.spawn(move || {
            let session = opening
                .join()
                .map_err(|_| anyhow::anyhow!("DuckDB failed to start"))??;
            let _ = send.send(session.catalog_session()?);
            session.fill(&project.warehouse, schema_dir, digest, fill)
        });
        let written = (|| -> Result<(Manifest, RuleQueue, CatalogSession, Vec<TableRows>)> {
            let mut parts: BTreeMap<String, PartEntry> = BTreeMap::new();
            for company in &made {
                let entry = PartEntry {
                    company_id: company.to_string(),
                    stamp: scan.companies[*company].clone(),
                    releases: dataset
                        .releases
                        .iter()
                        .filter(|r| &r.company == *company)
                        .map(|r| {
                            let stamp = scan.releases.get(&r.release_id).cloned();
                            (r.release_id.clone(), stamp.unwrap_or_default())
                        })
                        .collect(),
                    metadata: dataset
                        .releases
                        .iter()
                        .filter(|r| &r.company == *company)
                        .filter_map(|r| {
                            let stamp = scan.metadata.get(&r.release_id)?;
                            Some((r.release_id.clone(), stamp.clone()))
                        })
                        .collect(),
                    passed: None,
                };
                parts.insert(company.to_string(), entry);
            }
            for part in reused_parts {
                parts.insert(part.company_id.clone(), part);
            }
            let mut part_files = linked;
            for table in &catalog.tables {
                let (batch, _) = &dataset.tables[&table.name];
                if !company_scoped(table) {
                    generation.write_table(&table.name, batch)?;
                    continue;
                }
                let companies = row_companies(table, batch, &release_company)?;
                for part in &touched_parts {
                    let mine = made
                        .iter()
                        .filter(|c| part_of(c) == *part)
                        .map(|c| Ok((c.to_string(), rows_of(batch, &companies, c)?)))
                        .collect::<Result<Vec<CompanyRows>>>()?;
                    let live = live_file(generation, &table.name, part, &reused)?;
                    let rows = part_rows(live.as_ref(), &reused, mine);
                    if rows.is_empty() {
                        continue; // its companies are gone
                    }
                    let metadata = part_releases.metadata(&rows);
                    part_files.push(generation.write_part(
                        &table.name,
                        part,
                        &batch.schema(),
                        &rows,
                        &metadata,
                    )?);
                }
            }
            generation.place()?;
            generation.sync_in_background()?;
            // The new generation's manifest; its catalog digest decides whether the live
            // catalog is copied.
            let manifest = Manifest::new(
                (
                    catalog.version.clone(),
                    under.fingerprint.to_string(),
                    chrono::Utc::now().to_rfc3339(),
                ),
                Body {
                    releases,
                    parts: parts.into_values().collect(),
                },
                generation.tables(),
                Some(digest.clone()),
                Some(under.key.to_string()),
                part_files,
                Some(under.stamps.clone()),
            );
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
            let queued = scoped::narrowed(load_rules(&project.checks_dir())?, &plan.read, &kept);
            let rules = RuleQueue::new(queued, &previous, |rule| {
                words(&rule.sql).iter().any(|w| late.contains(w))
            });
            session.help_fill(fill);
            // The rows of the tables the catalog holds; it is written once the latest vintage is
            // stored (its views over those files bind when created).
            let rows = catalog
                .tables
                .iter()
                .filter(|t| !read_from_parts(t))
                .map(|t| (t.name.clone(), dataset.tables[&t.name].0.clone()))
                .collect();
            Ok((manifest, rules, session, rows))
        })();
        (started.join(), written)
    });
    // A session that failed to start says why before what could not be written without it.
    let started = started.map_err(|_| anyhow::anyhow!("the load's session failed to start"))??;
    let (manifest, rules, catalog_session, catalog_rows) = written?;
    let started = started.filled(&fill)?;
    clock.lap("start DuckDB; write Parquet, rows into memory");

    let checks_held = started.checks_held();
    let mut wh = generation.open(manifest, &schema_dir, started)?;
    let (outcomes, counts) = check_and_run_rules(
        &mut wh,
        (&*generation, catalog, &dataset, checks_held),
        &rules,
        clock,
    )?;
    clock.lap("run data rules");
    // The catalog is copied and patched on the other core while this one stores the latest
    // vintage, which it waits for before its views over those files.
    generation.write_catalog(
        catalog_session,
        (catalog, &digest),
        catalog_rows,
        &schema_dir,
        patch,
    )?;
    let (latest, latest_files) = store_latest_vintage(
        &wh,
        generation,
        (&made, &reused, &touched_parts),
        &part_releases,
    )?;
    generation.latest_stored(&latest);
    clock.lap("latest vintage");
    let (mut manifest, engine) = wh.end_load();
    manifest.latest_ddl = Some(crate::warehouse::latest_ddl_digest(&latest));
    manifest.part_files.extend(latest_files);
    let table = catalog
        .table(CHECK_RESULTS)
        .context("schema has no check_results table")?;
    // Each company's share of the outcomes into its part; the table is every part's, merged.
    let mut shares: Vec<RecordBatch> = Vec::new();
    let by_company = outcomes_by_company(&outcomes, &release_company)?;
    let mut made_outcomes: BTreeMap<String, Vec<CompanyRows>> = BTreeMap::new();
    // The live generation's rule outcomes, a part at a time, read once each.
    let mut live_outcomes: HashMap<String, Vec<CompanyRows>> = HashMap::new();
    let mut outcome_files = Vec::new();
    let body = manifest.body_mut()?;
    for part in &mut body.parts {
        let company = &part.company_id;
        let share = if plan.touched.contains(company) {
            let mine = by_company.get(company).map(Vec::as_slice).unwrap_or(&[]);
            let with_kept;
            let mine = match kept.get(company) {
                Some(releases) => {
                    let old = replaced_outcomes(generation, company)?;
                    with_kept = outcomes
                        .iter()
                        .enumerate()
                        .map(|(i, o)| {
                            let new = mine.get(i).unwrap_or(&PASSED);
                            match scoped::by_release(&o.rule) {
                                true => scoped::with_kept(&o.rule.name, new, &old, releases),
                                false => Ok(new.clone()),
                            }
                        })
                        .collect::<Result<Vec<Share>>>()?;
                    &with_kept[..]
                }
                None => mine,
            };
            let batch = check_results_batch(table, &outcomes, mine)?;
            made_outcomes
                .entry(part_of(company))
                .or_default()
                .push((company.clone(), batch.clone()));
            part.passed = Some(
                mine.iter()
                    .all(|s| s.status == Status::Pass && s.rows == 0 && s.details.is_none()),
            );
            batch
        } else if part.passed == Some(true) || !under.last {
            // Adds nothing to the merge (see `merge_check_results`): not read. A step of a
            // batched load that is not the last one merges its own companies' shares only: its
            // generation never goes live, and the last step merges every part's.
            continue;
        } else {
            // A company taken as it was: its outcomes are the live generation's.
            let name = part_of(company);
            if !live_outcomes.contains_key(&name) {
                let rows = live_part(generation, RULE_OUTCOMES, &name)?;
                live_outcomes.insert(name.clone(), rows);
            }
            let batch = live_outcomes[&name]
                .iter()
                .find(|(c, _)| c == company)
                .map(|(_, rows)| rows.clone())
                .with_context(|| format!("the part of {company} has no rule outcomes"))?;
            // Learnt once for a part an older load made, so the next load need not read it.
            part.passed = Some(all_passed(&batch)?);
            batch
        };
        shares.push(share);
    }
    for part in &touched_parts {
        let mine = made_outcomes.remove(part).unwrap_or_default();
        let (read, live) = match live_outcomes.remove(part) {
            Some(rows) => (
                rows.into_iter()
                    .filter(|(c, _)| reused.contains(c))
                    .map(|(c, b)| (c, Rows::Batch(b)))
                    .collect(),
                None,
            ),
            None => (
                Vec::new(),
                live_file(generation, RULE_OUTCOMES, part, &reused)?,
            ),
        };
        let rows = match live.as_ref() {
            Some(live) => part_rows(Some(live), &reused, mine),
            None => file::merged(read, mine),
        };
        if rows.is_empty() {
            continue;
        }
        let metadata = part_releases.metadata(&rows);
        let entry = generation.write_part(RULE_OUTCOMES, part, &table.schema, &rows, &metadata)?;
        outcome_files.push(entry);
    }
    if let Some(mine) = by_company.get(WAREHOUSE_SHARE) {
        shares.push(check_results_batch(table, &outcomes, mine)?);
    }
    // Replaces the empty check_results file written with the other tables.
    let (merged, checks) = merge_check_results(table, &outcomes, &shares)?;
    generation.write_table(CHECK_RESULTS, &merged)?;
    manifest.tables = generation.tables();
    // Looked up by release: the manifest's releases are every step's so far.
    let counts: HashMap<&str, usize> = counts
        .iter()
        .filter_map(|c| {
            let (id, n) = c.rsplit_once('=')?;
            Some((id, n.parse().ok()?))
        })
        .collect();
    manifest.part_files.extend(outcome_files);
    for release in &mut manifest.body_mut()?.releases {
        if let Some(&n) = counts.get(release.release_id.as_str()) {
            release.figures = n;
        } else if release_company.contains_key(&release.release_id) {
            release.figures = 0;
        }
    }
    manifest.rule_millis = outcomes
        .iter()
        .map(|o| (o.rule.name.clone(), (o.millis * 10.0).round() / 10.0))
        .collect();
    clock.lap("check_results");

    Ok(Step {
        manifest,
        checks,
        engine,
        touched: made.len(),
    })
}

/// The footer metadata of the warehouse's own files: the schema's version, how many releases,
/// and the SHA-256 of the lines `RELEASE_ID=SOURCE_SHA256\n` in release id order (`releases`
/// comes sorted).
fn file_metadata<'a>(
    catalog: &Catalog,
    releases: impl Iterator<Item = &'a ReleaseInfo>,
) -> Vec<(String, String)> {
    // Every release's id and source hash would be ~90 bytes a release in each file's footer
    // (9 MB at 100,000 releases, on files of a few thousand rows): the count and one hash of the
    // list, which the releases table (release_id, source_sha256) gives back.
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut count = 0usize;
    for r in releases {
        hasher.update(format!("{}={}\n", r.release_id, r.source_sha256).as_bytes());
        count += 1;
    }
    vec![
        ("iijwh.schema_version".to_string(), catalog.version.clone()),
        ("iijwh.releases".to_string(), count.to_string()),
        (
            "iijwh.releases_sha256".to_string(),
            crate::base::hex(&hasher.finalize()),
        ),
    ]
}

/// The releases of the companies of the parts a load writes, by company (release id, source
/// hash), in release id order: what each part file's footer lists (see `metadata`), found once
/// rather than in a pass over every release a file (~20 files a part, 100,000 releases).
pub(super) struct PartReleases(HashMap<String, Vec<(String, String)>>);

impl PartReleases {
    /// Of `releases` (in release id order), those of the companies of `parts`.
    fn of<'a>(releases: impl Iterator<Item = &'a ReleaseInfo>, parts: &BTreeSet<String>) -> Self {
        let mut inside: HashMap<&str, bool> = HashMap::new();
        let mut of_company: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for r in releases {
            let company = r.company.as_str();
            let mine = *inside
                .entry(company)
                .or_insert_with(|| parts.contains(&part_of(company)));
            if mine {
                of_company
                    .entry(r.company.clone())
                    .or_default()
                    .push((r.release_id.clone(), r.source_sha256.clone()));
            }
        }
        PartReleases(of_company)
    }

    /// The footer metadata of a part's file holding `rows`: its companies' releases.
    pub(super) fn metadata<T>(&self, rows: &[(String, T)]) -> Vec<(String, String)> {
        let companies: BTreeSet<&str> = rows.iter().map(|(c, _)| c.as_str()).collect();
        let mut releases: Vec<&(String, String)> = companies
            .into_iter()
            .flat_map(|c| self.0.get(c).into_iter().flatten())
            .collect();
        releases.sort_by(|a, b| a.0.cmp(&b.0));
        let ids: Vec<&str> = releases.iter().map(|(id, _)| id.as_str()).collect();
        let sums: Vec<String> = releases
            .iter()
            .map(|(id, sha)| format!("{id}={sha}"))
            .collect();
        vec![
            ("iijwh.release_ids".to_string(), ids.join(",")),
            ("iijwh.source_sha256".to_string(), sums.join(",")),
        ]
    }
}

/// What an incremental load runs on its copy of the live catalog before it appends the rows it
/// read: the rows of the parts it replaces or drops leave every company-scoped table the catalog
/// holds, and the warehouse's own tables are emptied (they are written whole). The tables read
/// from the parts need nothing: their views read the new generation's files.
fn catalog_patch(catalog: &Catalog, replaced: &[PartEntry]) -> String {
    let quoted = |items: Vec<&String>| -> String {
        items
            .iter()
            .map(|i| sql_string(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let companies = quoted(replaced.iter().map(|p| &p.company_id).collect());
    let releases = quoted(replaced.iter().flat_map(|p| p.releases.keys()).collect());
    let mut sql = String::new();
    for table in catalog.tables.iter().filter(|t| !read_from_parts(t)) {
        let name = &table.name;
        if !company_scoped(table) {
            sql.push_str(&format!("DELETE FROM {RAW}.\"{name}\";\n"));
        } else if table.column("company_id").is_some() {
            if !companies.is_empty() {
                sql.push_str(&format!(
                    "DELETE FROM {RAW}.\"{name}\" WHERE company_id IN ({companies});\n"
                ));
            }
        } else if !releases.is_empty() {
            sql.push_str(&format!(
                "DELETE FROM {RAW}.\"{name}\" WHERE release_id IN ({releases});\n"
            ));
        }
    }
    sql
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
            .materialize(&[VINTAGE_FIGURES])
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
    crate::base::refuse_listing(&problems, "row(s) break the schema's rules")?;
    let (mine, counts) = mine?;
    Ok((RuleQueue::outcomes(vec![mine, theirs]), counts))
}
