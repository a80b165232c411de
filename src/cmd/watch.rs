//! Usage: iijwh watch [--idle SECONDS]
//!
//! Keep a change journal of data/ and schema/ while it runs (Linux: inotify). Every statement,
//! report and `iijwh load` first checks that the warehouse is as data/ and schema/ would make it,
//! which takes a `stat` of every file (~1.2 s at 100,000 releases). With a watcher running, a
//! check asks it instead whether anything changed since a walk found the warehouse current: a
//! millisecond. After any change the next check walks once, as without it. Nothing is written
//! but its socket, in a folder of this user's alone ($XDG_RUNTIME_DIR/iijwh-UID/).

use crate::base::project::Project;
use crate::journal::watcher::{watch, Watching};
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Keep a change journal of data/ and schema/ so checks skip the walk of data/ (until Ctrl-C)
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh watch &                    then queries and loads ask it\n  iijwh watch --idle 600           stop after 10 minutes without a question"
)]
pub struct Args {
    /// Stop after this many seconds without a question (default: run until Ctrl-C)
    #[arg(long, value_name = "SECONDS")]
    idle: Option<u64>,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .context("installing the Ctrl-C handler")?;
    }
    let ready = |w: &Watching| {
        let roots: Vec<String> = w.roots.iter().map(|r| r.display().to_string()).collect();
        println!(
            "watching {} folders of {}; checks ask this watcher instead of walking data/ while \
             nothing changes (socket {}). Ctrl-C stops it.",
            w.folders,
            roots.join(" and "),
            w.socket.display()
        );
    };
    let why = watch(project, args.idle.map(Duration::from_secs), stop, ready)?;
    println!("{why}");
    Ok(ExitCode::SUCCESS)
}
