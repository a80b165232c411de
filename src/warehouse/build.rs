//! Building a generation: a folder beside the live one (`generations/.NAME.tmp-PID`) that receives
//! one Parquet file per table (synced on a thread of their own), is renamed to its own name
//! (`generations/NAME`, not live yet), gets its catalog written on another thread while the load
//! checks the same rows in memory, and is switched live, once both threads are done, with one
//! rename of the `current` link. A generation dropped before `commit` is removed, so
//! a failed load leaves the live one untouched (a killed one leaves a folder the next load
//! removes). Which tables and rules go in is the load's business (`crate::load`), not this file's.

use super::manifest::{read_manifest, Manifest, TableEntry, CURRENT, GENERATIONS};
use super::{parquet, CatalogSession, LoadSession, Warehouse, RAW, SCRATCH};
use crate::base::{sync_dir, StagedDir};
use crate::release::Dataset;
use crate::schema::{Catalog, Constraint, Table};
use anyhow::{bail, Context, Result};
use arrow::array::{Array, Date32Array};
use arrow::record_batch::RecordBatch;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where a generation's files are: staged under a hidden name while they are written, then in
/// its own folder (still not live) once complete.
enum Place {
    Staged(StagedDir),
    Placed(Placed),
}

/// A complete generation's folder, removed when dropped before it went live.
struct Placed {
    dir: PathBuf,
    committed: bool,
}

impl Drop for Generation {
    /// A generation dropped before `commit` (a failed load) first lets its catalog's writer
    /// finish, so the folder is removed whole.
    fn drop(&mut self) {
        // Unblocks a writer still waiting for the latest vintage or for rows.
        self.catalog_latest = None;
        self.catalog_late = None;
        if let Some(writer) = self.catalog_writer.take() {
            let _ = writer.join();
        }
        let _ = self.linked();
    }
}

impl Drop for Placed {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A generation being written. Holds the load lock: one load at a time, so neither removes the
/// generation the other swaps in, and the live generation stays the one `begin` found.
pub struct Generation {
    place: Place,
    /// The live generation's folder and its manifest (None when unreadable), read once at begin.
    live: Option<(PathBuf, Option<Manifest>)>,
    name: String,
    warehouse: PathBuf,
    metadata: Vec<(String, String)>,
    tables: Vec<TableEntry>,
    /// The catalog's manifest entry, once written and synced, and its names.
    catalog: Option<TableEntry>,
    catalog_names: Vec<String>,
    /// Table files written but not yet synced to disk (see `sync_in_background`).
    unsynced: Vec<PathBuf>,
    /// The thread syncing the files written before it started; `commit` waits for it.
    syncing: Option<std::thread::JoinHandle<std::io::Result<()>>>,
    /// The thread linking the live generation's unchanged parts (see `link_parts_in_background`).
    linking: Option<std::thread::JoinHandle<Result<()>>>,
    /// The thread writing the catalog (see `write_catalog`); `commit` waits for it, and so does
    /// dropping the generation, before its folder is removed.
    catalog_writer: Option<std::thread::JoinHandle<Result<WrittenCatalog>>>,
    /// Tables written after the catalog was started (check_results) go to its writer too; the
    /// writer finishes once this is dropped.
    catalog_late: Option<std::sync::mpsc::Sender<super::LateRows>>,
    /// The stored latest vintage goes to the writer too (see `latest_stored`).
    catalog_latest: Option<std::sync::mpsc::Sender<super::LatestParts>>,
    /// The live catalog's identity when the load found every live file intact (see
    /// `live_verified`).
    live_catalog: Option<String>,
    /// Table and part files written so far (for the fault injection of the tests).
    written: usize,
    /// The row groups of the part files written: copied as they were, and encoded (see
    /// `parts::file`).
    row_groups: [std::sync::atomic::AtomicUsize; 2],
    /// The generation live when the load began: kept at the swap, with the new one (see
    /// `retire_old_generations`), even when this one was made on a sealed one (see `after`).
    was_live: Option<PathBuf>,
    /// The sealed generation this one adds to (see `after`), kept until this one is sealed: its
    /// catalog is copied and its files linked until then.
    base: Option<Box<Generation>>,
    _lock: std::fs::File,
}

/// The catalog's manifest entry and its names (`Manifest::catalog_names`).
type WrittenCatalog = (TableEntry, Vec<String>);

impl Generation {
    /// Start a generation in `warehouse`; `metadata` goes into every Parquet file's footer.
    /// `read`: the live generation's folder and manifest as the caller read them before the
    /// lock, taken while that folder is still the live one (generations do not change).
    pub fn begin(
        warehouse: &Path,
        metadata: Vec<(String, String)>,
        read: Option<(PathBuf, Manifest)>,
    ) -> Result<Generation> {
        let generations = warehouse.join(GENERATIONS);
        std::fs::create_dir_all(&generations)
            .with_context(|| format!("creating {}", generations.display()))?;
        let lock = std::fs::File::create(warehouse.join(".load.lock"))?;
        lock.lock().context("waiting for another load to finish")?;
        let live = std::fs::canonicalize(warehouse.join(CURRENT))
            .ok()
            .map(|dir| {
                let manifest = match read {
                    Some((read_from, manifest)) if read_from == dir => Some(manifest),
                    _ => read_manifest(&dir).ok(),
                };
                (dir, manifest)
            });
        let was_live = live.as_ref().map(|(dir, _)| dir.clone());
        let mut generation = Generation::staged(warehouse, live, was_live, lock)?;
        generation.metadata = metadata;
        Ok(generation)
    }

