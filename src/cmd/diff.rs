//! Usage: iijwh diff [A] [B] [--format table|csv|json|ndjson|markdown] [--output FILE]
//!
//! What changed between two releases of one company: over the periods (and balance sheet dates)
//! both print, every figure B prints with another value than A (changed), that only B prints
//! (added) or that only A prints (dropped); each marked explained, with the reason of the
//! restatement of B that covers it, or unexplained. Default: the newest release and the one of
//! the same company before it; with only A, A against the newest release of its company.

use crate::base::project::Project;
use crate::base::sql_string;
use crate::render::{print, Format};
use crate::warehouse::RAW;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Compare the figures of two releases: changed, added, dropped, explained or not
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh diff                       the two newest releases\n  iijwh diff iij-2q06 iij-3q06 --format csv"
)]
pub struct Args {
    /// Earlier release (default: the release of the same company before B)
    a: Option<String>,
    /// Later release (default: the newest release, or the newest of A's company)
    b: Option<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value = "table")]
    format: Format,
    /// Write the result to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// A release as the diff needs it.
struct Release {
    id: String,
    company: String,
    published_on: String,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    if let Some(path) = &args.output {
        project.guard_output_file(path)?;
    }
    let mut wh = super::open_fresh(project)?;
    wh.sandbox()?;
    let releases: Vec<Release> = wh
        .column_values(&format!(
            "SELECT concat_ws(chr(9), release_id, company_id, published_on) FROM {RAW}.releases
             ORDER BY published_on, release_id"
        ))?
        .iter()
        .map(|line| {
            let mut parts = line.split('\t').map(str::to_string);
            Release {
                id: parts.next().unwrap_or_default(),
                company: parts.next().unwrap_or_default(),
                published_on: parts.next().unwrap_or_default(),
            }
        })
        .collect();
    let find = |id: &str| -> Result<&Release> {
        releases.iter().find(|r| r.id == id).with_context(|| {
            let ids: Vec<&str> = releases.iter().map(|r| r.id.as_str()).collect();
            format!(
                "no release `{id}` in the warehouse; releases: {}",
                ids.join(", ")
            )
        })
    };
    let newest_of = |company: &str| releases.iter().rev().find(|r| r.company == company);
    let (a, b) = match (args.a.as_deref(), args.b.as_deref()) {
        (Some(a), Some(b)) => (find(a)?, find(b)?),
        (Some(a), None) => {
            let a = find(a)?;
            let b = newest_of(&a.company)
                .filter(|b| b.id != a.id)
                .with_context(|| {
                    format!(
                        "release `{}` is the newest of {}: name a release to compare it with",
                        a.id, a.company
                    )
                })?;
            (a, b)
        }
        (None, _) => {
            let b = releases.last().context("the warehouse holds no release")?;
            let a = releases
                .iter()
                .rev()
                .find(|r| r.company == b.company && r.id != b.id)
                .with_context(|| {
                    // The companies that have a release before their newest, and how to ask.
                    let mut others: Vec<String> = Vec::new();
                    for r in releases.iter().rev() {
                        let newest = newest_of(&r.company).map(|n| n.id.as_str());
                        let named = others
                            .iter()
                            .any(|o| o.starts_with(&format!("{} ", r.company)));
                        if newest != Some(r.id.as_str()) && !named {
                            others.push(format!("{} (`iijwh diff {}`)", r.company, r.id));
                        }
                    }
                    let hint = if others.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; a release compares with its company's newest: {}",
                            others.join(", ")
                        )
                    };
                    format!(
                        "the warehouse holds one release of {} ({}): there is nothing to compare \
                         yet{hint}",
                        b.company, b.id
                    )
                })?;
            (a, b)
        }
    };
    if a.company != b.company {
        bail!(
            "release `{}` is of {} and `{}` of {}: diff compares releases of one company",
            a.id,
            a.company,
            b.id,
            b.company
        );
    }
    let result = wh.query(
        &format!(
            "SELECT * FROM release_diff({}, {})",
            sql_string(&a.id),
            sql_string(&b.id)
        ),
        &[],
    )?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(project.create_output_file(path)?)),
        None => Box::new(std::io::stdout().lock()),
    };
    if args.format == Format::Table {
        writeln!(
            out,
            "{} ({}) -> {} ({}), {}",
            a.id, a.published_on, b.id, b.published_on, a.company
        )?;
    }
    print(&result, args.format, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
