//! Usage: iijwh release list [--format FORMAT]
//!        iijwh release new ID --period 3Q06 --published-on DATE --source FILE [--company NAME] [--title TEXT]
//!
//! The releases in the warehouse, and the scaffold of the next one: `release new` writes
//! data/releases/ID/ with release.toml (the source text's SHA-256 filled in), the source text, one
//! CSV per table with its header from the schema, and the period in periods.csv when no release
//! defines it yet. Then fill in the CSVs and run `iijwh load`.

use crate::base::project::Project;
use crate::release::scaffold::{scaffold, NewRelease};
use crate::render::{print, Format};
use crate::sql::report;
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

/// List the releases, or scaffold the next one
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh release list\n  iijwh release new iij-3q06 --period 3Q06 --published-on 2007-02-08 --source 3q06.txt"
)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// The releases in the warehouse with their figure and restatement counts
    List {
        #[arg(short, long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Scaffold data/releases/ID/ for a new release
    #[command(
        after_help = "Example:\n  iijwh release new iij-3q06 --period 3Q06 --published-on 2007-02-08 --source 3q06.txt"
    )]
    New {
        /// Release id: the folder name, e.g. iij-3q06
        id: String,
        /// Main fiscal period the release reports, as printed (3Q06, 1H06, FY2006)
        #[arg(long)]
        period: String,
        /// Date the release was published (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        published_on: String,
        /// The release text (UTF-8), copied into the folder as source.txt
        #[arg(long, value_name = "FILE")]
        source: PathBuf,
        /// Issuer as printed (default: the company of the existing releases, when there is one)
        #[arg(long)]
        company: Option<String>,
        /// Title of the release (default: "<company> results for <period>")
        #[arg(long)]
        title: Option<String>,
    },
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    match args.action {
        Action::List { format } => {
            let mut wh = super::open_fresh(project)?;
            wh.sandbox()?;
            let r = report::find(project, "releases")?;
            let result = wh.query(&r.sql, &[])?;
            print(&result, format, &mut std::io::stdout().lock())?;
        }
        Action::New {
            id,
            period,
            published_on,
            source,
            company,
            title,
        } => {
            let dir = scaffold(
                project,
                NewRelease {
                    id: &id,
                    period: &period,
                    published_on: &published_on,
                    source: &source,
                    company,
                    title,
                },
            )?;
            println!(
                "wrote {}: fill in its CSV files (headers are the schema's columns), then run `iijwh load`",
                dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
