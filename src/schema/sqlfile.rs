//! SQL files with a metadata header: leading `-- key: value` comment lines (reports and check
//! rules both use it). A key may repeat (e.g. `param`).

use anyhow::Result;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct SqlFile {
    pub path: PathBuf,
    pub name: String,
    pub header: Vec<(String, String)>,
    pub sql: String,
}

impl SqlFile {
    pub fn read(path: &Path) -> Result<SqlFile> {
        let sql = crate::base::read_text_bounded(path)?;
        let mut header = Vec::new();
        for line in sql[..header_len(&sql)].lines() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                continue;
            };
            if let Some((k, v)) = comment.split_once(':') {
                let key = k.trim();
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    header.push((key.to_string(), v.trim().to_string()));
                }
            }
        }
        let name = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        Ok(SqlFile {
            path: path.to_path_buf(),
            name,
            header,
            sql,
        })
    }

    /// The statement without its header (the leading comment lines): what runs.
    pub fn statement(&self) -> &str {
        self.sql[header_len(&self.sql)..].trim_start()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.header
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The length in bytes of a SQL file's header: its leading `--` comment lines.
fn header_len(sql: &str) -> usize {
    let mut len = 0;
    for line in sql.split_inclusive('\n') {
        if !line.trim().starts_with("--") {
            break;
        }
        len += line.len();
    }
    len
}

/// The words of SQL text in order, lower-cased, outside comments and string literals (a quoted
/// identifier counts as its words), with each `;` as a word of its own. Enough to tell which
/// views a rule or view reads (see `crate::schema::views_reading`); DuckDB alone knows for sure.
pub fn words(sql: &str) -> Vec<String> {
    tokens(sql)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            Token::Semicolon => Some(";".to_string()),
            Token::Literal(_) => None,
        })
        .collect()
}

/// A piece of SQL text as `tokens` cuts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A run of letters, digits and `_`, lower-cased.
    Word(String),
    /// A string literal's text, as written between its quotes.
    Literal(String),
    Semicolon,
}

/// The words, string literals and `;` of SQL text in order, comments left out.
pub fn tokens(sql: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut chars = sql.chars().peekable();
    let end_word = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word).to_lowercase()));
        }
    };
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        end_word(&mut word, &mut tokens);
        match c {
            '-' if chars.peek() == Some(&'-') => {
                chars.by_ref().find(|&c| c == '\n');
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            // A doubled quote inside a literal ends it and opens the next: the same.
            '\'' => {
                let text: String = chars.by_ref().take_while(|&c| c != '\'').collect();
                tokens.push(Token::Literal(text));
            }
            ';' => tokens.push(Token::Semicolon),
            _ => {}
        }
    }
    end_word(&mut word, &mut tokens);
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_follows_the_header() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("r.sql");
        let text = "-- title: T\n-- param: n INTEGER = 1 -- how many\n  -- chart: bar x=a y=b\n\nWITH a AS (SELECT 1) -- inline\nSELECT * FROM a\n";
        std::fs::write(&path, text).unwrap();
        let file = SqlFile::read(&path).unwrap();
        assert_eq!(file.get("title"), Some("T"));
        assert_eq!(file.all("param").count(), 1);
        assert_eq!(file.get("chart"), Some("bar x=a y=b"));
        assert!(file.statement().starts_with("WITH a AS"));
        assert_eq!(file.sql, text);
    }
}
