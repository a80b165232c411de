//! The walk of data/ and schema/ a load plans by: one `stat` a file (see `release::scan_data`).

use super::plan;
use crate::base::project::Project;
use crate::journal::Synced;
use crate::release::{scan_data, DataScan};
use crate::warehouse::manifest::{fingerprint_of, schema_stamp, SourceStamps};
use anyhow::Result;

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
}

/// Walk data/ and schema/ (a `stat` a file).
pub fn walk(project: &Project) -> Result<Walked> {
    walk_after(project, crate::journal::sync(project, None))
}

/// `walk`, begun after the change journal answered `synced`.
pub fn walk_after(project: &Project, synced: Option<Synced>) -> Result<Walked> {
    let scan = scan_data(&project.data)?;
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
    })
}
