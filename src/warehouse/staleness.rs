//! Whether the live generation is current: the staleness checks of every command, of the whole
//! of data/ and schema/ (`staleness`) or of what a statement about one company can read
//! (`staleness_for_company`), each asking the change journal first (`journal_token`).

use super::manifest::{fingerprint, read_manifest, schema_stamp, Manifest, CURRENT};
use crate::base::hex;
use crate::base::project::Project;
use crate::release::scan_data;
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Why the warehouse no longer matches data/ and schema/ (None when it does); damage to its files
/// is found when it is opened.
pub fn staleness(project: &Project) -> Result<Option<String>> {
    let Ok(dir) = std::fs::canonicalize(project.warehouse.join(CURRENT)) else {
        return Ok(Some("no warehouse yet".to_string()));
    };
    let Ok(manifest) = read_manifest(&dir) else {
        return Ok(Some("its manifest is missing or damaged".to_string()));
    };
    // A change journal that saw nothing change since a walk found this generation current
    // spares the walk (see `crate::journal`).
    let token = journal_token(&dir, &manifest);
    let synced = crate::journal::sync(project, Some(&token));
    if synced.as_ref().is_some_and(|s| s.vouched()) {
        return Ok(None);
    }
    // It names what changed since: the rebuild stamps that alone (see `load::walk_changed`), and
    // finds nothing to do if the change left every stamp as it was.
    if synced
        .as_ref()
        .and_then(|s| s.changed())
        .is_some_and(|changed| !changed.is_empty())
    {
        return Ok(Some(
            "the watcher saw data/ or schema/ change since it was built".to_string(),
        ));
    }
    if manifest.fingerprint != fingerprint(project, &scan_data(&project.data)?)? {
        return Ok(Some(
            "data/ or schema/ changed since it was built".to_string(),
        ));
    }
    if let Some(synced) = synced {
        synced.record(&token);
    }
    Ok(None)
}

/// What a change journal vouches for when it saw nothing change since a walk (see
/// `crate::journal`): this generation, made from data/ and schema/ as they stamp now (its
/// fingerprint and build key), read by this iijwh.
pub fn journal_token(generation: &Path, manifest: &Manifest) -> String {
    let generation = std::fs::canonicalize(generation).unwrap_or_else(|_| generation.into());
    let mut hasher = Sha256::new();
    for part in [
        generation.to_string_lossy().as_bytes(),
        manifest.fingerprint.as_bytes(),
        manifest.build_key.as_deref().unwrap_or_default().as_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        super::FORMAT.as_bytes(),
    ] {
        hasher.update(part);
        hasher.update([0]);
    }
    hex(&hasher.finalize())[..32].to_string()
}

/// Why the generation `manifest` describes no longer answers for company `company` as data/ and
/// schema/ would (None when it does): `staleness` for a statement that reads that company's
/// figures only. It stamps every file `staleness` does except the contents of the other
/// companies' release folders, which such a statement cannot read: schema/, every company
/// record, every other file of data/, the names of every release folder (a new or removed one
/// could be the company's) and the company's own release folders. At 10,000 releases that is a
/// few hundred `stat`s instead of ~90,000. With `newest`, also every release's release.toml
/// (a `stat` a folder): which release is the newest, whose company a session asked for none
/// shows, is read from them. Any doubt (an older manifest, a company without a part) answers
/// "stale", and the caller then asks `staleness` of the whole.
pub fn staleness_for_company(
    project: &Project,
    manifest: &Manifest,
    company: &str,
    newest: bool,
) -> Result<Option<String>> {
    let changed = |what: &str| Ok(Some(format!("{what} changed since it was built")));
    if let Some(home) = manifest.home() {
        let token = journal_token(home, manifest);
        if crate::journal::sync(project, Some(&token)).is_some_and(|s| s.vouched()) {
            return Ok(None);
        }
    }
    let Some(stamps) = &manifest.stamps else {
        return changed("the manifest's format");
    };
    let Some(part) = manifest.company_part(company)? else {
        return changed(&format!("company {company}"));
    };
    if schema_stamp(project)? != stamps.schema {
        return changed("schema/");
    }
    let of_company = |name: &str| part.releases.contains_key(name);
    // The names in data/releases are those of the walk the generation was made from while its
    // stamp holds: the company's own folders are looked at by name.
    let folders: Vec<String> = part.releases.keys().cloned().collect();
    let same_listing = !newest
        && !stamps.listing.is_empty()
        && crate::release::listing_stamp(&project.data) == stamps.listing;
    let listed = same_listing.then_some(crate::release::Listed {
        folders: &folders,
        files: &stamps.release_files,
    });
    let scan = crate::release::scan_data_listed(
        &project.data,
        crate::release::looked_at(of_company),
        newest,
        listed,
    )?;
    if scan.others_digest() != stamps.others {
        return changed("data/");
    }
    if newest && (stamps.metadata.is_empty() || scan.metadata_digest() != stamps.metadata) {
        return changed("a release's release.toml");
    }
    if scan.companies_digest() != manifest.records_digest {
        return changed("data/companies/");
    }
    if !same_listing && scan.folders_digest() != manifest.folders_digest {
        return changed("the list of data/releases/");
    }
    if part
        .releases
        .iter()
        .any(|(name, stamp)| scan.releases.get(name) != Some(stamp))
    {
        return changed(&format!("a release of {company}"));
    }
    Ok(None)
}
