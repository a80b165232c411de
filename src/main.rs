use clap::{Parser, Subcommand};
use iijwh::cmd;
use std::path::PathBuf;
use std::process::ExitCode;

/// Embedded SQL data warehouse for the figures of a company's financial-results release.
#[derive(Parser)]
#[command(name = "iijwh", version, about)]
struct Cli {
    /// Folder holding releases/<release-id>/ (default: ./data)
    #[arg(long, global = true, env = "IIJWH_DATA")]
    data: Option<PathBuf>,
    /// Warehouse folder (default: ./warehouse)
    #[arg(long, global = true, env = "IIJWH_WAREHOUSE")]
    warehouse: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Load(cmd::load::Args),
    Query(cmd::query::Args),
    Check(cmd::check::Args),
    Reports(cmd::reports::Args),
    Repl(cmd::repl::Args),
    Export(cmd::export::Args),
    Generate(cmd::generate::Args),
    Diff(cmd::diff::Args),
    Chart(cmd::chart::Args),
    Serve(cmd::serve::Args),
    Release(cmd::release::Args),
}

fn main() -> ExitCode {
    // A closed stdout (`iijwh query ... | head`) ends iijwh quietly, as it ends cat, head or the
    // DuckDB shell: Rust ignores SIGPIPE and would turn it into errors and println! panics.
    // SAFETY: restoring a signal's default action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let project = match iijwh::base::project::Project::locate(cli.data, cli.warehouse) {
        Ok(p) => p,
        Err(e) => return cmd::report_error(&e),
    };
    let result = match cli.command {
        Command::Load(args) => cmd::load::run(&project, args),
        Command::Query(args) => cmd::query::run(&project, args),
        Command::Check(args) => cmd::check::run(&project, args),
        Command::Reports(args) => cmd::reports::run(&project, args),
        Command::Repl(args) => cmd::repl::run(&project, args),
        Command::Export(args) => cmd::export::run(&project, args),
        Command::Generate(args) => cmd::generate::run(&project, args),
        Command::Diff(args) => cmd::diff::run(&project, args),
        Command::Chart(args) => cmd::chart::run(&project, args),
        Command::Serve(args) => cmd::serve::run(&project, args),
        Command::Release(args) => cmd::release::run(&project, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => cmd::report_error(&e),
    }
}
