//! Which companies a load reads again. The live generation's manifest records, for each
//! company's part, the stamps of its record and release folders (see `release::scan_data`); a
//! company is read again when one of them changed, a release folder of it appeared or went, or
//! its record did. Everything else is taken from the live generation as it is. A load makes
//! every part again (a full load) when asked to (`load --full`), when there is no live
//! generation it can add to (none yet, an older format, damaged files), or when what every part
//! depends on changed: schema/ (tables, macros, views, rules, reference tables) or iijwh itself.
//!
//! Who may call it: `crate::load`.

use crate::base::project::Project;
use crate::release::{release_company, DataScan};
use crate::warehouse::manifest::{Manifest, PartEntry};
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// What a load reads and what it takes as it is.
pub struct Plan {
    /// Why every part is made again (None: an incremental load).
    pub full: Option<String>,
    /// The companies whose parts this load makes (every company in a full load).
    pub touched: BTreeSet<String>,
    /// The release folders it reads (in a full load, every folder its scan names).
    pub read: BTreeSet<String>,
    /// The live generation's parts it takes as they are.
    pub reused: Vec<PartEntry>,
    /// The live generation's parts this load replaces or drops (their rows leave the catalog).
    pub replaced: Vec<PartEntry>,
}

/// What every part is made under: iijwh's version and format, and every file of schema/ that
/// decides how data/ is read, typed, checked and shown.
pub fn build_key(project: &Project) -> Result<String> {
    let version = format!(
        "iijwh {} format {} parts of {} digits, row groups of {} rows",
        env!("CARGO_PKG_VERSION"),
        crate::warehouse::FORMAT,
        crate::warehouse::parts::part_digits(),
        crate::warehouse::parts::row_group_rows()
    );
    // The reference tables are CSV files, which `digest` (of SQL files) does not read.
    let mut reference = Vec::new();
    let mut files: Vec<_> =
        std::fs::read_dir(project.reference_dir())?.collect::<std::io::Result<Vec<_>>>()?;
    files.sort_by_key(|e| e.file_name());
    for entry in files {
        reference.extend(entry.file_name().as_encoded_bytes());
        reference.push(0);
        reference.extend(std::fs::read(entry.path())?);
        reference.push(0);
    }
    crate::schema::digest(
        &project.schema_dir(),
        &["tables", "macros", "views", "checks"],
        &[version.as_bytes(), &reference],
    )
}

/// The plan for data/ as `scan` found it, against the live generation (`live`: its folder and
/// manifest, when readable, and whether its files are intact).
pub fn plan(
    data: &Path,
    scan: &DataScan,
    live: Option<(&Manifest, bool)>,
    key: &str,
    asked_full: bool,
    stamped: Option<&BTreeSet<String>>,
) -> Plan {
    let full = |why: &str| Plan {
        full: Some(why.to_string()),
        touched: scan.companies.keys().cloned().collect(),
        // The folders scanned, not every folder there is: a batch's scan names its own.
        read: scan.releases.keys().cloned().collect(),
        reused: Vec::new(),
        replaced: Vec::new(),
    };
    if asked_full {
        return full("asked for (--full)");
    }
    let Some((manifest, intact)) = live else {
        return full("no warehouse yet");
    };
    let Ok(body) = manifest.body() else {
        return full("the live warehouse's part manifests cannot be read");
    };
    if manifest.build_key.as_deref() != Some(key) {
        return full(if body.parts.is_empty() {
            "the live warehouse has no company parts (an older iijwh built it)"
        } else {
            "schema/ or iijwh changed since the last load"
        });
    }
    if !intact {
        return full("the live warehouse's files are damaged");
    }
    if let Some(stamped) = stamped {
        return match guided(data, scan, &body.parts, stamped) {
            Ok(plan) => plan,
            Err(why) => full(why),
        };
    }
    // Each release folder of the live generation, with its company and stamp. A hash map and
    // one pass over the folders: 100,000 of them at the largest shape.
    let mut known: HashMap<&str, (&str, &str)> = HashMap::with_capacity(manifest.release_count);
    for part in &body.parts {
        for (folder, stamp) in &part.releases {
            known.insert(folder, (&part.company_id, stamp));
        }
    }
    let mut touched: BTreeSet<String> = BTreeSet::new();
    // How many of the live generation's folders are still in data/.
    let mut still = 0;
    for (folder, stamp) in &scan.releases {
        match known.get(folder.as_str()) {
            Some((_, was)) if was == stamp => {
                still += 1;
                continue;
            }
            Some((company, _)) => {
                still += 1;
                touched.insert(company.to_string());
            }
            None => {}
        }
        // A new or edited folder: the company it names now (it may have moved).
        match release_company(&data.join("releases").join(folder)) {
            Some(company) => {
                touched.insert(company);
            }
            None => return full("a release folder's release.toml cannot be read"),
        }
    }
    let some_gone = still != known.len();
    for part in &body.parts {
        let record_changed = scan.companies.get(&part.company_id) != Some(&part.stamp);
        let release_gone = some_gone
            && part
                .releases
                .keys()
                .any(|folder| !scan.releases.contains_key(folder));
        if record_changed || release_gone {
            touched.insert(part.company_id.clone());
        }
    }
    let parted: BTreeSet<&str> = body.parts.iter().map(|p| p.company_id.as_str()).collect();
    for id in scan.companies.keys() {
        if !parted.contains(id.as_str()) {
            touched.insert(id.clone());
        }
    }
    let (replaced, reused): (Vec<PartEntry>, Vec<PartEntry>) = body
        .parts
        .iter()
        .cloned()
        .partition(|p| touched.contains(&p.company_id));
    // The folders of the companies read again: those they had, and those that name them now.
    let mut read: BTreeSet<String> = BTreeSet::new();
    for (folder, stamp) in &scan.releases {
        let mine = match known.get(folder.as_str()) {
            Some((company, was)) if was == stamp => touched.contains(*company),
            _ => release_company(&data.join("releases").join(folder))
                .is_some_and(|c| touched.contains(&c)),
        };
        if mine {
            read.insert(folder.clone());
        }
    }
    Plan {
        full: None,
        touched,
        read,
        reused,
        replaced,
    }
}

