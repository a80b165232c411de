//! Usage: iijwh generate --releases N --out DIR
//!
//! Write N synthetic releases shaped like the real ones (each release folder of data/ copied under
//! a new release id) into DIR/releases/, for the benchmark's scale curve.

use crate::project::Project;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate synthetic releases for benchmarks
#[derive(clap::Args)]
pub struct Args {
    /// How many releases to write
    #[arg(long)]
    releases: usize,
    /// Data folder to create (must not exist)
    #[arg(long)]
    out: PathBuf,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    if args.out.exists() {
        bail!(
            "{} exists; generate writes a new data folder",
            args.out.display()
        );
    }
    let mut sources: Vec<PathBuf> = std::fs::read_dir(project.data.join("releases"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    sources.sort();
    if sources.is_empty() {
        bail!("no release folders in {}", project.data.display());
    }
    for i in 0..args.releases {
        let source = &sources[i % sources.len()];
        let id = source
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let new_id = format!("{id}-s{i:05}");
        let target = args.out.join("releases").join(&new_id);
        std::fs::create_dir_all(&target)?;
        for entry in std::fs::read_dir(source)? {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default();
            if name == "release.toml" {
                let text = std::fs::read_to_string(&path)?;
                let renamed = text.replace(
                    &format!("release_id = \"{id}\""),
                    &format!("release_id = \"{new_id}\""),
                );
                std::fs::write(target.join(name), renamed)?;
            } else {
                std::fs::copy(&path, target.join(name))
                    .with_context(|| format!("copying {}", path.display()))?;
            }
        }
    }
    println!(
        "wrote {} releases to {}",
        args.releases,
        args.out.join("releases").display()
    );
    Ok(ExitCode::SUCCESS)
}
