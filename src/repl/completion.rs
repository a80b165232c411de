//! Line editing for the REPL: tab completion of dot-commands (from the command table), report
//! names, table and column names and SQL keywords; history; the terminal as a source of lines.

use super::commands::{self, Completes};
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

/// Names offered by tab completion, gathered once when the REPL starts.
#[derive(Default)]
pub struct SqlHelper {
    pub keywords: Vec<String>,
    pub tables: Vec<String>,
    pub columns: Vec<String>,
    pub reports: Vec<String>,
}

impl SqlHelper {
    fn candidates(&self, line: &str, start: usize, word: &str) -> Vec<String> {
        let before = line[..start].trim_start();
        let lower = word.to_lowercase();
        let matches = |items: &[String], upper: bool| -> Vec<String> {
            items
                .iter()
                .filter(|c| c.to_lowercase().starts_with(&lower))
                .map(|c| {
                    if upper && word.chars().all(|ch| !ch.is_lowercase()) {
                        c.to_uppercase()
                    } else {
                        c.clone()
                    }
                })
                .collect()
        };
        if before.is_empty() && word.starts_with('.') {
            return commands::names()
                .filter(|c| c.starts_with(word))
                .map(str::to_string)
                .collect();
        }
        match commands::find(before).map(|c| c.completes) {
            Some(Completes::Reports) => return matches(&self.reports, false),
            Some(Completes::Tables) => return matches(&self.tables, false),
            Some(Completes::Nothing) => return Vec::new(),
            None => {}
        }
        let mut out = matches(&self.tables, false);
        out.extend(matches(&self.columns, false));
        out.extend(matches(&self.keywords, true));
        out.sort();
        out.dedup();
        out
    }
}

impl Completer for SqlHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        // A dotted word completes after the dot (table.column).
        let (start, word) = match word.rfind('.') {
            Some(i) if start + i > 0 || !word.starts_with('.') => (start + i + 1, &word[i + 1..]),
            _ => (start, word),
        };
        let pairs = self
            .candidates(line, start, word)
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for SqlHelper {
    type Hint = String;
}
impl Highlighter for SqlHelper {}
impl Validator for SqlHelper {}
impl Helper for SqlHelper {}

/// Lines from the terminal: rustyline with completion, history and the continuation prompt.
pub struct TerminalLines {
    editor: rustyline::Editor<SqlHelper, rustyline::history::FileHistory>,
    history: Option<std::path::PathBuf>,
}

impl TerminalLines {
    pub fn new(helper: SqlHelper) -> anyhow::Result<TerminalLines> {
        let config = rustyline::Config::builder()
            .completion_type(rustyline::CompletionType::List)
            .auto_add_history(false)
            .max_history_size(10_000)?
            .build();
        let mut editor = rustyline::Editor::with_config(config)?;
        editor.set_helper(Some(helper));
        let history = history_path();
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        Ok(TerminalLines { editor, history })
    }
}

impl super::Lines for TerminalLines {
    fn next_line(&mut self, prompt: &str) -> anyhow::Result<Option<super::Line>> {
        use rustyline::error::ReadlineError;
        match self.editor.readline(prompt) {
            Ok(line) => Ok(Some(super::Line::Text(line))),
            // Ctrl-C at the prompt drops the input typed so far, never the session.
            Err(ReadlineError::Interrupted) => {
                println!("^C");
                Ok(Some(super::Line::Interrupted))
            }
            Err(ReadlineError::Eof) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn ran(&mut self, input: &str) {
        let _ = self.editor.add_history_entry(input);
        if let Some(path) = &self.history {
            let _ = self.editor.append_history(path);
        }
    }
}

/// History lives in the user's data directory (e.g. ~/.local/share/iijwh/history.txt).
fn history_path() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("IIJWH_HISTORY_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("iijwh")))?;
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history.txt"))
}