/// The plan of a batch of a full load (see `crate::load::build`) made on the generation sealed
/// before it (`base`): the batch's companies and folders (`scan`, the batch's own) are read,
/// every part of `base` (the batches before, made from the same walk) is taken as it is.
pub fn batch(scan: &DataScan, base: &Manifest) -> Result<Plan> {
    Ok(Plan {
        full: None,
        touched: scan.companies.keys().cloned().collect(),
        read: scan.releases.keys().cloned().collect(),
        reused: base.body()?.parts.clone(),
        replaced: Vec::new(),
    })
}

/// `plan` after a walk the change journal guided (`load::walk_changed`): only the release
/// folders it named (`stamped`) were stamped, every other folder's stamp is the live
/// manifest's (`parts`), so only the named ones can have changed, appeared or gone. The same
/// plan as comparing every folder, without a pass over every one (100,000 at the largest
/// shape). Err: why every part must be made again.
fn guided(
    data: &Path,
    scan: &DataScan,
    parts: &[PartEntry],
    stamped: &BTreeSet<String>,
) -> std::result::Result<Plan, &'static str> {
    // The named folders the live generation held, with their company and stamp.
    let mut known: HashMap<&str, (&str, &str)> = HashMap::new();
    for part in parts {
        for (folder, stamp) in &part.releases {
            if stamped.contains(folder) {
                known.insert(folder, (&part.company_id, stamp));
            }
        }
    }
    let mut touched: BTreeSet<String> = BTreeSet::new();
    // The company each named folder there now is of.
    let mut named_now: HashMap<&str, String> = HashMap::new();
    for folder in stamped {
        let now = scan.releases.get(folder);
        match (known.get(folder.as_str()), now) {
            (Some((company, was)), Some(stamp)) if was == stamp => {
                named_now.insert(folder, company.to_string());
                continue;
            }
            // Edited or gone: its company is read again.
            (Some((company, _)), _) => {
                touched.insert(company.to_string());
            }
            (None, _) => {}
        }
        if now.is_some() {
            // A new or edited folder: the company it names now (it may have moved).
            let company = release_company(&data.join("releases").join(folder))
                .ok_or("a release folder's release.toml cannot be read")?;
            touched.insert(company.clone());
            named_now.insert(folder, company);
        }
    }
    for part in parts {
        if scan.companies.get(&part.company_id) != Some(&part.stamp) {
            touched.insert(part.company_id.clone());
        }
    }
    let parted: BTreeSet<&str> = parts.iter().map(|p| p.company_id.as_str()).collect();
    for id in scan.companies.keys() {
        if !parted.contains(id.as_str()) {
            touched.insert(id.clone());
        }
    }
    let (replaced, reused): (Vec<PartEntry>, Vec<PartEntry>) = parts
        .iter()
        .cloned()
        .partition(|p| touched.contains(&p.company_id));
    // The folders of the companies read again: the ones they had that were not named (there,
    // as they were), and the named ones there now that are theirs.
    let mut read: BTreeSet<String> = BTreeSet::new();
    for part in &replaced {
        for folder in part.releases.keys() {
            if !stamped.contains(folder) && scan.releases.contains_key(folder) {
                read.insert(folder.clone());
            }
        }
    }
    for (folder, company) in named_now {
        if touched.contains(&company) {
            read.insert(folder.to_string());
        }
    }
    Ok(Plan {
        full: None,
        touched,
        read,
        reused,
        replaced,
    })
}

/// A full load's batches (see `crate::load::build`): the companies of `scan`, in id order, cut
/// into runs of about `size` releases, each with its release folders (see `parts::batches`).
/// The release folders whose company cannot be read, or names no record, go first: the load
/// reads them first and says what is wrong.
pub fn batches(
    data: &Path,
    scan: &DataScan,
    size: usize,
) -> Vec<(BTreeSet<String>, BTreeSet<String>)> {
    let mut of_company: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for folder in scan.releases.keys() {
        match release_company(&data.join("releases").join(folder)) {
            Some(company) if scan.companies.contains_key(&company) => {
                of_company.entry(company).or_default().push(folder.clone());
            }
            _ => unplaced.push(folder.clone()),
        }
    }
    let companies = scan.companies.keys().map(|c| {
        let folders = of_company.remove(c).unwrap_or_default();
        (c.clone(), folders)
    });
    crate::warehouse::parts::batches(unplaced, companies, size)
        .into_iter()
        .map(|(companies, folders)| (companies, folders.into_iter().collect()))
        .collect()
}
