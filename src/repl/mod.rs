//! The SQL shell: one session (`session`), one input loop for a terminal and for piped input
//! (`run`), dot-commands as one typed table (`commands`) from which `.help` and completion are
//! made, and line editing with completion and continuation prompts (`completion`).
//!
//! Who may call it: cmd (repl). It imports sql (reports), render, warehouse, schema and base.

pub mod commands;
pub mod completion;
pub mod session;
pub mod statements;

use anyhow::Result;
pub use session::{Flow, Session};
use statements::{continuation_prompt, scan, split_statements};

/// Where input lines come from: the line editor on a terminal, or a script (stdin, `.read FILE`).
pub trait Lines {
    /// The next line, or None at the end; `prompt` says what the statement still waits for.
    fn next_line(&mut self, prompt: &str) -> Result<Option<Line>>;
    /// A complete statement or dot-command was run (the line editor keeps it in its history).
    fn ran(&mut self, _input: &str) {}
}

pub enum Line {
    Text(String),
    /// Ctrl-C while typing: drop the input typed so far.
    Interrupted,
}

/// Lines of a script in memory.
pub struct Script<'a>(pub std::str::Lines<'a>);

impl Lines for Script<'_> {
    fn next_line(&mut self, _prompt: &str) -> Result<Option<Line>> {
        Ok(self.0.next().map(|l| Line::Text(l.to_string())))
    }
}

/// The one input loop: a line starting with `.` between statements is a dot-command; SQL runs
/// statement by statement as each one ends with `;` (and whatever is left at the end).
pub fn run(session: &mut Session, input: &mut dyn Lines) -> Result<Flow> {
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            "iijwh> "
        } else {
            continuation_prompt(&buffer)
        };
        let line = match input.next_line(prompt)? {
            Some(Line::Text(line)) => line,
            Some(Line::Interrupted) => {
                buffer.clear();
                continue;
            }
            None => break,
        };
        if buffer.trim().is_empty() && line.trim_start().starts_with('.') {
            buffer.clear();
            input.ran(&line);
            if let Flow::Quit = run_input(session, &line) {
                return Ok(Flow::Quit);
            }
            continue;
        }
        buffer.push_str(&line);
        buffer.push('\n');
        if scan(&buffer).1 {
            let stmt = std::mem::take(&mut buffer);
            input.ran(stmt.trim_end());
            if let Flow::Quit = run_input(session, &stmt) {
                return Ok(Flow::Quit);
            }
        }
    }
    Ok(run_input(session, &buffer))
}

/// Run one complete input: a dot-command line or SQL text; errors are printed and counted, and
/// the session goes on.
pub fn run_input(session: &mut Session, input: &str) -> Flow {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Flow::Continue;
    }
    if session.echo {
        println!("{trimmed}");
    }
    if trimmed.starts_with('.') {
        let result = commands::dispatch(session, trimmed);
        return match session.settle(result) {
            Flow::Read(text) => {
                let flow = run(session, &mut Script(text.lines()));
                session.settle(flow)
            }
            flow => flow,
        };
    }
    // Each statement prints its own result, like the DuckDB shell.
    for stmt in split_statements(trimmed) {
        let result = session.sql(stmt, &[]).map(|_| Flow::Continue);
        if let Flow::Quit = session.settle(result) {
            return Flow::Quit;
        }
    }
    Flow::Continue
}
