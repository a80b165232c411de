//! Usage: iijwh generate --releases N --out DIR [--companies C]
//!
//! Write N synthetic releases into DIR/releases/ for the benchmark's scale curve and the
//! multi-release tests (see release::synthetic): several companies named "Synthetic Company NNN
//! (test data)", quarter after quarter, with reprints and announced restatements.

use crate::base::project::Project;
use crate::base::StagedDir;
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
    let companies = args
        .companies
        .unwrap_or_else(|| args.releases.div_ceil(MAX_QUARTERS))
        .max(1);
    synthetic::check_size(args.releases, companies)?;
    // Written aside and renamed into place once whole: a failed or killed generate leaves no
    // half a data folder at --out (a killed one's is removed by the next write beside it).
    let staged = StagedDir::new(&args.out)?;
    synthetic::write(&staged.path().join("releases"), args.releases, companies)?;
    if args.out.exists() {
        bail!(
            "{} appeared while generate wrote; it is left as it is",
            args.out.display()
        );
    }
    let out = staged.commit()?;
    println!(
        "wrote {} releases of {companies} synthetic companies to {}",
        args.releases,
        out.join("releases").display()
    );
    Ok(ExitCode::SUCCESS)
}
