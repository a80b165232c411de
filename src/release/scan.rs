//! What data/ holds, by one walk: a stamp for every release folder, every company record and
//! every other file. The staleness check hashes the stamps into the warehouse's fingerprint, and
//! the load compares them with the live generation's parts to tell which companies to read
//! again; both take the same walk, so a load stats each file once.
//!
//! A data/ of 10,000 releases is ~90,000 files, and the walk (a listing per folder, a `stat` per
//! file) is the price of every command that checks for staleness, so the release folders are
//! shared out between two threads and every `stat` is made relative to its folder's open
//! handle (`DirEntry::metadata`), not by a path resolved from the root.

use crate::base::hex;
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What `data/` holds (see the module's doc): each entry's stamp changes when any of its files
/// is edited, added, removed or renamed.
#[derive(Debug, Default)]
pub struct DataScan {
    /// release folder name -> stamp
    pub releases: BTreeMap<String, String>,
    /// company id (its record's file stem) -> stamp
    pub companies: BTreeMap<String, String>,
    /// Every other file or folder of data/, by its path below data/ -> stamp: not read by the
    /// load, but an edit to it still makes the warehouse stale.
    pub others: BTreeMap<String, String>,
    /// release folder name -> stamp of its release.toml alone (`NO_METADATA` without one), for
    /// the folders stamped (and, asked, the others): what the releases' order, and so the
    /// default company, is read from.
    pub metadata: BTreeMap<String, String>,
    /// The stamp of data/releases itself, taken before it was listed (see `listing_stamp`).
    pub listing: String,
}

/// The stamp of folder data/releases itself ("" without one): the kernel sets its modification
/// and change times whenever an entry is added, removed or renamed in it, and no program can set
/// the change time back, so while the stamp holds, the names listed there are the same (what
/// the check of one company's answers needs, without listing 100,000 folders: ~60 ms).
pub fn listing_stamp(data_dir: &Path) -> String {
    let dir = data_dir.join("releases");
    match std::fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => file_stamp(&[file_stat(b"releases".to_vec(), &meta)]),
        _ => String::new(),
    }
}

/// The names a stamp of data/releases (`listing_stamp`) vouches for: its release folders to
/// look at (the others are not named in the scan), and every file directly in it.
pub struct Listed<'a> {
    pub folders: &'a [String],
    pub files: &'a [String],
}

/// The metadata stamp of a release folder without a release.toml file.
const NO_METADATA: &str = "none";

/// One hash of the stamps of `map`, name by name.
fn map_digest(map: &BTreeMap<String, String>) -> String {
    stamps_digest(map.iter().map(|(n, s)| (n.as_str(), s.as_str())))
}

/// One hash of names and their stamps, in the order given: what a manifest keeps of a list it
/// need not hold whole to be compared with a scan (see `warehouse::manifest::Manifest`).
pub fn stamps_digest<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut hasher = Sha256::new();
    for (name, stamp) in items {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(stamp.as_bytes());
        hasher.update([0]);
    }
    hex(&hasher.finalize())
}

impl DataScan {
    /// One hash of every stamp: equal for two scans exactly when their stamps are.
    pub fn digest(&self) -> String {
        let mut hasher = Sha256::new();
        for (label, map) in [
            ("release", &self.releases),
            ("company", &self.companies),
            ("other", &self.others),
        ] {
            for (name, stamp) in map {
                hasher.update(label.as_bytes());
                hasher.update([0]);
                hasher.update(name.as_bytes());
                hasher.update([0]);
                hasher.update(stamp.as_bytes());
                hasher.update([0]);
            }
        }
        hex(&hasher.finalize())
    }
}

impl DataScan {
    /// One hash of the stamps of the files of data/ that are neither a release folder nor a
    /// company record (`others`).
    pub fn others_digest(&self) -> String {
        map_digest(&self.others)
    }

    /// One hash of the company records' stamps (`companies`).
    pub fn companies_digest(&self) -> String {
        map_digest(&self.companies)
    }

    /// One hash of the release folders' names (not their stamps).
    pub fn folders_digest(&self) -> String {
        stamps_digest(self.releases.keys().map(|n| (n.as_str(), "")))
    }

    /// One hash of the release folders' metadata stamps (`metadata`).
    pub fn metadata_digest(&self) -> String {
        map_digest(&self.metadata)
    }

    /// The scan of a data/ holding only the company records `companies` and the release
    /// folders `releases` (the other files as they are).
    pub fn only(&self, companies: &BTreeSet<String>, releases: &BTreeSet<String>) -> DataScan {
        let keep = |map: &BTreeMap<String, String>, names: &BTreeSet<String>| {
            map.iter()
                .filter(|(name, _)| names.contains(*name))
                .map(|(n, s)| (n.clone(), s.clone()))
                .collect()
        };
        DataScan {
            releases: keep(&self.releases, releases),
            companies: keep(&self.companies, companies),
            others: self.others.clone(),
            metadata: keep(&self.metadata, releases),
            listing: self.listing.clone(),
        }
    }
}

