//! Where things live: the project root (schema/, queries/), the data folder and the warehouse.

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Resolved locations for one invocation.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub data: PathBuf,
    pub warehouse: PathBuf,
}

impl Project {
    /// The root is `IIJWH_HOME`, else the nearest ancestor of the working directory holding
    /// `schema/VERSION`, else the source tree this binary was built from.
    pub fn locate(data: Option<PathBuf>, warehouse: Option<PathBuf>) -> Result<Self> {
        let root = match std::env::var_os("IIJWH_HOME") {
            Some(home) => PathBuf::from(home),
            None => find_root().unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        };
        if !root.join("schema").join("VERSION").is_file() {
            bail!(
                "no schema/VERSION under {}: run iijwh from the project folder or set IIJWH_HOME",
                root.display()
            );
        }
        Ok(Project {
            data: data.unwrap_or_else(|| root.join("data")),
            warehouse: warehouse.unwrap_or_else(|| root.join("warehouse")),
            root,
        })
    }

    pub fn schema_dir(&self) -> PathBuf {
        self.root.join("schema")
    }

    pub fn queries_dir(&self) -> PathBuf {
        self.root.join("queries")
    }

    /// The schema catalog, cached beside the warehouse.
    pub fn catalog(&self) -> anyhow::Result<crate::schema::Catalog> {
        crate::schema::Catalog::load_cached(
            &self.schema_dir(),
            &self.warehouse.join(".schema-cache.json"),
        )
    }

    pub fn checks_dir(&self) -> PathBuf {
        self.schema_dir().join("checks")
    }
}

fn find_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|dir| dir.join("schema").join("VERSION").is_file())
        .map(Path::to_path_buf)
}

/// Files directly in `dir` with the given extension, sorted by name.
pub fn files_with_ext(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_file() && path.extension().is_some_and(|e| e == ext) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}
