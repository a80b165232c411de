//! A generation's manifest (tables, files, checksums, releases) and the staleness check: whether
//! the live generation still matches data/ and schema/, and whether its files are intact.
//!
//! The manifest is two layers: `manifest.json`, what every session reads (the files and their
//! checksums, the stamps, digests of the lists below), and `manifest/part-XX.json`, a part's
//! companies and releases (`Body`), read when a command needs them: a one-company session
//! reads its part's, a load all of them. At 100,000 releases the one file was 27 MB, ~150 ms
//! to parse at every open; the header is ~1.5 MB whatever the number of releases.

use crate::base::hex;
use crate::base::project::Project;
use crate::release::{stamps_digest, DataScan, FileIdentity, ReleaseInfo};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";
pub const CURRENT: &str = "current";
pub const GENERATIONS: &str = "generations";
/// The folder of a generation holding its parts' manifests (`Body`, a file a part).
pub const PART_MANIFESTS: &str = "manifest";

/// What the manifest says of each company and release: kept a part at a time beside the header
/// (`PART_MANIFESTS`), read when asked for (see `Manifest::body`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Body {
    /// In release id order.
    pub releases: Vec<ReleaseInfo>,
    /// What each company was made from, in company order (see `warehouse::parts`).
    pub parts: Vec<PartEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: String,
    /// Hash of schema/ and data/ this generation was built from; a mismatch means stale.
    pub fingerprint: String,
    pub built_at: String,
    /// The newest releases, up to 20, oldest first (published last; ties: the greatest release
    /// id): what a load prints, and the newest's company (see `newest_company`).
    #[serde(default)]
    pub newest_releases: Vec<ReleaseInfo>,
    /// How many companies the body holds (with a record), how many of them have releases, and
    /// how many releases.
    #[serde(default)]
    pub companies: usize,
    #[serde(default)]
    pub companies_released: usize,
    #[serde(default)]
    pub release_count: usize,
    /// `stamps_digest` of every company's record stamp, in company order, and of every
    /// release folder's name, in name order: what the check of one company's answers compares
    /// with data/ without reading every part's manifest (`staleness_for_company`).
    #[serde(default)]
    pub records_digest: String,
    #[serde(default)]
    pub folders_digest: String,
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
    /// What every part was made under (see `load::build_key`): a load under another key (schema/,
    /// the rules, the reference tables or iijwh changed) makes every part again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_key: Option<String>,
    /// The companies and releases: given when the manifest is made, else read from the
    /// generation it was read from (`home`) when first asked for.
    #[serde(skip)]
    body: std::sync::OnceLock<Body>,
    #[serde(skip)]
    home: Option<PathBuf>,
    /// The files of the company parts: a file per part (of the companies it holds) and table,
    /// latest vintage table and rule outcomes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_files: Vec<TableEntry>,
    /// The fingerprint's inputs apart from the company parts' stamps, for the check of one
    /// company's answers (`staleness_for_company`); None in older manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamps: Option<SourceStamps>,
    /// A digest of the catalog's views of schema `latest` (see `warehouse::latest_ddl_digest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_ddl: Option<String>,
    /// Every name of the catalog a statement could read data through (see
    /// `warehouse::CATALOG_NAMES_SQL`): what `sql::scope` weighs a statement's words against
    /// before a command opens DuckDB. Empty in older manifests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalog_names: Vec<String>,
}

