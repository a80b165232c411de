//! Usage: iijwh generate --releases N --out DIR [--companies C]
//!
//! Write N synthetic releases into DIR/releases/ for the benchmark's scale curve and the
//! multi-release tests (see release::synthetic): several companies named "Synthetic Company NNN
//! (test data)", quarter after quarter, with reprints and announced restatements.

use crate::base::project::Project;
use crate::release::synthetic::{self, MAX_QUARTERS};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate synthetic releases for benchmarks and tests
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  iijwh generate --releases 1000 --out /tmp/syn && IIJWH_DATA=/tmp/syn iijwh load"
)]
pub struct Args {
    /// How many releases to write
    #[arg(long)]
    releases: usize,
    /// Data folder to create (must not exist)
    #[arg(long)]
    out: PathBuf,
    /// How many companies share them (default: one per 40 releases)
    #[arg(long)]
    companies: Option<usize>,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    if args.out.exists() {
        bail!(
            "{} exists; generate writes a new data folder",
            args.out.display()
        );
    }
    project.guard_output_dir(&args.out)?;
    if args.releases == 0 {
        bail!("--releases must be at least 1");
    }
    let companies = args
        .companies
        .unwrap_or_else(|| args.releases.div_ceil(MAX_QUARTERS))
        .max(1);
    let root = args.out.join("releases");
    synthetic::write(&root, args.releases, companies)?;
    println!(
        "wrote {} releases of {companies} synthetic companies to {}",
        args.releases,
        root.display()
    );
    Ok(ExitCode::SUCCESS)
}