    /// A generation staged under a new name in `warehouse`, adding to `live`, nothing written.
    fn staged(
        warehouse: &Path,
        live: Option<(PathBuf, Option<Manifest>)>,
        was_live: Option<PathBuf>,
        lock: std::fs::File,
    ) -> Result<Generation> {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.6fZ").to_string();
        let name = format!("{stamp}-{}", std::process::id());
        Ok(Generation {
            place: Place::Staged(StagedDir::new(&warehouse.join(GENERATIONS).join(&name))?),
            was_live,
            base: None,
            live,
            name,
            warehouse: warehouse.to_path_buf(),
            metadata: Vec::new(),
            tables: Vec::new(),
            catalog: None,
            unsynced: Vec::new(),
            syncing: None,
            catalog_writer: None,
            catalog_names: Vec::new(),
            catalog_late: None,
            catalog_latest: None,
            linking: None,
            live_catalog: None,
            written: 0,
            row_groups: Default::default(),
            _lock: lock,
        })
    }

    /// Write (or replace) one table's Parquet file. It reaches the disk by `commit` (see
    /// `sync_in_background`).
    pub fn write_table(&mut self, name: &str, batch: &RecordBatch) -> Result<()> {
        let file = format!("{name}.parquet");
        let entry = write_table(self.dir(), name, &file, batch, &self.metadata)?;
        self.to_catalog(super::LateRows {
            table: name.to_string(),
            clear: format!("DELETE FROM {RAW}.\"{name}\";"),
            batch: batch.clone(),
        })?;
        self.unsynced.push(PathBuf::from(&entry.file));
        self.tables.retain(|t| t.name != name);
        self.tables.push(entry);
        self.written += 1;
        inject_fault(self.written)
    }

    /// Rows for the catalog once its writer started (nothing before: the rows given to
    /// `write_catalog` hold them).
    fn to_catalog(&self, rows: super::LateRows) -> Result<()> {
        if let Some(late) = &self.catalog_late {
            late.send(rows)
                .map_err(|_| anyhow::anyhow!("writing the generation's catalog failed"))?;
        }
        Ok(())
    }

    /// Write part `part`'s file of folder `table` (see `parts`): `rows`, company by company in
    /// the order given, in row groups of whole companies (see `parts::row_group_rows`; those of
    /// the live file it would make again copied as they are, see `parts::file`), with the
    /// companies' row counts and `metadata` (their releases) in its footer. Returns its
    /// manifest entry; it reaches the disk by `commit`.
    pub fn write_part(
        &mut self,
        table: &str,
        part: &str,
        schema: &arrow::datatypes::SchemaRef,
        rows: &[(String, super::parts::file::Rows)],
        metadata: &[(String, String)],
    ) -> Result<TableEntry> {
        let entry = self.encode_part(table, part, schema, rows, metadata)?;
        self.record_part(&entry)?;
        Ok(entry)
    }

    /// `write_part`'s file, written and not yet recorded (see `record_part`): several threads
    /// may write parts at once.
    pub fn encode_part(
        &self,
        table: &str,
        part: &str,
        schema: &arrow::datatypes::SchemaRef,
        rows: &[(String, super::parts::file::Rows)],
        metadata: &[(String, String)],
    ) -> Result<TableEntry> {
        let file = super::parts::part_file(table, part);
        let folder = self.dir().join(table);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("creating {}", folder.display()))?;
        let mut kv = metadata.to_vec();
        kv.extend(
            self.metadata
                .iter()
                .filter(|(k, _)| k == "iijwh.schema_version")
                .cloned(),
        );
        kv.push((
            super::parts::COMPANY_ROWS.to_string(),
            super::parts::file::company_rows(rows),
        ));
        kv.push(("iijwh.table".to_string(), table.to_string()));
        let super::parts::file::Encoded {
            bytes,
            rows: total,
            copied,
            groups,
        } = super::parts::file::encode(schema, rows, &kv, super::parts::row_group_rows())?;
        use std::sync::atomic::Ordering::Relaxed;
        self.row_groups[0].fetch_add(copied, Relaxed);
        self.row_groups[1].fetch_add(groups - copied, Relaxed);
        let path = self.dir().join(&file);
        std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        let entry = TableEntry {
            name: table.to_string(),
            rows: total,
            sha256: crate::base::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            bytes: bytes.len() as u64,
            file,
        };
        Ok(entry)
    }