impl Manifest {
    /// A new generation's manifest, its body given; the digests of the header are made from it
    /// when it is written (`write_manifest`).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        (schema_version, fingerprint, built_at): (String, String, String),
        body: Body,
        tables: Vec<TableEntry>,
        catalog_digest: Option<String>,
        build_key: Option<String>,
        part_files: Vec<TableEntry>,
        stamps: Option<SourceStamps>,
    ) -> Manifest {
        Manifest {
            schema_version,
            fingerprint,
            built_at,
            newest_releases: Vec::new(),
            companies: 0,
            companies_released: 0,
            release_count: 0,
            records_digest: String::new(),
            folders_digest: String::new(),
            tables,
            catalog: None,
            catalog_digest,
            rule_millis: BTreeMap::new(),
            build_key,
            body: std::sync::OnceLock::from(body),
            home: None,
            part_files,
            stamps,
            latest_ddl: None,
            catalog_names: Vec::new(),
        }
    }

    /// The companies and releases, read from the generation's part manifests the first time
    /// they are asked for.
    pub fn body(&self) -> Result<&Body> {
        if let Some(body) = self.body.get() {
            return Ok(body);
        }
        let home = self
            .home
            .as_deref()
            .context("a manifest without its generation has no companies")?;
        let mut body = Body::default();
        for part in read_part_manifests(home)? {
            body.releases.extend(part.releases);
            body.parts.extend(part.parts);
        }
        body.releases
            .sort_by(|a, b| a.release_id.cmp(&b.release_id));
        body.parts.sort_by(|a, b| a.company_id.cmp(&b.company_id));
        Ok(self.body.get_or_init(|| body))
    }

    /// The body, when it was read or given (None: `body` would read it).
    pub fn body_if_read(&self) -> Option<&Body> {
        self.body.get()
    }

    /// `body`, to change.
    pub fn body_mut(&mut self) -> Result<&mut Body> {
        self.body()?;
        Ok(self.body.get_mut().expect("read just now"))
    }

    /// What the manifest records of `company`, reading its part's manifest alone when the body
    /// was not read.
    pub fn company_part(&self, company: &str) -> Result<Option<PartEntry>> {
        let find = |parts: &[PartEntry]| parts.iter().find(|p| p.company_id == company).cloned();
        if let Some(body) = self.body.get() {
            return Ok(find(&body.parts));
        }
        let Some(home) = self.home.as_deref() else {
            return Ok(None);
        };
        let part = super::parts::part_of(company);
        match read_part_manifest(&home.join(PART_MANIFESTS).join(format!("{part}.json")))? {
            Some(body) => Ok(find(&body.parts)),
            None => Ok(None),
        }
    }

    /// The generation folder the manifest was read from (None: made in memory).
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The company of the newest release (published last; ties: the greatest release id), as
    /// vintage_company has it with no variable set, or none: the company a session shows when
    /// asked for none, and whose stored latest vintage the catalog's views read then.
    pub fn newest_company(&self) -> Option<&str> {
        let newest = match self.body.get() {
            Some(body) => newest_of(&body.releases, 1).pop(),
            None => self.newest_releases.last(),
        };
        newest.map(|r| r.company.as_str())
    }
}

/// The `n` newest of `releases`, oldest first.
fn newest_of(releases: &[ReleaseInfo], n: usize) -> Vec<&ReleaseInfo> {
    let order = |a: &&ReleaseInfo, b: &&ReleaseInfo| {
        (&a.published_on, &a.release_id).cmp(&(&b.published_on, &b.release_id))
    };
    let mut all: Vec<&ReleaseInfo> = releases.iter().collect();
    // The n greatest found without sorting the rest (a load asks twice, of 100,000 releases at
    // the largest shape: ~17 ms a sort); release ids are unique, so the order is total.
    let cut = all.len().saturating_sub(n);
    if cut > 0 && cut < all.len() {
        all.select_nth_unstable_by(cut, order);
    }
    let mut newest = all.split_off(cut);
    newest.sort_by(order);
    newest
}

/// Every part manifest of the generation in `dir`, in part order (none: an empty generation).
fn read_part_manifests(dir: &Path) -> Result<Vec<Body>> {
    let folder = dir.join(PART_MANIFESTS);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    // Parsed on every core: 30 MB of JSON at 100,000 releases, which a load waits for.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = paths.len().div_ceil(threads).max(1);
    let read: Vec<Result<Vec<Body>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = paths
            .chunks(chunk)
            .map(|paths| {
                scope.spawn(move || -> Result<Vec<Body>> {
                    let mut out = Vec::new();
                    for path in paths {
                        out.extend(read_part_manifest(path)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| bail!("reading the part manifests failed"))
            })
            .collect()
    });
    let mut out = Vec::new();
    for bodies in read {
        out.extend(bodies?);
    }
    Ok(out)
}

/// One part manifest; None when there is none (a part without companies).
fn read_part_manifest(path: &Path) -> Result<Option<Body>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| {
                format!(
                    "reading {}: the warehouse is damaged; run `iijwh load`",
                    path.display()
                )
            })
        }
    };
    serde_json::from_str(&text).map(Some).with_context(|| {
        format!(
            "{}: not a valid part manifest; run `iijwh load`",
            path.display()
        )
    })
}

