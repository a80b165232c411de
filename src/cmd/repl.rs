//! Usage: iijwh repl [--allow-external]
//!
//! Ad-hoc SQL with the warehouse, its macros and the report library at hand. Interactive with line
//! editing, history and tab completion when stdin is a terminal; otherwise reads statements and
//! dot-commands from stdin and exits non-zero if any of them failed.

use crate::exec::{Flow, Session};
use crate::helper::{continuation_prompt, scan, SqlHelper};
use crate::project::Project;
use crate::report;
use crate::warehouse::Warehouse;
use anyhow::{Context, Result};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{CompletionType, Config, Editor};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;

/// Interactive SQL shell over the warehouse
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Let SQL read and write files outside the warehouse (COPY, read_csv, ATTACH ...)
    #[arg(long)]
    allow_external: bool,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let wh = Warehouse::open_fresh(project)?;
    args.vintage.apply(&wh)?;
    if !args.allow_external {
        wh.sandbox()?;
    }
    let mut session = Session::new(project.clone(), wh)?;

    if !std::io::stdin().is_terminal() {
        interrupt_queries_on_ctrl_c(&session)?;
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading stdin")?;
        session.run_script(&text);
        return Ok(if session.failures > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    interactive(&mut session)?;
    Ok(ExitCode::SUCCESS)
}

fn interactive(session: &mut Session) -> Result<()> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .max_history_size(10_000)?
        .build();
    let mut editor: Editor<SqlHelper, FileHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(helper(session)?));
    // After the editor: creating it installs rustyline's own SIGINT handler, which would replace ours.
    interrupt_queries_on_ctrl_c(session)?;
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    println!(
        "iijwh {} — the warehouse is attached; .help for commands, Ctrl-D to leave",
        env!("CARGO_PKG_VERSION")
    );
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "iijwh> "
        } else {
            continuation_prompt(&buffer)
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if buffer.is_empty() && line.trim_start().starts_with('.') {
                    let _ = editor.add_history_entry(line.as_str());
                    if let Flow::Quit = session.run(&line) {
                        break;
                    }
                    continue;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if scan(&buffer).1 {
                    let stmt = std::mem::take(&mut buffer);
                    let _ = editor.add_history_entry(stmt.trim_end());
                    if let Flow::Quit = session.run(&stmt) {
                        break;
                    }
                }
            }
            // Ctrl-C at the prompt drops the input typed so far, never the session.
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                println!("^C");
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        }
        if let Some(path) = &history {
            let _ = editor.append_history(path);
        }
    }
    Ok(())
}

/// Ctrl-C while a query runs interrupts DuckDB, not the session (while typing, the line editor is
/// in raw mode and receives Ctrl-C as a key instead).
fn interrupt_queries_on_ctrl_c(session: &Session) -> Result<()> {
    let handle = session.wh.conn.interrupt_handle();
    ctrlc::set_handler(move || handle.interrupt()).context("installing the Ctrl-C handler")
}

/// History lives in the user's data directory (e.g. ~/.local/share/iijwh/history.txt).
fn history_path() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("IIJWH_HISTORY_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("iijwh")))?;
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history.txt"))
}

fn helper(session: &Session) -> Result<SqlHelper> {
    let wh = &session.wh;
    Ok(SqlHelper {
        keywords: wh.column_values("SELECT keyword_name FROM duckdb_keywords() ORDER BY 1")?,
        tables: wh.column_values(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1",
        )?,
        columns: wh.column_values(
            "SELECT DISTINCT column_name FROM duckdb_columns() WHERE schema_name = 'main' ORDER BY 1",
        )?,
        reports: report::all(&session.project)?.into_iter().map(|r| r.name).collect(),
    })
}