/// Stamp every release folder, company record and other file of `data_dir`.
pub fn scan_data(data_dir: &Path) -> Result<DataScan> {
    scan_data_where(data_dir, |_| true, false)
}

/// The stamp a folder `scan_data_where` listed but did not look into has.
pub const UNSTAMPED: &str = "";

/// `scan_data`, but a release folder `stamped` says no to is named, not looked into: its stamp is
/// `UNSTAMPED`, and its metadata stamp is taken (a `stat` of its release.toml) only when
/// `metadata` asks. The check of one company's answers stamps only its own folders (see
/// `warehouse::staleness::staleness_for_company`).
pub fn scan_data_where(
    data_dir: &Path,
    stamped: impl Fn(&str) -> bool + Sync,
    metadata: bool,
) -> Result<DataScan> {
    scan_data_listed(data_dir, looked_at(stamped), metadata, None)
}

/// What `scan_data_listed` does with a release folder.
pub enum Look {
    /// Stamp it.
    Stamp,
    /// Name it, stamped `UNSTAMPED` (and its release.toml when asked).
    Name,
}

/// Stamp the folders `stamped` says yes to, name the others.
pub fn looked_at(stamped: impl Fn(&str) -> bool + Sync) -> impl Fn(&str) -> Look + Sync {
    move |name| match stamped(name) {
        true => Look::Stamp,
        false => Look::Name,
    }
}

/// `scan_data_where`, data/releases not listed when `listed` names what is there (the caller
/// found its stamp unchanged, see `listing_stamp`): its folders and files are taken by name.
pub fn scan_data_listed(
    data_dir: &Path,
    look: impl Fn(&str) -> Look + Sync,
    metadata: bool,
    listed: Option<Listed>,
) -> Result<DataScan> {
    if !data_dir.is_dir() {
        bail!(
            "no data folder at {}: --data (or IIJWH_DATA) must name a folder holding \
             releases/<release-id>/",
            data_dir.display()
        );
    }
    let mut scan = DataScan::default();
    // Each release folder's name (its path is made only when it is looked into: most are not
    // when the caller knows their stamps).
    let releases = data_dir.join("releases");
    let mut folders: Vec<String> = Vec::new();
    for entry in listing(data_dir)? {
        let name = entry.file_name().to_string_lossy().to_string();
        let is_dir = entry.file_type()?.is_dir();
        match (name.as_str(), is_dir) {
            ("releases", true) if listed.is_some() => {
                let Listed {
                    folders: names,
                    files,
                } = listed.as_ref().expect("listed");
                scan.listing = listing_stamp(data_dir);
                folders.extend(names.iter().cloned());
                for name in files.iter() {
                    let path = entry.path().join(name);
                    let meta = std::fs::metadata(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    let stat = file_stat(name.as_bytes().to_vec(), &meta);
                    scan.others
                        .insert(format!("releases/{name}"), file_stamp(&[stat]));
                }
            }
            ("releases", true) => {
                // Before the listing: an entry added meanwhile leaves the stamp stale.
                scan.listing = listing_stamp(data_dir);
                for inner in listing(&entry.path())? {
                    let inner_name = inner.file_name().to_string_lossy().to_string();
                    if inner.file_type()?.is_dir() {
                        folders.push(inner_name);
                    } else {
                        let key = format!("releases/{inner_name}");
                        scan.others.insert(key, file_stamp(&[stat(&inner)?]));
                    }
                }
            }
            ("companies", true) => {
                for inner in listing(&entry.path())? {
                    let path = inner.path();
                    let stamp = if inner.file_type()?.is_dir() {
                        folder_stamp(&path)?
                    } else {
                        file_stamp(&[stat(&inner)?])
                    };
                    match path.file_stem() {
                        Some(stem) if path.extension().is_some_and(|e| e == "toml") => {
                            scan.companies
                                .insert(stem.to_string_lossy().to_string(), stamp);
                        }
                        _ => {
                            let key = format!("companies/{}", inner.file_name().to_string_lossy());
                            scan.others.insert(key, stamp);
                        }
                    }
                }
            }
            (_, true) => {
                scan.others.insert(name, folder_stamp(&entry.path())?);
            }
            (_, false) => {
                scan.others.insert(name, file_stamp(&[stat(&entry)?]));
            }
        }
    }
    // Two halves, one a thread: most folders are alike in size.
    let (first, second) = folders.split_at(folders.len().div_ceil(2));
    type Stamped = Vec<(String, (String, Option<String>))>;
    let stamp = |share: &[String]| -> Result<Stamped> {
        share
            .iter()
            .map(|name| {
                let stamps = match (look(name), metadata) {
                    (Look::Stamp, _) => {
                        release_stamps(&releases.join(name)).map(|(f, m)| (f, Some(m)))?
                    }
                    (Look::Name, true) => (
                        UNSTAMPED.to_string(),
                        Some(metadata_stamp(&releases.join(name))?),
                    ),
                    (Look::Name, false) => (UNSTAMPED.to_string(), None),
                };
                Ok((name.clone(), stamps))
            })
            .collect()
    };
    let (mine, theirs) = std::thread::scope(|scope| {
        let other = scope.spawn(|| stamp(second));
        (stamp(first), other.join())
    });
    let theirs = theirs.map_err(|_| anyhow::anyhow!("walking {} failed", data_dir.display()))??;
    // Built from sorted runs rather than a name at a time (100,000 folders at the largest shape).
    let stamped: Vec<(String, (String, Option<String>))> =
        mine?.into_iter().chain(theirs).collect();
    scan.metadata = stamped
        .iter()
        .filter_map(|(name, (_, metadata))| Some((name.clone(), metadata.clone()?)))
        .collect();
    scan.releases = stamped
        .into_iter()
        .map(|(name, (folder, _))| (name, folder))
        .collect();
    Ok(scan)
}

/// The stamp of release folder `dir`'s release.toml, by its path: what `release_stamps` gives
/// for it.
fn metadata_stamp(dir: &Path) -> Result<String> {
    Ok(match std::fs::metadata(dir.join(super::METADATA_FILE)) {
        Ok(meta) if meta.is_file() => {
            let name = super::METADATA_FILE.as_bytes().to_vec();
            file_stamp(&[file_stat(name, &meta)])
        }
        _ => NO_METADATA.to_string(),
    })
}

/// The entries of folder `dir`.
fn listing(dir: &Path) -> Result<Vec<std::fs::DirEntry>> {
    std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .collect::<std::io::Result<Vec<_>>>()
        .with_context(|| format!("reading {}", dir.display()))
}

/// A file's name (relative to the folder stamped) and identity.
type FileStat = (Vec<u8>, FileIdentity);

/// What a file's stamp holds besides its name: its size, modification time, change time (ns)
/// and inode, all from one `stat`. A program can set the modification time back (`touch -r`),
/// not the change time, which the kernel sets at every write, rename or `touch`: an edit of the
/// same size whose modification time is restored still changes the stamp. A copy of the file
/// (`cp -a`, a git checkout) has another inode and change time, so it only makes a rebuild
/// happen, never a wrong answer. The one rule for data/ and schema/ (see
/// `warehouse::manifest::schema_stamp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileIdentity {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
}

