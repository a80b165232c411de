//! SQL files with a metadata header: leading `-- key: value` comment lines (reports and check
//! rules both use it). A key may repeat (e.g. `param`).

use anyhow::{Context, Result};
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
        let sql =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut header = Vec::new();
        for line in sql.lines() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                break;
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