    /// How many row groups of the part files written so far were copied as they were, and how
    /// many were encoded (`load --timings`).
    pub fn row_groups(&self) -> (usize, usize) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.row_groups[0].load(Relaxed),
            self.row_groups[1].load(Relaxed),
        )
    }

    /// A part file `encode_part` wrote, to be synced by `commit`.
    pub fn record_part(&mut self, entry: &TableEntry) -> Result<()> {
        self.unsynced.push(PathBuf::from(&entry.file));
        self.written += 1;
        inject_fault(self.written)
    }

    /// Take files of the live generation into this one as they are, on a thread of their own:
    /// hard links, so an unchanged company's part costs directory entries, not copies (~5,000 of
    /// them at 10,000 releases, ~0.1 s of the kernel's time, beside reading the releases and
    /// filling DuckDB). `place` waits for them.
    pub fn link_parts_in_background(&mut self, files: Vec<TableEntry>) -> Result<()> {
        let (live, _) = self
            .live
            .as_ref()
            .context("no live generation to take parts from")?;
        let (live, dir) = (live.clone(), self.dir().to_path_buf());
        self.linking = Some(std::thread::spawn(move || {
            // A folder at a time, each link made between the two folders' open descriptors
            // (`linkat`), not by two paths the kernel walks again for every file: ~7,700 files at
            // 100,000 releases.
            let mut by_folder: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for entry in &files {
                let (folder, name) = entry.file.rsplit_once('/').unwrap_or(("", &entry.file));
                by_folder.entry(folder).or_default().push(name);
            }
            for (folder, names) in by_folder {
                let (from, to) = (live.join(folder), dir.join(folder));
                std::fs::create_dir_all(&to)
                    .with_context(|| format!("creating {}", to.display()))?;
                let (from_dir, to_dir) = (std::fs::File::open(&from)?, std::fs::File::open(&to)?);
                for name in names {
                    link_between(&from_dir, &to_dir, name).with_context(|| {
                        format!(
                            "linking {} into the new generation",
                            from.join(name).display()
                        )
                    })?;
                }
            }
            Ok(())
        }));
        Ok(())
    }

    /// Wait for the links `link_parts_in_background` makes.
    fn linked(&mut self) -> Result<()> {
        match self.linking.take() {
            Some(linking) => linking
                .join()
                .map_err(|_| anyhow::anyhow!("linking the unchanged parts failed"))?,
            None => Ok(()),
        }
    }

    /// The live generation's files were just verified (`manifest::verify_files`): its catalog,
    /// while its identity holds, is copied without being hashed again.
    pub fn live_verified(&mut self) {
        self.live_catalog = self.live.as_ref().and_then(|(dir, manifest)| {
            let catalog = manifest.as_ref()?.catalog.as_ref()?;
            super::manifest::identity_of(&dir.join(&catalog.file))
        });
    }

    /// Set the metadata of the warehouse's own files (see `begin`), before the first is written.
    pub fn set_metadata(&mut self, metadata: Vec<(String, String)>) {
        self.metadata = metadata;
    }

    /// Where a file of the placed generation is.
    pub fn dir_of(&self, entry: &TableEntry) -> Result<PathBuf> {
        Ok(self.placed()?.join(&entry.file))
    }

    /// The live generation's folder, when there is one.
    pub fn live_dir(&self) -> Option<&Path> {
        self.live.as_ref().map(|(dir, _)| dir.as_path())
    }

    /// Sync the placed files written so far on a thread of their own. Waiting for the disk is
    /// most of what writing a small file costs (~4 ms for a load's 16, one after another); off
    /// the load's path it costs nothing, and `commit` waits for it before anything points at the
    /// files.
    pub fn sync_in_background(&mut self) -> Result<()> {
        let dir = self.placed()?.to_path_buf();
        let files: Vec<PathBuf> = self.unsynced.drain(..).map(|f| dir.join(f)).collect();
        self.syncing = Some(std::thread::spawn(move || {
            files
                .iter()
                .try_for_each(|f| std::fs::File::open(f)?.sync_all())
        }));
        Ok(())
    }

    /// The manifest entries of the tables written so far.
    pub fn tables(&self) -> Vec<TableEntry> {
        self.tables
            .iter()
            .map(|t| TableEntry {
                name: t.name.clone(),
                file: t.file.clone(),
                rows: t.rows,
                sha256: t.sha256.clone(),
                bytes: t.bytes,
            })
            .collect()
    }

    /// The folder the files are in.
    fn dir(&self) -> &Path {
        match &self.place {
            Place::Staged(staged) => staged.path(),
            Place::Placed(placed) => &placed.dir,
        }
    }

    /// With every table written: move the files to the generation's own folder (not live yet).
    pub fn place(&mut self) -> Result<()> {
        self.linked()?;
        let nothing = Place::Placed(Placed {
            dir: PathBuf::new(),
            committed: true,
        });
        self.place = match std::mem::replace(&mut self.place, nothing) {
            Place::Staged(staged) => Place::Placed(Placed {
                dir: staged.commit()?,
                committed: false,
            }),
            placed => placed,
        };
        Ok(())
    }

    /// The placed folder, or an error naming the step that comes first.
    fn placed(&self) -> Result<&Path> {
        match &self.place {
            Place::Placed(placed) => Ok(&placed.dir),
            Place::Staged(_) => bail!("the generation's files are not in place: place them first"),
        }
    }

    /// Start writing the generation's catalog on a thread of its own, on `session` (see
    /// `LoadSession::write`), from the schema (`catalog`, its `digest`) and `rows`; the stored
    /// latest vintage follows (`latest_stored`), then the tables written after this
    /// (`write_table`). `commit` waits for it. `patch`: see `write_catalog`.
    pub fn write_catalog(
        &mut self,
        session: CatalogSession,
        (catalog, digest): (&Catalog, &str),
        rows: Vec<super::TableRows>,
        schema_dir: &Path,
        patch: Option<String>,
    ) -> Result<()> {
        let previous = self.live.as_ref().and_then(|(dir, m)| {
            let origin = super::CatalogOrigin::of(m.as_ref()?, self.live_catalog.clone());
            Some((dir.clone(), origin))
        });
        let dir = self.placed()?.to_path_buf();
        let schema_dir = schema_dir.to_path_buf();
        let (catalog, digest) = (catalog.clone(), digest.to_string());
        let (late, arriving_late) = std::sync::mpsc::channel();
        let (latest, arriving_latest) = std::sync::mpsc::channel();
        self.catalog_late = Some(late);
        self.catalog_latest = Some(latest);
        self.catalog_writer = Some(std::thread::spawn(move || {
            let previous = previous.as_ref().map(|(d, m)| (d.as_path(), m));
            let arriving = super::Arriving {
                latest: arriving_latest,
                late: arriving_late,
            };
            let names = session.write(
                &dir,
                (&catalog, &digest),
                (&rows, arriving),
                &schema_dir,
                (previous, patch.as_deref()),
            )?;
            let path = dir.join(super::CATALOG);
            let bytes = std::fs::read(&path).context("reading the catalog just written")?;
            std::fs::File::open(&path)?.sync_all()?;
            let entry = TableEntry {
                name: "catalog".to_string(),
                file: super::CATALOG.to_string(),
                rows: 0,
                sha256: crate::base::hex(&sha2::Digest::finalize(sha2::Digest::chain_update(
                    <sha2::Sha256 as sha2::Digest>::new(),
                    &bytes,
                ))),
                bytes: bytes.len() as u64,
            };
            Ok((entry, names))
        }));
        Ok(())
    }

    /// The stored latest vintage (its tables and the newest release's company), once its files
    /// are written, for the catalog's views over them (see `write_catalog`).
    pub fn latest_stored(&mut self, latest: &super::LatestParts) {
        // A writer that stopped says why when `commit` waits for it.
        if let Some(to) = self.catalog_latest.take() {
            let _ = to.send(latest.clone());
        }
    }

    /// The load's session `started` (see `LoadSession::fill`: the rows in memory, so the files
    /// just written are not read back) on the placed generation, for the constraint check and
    /// the data rules.
    pub fn open(
        &self,
        manifest: Manifest,
        schema_dir: &Path,
        started: LoadSession,
    ) -> Result<Warehouse> {
        Ok(Warehouse::for_load(
            started,
            self.placed()?.to_path_buf(),
            manifest,
            schema_dir,
        ))
    }

    /// The manifest of the generation live when the load began, if readable.
    pub fn live_manifest(&self) -> Option<&Manifest> {
        self.live.as_ref()?.1.as_ref()
    }

    /// Every CHECK, key and reference constraint of the schema, and the cross-release metadata
    /// rules, checked on the session `open` gave and on the typed rows of `dataset`. The CHECKs
    /// are left out when `checks_held` (see `LoadSession::checks_held`).
    pub fn check_constraints(
        &self,
        wh: &Warehouse,
        catalog: &Catalog,
        dataset: &Dataset,
        checks_held: bool,
    ) -> Result<Vec<String>> {
        check_constraints(&wh.conn, catalog, dataset, checks_held)
    }

    /// A generation made on this one, sealed (see `seal`) and not live: it takes this one's files
    /// as a load takes the live generation's, holding the same load lock. A full load of a large
    /// data/ is made this way a batch of companies at a time (see `crate::load`), so that no
    /// step holds every release in memory; only the last one goes live.
    /// `sealed`: the manifest `seal` wrote, with its companies and releases, which the next
    /// batch's plan reads (parsing them again from disk grew with every batch: ~0.1 s a batch
    /// at 100,000 releases).
    pub fn after(self, sealed: Manifest) -> Result<Generation> {
        let dir = self.placed()?.to_path_buf();
        let manifest = match sealed.home() == Some(dir.as_path()) {
            true => sealed,
            false => read_manifest(&dir)?,
        };
        // The lock is the open file's: a duplicate of it holds the same lock.
        let lock = self._lock.try_clone()?;
        let mut next = Generation::staged(
            &self.warehouse,
            Some((dir, Some(manifest))),
            self.was_live.clone(),
            lock,
        )?;
        next.written = self.written;
        next.base = Some(Box::new(self));
        Ok(next)
    }

    /// Record the catalog (see `write_catalog`) and the manifest, point `current` at the
    /// generation and retire generations older than the one it replaces (see `retire`). Returns
    /// the generation's folder.
    pub fn commit(mut self, manifest: &mut Manifest) -> Result<PathBuf> {
        // Every table file is written (only the catalog is still being): their identities are
        // taken beside the sealing.
        let files: Vec<TableEntry> = manifest
            .tables
            .iter()
            .chain(&manifest.part_files)
            .cloned()
            .collect();
        let dir = self.placed()?.to_path_buf();
        let stat = std::thread::spawn(move || super::manifest::identities(&dir, &files));
        let generation = self.seal(manifest)?;
        swap_current(&self.warehouse, &self.name)?;
        if let Place::Placed(placed) = &mut self.place {
            placed.committed = true;
        }
        let known = stat.join().unwrap_or_default();
        super::manifest::remember_written(&generation, manifest, known);
        // The live manifest, and the one this was made on, are done with.
        crate::base::drop_aside((self.live.take(), self.base.take()));
        retire_old_generations(
            &self.warehouse.join(GENERATIONS),
            &generation,
            self.was_live.as_deref(),
        );
        Ok(generation)
    }

    /// Everything `commit` does but the swap: the catalog and every file on disk, the manifest
    /// written. A sealed generation is complete, but not live. Returns its folder.
    pub fn seal(&mut self, manifest: &mut Manifest) -> Result<PathBuf> {
        let generation = self.dir().to_path_buf();
        self.catalog_latest = None;
        self.catalog_late = None;
        if let Some(writer) = self.catalog_writer.take() {
            let (entry, names) = writer
                .join()
                .map_err(|_| anyhow::anyhow!("writing the generation's catalog failed"))??;
            self.catalog = Some(entry);
            self.catalog_names = names;
        }
        if let Some(syncing) = self.syncing.take() {
            syncing
                .join()
                .map_err(|_| anyhow::anyhow!("syncing the table files failed"))?
                .context("syncing the table files")?;
        }
        for file in std::mem::take(&mut self.unsynced) {
            std::fs::File::open(generation.join(file))?.sync_all()?;
        }
        // The table folders' entries (part files written or linked) reach the disk before
        // anything points at them.
        for entry in std::fs::read_dir(&generation)?.flatten() {
            if entry.file_type()?.is_dir() {
                sync_dir(&entry.path())?;
            }
        }
        manifest.catalog = Some(
            self.catalog
                .clone()
                .context("the generation has no catalog: write it first")?,
        );
        manifest.catalog_names = self.catalog_names.clone();
        let live = self
            .live
            .as_ref()
            .and_then(|(dir, m)| Some((dir.as_path(), m.as_ref()?)));
        super::manifest::write_manifest(&generation, manifest, live)?;
        // Its files are this one's too now (links), and its catalog was copied.
        self.base = None;
        Ok(generation)
    }
}

