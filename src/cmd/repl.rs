//! Usage: iijwh repl [-c SQL] [-init FILE] [-cmd SQL ...] [-bail] [-echo] [-csv|-json|-box|...]
//!                   [--allow-external] [--as-of DATE | --release ID] [--company NAME]
//!
//! The DuckDB shell's flags, spelled with one dash or two: `-c SQL` runs and exits, `-init FILE`
//! runs a script first, `-cmd SQL` runs a statement first, `-bail` stops at the first failing
//! statement (exit status 1), `-echo` prints each command, and the mode flags set the output.
//! Ad-hoc SQL with the warehouse, its macros and the report library at hand. Interactive with line
//! editing, history and tab completion when stdin is a terminal; otherwise reads statements and
//! dot-commands from stdin and exits non-zero if any of them failed.

use crate::base::project::Project;
use crate::repl::completion::{SqlHelper, TerminalLines};
use crate::repl::{self, Script, Session};
use crate::sql::report;
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::process::ExitCode;

/// Interactive SQL shell over the warehouse
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh repl\n  iijwh repl -c \"select value from figures where printed = '14,007' limit 1\"\n  printf '.tables\\nselect count(*) from figures;\\n' | iijwh repl -bail -csv"
)]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Run SQL (statements and dot-commands) and exit
    #[arg(short = 'c', long = "command", value_name = "SQL")]
    command: Option<String>,
    #[command(flatten)]
    shell: super::ShellArgs,
    /// Output mode: box, table, csv, json, ndjson, markdown, line, list, html, latex
    #[arg(long, value_enum)]
    mode: Option<crate::render::Format>,
    /// Let SQL read and write files outside the warehouse (COPY, read_csv, ATTACH ...)
    #[arg(long)]
    allow_external: bool,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let mut wh = super::open_fresh(project)?;
    args.vintage.apply(&wh)?;
    if !args.allow_external {
        wh.sandbox()?;
    }
    let mut session = Session::new(project.clone(), wh);
    session.vintage = crate::warehouse::Vintage {
        as_of: args.vintage.as_of,
        release: args.vintage.release.clone(),
        company: args.vintage.company.clone(),
    };
    session.bail = args.shell.bail;
    session.echo = args.shell.echo;
    if let Some(mode) = args.mode {
        session.format = mode;
    }
    let done = |session: &Session| {
        Ok(if session.failures > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        })
    };
    // -init, then each -cmd, then -c or the input; -bail stops at the first failure anywhere.
    let first = args.shell.scripts()?;
    for script in &first {
        if let repl::Flow::Quit = repl::run(&mut session, &mut Script(script.lines()))? {
            return done(&session);
        }
    }
    if let Some(sql) = &args.command {
        interrupt_queries_on_ctrl_c(&session)?;
        repl::run(&mut session, &mut Script(sql.lines()))?;
        return done(&session);
    }
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
    let text = crate::base::read_stdin_bounded()?;
    repl::run(&mut session, &mut Script(text.lines()))?;
    done(&session)
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
