//! A generation's manifest (tables, files, checksums, releases) and the staleness check: whether
//! the live generation still matches data/ and schema/, and whether its files are intact.

use crate::base::hex;
use crate::base::project::Project;
use crate::release::ReleaseInfo;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";
pub const CURRENT: &str = "current";
pub const GENERATIONS: &str = "generations";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: String,
    /// Hash of schema/ and data/ this generation was built from; a mismatch means stale.
    pub fingerprint: String,
    pub built_at: String,
    pub releases: Vec<ReleaseInfo>,
    pub tables: Vec<TableEntry>,
    /// The generation's catalog file (see warehouse::CATALOG); absent in older generations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<TableEntry>,
    /// What the catalog was made from (see warehouse::catalog_digest): a load whose schema gives
    /// the same digest copies this generation's catalog instead of making one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_digest: Option<String>,
    /// How long each data rule took at this load, in ms: the next load starts the slowest first.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rule_millis: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub file: String,
    pub rows: usize,
    pub sha256: String,
    /// File size: checked with one `stat` when a session opens the generation (the SHA-256 is
    /// computed at load and kept for tools; 0 in older manifests, which are hashed instead).
    #[serde(default)]
    pub bytes: u64,
}

pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {}: the warehouse is damaged; run `iijwh load`",
            path.display()
        )
    })?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid manifest; run `iijwh load`", path.display()))
}

/// Why the warehouse no longer matches data/ and schema/ (None when it does); damage to its files
/// is found when it is opened.
pub fn staleness(project: &Project) -> Result<Option<String>> {
    let Ok(dir) = std::fs::canonicalize(project.warehouse.join(CURRENT)) else {
        return Ok(Some("no warehouse yet".to_string()));
    };
    let Ok(manifest) = read_manifest(&dir) else {
        return Ok(Some("its manifest is missing or damaged".to_string()));
    };
    if manifest.fingerprint != fingerprint(project)? {
        return Ok(Some(
            "data/ or schema/ changed since it was built".to_string(),
        ));
    }
    Ok(None)
}

/// Every file of the generation exists with the size the manifest recorded (its checksum when
/// the manifest has no size): a truncated or replaced file is found without reading every file.
pub fn verify_files(dir: &Path, manifest: &Manifest) -> std::result::Result<(), String> {
    for t in manifest.tables.iter().chain(&manifest.catalog) {
        let path = dir.join(&t.file);
        let Ok(meta) = std::fs::metadata(&path) else {
            return Err(format!("{} is missing", path.display()));
        };
        let intact = if t.bytes > 0 {
            meta.len() == t.bytes
        } else {
            std::fs::read(&path).is_ok_and(|bytes| hex(&Sha256::digest(&bytes)) == t.sha256)
        };
        if !intact {
            return Err(format!(
                "{} is damaged (its size or checksum differs from the manifest)",
                path.display()
            ));
        }
    }
    Ok(())
}

/// Hash of every file under schema/ and data/ (path, size and modification time) plus the iijwh
/// version: any edit changes it, and checking it costs a `stat` per file, not a read.
pub fn fingerprint(project: &Project) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for (label, root) in [
        ("schema", project.schema_dir()),
        ("data", project.data.clone()),
    ] {
        if !root.is_dir() {
            bail!(
                "no {label} folder at {}: {}",
                root.display(),
                if label == "data" {
                    "--data (or IIJWH_DATA) must name a folder holding releases/<release-id>/"
                } else {
                    "the project's schema/ is missing"
                }
            );
        }
        let mut files = Vec::new();
        walk(&root, &mut files)?;
        // Byte order of the paths: deterministic, and far cheaper than Path's component order.
        files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        for (path, len, modified) in files {
            let rel = path.strip_prefix(&root).unwrap_or(&path);
            hasher.update(label.as_bytes());
            hasher.update(rel.to_string_lossy().as_bytes());
            hasher.update(len.to_le_bytes());
            hasher.update(modified.to_le_bytes());
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// Every file below `dir` with its size and modification time (ns): one `stat` per file.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, u64, u128)>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), out)?;
        } else {
            let meta = entry.metadata()?;
            let modified = meta
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            out.push((entry.path(), meta.len(), modified.as_nanos()));
        }
    }
    Ok(())
}
