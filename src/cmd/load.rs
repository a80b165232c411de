//! Usage: iijwh load [--data DIR] [--warehouse DIR]
//!
//! Validate data/ against schema/, write one ZSTD Parquet file per table into a new warehouse
//! generation and switch to it atomically; then run the check rules and report failures.

use crate::load::build;
use crate::project::Project;
use crate::rules::{load_rules, run_rules, Status};
use crate::schema::Catalog;
use crate::warehouse::Warehouse;
use anyhow::Result;
use std::process::ExitCode;
use std::time::Instant;

/// Build the warehouse from data/ (validated against schema/)
#[derive(clap::Args)]
pub struct Args {}

pub fn run(project: &Project, _args: Args) -> Result<ExitCode> {
    let start = Instant::now();
    let catalog = Catalog::load(&project.schema_dir())?;
    let report = build(project, &catalog)?;
    let rows: usize = report.manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "loaded {} release(s), {} tables, {rows} rows into {} in {} ms",
        report.manifest.releases.len(),
        report.manifest.tables.len(),
        report.generation.display(),
        start.elapsed().as_millis()
    );
    let wh = Warehouse::open(project)?;
    let outcomes = run_rules(&wh, load_rules(&project.checks_dir())?)?;
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.status == Status::Fail)
        .map(|o| o.rule.name.as_str())
        .collect();
    let residual = report
        .checks
        .iter()
        .filter(|(_, s)| *s == Status::Residual)
        .count();
    println!(
        "{} check rules: {} pass, {residual} residual (gaps the release itself leaves), {} fail; \
         see the check_summary report",
        report.checks.len(),
        report.checks.len() - residual - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        eprintln!(
            "warning: check rule(s) fail: {}; run `iijwh check` for the offending figures",
            failed.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}
