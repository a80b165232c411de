//! Reports: the SQL files in queries/, found by name, with their metadata header.

use crate::project::{files_with_ext, Project};
use crate::sqlfile::SqlFile;
use anyhow::{bail, Result};
use std::path::Path;

/// Every report in queries/, sorted by name.
pub fn all(project: &Project) -> Result<Vec<SqlFile>> {
    files_with_ext(&project.queries_dir(), "sql")?.iter().map(|p| SqlFile::read(p)).collect()
}

/// A report by name (`.sql` optional) in queries/, or any SQL file by path.
pub fn find(project: &Project, name: &str) -> Result<SqlFile> {
    let path = Path::new(name);
    if path.is_file() {
        return SqlFile::read(path);
    }
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    let candidate = project.queries_dir().join(format!("{stem}.sql"));
    if !stem.contains('/') && candidate.is_file() {
        return SqlFile::read(&candidate);
    }
    let names: Vec<String> = all(project)?.into_iter().map(|r| r.name).collect();
    bail!(
        "no report or SQL file named `{name}`; available reports: {}",
        if names.is_empty() { "(none)".to_string() } else { names.join(", ") }
    )
}
