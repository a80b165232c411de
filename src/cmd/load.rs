//! Usage: iijwh load [--data DIR] [--warehouse DIR] [--full] [--timings]
//!
//! Validate data/ against schema/, write ZSTD Parquet files into a new warehouse generation and
//! switch to it atomically; then run the check rules and report failures. Only the companies
//! whose files in data/ changed are read, written and checked again; the others' parts are taken
//! from the live generation as they are. `--full` makes every part again (as a change to schema/
//! or iijwh does by itself), with the same result byte for byte.

use crate::base::project::Project;
use crate::base::Phases;
use crate::load::{build, unchanged, Live};
use crate::render::new_table;
use crate::sql::rules::Status;
use crate::warehouse::manifest::Manifest;
use crate::warehouse::parts::RULE_OUTCOMES;
use anyhow::Result;
use std::process::ExitCode;
use std::time::Instant;

/// Build the warehouse from data/ (validated against schema/)
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh load\n  iijwh load --full\n  iijwh --data /tmp/syn load --timings"
)]
pub struct Args {
    /// Print the wall time of each phase
    #[arg(long)]
    timings: bool,
    /// Read, write and check every company again, not only those whose files changed
    #[arg(long)]
    full: bool,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    // Nothing changed since the live generation was built: nothing is written. Else the walk
    // that found the change is the load's.
    let mut walked = None;
    let mut checked = Phases::start();
    if !args.full {
        let live = match unchanged(project)? {
            Live::Unchanged(live) => Some(live),
            Live::Changed(walk) => {
                walked = walk.map(|w| *w);
                None
            }
        };
        let named = walked.as_ref().and_then(|w| w.named);
        checked.lap(match (&live, named) {
            (Some(live), _) if live.vouched => {
                "ask the watcher (`iijwh watch`): did anything change?"
            }
            (Some(live), _) if live.guided => {
                "stamp what the watcher names as changed in data/, and schema/"
            }
            (_, Some(_)) => "stamp what the watcher names as changed in data/, and schema/",
            _ => "walk data/ and schema/: did anything change?",
        });
        let asked = live.as_ref().is_some_and(|l| l.vouched || l.guided) || named.is_some();
        hint_at_the_watcher(project, &checked, asked);
        if let Some(live) = live {
            if args.timings {
                checked.print();
            }
            println!(
                "nothing to load: no file of {} or schema/ changed since {} was built, so no new \
                 generation ({} ms; `iijwh load --full` makes every part again)",
                project.data.display(),
                live.generation.display(),
                start.elapsed().as_millis()
            );
            println!(
                "0 of {} companies read and checked again (their files changed); the others taken \
                 as they were",
                live.manifest.companies
            );
            summary(&live.manifest, &live.checks);
            return Ok(ExitCode::SUCCESS);
        }
    }
    let report = build(project, args.full, walked)?;
    // The process ends after printing: DuckDB's teardown would only cost time.
    report.engine.abandon();
    if args.timings {
        checked.print();
        report.phases.print();
        let (copied, encoded) = report.row_groups;
        eprintln!("the part files' row groups: {copied} copied as they were, {encoded} encoded");
    }
    let files: Vec<_> = report.manifest.files().collect();
    let rows: usize = files
        .iter()
        .filter(|t| t.name != RULE_OUTCOMES && t.name != "catalog")
        .map(|t| t.rows)
        .sum();
    let tables: std::collections::BTreeSet<&str> = files
        .iter()
        .filter(|t| t.name != RULE_OUTCOMES && t.name != "catalog")
        .map(|t| t.name.as_str())
        .collect();
    println!(
        "loaded {} release(s) of {} companies, {} tables, {rows} rows into {} in {} ms",
        report.manifest.release_count,
        report.manifest.companies,
        tables.len(),
        report.generation.display(),
        start.elapsed().as_millis()
    );
    match &report.full {
        Some(why) => println!("every company read and checked: {why}"),
        None => println!(
            "{} of {} companies read and checked again (their files changed); the others taken as they were",
            report.touched,
            report.manifest.companies
        ),
    }
    summary(&report.manifest, &report.checks);
    crate::base::drop_aside(report.manifest);
    Ok(ExitCode::SUCCESS)
}

/// A walk of data/ that took a second or more, with no watcher running: say what spares it.
fn hint_at_the_watcher(project: &Project, checked: &Phases, asked: bool) {
    let took = checked.0.last().map(|(_, t)| *t).unwrap_or_default();
    if asked || took < std::time::Duration::from_secs(1) {
        return;
    }
    if crate::journal::sync(project, None).is_none() {
        crate::base::note(&format!(
            "note: checking what changed in {} took {:.1} s (a `stat` of every file); \
             `iijwh watch` keeps a change journal that spares it (docs/commands.md)",
            project.data.display(),
            took.as_secs_f64()
        ));
    }
}

/// The newest releases of the generation and its rules' outcomes.
fn summary(manifest: &Manifest, checks: &[(String, Status)]) {
    // The newest releases (all of them up to 20): `iijwh release list` shows every one.
    let shown = &manifest.newest_releases;
    let mut table = new_table(&["release", "company", "period", "published", "figures"]);
    for r in shown {
        table.add_row([
            r.release_id.clone(),
            r.company.clone(),
            r.fiscal_period.clone(),
            r.published_on.clone(),
            r.figures.to_string(),
        ]);
    }
    println!("{table}");
    if shown.len() < manifest.release_count {
        println!(
            "({} older releases not shown; `iijwh release list` shows all)",
            manifest.release_count - shown.len()
        );
    }
    let failed: Vec<&str> = checks
        .iter()
        .filter(|(_, s)| *s == Status::Fail)
        .map(|(name, _)| name.as_str())
        .collect();
    let residual = checks
        .iter()
        .filter(|(_, s)| *s == Status::Residual)
        .count();
    println!(
        "{} check rules: {} pass, {residual} residual (gaps the release itself leaves), {} fail; \
         see the check_summary report",
        checks.len(),
        checks.len() - residual - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        eprintln!(
            "warning: check rule(s) fail: {}; run `iijwh check` for the offending figures",
            failed.join(", ")
        );
    }
}