/// Write the manifest of the generation in `dir`: a part manifest for each part with
/// companies, linked from the live generation (`live`, its folder and manifest) when it holds
/// the same companies and releases, then the header with the body's digests, each synced before
/// the rename that makes it the manifest. An add-one load at 100,000 releases writes one part
/// manifest of 256.
pub fn write_manifest(
    dir: &Path,
    manifest: &mut Manifest,
    live: Option<(&Path, &Manifest)>,
) -> Result<()> {
    /// A part's share of `Body`, borrowed: written as a `Body` is.
    #[derive(Default, Serialize, PartialEq)]
    struct PartBody<'a> {
        releases: Vec<&'a ReleaseInfo>,
        parts: Vec<&'a PartEntry>,
    }
    /// The body cut by part; a company's part is hashed once a company (`parts_of`), not once
    /// a release.
    fn by_part<'a>(
        body: &'a Body,
        parts_of: &mut std::collections::HashMap<String, String>,
    ) -> BTreeMap<String, PartBody<'a>> {
        let mut part_of = |company: &str| -> String {
            if let Some(part) = parts_of.get(company) {
                return part.clone();
            }
            let part = super::parts::part_of(company);
            parts_of.insert(company.to_string(), part.clone());
            part
        };
        let mut by_part: BTreeMap<String, PartBody> = BTreeMap::new();
        for r in &body.releases {
            by_part
                .entry(part_of(&r.company))
                .or_default()
                .releases
                .push(r);
        }
        for p in &body.parts {
            by_part
                .entry(part_of(&p.company_id))
                .or_default()
                .parts
                .push(p);
        }
        by_part
    }
    let mut parts_of = std::collections::HashMap::new();
    let body = manifest.body()?;
    let mine = by_part(body, &mut parts_of);
    // The live generation's parts, when its body was read (a load reads it to plan): a part
    // equal to its live one is linked without serializing either (~90 ms at 100,000 releases).
    let theirs = live
        .and_then(|(_, m)| m.body_if_read())
        .map(|b| by_part(b, &mut parts_of))
        .unwrap_or_default();
    let folder = dir.join(PART_MANIFESTS);
    std::fs::create_dir_all(&folder)?;
    for (part, of_part) in &mine {
        let name = format!("{part}.json");
        let old = live.map(|(l, _)| l.join(PART_MANIFESTS).join(&name));
        let path = folder.join(&name);
        if theirs.get(part) == Some(of_part)
            && std::fs::hard_link(old.as_ref().expect("live"), &path).is_ok()
        {
            continue;
        }
        let bytes = serde_json::to_vec(of_part)?;
        let same = theirs.is_empty()
            && old
                .as_ref()
                .is_some_and(|o| std::fs::read(o).is_ok_and(|b| b == bytes));
        if same && std::fs::hard_link(old.as_ref().expect("same"), &path).is_ok() {
            continue;
        }
        std::fs::write(&path, &bytes)?;
        std::fs::File::open(&path)?.sync_all()?;
    }
    crate::base::sync_dir(&folder)?;
    let newest: Vec<ReleaseInfo> = newest_of(&body.releases, 20).into_iter().cloned().collect();
    let released: std::collections::BTreeSet<&str> =
        body.releases.iter().map(|r| r.company.as_str()).collect();
    let records_digest = stamps_digest(
        body.parts
            .iter()
            .map(|p| (p.company_id.as_str(), p.stamp.as_str())),
    );
    let mut folders: Vec<&str> = body
        .parts
        .iter()
        .flat_map(|p| p.releases.keys().map(String::as_str))
        .collect();
    folders.sort_unstable();
    let folders_digest = stamps_digest(folders.into_iter().map(|f| (f, "")));
    let (companies, companies_released, release_count) =
        (body.parts.len(), released.len(), body.releases.len());
    manifest.newest_releases = newest;
    manifest.companies = companies;
    manifest.companies_released = companies_released;
    manifest.release_count = release_count;
    manifest.records_digest = records_digest;
    manifest.folders_digest = folders_digest;
    let tmp = dir.join(format!(".{MANIFEST}.tmp"));
    // Compact: every command reads it; `jq .` shows it indented.
    std::fs::write(&tmp, serde_json::to_string(manifest)?)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, dir.join(MANIFEST))?;
    crate::base::sync_dir(dir)?;
    manifest.home = Some(dir.to_path_buf());
    Ok(())
}

/// What a generation was built from besides its parts' stamps: schema/ and iijwh
/// (`schema_stamp`), and the files of data/ that are neither a release folder nor a company
/// record (`DataScan::others_digest`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SourceStamps {
    pub schema: String,
    pub others: String,
    /// Of every release folder's release.toml (`DataScan::metadata_digest`): the releases'
    /// order, and so the session's default company, the newest release's.
    #[serde(default)]
    pub metadata: String,
    /// The stamp of data/releases itself (`release::listing_stamp`) and the files directly in
    /// it: while the stamp holds, the check of one company's answers need not list it.
    #[serde(default)]
    pub listing: String,
    #[serde(default)]
    pub release_files: Vec<String>,
}