impl FileIdentity {
    pub fn of(meta: &std::fs::Metadata) -> FileIdentity {
        use std::os::unix::fs::MetadataExt;
        FileIdentity {
            len: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        }
    }

    pub fn hash_into(&self, hasher: &mut Sha256) {
        hasher.update(self.len.to_le_bytes());
        for n in [
            self.modified.0,
            self.modified.1,
            self.changed.0,
            self.changed.1,
        ] {
            hasher.update(n.to_le_bytes());
        }
        hasher.update(self.inode.to_le_bytes());
    }
}

/// The stat of a folder's entry: of the file a symbolic link names, so editing it counts.
fn stat(entry: &std::fs::DirEntry) -> Result<FileStat> {
    let meta = if entry.file_type()?.is_symlink() {
        std::fs::metadata(entry.path())
    } else {
        entry.metadata()
    }
    .with_context(|| format!("reading {}", entry.path().display()))?;
    Ok(file_stat(
        entry.file_name().as_encoded_bytes().to_vec(),
        &meta,
    ))
}

/// The stat of a file named `name` with metadata `meta`.
fn file_stat(name: Vec<u8>, meta: &std::fs::Metadata) -> FileStat {
    (name, FileIdentity::of(meta))
}

/// A stamp of `files`: changes when a name or an identity does.
fn file_stamp(files: &[FileStat]) -> String {
    let mut hasher = Sha256::new();
    for (name, identity) in files {
        hasher.update(name);
        hasher.update([0]);
        identity.hash_into(&mut hasher);
    }
    hex(&hasher.finalize())[..32].to_string()
}

/// The stamp of every file at or below folder `dir` (names relative to it, in byte order).
fn folder_stamp(dir: &Path) -> Result<String> {
    Ok(release_stamps(dir)?.0)
}

