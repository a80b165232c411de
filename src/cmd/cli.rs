//! The command line as one clap definition: global options, the subcommands, and the dispatch.
//! `completions` and `man` print it for shells and man(1); main.rs only parses and calls `run`.

use super::*;
use crate::base::project::Project;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Embedded SQL data warehouse for the figures of companies' financial-results releases.
#[derive(Parser)]
#[command(
    name = "iijwh",
    version,
    about,
    after_help = "Exit status: 0 success; 1 an error, a failed statement or a failed check rule; \
                  2 a usage error (unknown flag or value).\n\
                  Examples:\n  iijwh query trend_revenue\n  iijwh chart margins -o margins.svg\n  iijwh repl"
)]
pub struct Cli {
    /// Folder holding releases/<release-id>/ (default: data/ of the project)
    #[arg(long, global = true, env = "IIJWH_DATA")]
    pub data: Option<PathBuf>,
    /// Warehouse folder (default: warehouse/ of the project)
    #[arg(long, global = true, env = "IIJWH_WAREHOUSE")]
    pub warehouse: Option<PathBuf>,
    /// No progress bars or notes on stderr (errors still print)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    Load(load::Args),
    Query(query::Args),
    Check(check::Args),
    Reports(reports::Args),
    Repl(repl::Args),
    Export(export::Args),
    Generate(generate::Args),
    Diff(diff::Args),
    Chart(chart::Args),
    Serve(serve::Args),
    Watch(watch::Args),
    Release(release::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "Example:\n  source <(iijwh completions bash)")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `iijwh man > iijwh.1 && man ./iijwh.1`
    Man,
    /// The web page's worker for one request (see `web::worker`); not for people.
    #[command(hide = true)]
    WebWorker,
}

/// Parse the process's arguments (DuckDB's one-dash spellings accepted) and run the command.
pub fn run(args: Vec<std::ffi::OsString>) -> ExitCode {
    let cli = Cli::parse_from(args);
    crate::base::set_quiet(cli.quiet);
    // Printing the command line needs no project.
    match &cli.command {
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "iijwh", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Command::Man => {
            return match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => report_error(&e.into()),
            };
        }
        _ => {}
    }
    let project = match Project::locate(cli.data, cli.warehouse) {
        Ok(p) => p,
        Err(e) => return report_error(&e),
    };
    let result = match cli.command {
        Command::Load(args) => load::run(&project, args),
        Command::Query(args) => query::run(&project, args),
        Command::Check(args) => check::run(&project, args),
        Command::Reports(args) => reports::run(&project, args),
        Command::Repl(args) => repl::run(&project, args),
        Command::Export(args) => export::run(&project, args),
        Command::Generate(args) => generate::run(&project, args),
        Command::Diff(args) => diff::run(&project, args),
        Command::Chart(args) => chart::run(&project, args),
        Command::Serve(args) => serve::run(&project, args),
        Command::Watch(args) => watch::run(&project, args),
        Command::WebWorker => crate::web::worker_child(&project).map(|()| ExitCode::SUCCESS),
        Command::Release(args) => release::run(&project, args),
        Command::Completions { .. } | Command::Man => unreachable!("handled above"),
    };
    match result {
        Ok(code) => code,
        Err(e) => report_error(&e),
    }
}

/// Scripts written for the DuckDB shell use one dash for long flags (`-bail`, `-init FILE`) and
/// mode flags (`-csv`): spelled the clap way here, so they work unchanged.
pub fn duckdb_spellings(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    const LONG: [&str; 4] = ["-bail", "-init", "-cmd", "-echo"];
    const MODES: [&str; 10] = [
        "-box",
        "-table",
        "-csv",
        "-json",
        "-markdown",
        "-line",
        "-list",
        "-html",
        "-latex",
        "-ndjson",
    ];
    let args: Vec<std::ffi::OsString> = args.collect();
    let repl = args.iter().any(|a| a == "repl");
    let mut out = Vec::with_capacity(args.len());
    for arg in args {
        match arg.to_str() {
            Some(a) if LONG.contains(&a) => out.push(format!("-{a}").into()),
            Some(a) if MODES.contains(&a) => {
                out.push(if repl { "--mode" } else { "--format" }.into());
                out.push(a.trim_start_matches('-').to_string().into());
            }
            _ => out.push(arg),
        }
    }
    out
}