/// A company: what in data/ its rows were made from (its files are its part's, see
/// `Manifest::files_of_company`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartEntry {
    pub company_id: String,
    /// The stamp of its record, data/companies/ID.toml (see `release::scan_data`).
    pub stamp: String,
    /// Its release folders, each with its stamp.
    pub releases: BTreeMap<String, String>,
    /// The stamp of each of its release folders' release.toml (`DataScan::metadata`): what a
    /// load guided by the change journal takes instead of a `stat` a folder (see
    /// `load::walk_changed`). Empty in older manifests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Whether every rule passed on its rows, none returning any: then its rule outcomes add
    /// nothing to check_results, and a load that takes the part as it is need not read them.
    /// None in older manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
}

impl Manifest {
    /// Every file of the generation the manifest records: its tables, its parts' files, its
    /// catalog.
    pub fn files(&self) -> impl Iterator<Item = &TableEntry> {
        self.tables
            .iter()
            .chain(&self.part_files)
            .chain(&self.catalog)
    }

    /// The files of the part holding `company`'s rows.
    pub fn files_of_company(&self, company: &str) -> Vec<&TableEntry> {
        let part = crate::warehouse::parts::part_of(company);
        self.part_files
            .iter()
            .filter(|f| crate::warehouse::parts::part_of_file(&f.file) == part)
            .collect()
    }
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
    let mut manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid manifest; run `iijwh load`", path.display()))?;
    manifest.home = Some(dir.to_path_buf());
    Ok(manifest)
}

/// Every file of the generation holds the bytes the manifest records: its size, then its
/// SHA-256. Hashing every file at every open would cost what the query costs, so a file's
/// checksum is remembered once it held (see `Verified`) with the file's identity (device, inode,
/// size, modification and change times): a write to the file changes its change time, which no
/// program can set back, so a remembered file that still has the same identity has the same
/// bytes. A file whose identity changed is hashed again.
pub fn verify_files(dir: &Path, manifest: &Manifest) -> std::result::Result<(), String> {
    let mut verifier = Verifier::new(dir);
    let checked = verifier.check(manifest.files());
    verifier.finish();
    checked
}

/// `verify_files` a few files at a time (see `Warehouse::open_for_company`): the record of
/// checksums is read once and written, if it learned any, by `finish`.
pub struct Verifier {
    dir: PathBuf,
    verified: Verified,
    learned: bool,
}

impl Verifier {
    pub fn new(dir: &Path) -> Verifier {
        Verifier {
            dir: dir.to_path_buf(),
            verified: Verified::read(dir),
            learned: false,
        }
    }

    /// Whether each of `files` holds the bytes its entry records (see `verify_files`).
    pub fn check<'a>(
        &mut self,
        files: impl IntoIterator<Item = &'a TableEntry>,
    ) -> std::result::Result<(), String> {
        for t in files {
            let path = self.dir.join(&t.file);
            let Ok(meta) = std::fs::metadata(&path) else {
                return Err(format!("{} is missing", path.display()));
            };
            let identity = identity(&meta);
            if self.verified.files.get(&t.file) == Some(&(identity.clone(), t.sha256.clone())) {
                continue;
            }
            if !file_is_intact(&self.dir, t) {
                return Err(format!(
                    "{} is damaged (its bytes differ from the checksum in the manifest)",
                    path.display()
                ));
            }
            self.verified
                .files
                .insert(t.file.clone(), (identity, t.sha256.clone()));
            self.learned = true;
        }
        Ok(())
    }

    /// Keep what was learned for the next session.
    pub fn finish(self) {
        if self.learned {
            self.verified.write();
        }
    }
}

/// Whether the file of `entry` in `dir` has the size and SHA-256 the manifest records.
pub fn file_is_intact(dir: &Path, entry: &TableEntry) -> bool {
    let path = dir.join(&entry.file);
    let sized = std::fs::metadata(&path).is_ok_and(|m| entry.bytes == 0 || m.len() == entry.bytes);
    sized && std::fs::read(&path).is_ok_and(|bytes| hex(&Sha256::digest(&bytes)) == entry.sha256)
}

