//! Usage: iijwh repl [--allow-external] [--as-of DATE | --release ID] [--company NAME]
//!
//! Ad-hoc SQL with the warehouse, its macros and the report library at hand. Interactive with line
//! editing, history and tab completion when stdin is a terminal; otherwise reads statements and
//! dot-commands from stdin and exits non-zero if any of them failed.

use crate::base::project::Project;
use crate::repl::completion::{SqlHelper, TerminalLines};
use crate::repl::{self, Script, Session};
use crate::sql::report;
use anyhow::{Context, Result};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

/// Interactive SQL shell over the warehouse
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh repl\n  printf '.tables\\nselect count(*) from figures;\\n' | iijwh repl"
)]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Let SQL read and write files outside the warehouse (COPY, read_csv, ATTACH ...)
    #[arg(long)]
    allow_external: bool,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let wh = super::open_fresh(project)?;
    args.vintage.apply(&wh)?;
    if !args.allow_external {
        wh.sandbox()?;
    }
    let mut session = Session::new(project.clone(), wh);
    if std::io::stdin().is_terminal() {
        let mut lines = TerminalLines::new(helper(&session)?)?;
        // After the editor: creating it installs rustyline's own SIGINT handler, which would
        // replace ours.
        interrupt_queries_on_ctrl_c(&session)?;
        println!(
            "iijwh {} — the warehouse is attached; .help for commands, Ctrl-D to leave",
            env!("CARGO_PKG_VERSION")
        );
        repl::run(&mut session, &mut lines)?;
        return Ok(ExitCode::SUCCESS);
    }
    interrupt_queries_on_ctrl_c(&session)?;
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading stdin")?;
    repl::run(&mut session, &mut Script(text.lines()))?;
    Ok(if session.failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Ctrl-C while a query runs interrupts DuckDB, not the session (while typing, the line editor is
/// in raw mode and receives Ctrl-C as a key instead).
fn interrupt_queries_on_ctrl_c(session: &Session) -> Result<()> {
    let handle = session.wh.interrupt_handle();
    ctrlc::set_handler(move || handle.interrupt()).context("installing the Ctrl-C handler")
}

fn helper(session: &Session) -> Result<SqlHelper> {
    let wh = &session.wh;
    Ok(SqlHelper {
        keywords: wh.column_values("SELECT keyword_name FROM duckdb_keywords() ORDER BY 1")?,
        tables: session.relations()?,
        columns: wh.column_values(
            "SELECT DISTINCT column_name FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY 1",
        )?,
        reports: report::all(&session.project)?
            .into_iter()
            .map(|r| r.name)
            .collect(),
    })
}
