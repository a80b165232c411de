//! Usage: iijwh export DIR [--format parquet|csv|duckdb] [--tables a,b] [--partition-by fiscal_year|company] [--company NAME] [--force]
//!
//! Write the warehouse for other tools: one Parquet or CSV file per table (and the `figures` view),
//! with the rows of every company of the vintage (`--company`: of that company only),
//! or one `.duckdb` database with every table, the view and the macros; `manifest.json` beside
//! it. The export is written aside and renamed into place, so a failed export leaves nothing half
//! written. DIR may not be, hold or lie inside data/, the warehouse, schema/ or queries/; --force
//! replaces only a previous iijwh export, never other files.

use crate::base::project::Project;
use crate::export::{export, ExportFormat, ExportOptions, Partition};
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// Export the warehouse as Parquet, CSV or a DuckDB database file
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh export out/\n  iijwh export out/ --partition-by fiscal_year --force\n  iijwh export out/ --partition-by company\n  iijwh export out/ --company IIJ\n  iijwh export out.db/ --format duckdb --as-of 2006-11-02"
)]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Folder to write (created; must be empty or absent unless --force)
    dir: PathBuf,
    /// Output format
    #[arg(short, long, value_enum, default_value = "parquet")]
    format: ExportFormat,
    /// Only these tables (comma-separated); default: every table and the figures view
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Hive-style partitioning of Parquet tables: fiscal_year (fiscal_year=2006/, tables with a
    /// period or date) or company (company_id=iij/, every company of the vintage)
    #[arg(long, value_enum, value_name = "KEY")]
    partition_by: Option<Partition>,
    /// Replace DIR when it holds a previous iijwh export (never any other folder)
    #[arg(long)]
    force: bool,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let dir = crate::base::project::absolute(&args.dir)?;
    // Refuse a forbidden target before anything is built or opened.
    project.guard_output_dir(&dir)?;
    let wh = super::open_fresh(project)?;
    args.vintage.apply(&wh)?;
    // `--company` exports that company; without it, every company of the vintage.
    let company = match &args.vintage.company {
        Some(_) => wh
            .column_values("SELECT company_id FROM vintage_company")?
            .into_iter()
            .next(),
        None => None,
    };
    let manifest = export(
        project,
        &wh,
        &ExportOptions {
            dir: dir.clone(),
            format: args.format,
            tables: args.tables,
            partition_by: args.partition_by,
            force: args.force,
            company,
        },
    )?;
    let rows: usize = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "exported {} tables, {rows} rows as {:?} to {}",
        manifest.tables.len(),
        args.format,
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
