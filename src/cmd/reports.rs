//! Usage: iijwh reports [NAME]
//!
//! List the reports in queries/ with their titles, or show one report's description and SQL.

use crate::base::project::Project;
use crate::render::new_table;
use crate::sql::report;
use anyhow::Result;
use std::process::ExitCode;

/// List the canned reports, or show one
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  iijwh reports\n  iijwh reports growth")]
pub struct Args {
    /// Report to show in full
    name: Option<String>,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    match args.name {
        Some(name) => {
            let r = report::find(project, &name)?;
            println!("{}: {}", r.name, r.get("title").unwrap_or(""));
            if let Some(d) = r.get("description") {
                println!("\n{d}");
            }
            for p in report::params(&r)? {
                println!("  --param {p}");
            }
            println!("\n{}", r.sql.trim_end());
        }
        None => {
            let mut table = new_table(&["report", "title", "parameters"]);
            for r in report::all(project)? {
                let params: Vec<String> =
                    report::params(&r)?.iter().map(|p| p.to_string()).collect();
                table.add_row([
                    r.name.as_str(),
                    r.get("title").unwrap_or(""),
                    &params.join("; "),
                ]);
            }
            println!("{table}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
