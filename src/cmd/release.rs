//! Usage: iijwh release list [--format FORMAT]
//!        iijwh release new ID --period 3Q06 --published-on DATE --source FILE [--company ID]
//!                  [--name NAME --fiscal-year-start MONTH [--fiscal-year-named-by start_year|end_year]
//!                   --currency CUR --unit UNIT [--ticker T] [--exchange X]] [--title TEXT]
//!
//! The releases in the warehouse, and the scaffold of the next one: `release new` writes
//! data/releases/ID/ with release.toml (the source text's SHA-256 filled in), the source text and
//! one CSV per table with its header from the schema; for a company new to the warehouse, also its
//! record data/companies/ID.toml from the flags (refused when one is missing). The period is
//! checked against the company's fiscal calendar. Then fill in the CSVs and run `iijwh load`.

use crate::base::project::Project;
use crate::release::scaffold::{scaffold, NewCompany, NewRelease};
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
        after_help = "Examples:\n  iijwh release new iij-3q06 --period 3Q06 --published-on 2007-02-08 --source 3q06.txt\n  \
                      iijwh release new acme-2q06 --company acme --name \"Acme Corp.\" --fiscal-year-start 1 \\\n      \
                      --currency USD --unit \"USD thousand\" --period 2Q06 --published-on 2006-07-25 --source acme.txt"
    )]
    New(Box<NewArgs>),
}

#[derive(clap::Args)]
struct NewArgs {
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
    /// Company id (data/companies/ID.toml; default: the only company, when there is one)
    #[arg(long)]
    company: Option<String>,
    /// New company: its name as printed
    #[arg(long)]
    name: Option<String>,
    /// New company: month its fiscal year starts (1-12; 4 for a year ending in March)
    #[arg(long, value_name = "MONTH")]
    fiscal_year_start: Option<u32>,
    /// New company: start_year (FY2006 starts in 2006) or end_year (FY2006 ends in 2006)
    #[arg(long, value_name = "HOW")]
    fiscal_year_named_by: Option<String>,
    /// New company: ISO 4217 reporting currency (USD, EUR, JPY)
    #[arg(long, value_name = "CUR")]
    currency: Option<String>,
    /// New company: unit its amounts are printed in ("USD thousand", "EUR million")
    #[arg(long)]
    unit: Option<String>,
    /// New company: ticker symbol
    #[arg(long)]
    ticker: Option<String>,
    /// New company: exchange of the ticker
    #[arg(long)]
    exchange: Option<String>,
    /// Title of the release (default: "<company> results for <period>")
    #[arg(long)]
    title: Option<String>,
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
        Action::New(new) => {
            let NewArgs {
                id,
                period,
                published_on,
                source,
                company,
                name,
                fiscal_year_start,
                fiscal_year_named_by,
                currency,
                unit,
                ticker,
                exchange,
                title,
            } = *new;
            let dir = scaffold(
                project,
                NewRelease {
                    id: &id,
                    period: &period,
                    published_on: &published_on,
                    source: &source,
                    company,
                    new_company: NewCompany {
                        name,
                        fiscal_year_start,
                        fiscal_year_named_by,
                        currency,
                        unit,
                        ticker,
                        exchange,
                    },
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