/// Link file `name` of the open folder `from` into the open folder `to`, under the same name.
fn link_between(from: &std::fs::File, to: &std::fs::File, name: &str) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let name = std::ffi::CString::new(name)?;
    // SAFETY: both descriptors are open folders for the call's duration, and `name` is a
    // NUL-terminated string that outlives it.
    let done = unsafe {
        libc::linkat(
            from.as_raw_fd(),
            name.as_ptr(),
            to.as_raw_fd(),
            name.as_ptr(),
            0,
        )
    };
    match done {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// Write one table's Parquet file (`file`, relative to the generation folder); returns its
/// manifest entry.
fn write_table(
    dir: &Path,
    name: &str,
    file: &str,
    batch: &RecordBatch,
    metadata: &[(String, String)],
) -> Result<TableEntry> {
    let file = file.to_string();
    let mut kv = metadata.to_vec();
    kv.push(("iijwh.table".to_string(), name.to_string()));
    let path = dir.join(&file);
    let sha256 = parquet::write_unsynced(&path, batch, &kv)?;
    Ok(TableEntry {
        name: name.to_string(),
        rows: batch.num_rows(),
        sha256,
        bytes: std::fs::metadata(&path)?.len(),
        file,
    })
}

/// Point `current` at the new generation with a rename, which is atomic. The link is relative
/// (`generations/NAME`), so a copied or moved warehouse points at its own files. A `current` that
/// is not a link (a folder or file put there by hand or by a copy that followed links) cannot be
/// renamed over: it is moved aside as a retired generation first, and said so.
fn swap_current(warehouse: &Path, name: &str) -> Result<()> {
    let current = warehouse.join(CURRENT);
    remove_dead_links(warehouse);
    if std::fs::symlink_metadata(&current).is_ok_and(|m| !m.file_type().is_symlink()) {
        let aside = warehouse
            .join(GENERATIONS)
            .join(format!("{RETIRED}current-{name}"));
        std::fs::rename(&current, &aside)
            .with_context(|| format!("moving {} (not a link) aside", current.display()))?;
        crate::base::note(&format!(
            "{} was a folder or file, not a link to a generation: moved aside to {}",
            current.display(),
            aside.display()
        ));
    }
    let tmp = warehouse.join(format!(".{CURRENT}-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(Path::new(GENERATIONS).join(name), &tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    if let Err(e) = std::fs::rename(&tmp, &current) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("pointing {} at {name}", current.display()));
    }
    sync_dir(warehouse)
}

/// `.current-PID` links of loads that died before their swap.
fn remove_dead_links(warehouse: &Path) {
    let Ok(entries) = std::fs::read_dir(warehouse) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix(&format!(".{CURRENT}-")) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The prefix of a generation's folder once retired (`generations/.retired-NAME`).
const RETIRED: &str = ".retired-";

/// Keep the new generation, the one before it (a session may have read the link just before the
/// swap and not yet taken its lease) and every generation a session holds a lease on (see
/// `manifest::Lease`); the others are renamed aside as retired, one rename each, under an
/// exclusive lock on their manifest, so no session can take a lease on one meanwhile. Deleting
/// their files took ~4 ms at the end of every load (this machine's disk discards the blocks of
/// each deleted file before unlink returns); the next load does it beside its other work (see
/// `remove_retired`). A retired folder is hidden, like a staging one, from everything that lists
/// generations.
fn retire_old_generations(dir: &Path, keep: &Path, previous: Option<&Path>) {
    let keep = std::fs::canonicalize(keep).unwrap_or_else(|_| keep.to_path_buf());
    let keep = keep.as_path();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let canonical = std::fs::canonicalize(&path).unwrap_or(path.clone());
        if hidden || canonical == keep || Some(canonical.as_path()) == previous {
            continue;
        }
        let Some(_unleased) = super::manifest::try_lock_unleased(&path) else {
            continue;
        };
        let retired = dir.join(format!("{RETIRED}{}", entry.file_name().to_string_lossy()));
        if std::fs::rename(&path, &retired).is_err() {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Delete the generations earlier loads retired (see `retire_old_generations`) in `warehouse`.
/// They are no one's: neither live nor the one before it, so this needs no lock and may run
/// beside anything.
pub fn remove_retired(warehouse: &Path) {
    let Ok(entries) = std::fs::read_dir(warehouse.join(GENERATIONS)) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(RETIRED) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Test hook: IIJWH_FAULT=fail-at:STEP fails the load's step STEP (`figures`: computing the view
/// the rules read, while the other core checks the constraints and runs rules), to prove the load
/// then ends with that error and leaves the warehouse as it was.
pub fn inject_step_fault(step: &str) -> Result<()> {
    match std::env::var("IIJWH_FAULT") {
        Ok(spec) if spec.strip_prefix("fail-at:") == Some(step) => {
            bail!("injected fault at step {step}")
        }
        _ => Ok(()),
    }
}

/// Test hook: IIJWH_FAULT=fail-after:N or pause-after:N (seconds-long sleep, for a kill) after the
/// N-th table file is written, to prove a load that dies halfway leaves the warehouse as it was.
fn inject_fault(written: usize) -> Result<()> {
    let Ok(spec) = std::env::var("IIJWH_FAULT") else {
        return Ok(());
    };
    let (kind, n) = spec.split_once(':').unwrap_or((spec.as_str(), "0"));
    if n.parse::<usize>().ok() != Some(written) {
        return Ok(());
    }
    match kind {
        "fail-after" => bail!("injected fault after writing {written} table file(s)"),
        "pause-after" => {
            eprintln!("paused after writing {written} table file(s)");
            std::thread::sleep(std::time::Duration::from_secs(30));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Run every CHECK, key and reference constraint of the schema. Keys and references are checked
/// here on the typed rows (a hash lookup a row); the CHECK expressions, which are SQL, in one
/// statement on the session, which returns only the offending rows' numbers, unless
/// `checks_held` (the rows are known to pass them). The values of the few rows that break a rule
/// are read afterwards, for the message.
pub(super) fn check_constraints(
    conn: &duckdb::Connection,
    catalog: &Catalog,
    dataset: &Dataset,
    checks_held: bool,
) -> Result<Vec<String>> {
    // The raw tables are in memory in the dataset's order (see LoadSession::fill): a row's
    // rowid is its row in the dataset, which knows its file and line in data/.
    let source = |t: &str| format!("{SCRATCH}.{RAW}.\"{t}\"");
    let at = |t: &str, row: i64| {
        dataset
            .tables
            .get(t)
            .and_then(|(_, origins)| origins.get(row as usize))
            .map_or_else(|| format!("{t} row {row}"), |o| o.to_string())
    };
    let rows_of = |t: &str| table_rows(dataset, t);
    // (constraint number, first offending row, rows repeating its key)
    let mut found: Vec<(usize, i64, Vec<i64>)> = Vec::new();
    let mut checks: Vec<(&Table, &Constraint)> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for table in &catalog.tables {
        for constraint in &table.constraints {
            let k = checks.len();
            checks.push((table, constraint));
            match constraint {
                Constraint::Check { .. } if checks_held => {}
                Constraint::Check { expression, .. } => parts.push(format!(
                    "(SELECT {k} AS k, rowid AS r FROM {} WHERE NOT ({expression}))",
                    source(&table.name)
                )),
                Constraint::Unique { columns } => {
                    let mut first: HashMap<Vec<String>, usize> = HashMap::new();
                    let mut repeats: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
                    for (row, key) in keys(rows_of(&table.name)?, columns)?
                        .into_iter()
                        .enumerate()
                    {
                        // SQL keys: a NULL is equal to nothing, so it repeats nothing.
                        let Some(key) = key else { continue };
                        match first.entry(key) {
                            Entry::Occupied(e) => {
                                repeats.entry(*e.get()).or_default().push(row as i64)
                            }
                            Entry::Vacant(e) => {
                                e.insert(row);
                            }
                        }
                    }
                    found.extend(
                        repeats
                            .into_iter()
                            .map(|(row, again)| (k, row as i64, again)),
                    );
                }
                Constraint::ForeignKey {
                    columns,
                    table: ref_table,
                    ref_columns,
                } => {
                    let known: HashSet<Vec<String>> = keys(rows_of(ref_table)?, ref_columns)?
                        .into_iter()
                        .flatten()
                        .collect();
                    for (row, key) in keys(rows_of(&table.name)?, columns)?
                        .into_iter()
                        .enumerate()
                    {
                        if key.is_some_and(|key| !known.contains(&key)) {
                            found.push((k, row as i64, Vec::new()));
                        }
                    }
                }
            }
        }
    }
    if !parts.is_empty() {
        let sql = parts.join("\nUNION ALL\n");
        let mut stmt = conn.prepare(&sql).context("constraint query failed")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)?))
            })?
            .collect::<duckdb::Result<Vec<_>>>()?;
        found.extend(rows.into_iter().map(|(k, row)| (k, row, Vec::new())));
    }
    found.sort();
    // `col='value', ...` of one row, for the message.
    let shown = |table: &Table, columns: &[String], row: i64| -> Result<String> {
        let sql = format!(
            "SELECT {} FROM {} WHERE rowid = {row}",
            show_columns(table, columns),
            source(&table.name)
        );
        Ok(conn.query_row(&sql, [], |r| r.get::<_, String>(0))?)
    };
    let mut problems = Vec::new();
    for (k, row, repeated) in found {
        let (table, constraint) = checks[k];
        let name = &table.name;
        problems.push(match constraint {
            Constraint::Check { expression, columns } => format!(
                "{}: breaks CHECK ({expression}) of table `{name}`: {}",
                at(name, row),
                shown(table, columns, row)?
            ),
            Constraint::Unique { columns } => format!(
                "{}: duplicate figure: table `{name}` already has a row with the same key ({}): {}; repeated at {}",
                at(name, row),
                columns.join(", "),
                shown(table, columns, row)?,
                repeated.iter().map(|r| at(name, *r)).collect::<Vec<_>>().join(", ")
            ),
            Constraint::ForeignKey { columns, table: ref_table, ref_columns } => format!(
                "{}: {} is not in table `{ref_table}` ({}); add it there or correct the value",
                at(name, row),
                shown(table, columns, row)?,
                ref_columns.join(", ")
            ),
        });
    }
    if problems.is_empty() {
        problems.extend(release_order_problems(dataset, &at)?);
    }
    Ok(problems)
}

/// The typed rows of table `t`.
fn table_rows<'a>(dataset: &'a Dataset, t: &str) -> Result<&'a RecordBatch> {
    dataset
        .tables
        .get(t)
        .map(|(batch, _)| batch)
        .with_context(|| format!("no rows read for table `{t}`"))
}

/// Each row's values in `columns` as text (one typed column formats one way), or None when one
/// of them is NULL.
fn keys(batch: &RecordBatch, columns: &[String]) -> Result<Vec<Option<Vec<String>>>> {
    let options = FormatOptions::default();
    let arrays = columns
        .iter()
        .map(|c| {
            batch
                .column_by_name(c)
                .with_context(|| format!("no column `{c}`"))
        })
        .collect::<Result<Vec<_>>>()?;
    let formatters = arrays
        .iter()
        .map(|a| ArrayFormatter::try_new(a.as_ref(), &options))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((0..batch.num_rows())
        .map(|row| {
            if arrays.iter().any(|a| a.is_null(row)) {
                return None;
            }
            Some(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect(),
            )
        })
        .collect())
}

/// Release metadata that only makes sense across releases: a release's own period must be a known
/// period, and a release that restates another must be published after it. Checked on the typed
/// rows, as the keys and references are (a statement for it cost DuckDB ~4 ms of planning).
fn release_order_problems(
    dataset: &Dataset,
    at: &dyn Fn(&str, i64) -> String,
) -> Result<Vec<String>> {
    let (releases, periods, restatements) = (
        table_rows(dataset, "releases")?,
        table_rows(dataset, "periods")?,
        table_rows(dataset, "restatements")?,
    );
    // (company, period) -> its end date, as ISO text (which orders as the dates do)
    let columns = ["company_id", "period", "end_date"].map(String::from);
    let known: HashMap<(String, String), String> = keys(periods, &columns)?
        .into_iter()
        .flatten()
        .filter_map(|k| Some(((k.first()?.clone(), k.get(1)?.clone()), k.get(2)?.clone())))
        .collect();
    let published = releases
        .column_by_name("published_on")
        .and_then(|c| c.as_any().downcast_ref::<Date32Array>())
        .context("releases has no DATE column published_on")?;
    let columns = ["release_id", "company_id", "fiscal_period", "published_on"].map(String::from);
    // release id -> (day published, as printed)
    let mut dates: HashMap<String, (i32, String)> = HashMap::new();
    let mut problems = Vec::new();
    for (row, key) in keys(releases, &columns)?.into_iter().enumerate() {
        let Some([id, company, period, printed]) =
            key.map(<[String; 4]>::try_from).and_then(Result::ok)
        else {
            continue;
        };
        match known.get(&(company, period.clone())) {
            None => problems.push(format!(
                "{}: fiscal_period {period} of release {id} is not a period of its company's \
                 calendar",
                at("releases", row as i64)
            )),
            Some(end) if printed < *end => problems.push(format!(
                "{}: release {id} is published on {printed}, before its period {period} ends \
                 ({end}); a results release is published after its period: correct \
                 published_on or fiscal_period",
                at("releases", row as i64)
            )),
            Some(_) => {}
        }
        dates.insert(id, (published.value(row), printed));
    }
    let columns = ["release_id", "restates_release"].map(String::from);
    for (row, key) in keys(restatements, &columns)?.into_iter().enumerate() {
        let Some([a, b]) = key.map(<[String; 2]>::try_from).and_then(Result::ok) else {
            continue;
        };
        let (Some((a_day, a_printed)), Some((b_day, b_printed))) = (dates.get(&a), dates.get(&b))
        else {
            continue;
        };
        if b_day >= a_day {
            problems.push(format!(
                "{}: release {a} (published {a_printed}) restates release {b}, published \
                 {b_printed}: a release can only restate one published before it; correct \
                 published_on or restates_release",
                at("restatements", row as i64)
            ));
        }
    }
    Ok(problems)
}

/// A SQL expression rendering `col='value', ...` for the given columns (all of them if none named).
fn show_columns(table: &Table, columns: &[String]) -> String {
    let names: Vec<&str> = if columns.is_empty() {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        columns.iter().map(String::as_str).collect()
    };
    let parts: Vec<String> = names
        .iter()
        .map(|c| format!("'{c}=' || coalesce('''' || \"{c}\"::VARCHAR || '''', 'NULL')"))
        .collect();
    parts.join(" || ', ' || ")
}