/// Record that the files of a generation the load just wrote (and hashed from the bytes it
/// wrote) hold the manifest's checksums, so the first session need not hash them again.
/// `known`: what `identities` found of some of them (a load stats its table files beside
/// writing the catalog and the manifest: ~45 ms at 7,000 files).
pub fn remember_written(dir: &Path, manifest: &Manifest, known: Identities) {
    let mut verified = Verified::read(dir);
    let known: BTreeMap<String, (String, String)> = known.into_iter().collect();
    for t in manifest.files() {
        if let Some(remembered) = known.get(&t.file).filter(|(_, sha)| *sha == t.sha256) {
            verified.files.insert(t.file.clone(), remembered.clone());
        } else if let Ok(meta) = std::fs::metadata(dir.join(&t.file)) {
            verified
                .files
                .insert(t.file.clone(), (identity(&meta), t.sha256.clone()));
        }
    }
    verified.write();
    Verified::prune();
}

/// Files of a generation with their identity and checksum: (file, (identity, SHA-256)).
pub type Identities = Vec<(String, (String, String))>;

/// The identities of `files` of the generation in `dir` as they are now, for
/// `remember_written`: only once no file of theirs will be written again.
pub fn identities(dir: &Path, files: &[TableEntry]) -> Identities {
    files
        .iter()
        .filter_map(|t| {
            let meta = std::fs::metadata(dir.join(&t.file)).ok()?;
            Some((t.file.clone(), (identity(&meta), t.sha256.clone())))
        })
        .collect()
}

/// The identity of the file at `path` (see `identity`), if it can be read.
pub fn identity_of(path: &Path) -> Option<String> {
    std::fs::metadata(path).ok().map(|meta| identity(&meta))
}

/// A file's identity: device, inode, size, modification and change time (ns).
fn identity(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!(
        "{}:{}:{}:{}.{}:{}.{}",
        meta.dev(),
        meta.ino(),
        meta.len(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec()
    )
}

/// The checksums verified for one generation folder, kept in the user's cache folder
/// (`$IIJWH_CACHE`, else `~/.cache/iijwh`), never in the warehouse: only a load writes there.
#[derive(Default, Serialize, Deserialize)]
struct Verified {
    dir: PathBuf,
    /// file name -> (identity, SHA-256)
    files: BTreeMap<String, (String, String)>,
}

impl Verified {
    fn folder() -> Option<PathBuf> {
        let base = match std::env::var_os("IIJWH_CACHE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => dirs::cache_dir()?.join("iijwh"),
        };
        Some(base.join("verified"))
    }

    fn path(dir: &Path) -> Option<PathBuf> {
        let key = hex(&Sha256::digest(dir.as_os_str().as_encoded_bytes()));
        Some(Verified::folder()?.join(format!("{}.json", &key[..32])))
    }

    fn read(dir: &Path) -> Verified {
        Verified::path(dir)
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| serde_json::from_str::<Verified>(&text).ok())
            .filter(|v| v.dir == dir)
            .unwrap_or_else(|| Verified {
                dir: dir.to_path_buf(),
                files: BTreeMap::new(),
            })
    }

    /// Best effort: a record that cannot be written only costs the next session the hashing.
    fn write(&self) {
        let Some(path) = Verified::path(&self.dir) else {
            return;
        };
        let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
            return;
        };
        // Per process and thread: the web page's requests may record one generation at once.
        let tmp = folder.join(format!(
            ".{}.tmp-{}-{:?}",
            name.to_string_lossy(),
            std::process::id(),
            std::thread::current().id()
        ));
        let written = std::fs::create_dir_all(folder).is_ok()
            && serde_json::to_string(self)
                .ok()
                .is_some_and(|text| std::fs::write(&tmp, text).is_ok());
        if written {
            // Its folder beside it, for `prune` to read instead of the record.
            let _ = std::fs::write(
                path.with_extension("dir"),
                self.dir.as_os_str().as_encoded_bytes(),
            );
            let _ = std::fs::rename(&tmp, &path);
        }
    }

    /// Forget the generations whose folders are gone, once there are more than a few records.
    /// A record's folder is read from the small file beside it (`write`), not from the record
    /// (~1 MB at 5,000 companies: reading them all cost a load ~30 ms).
    fn prune() {
        let Some(folder) = Verified::folder() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return;
        };
        let records: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        if records.len() <= 8 {
            return;
        }
        for record in records {
            let beside = record.with_extension("dir");
            let dir = match std::fs::read(&beside) {
                Ok(bytes) => String::from_utf8(bytes).ok().map(PathBuf::from),
                // An older record: its folder is written beside it once read.
                Err(_) => std::fs::read_to_string(&record)
                    .ok()
                    .and_then(|text| serde_json::from_str::<Verified>(&text).ok())
                    .inspect(|v| {
                        let _ = std::fs::write(&beside, v.dir.as_os_str().as_encoded_bytes());
                    })
                    .map(|v| v.dir),
            };
            if dir.is_some_and(|d| !d.is_dir()) {
                let _ = std::fs::remove_file(&record);
                let _ = std::fs::remove_file(&beside);
            }
        }
    }
}