/// `folder_stamp` of release folder `dir`, and the stamp of its release.toml alone.
fn release_stamps(dir: &Path) -> Result<(String, String)> {
    let mut files = Vec::new();
    collect(dir, &[], &mut files)?;
    files.sort_unstable();
    let metadata = files
        .iter()
        .find(|(name, _)| name == super::METADATA_FILE.as_bytes())
        .map(|f| file_stamp(std::slice::from_ref(f)))
        .unwrap_or_else(|| NO_METADATA.to_string());
    Ok((file_stamp(&files), metadata))
}

fn collect(dir: &Path, prefix: &[u8], out: &mut Vec<FileStat>) -> Result<()> {
    for entry in listing(dir)? {
        if entry.file_type()?.is_dir() {
            let mut inner = prefix.to_vec();
            inner.extend(entry.file_name().as_encoded_bytes());
            inner.push(b'/');
            collect(&entry.path(), &inner, out)?;
        } else {
            let (name, identity) = stat(&entry)?;
            let mut full = prefix.to_vec();
            full.extend(name);
            out.push((full, identity));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each kind of edit changes the stamp of what it touched, and only that one.
    #[test]
    fn an_edit_changes_the_stamp_of_what_it_touched() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        std::fs::create_dir_all(data.join("releases/acme-1q20/notes")).unwrap();
        std::fs::create_dir_all(data.join("releases/acme-2q20")).unwrap();
        std::fs::create_dir_all(data.join("companies")).unwrap();
        std::fs::write(data.join("releases/acme-1q20/release.toml"), "a").unwrap();
        std::fs::write(data.join("releases/acme-1q20/notes/n.txt"), "n").unwrap();
        std::fs::write(data.join("releases/acme-2q20/release.toml"), "b").unwrap();
        std::fs::write(data.join("companies/acme.toml"), "c").unwrap();
        std::fs::write(data.join("README.md"), "r").unwrap();
        let before = scan_data(data).unwrap();
        assert_eq!(before.releases.len(), 2);
        assert_eq!(before.companies.keys().collect::<Vec<_>>(), ["acme"]);
        assert_eq!(before.others.keys().collect::<Vec<_>>(), ["README.md"]);

        // A nested file one byte longer: its folder's stamp, and the digest, change.
        std::fs::write(data.join("releases/acme-1q20/notes/n.txt"), "nn").unwrap();
        let after = scan_data(data).unwrap();
        assert_ne!(after.releases["acme-1q20"], before.releases["acme-1q20"]);
        // ... but not that of its release.toml, which the cheaper listing finds the same.
        assert_eq!(after.metadata, before.metadata);
        let listed = |data: &Path| scan_data_where(data, |_| false, true).unwrap().metadata;
        assert_eq!(listed(data), after.metadata);
        assert!(scan_data_where(data, |_| false, false)
            .unwrap()
            .metadata
            .is_empty());
        std::fs::write(data.join("releases/acme-2q20/release.toml"), "bb").unwrap();
        let toml = listed(data);
        assert_ne!(toml["acme-2q20"], after.metadata["acme-2q20"]);
        assert_eq!(toml, scan_data(data).unwrap().metadata);
        std::fs::write(data.join("releases/acme-2q20/release.toml"), "b").unwrap();
        assert_eq!(after.releases["acme-2q20"], before.releases["acme-2q20"]);
        assert_eq!(after.companies, before.companies);
        assert_ne!(after.digest(), before.digest());

        // The same size, its modification time set back (`touch -r`): the change time tells.
        let csv = data.join("releases/acme-2q20/revenue_lines.csv");
        std::fs::write(&csv, "14007").unwrap();
        let mtime = std::fs::metadata(&csv).unwrap().modified().unwrap();
        let written = scan_data(data).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&csv, "19007").unwrap();
        let file = std::fs::File::options().write(true).open(&csv).unwrap();
        file.set_modified(mtime).unwrap();
        assert_eq!(std::fs::metadata(&csv).unwrap().modified().unwrap(), mtime);
        let edited = scan_data(data).unwrap();
        assert_ne!(edited.releases["acme-2q20"], written.releases["acme-2q20"]);
        assert_ne!(edited.digest(), written.digest());
        std::fs::remove_file(&csv).unwrap();

        // A file of data/ outside any release or record still counts.
        std::fs::write(data.join("README.md"), "rr").unwrap();
        assert_ne!(scan_data(data).unwrap().digest(), after.digest());

        // A release folder removed.
        std::fs::remove_dir_all(data.join("releases/acme-2q20")).unwrap();
        assert!(!scan_data(data).unwrap().releases.contains_key("acme-2q20"));
        assert!(scan_data(&data.join("nowhere")).is_err());
    }
}
