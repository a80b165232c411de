//! One module per subcommand, each opening with its usage.

pub mod check;
pub mod diff;
pub mod export;
pub mod generate;
pub mod load;
pub mod query;
pub mod release;
pub mod repl;
pub mod reports;

use crate::warehouse::{Vintage, Warehouse};
use std::process::ExitCode;

/// `--as-of`, `--release` and `--company`: the vintage a command answers from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct VintageArgs {
    /// Answer as of this date: releases published after it are left out (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", conflicts_with = "release", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Answer as of this release: releases published after it are left out
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Company whose figures the views show (default: that of the newest release)
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
}

impl VintageArgs {
    /// Set this vintage on a session.
    pub fn apply(&self, wh: &Warehouse) -> anyhow::Result<()> {
        wh.set_vintage(&Vintage {
            as_of: self.as_of,
            release: self.release.clone(),
            company: self.company.clone(),
        })
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

/// Print an error with its causes, one paragraph, and return the failure exit code.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {}", message(e));
    ExitCode::FAILURE
}

/// An error with its causes, leaving out DuckDB's generic "Error code 1: Unknown error code".
pub fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !cause.contains("Unknown error code") && !text.contains(&cause) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    text
}