/// A session's hold on the generation it reads: a shared lock on the generation's manifest
/// file, held as long as the session lives. A load deletes an old generation only when it can
/// lock its manifest exclusively (see `is_leased`), so a session open across any number of loads
/// keeps reading the generation it opened. Taking the lock writes nothing.
pub struct Lease {
    _file: std::fs::File,
}

impl Lease {
    /// The live generation's folder with a lease on it.
    pub fn take(warehouse: &Path) -> Result<(PathBuf, Lease)> {
        let link = warehouse.join(CURRENT);
        // A load may retire the generation between reading the link and locking it: then the
        // link names a newer one, and the next try takes that.
        for _ in 0..5 {
            let dir = std::fs::canonicalize(&link).with_context(|| {
                format!(
                    "no warehouse at {}: run `iijwh load` first",
                    warehouse.display()
                )
            })?;
            let file = std::fs::File::open(dir.join(MANIFEST)).with_context(|| {
                format!(
                    "reading {}: the warehouse is damaged; run `iijwh load`",
                    dir.join(MANIFEST).display()
                )
            })?;
            file.lock_shared()
                .with_context(|| format!("taking a lease on {}", dir.display()))?;
            if dir.join(MANIFEST).is_file() {
                return Ok((dir, Lease { _file: file }));
            }
        }
        bail!(
            "the warehouse at {} changed five times while it was being opened; try again",
            warehouse.display()
        )
    }
}

/// Whether a session holds a lease on the generation in `dir` (see `Lease`). While the caller
/// holds the returned lock (`Some`), no session can take one; `None` means leased.
pub fn try_lock_unleased(dir: &Path) -> Option<Option<std::fs::File>> {
    let Ok(file) = std::fs::File::open(dir.join(MANIFEST)) else {
        // No manifest: a broken folder, which no session can have opened.
        return Some(None);
    };
    match file.try_lock() {
        Ok(()) => Some(Some(file)),
        Err(_) => None,
    }
}

/// Hash of every file under schema/ (path and identity, see `release::FileIdentity`), of the
/// stamps of data/ (`scan`, see `release::scan_data`) and of the iijwh version: any edit changes
/// it, and checking it costs a `stat` per file, not a read.
pub fn fingerprint(project: &Project, scan: &DataScan) -> Result<String> {
    Ok(fingerprint_of(&schema_stamp(project)?, scan))
}

/// The fingerprint of data/ as `scan` found it under schema/ and iijwh as `schema` stamps them.
pub fn fingerprint_of(schema: &str, scan: &DataScan) -> String {
    let mut hasher = Sha256::new();
    hasher.update(schema.as_bytes());
    hasher.update(b"data");
    hasher.update(scan.digest().as_bytes());
    hex(&hasher.finalize())
}

/// Hash of every file under schema/ (path and identity, see `release::FileIdentity`) and of the
/// iijwh version and warehouse format.
pub fn schema_stamp(project: &Project) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(super::FORMAT.as_bytes());
    let root = project.schema_dir();
    if !root.is_dir() {
        bail!(
            "no schema folder at {}: the project's schema/ is missing",
            root.display()
        );
    }
    let mut files = Vec::new();
    walk(&root, &mut files)?;
    // Byte order of the paths: deterministic, and far cheaper than Path's component order.
    files.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    for (path, identity) in files {
        let rel = path.strip_prefix(&root).unwrap_or(&path);
        hasher.update(b"schema");
        hasher.update(rel.to_string_lossy().as_bytes());
        identity.hash_into(&mut hasher);
    }
    Ok(hex(&hasher.finalize()))
}

/// Every file below `dir` with its identity: one `stat` per file.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, FileIdentity)>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            walk(&entry.path(), out)?;
        } else {
            out.push((entry.path(), FileIdentity::of(&entry.metadata()?)));
        }
    }
    Ok(())
}
