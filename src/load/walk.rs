//! The walk of data/ and schema/ a load plans by: one `stat` a file (see `release::scan_data`),
//! or, when the change journal names what changed, a `stat` of those files (`walk_changed`).

use super::plan;
use crate::base::project::Project;
use crate::journal::Synced;
use crate::release::{scan_data, scan_data_listed, stamps_digest, DataScan, Listed, Look};
use crate::warehouse::manifest::{fingerprint_of, schema_stamp, Manifest, SourceStamps};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};

/// What one walk of data/ and schema/ found: the stamps of data/ (which tell the plan what
/// changed), the fingerprint and stamps a generation made from them records, and the build key.
pub struct Walked {
    pub scan: DataScan,
    pub fingerprint: String,
    pub stamps: SourceStamps,
    pub key: String,
    /// Where the change journal's count stood just before the walk (see `crate::journal`):
    /// what the generation made from it is vouched for with.
    pub synced: Option<Synced>,
    /// How many entries of data/ the journal named as changed, when only they were stamped
    /// (see `walk_changed`); None after a walk of everything.
    pub named: Option<usize>,
    /// The release folders it named, then: every other folder's stamp is the live manifest's
    /// (what `plan` need not compare).
    pub stamped: Option<BTreeSet<String>>,
    /// The live generation and its manifest as the check before the walk read them (with its
    /// companies and releases, when the journal guided the walk): what the load takes instead
    /// of reading them again (~90 ms at 100,000 releases), while that generation is still live.
    pub live: Option<(std::path::PathBuf, Manifest)>,
}

/// Walk data/ and schema/ (a `stat` a file).
pub fn walk(project: &Project) -> Result<Walked> {
    walk_after(project, crate::journal::sync(project, None))
}

/// `walk`, begun after the change journal answered `synced`.
pub fn walk_after(project: &Project, synced: Option<Synced>) -> Result<Walked> {
    finish(project, scan_data(&project.data)?, synced, None)
}

/// `walk`, when the change journal names the entries of data/ changed since a walk found the
/// live generation (`live`) current (`changed`, see `crate::journal`): the release folders it
/// names are stamped, every other one takes its stamp from the live manifest, and data/releases
/// is not listed (60 ms at 100,000 releases); so do their release.toml files (the releases'
/// order), where the manifest has them all. The company records, the rest of data/ and schema/
/// are stamped as `walk` does.
/// The same scan as `walk`'s (a test loads through it, then walks); None when the live manifest
/// cannot tell (an older format; folders no part holds), and the caller walks.
pub fn walk_changed(
    project: &Project,
    live: &Manifest,
    changed: &[String],
    synced: Option<Synced>,
) -> Result<Option<Walked>> {
    let (Some(stamps), Ok(body)) = (&live.stamps, live.body()) else {
        return Ok(None);
    };
    // Each release folder of the live generation with its stamp and its release.toml's, in
    // name order: 100,000 at the largest shape, borrowed, and made into the scan's maps at once
    // (sorted runs, not a name at a time). A manifest without the release.toml stamps (an
    // older iijwh's) cannot tell: the caller walks.
    let mut known: Vec<(&str, &str, &str)> = Vec::with_capacity(live.release_count);
    for part in &body.parts {
        if part.metadata.len() != part.releases.len() {
            return Ok(None);
        }
        for ((name, stamp), (same, toml)) in part.releases.iter().zip(&part.metadata) {
            if name != same {
                return Ok(None);
            }
            known.push((name, stamp, toml));
        }
    }
    known.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if stamps.listing.is_empty()
        || stamps_digest(known.iter().map(|(name, ..)| (*name, ""))) != live.folders_digest
    {
        return Ok(None);
    }
    let named: BTreeSet<&str> = changed
        .iter()
        .filter_map(|entry| entry.strip_prefix("releases/"))
        .collect();
    // The names in data/releases the journal named, as they are now; the files directly in it.
    let mut folders: Vec<String> = Vec::new();
    let mut files: BTreeSet<String> = stamps.release_files.iter().cloned().collect();
    let releases = project.data.join("releases");
    for name in &named {
        files.remove(*name);
        match std::fs::symlink_metadata(releases.join(name)) {
            Ok(meta) if meta.is_dir() => folders.push(name.to_string()),
            Ok(_) => {
                files.insert(name.to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", releases.join(name).display()))
            }
        }
    }
    let files: Vec<String> = files.into_iter().collect();
    let listed = Listed {
        folders: &folders,
        files: &files,
    };
    // The named folders stamped; every other one as the live manifest has it.
    let mut scan = scan_data_listed(&project.data, |_| Look::Stamp, false, Some(listed))?;
    let unnamed = || known.iter().filter(|(name, ..)| !named.contains(name));
    let mut releases: BTreeMap<String, String> = unnamed()
        .map(|(name, stamp, _)| (name.to_string(), stamp.to_string()))
        .collect();
    let mut metadata: BTreeMap<String, String> = unnamed()
        .map(|(name, _, toml)| (name.to_string(), toml.to_string()))
        .collect();
    releases.append(&mut scan.releases);
    metadata.append(&mut scan.metadata);
    (scan.releases, scan.metadata) = (releases, metadata);
    let stamped = named.iter().map(|n| n.to_string()).collect();
    let mut done = finish(project, scan, synced, Some(changed.len()))?;
    done.stamped = Some(stamped);
    Ok(Some(done))
}

/// The walk's stamps, fingerprint and build key from its scan of data/.
fn finish(
    project: &Project,
    scan: DataScan,
    synced: Option<Synced>,
    named: Option<usize>,
) -> Result<Walked> {
    let stamps = SourceStamps {
        schema: schema_stamp(project)?,
        others: scan.others_digest(),
        metadata: scan.metadata_digest(),
        listing: scan.listing.clone(),
        release_files: scan
            .others
            .keys()
            .filter_map(|k| k.strip_prefix("releases/").map(str::to_string))
            .collect(),
    };
    Ok(Walked {
        fingerprint: fingerprint_of(&stamps.schema, &scan),
        scan,
        stamps,
        key: plan::build_key(project)?,
        synced,
        named,
        stamped: None,
        live: None,
    })
}
