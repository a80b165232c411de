//! Usage: iijwh query NAME|FILE|- [-e SQL] [--format table|csv|json|ndjson|markdown] [--output FILE]
//!
//! Run a report from queries/ (NAME, `.sql` optional), any SQL file, SQL from stdin (`-`) or inline
//! SQL (`-e`) against the warehouse, which is built first when missing or older than data/.

use crate::print_format::{print, Format};
use crate::project::Project;
use crate::report;
use crate::warehouse::Warehouse;
use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Run a report or SQL against the warehouse
#[derive(clap::Args)]
pub struct Args {
    /// Report name in queries/ (e.g. trend_revenue), a SQL file path, or - for stdin
    #[arg(required_unless_present = "execute")]
    report: Option<String>,
    /// Inline SQL to run instead of a report
    #[arg(short = 'e', long = "execute", value_name = "SQL", conflicts_with = "report")]
    execute: Option<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value = "table")]
    format: Format,
    /// Write the result to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let sql = match (&args.execute, args.report.as_deref()) {
        (Some(sql), _) => sql.clone(),
        (None, Some("-")) => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("reading SQL from stdin")?;
            s
        }
        (None, Some(name)) => report::find(project, name)?.sql,
        (None, None) => bail!("give a report name, a SQL file, - or -e SQL"),
    };
    let wh = Warehouse::open_fresh(project)?;
    let result = wh.query(&sql, &[])?;
    match &args.output {
        Some(path) => {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
            );
            print(&result, args.format, &mut file)?;
            file.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            print(&result, args.format, &mut lock)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
