//! The one reader of a release folder's files, shared by the load, `release draft` and the web
//! page's drafts, so that every guard holds for all of them: a file is read only when its real
//! place, links followed, is inside the release folder, and it is a regular file (not a pipe,
//! device or folder) of at most `base::MAX_INPUT_BYTES` holding UTF-8 text (the document of
//! record, an HTML page in its own charset, is read as bytes). A release text
//! linked to `/etc/passwd`, or a `source_file` of `../../x`, is refused by each of them alike.

use super::METADATA_FILE;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

/// A release folder, with where it really is (links followed), which its files must be inside.
pub struct ReleaseFolder {
    /// The folder as named: messages show this.
    pub dir: PathBuf,
    real: PathBuf,
}

/// A release's `release.toml`, read through its folder and parsed.
pub struct Metadata {
    pub path: PathBuf,
    pub text: String,
    pub table: toml::Table,
}

impl Metadata {
    /// The value of `key` as text (a date or number as TOML prints it).
    pub fn get(&self, key: &str) -> Option<String> {
        self.table.get(key).map(|v| match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => other.to_string(),
        })
    }
}

impl ReleaseFolder {
    /// The folder of release `id` in `data`: a plain name (letters, digits, `-`, `_`, `.`, not
    /// starting with a dot), since `../companies` or `a/b` would name another folder.
    pub fn named(data: &Path, id: &str) -> Result<ReleaseFolder> {
        let plain = !id.is_empty()
            && !id.starts_with('.')
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
        let dir = data.join("releases").join(id);
        if !plain || !dir.is_dir() {
            bail!(
                "no release folder `{id}` in {}",
                data.join("releases").display()
            );
        }
        ReleaseFolder::at(&dir)
    }

    /// The release folder at `dir` (as the load finds it listing data/releases).
    pub fn at(dir: &Path) -> Result<ReleaseFolder> {
        let real = std::fs::canonicalize(dir)
            .map_err(|e| anyhow!("{}: missing or unreadable: {e}", dir.display()))?;
        Ok(ReleaseFolder {
            dir: dir.to_path_buf(),
            real,
        })
    }

    /// A file of the folder as UTF-8 text, under every guard of the module's doc.
    pub fn read(&self, path: &Path) -> Result<String> {
        self.inside(path)?;
        super::read_utf8(path)
    }

    /// A file of the folder as bytes (the document of record, HTML in any charset), under every
    /// guard of the module's doc but the UTF-8 one.
    pub fn read_bytes(&self, path: &Path) -> Result<Vec<u8>> {
        self.inside(path)?;
        crate::base::read_bounded(path)
    }

    /// Refuses `path` unless its real place is inside the folder.
    fn inside(&self, path: &Path) -> Result<()> {
        let Ok(real) = crate::base::project::resolved(path) else {
            bail!("{}: missing or unreadable", path.display());
        };
        if !real.starts_with(&self.real) {
            bail!(
                "{}: leads to {}, outside the release folder {}; a release reads only its own files \
                 (copy the file into the folder)",
                path.display(),
                real.display(),
                self.real.display()
            );
        }
        Ok(())
    }

    /// The document of record its metadata names (`document_file`, an HTML page whose text is
    /// the source file), if any, with its path and bytes.
    pub fn document(&self, meta: &Metadata) -> Result<Option<(PathBuf, Vec<u8>)>> {
        let Some(name) = meta.get("document_file") else {
            return Ok(None);
        };
        let path = self.dir.join(&name);
        let bytes = self.read_bytes(&path).with_context(|| {
            format!(
                "{}: document_file `{name}` cannot be read",
                meta.path.display()
            )
        })?;
        Ok(Some((path, bytes)))
    }

    /// The folder's `release.toml`, parsed.
    pub fn metadata(&self) -> Result<Metadata> {
        let path = self.dir.join(METADATA_FILE);
        if std::fs::symlink_metadata(&path).is_err() {
            bail!(
                "{}: missing release metadata; every release folder needs a {METADATA_FILE} with \
                 release_id, company_id, title, published_on, fiscal_period, source_file and \
                 source_sha256 (currency and unit when they are not the company's)",
                path.display()
            );
        }
        let text = self.read(&path)?;
        let table = text
            .parse()
            .map_err(|e| anyhow!("{}: invalid TOML: {e}", path.display()))?;
        Ok(Metadata { path, text, table })
    }

    /// The release text its metadata names (`source_file`), with its path.
    pub fn source(&self, meta: &Metadata) -> Result<(PathBuf, String)> {
        let name = meta.get("source_file").unwrap_or_default();
        let path = self.dir.join(&name);
        let text = self.read(&path).with_context(|| {
            format!(
                "{}: source_file `{name}` cannot be read",
                meta.path.display()
            )
        })?;
        Ok((path, text))
    }
}
