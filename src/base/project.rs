//! Where things live: the project root (schema/, queries/), the data folder and the warehouse.
//! Every path is made absolute against the working directory once, here, at start; every message
//! shows it that way. The guards keep commands other than `load` from writing into data/, the
//! warehouse or the project's own folders.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Resolved locations for one invocation, all absolute.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub data: PathBuf,
    pub warehouse: PathBuf,
}

impl Project {
    /// The root is `IIJWH_HOME`, else the nearest ancestor of the working directory holding
    /// `schema/VERSION`; outside a project iijwh refuses with a hint rather than guessing.
    pub fn locate(data: Option<PathBuf>, warehouse: Option<PathBuf>) -> Result<Self> {
        let root = match std::env::var_os("IIJWH_HOME") {
            Some(home) if !home.is_empty() => {
                let home = absolute(Path::new(&home))?;
                if !home.join("schema").join("VERSION").is_file() {
                    bail!(
                        "IIJWH_HOME is {}, which holds no schema/VERSION: point it at an iijwh \
                         project folder (the one with schema/ and queries/)",
                        home.display()
                    );
                }
                home
            }
            _ => match find_root() {
                Some(root) => root,
                None => bail!(
                    "no iijwh project here: neither {} nor a folder above it holds schema/VERSION; \
                     run iijwh from a project folder or set IIJWH_HOME to one",
                    std::env::current_dir()
                        .map(|d| d.display().to_string())
                        .unwrap_or_else(|_| "the working directory".into())
                ),
            },
        };
        let data = match data {
            Some(d) => absolute(&d)?,
            None => root.join("data"),
        };
        let warehouse = match warehouse {
            Some(w) => absolute(&w)?,
            None => root.join("warehouse"),
        };
        let project = Project {
            data,
            warehouse,
            root,
        };
        project.check_apart()?;
        Ok(project)
    }

    /// The warehouse is built output and may be replaced: it must not share a folder with data/,
    /// schema/ or queries/, nor hold the project.
    fn check_apart(&self) -> Result<()> {
        let wh = resolved(&self.warehouse)?;
        let root = resolved(&self.root)?;
        if root.starts_with(&wh) {
            bail!(
                "the warehouse folder {} is or holds the project at {}: give --warehouse (or \
                 IIJWH_WAREHOUSE) a folder of its own, such as {}",
                self.warehouse.display(),
                root.display(),
                root.join("warehouse").display()
            );
        }
        for (dir, what) in [
            (&self.data, "the data folder"),
            (&self.schema_dir(), "the schema folder"),
            (&self.queries_dir(), "the reports folder"),
        ] {
            let dir = resolved(dir)?;
            if wh.starts_with(&dir) || dir.starts_with(&wh) {
                bail!(
                    "the warehouse folder {} overlaps {what} {}: the warehouse is rebuilt and \
                     replaced, so give it a folder of its own",
                    self.warehouse.display(),
                    dir.display()
                );
            }
        }
        // A warehouse holds only what loads write there. Anything else (releases/, companies/:
        // --data and --warehouse swapped) means it is not one, and nothing is written into it.
        if let Ok(entries) = std::fs::read_dir(&wh) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if !is_warehouse_entry(&name) {
                    bail!(
                        "{} does not look like an iijwh warehouse: it holds `{name}`{}; give \
                         --warehouse (or IIJWH_WAREHOUSE) a new or empty folder, or the one \
                         `iijwh load` made",
                        self.warehouse.display(),
                        if name == "releases" || name == "companies" {
                            ", as a data folder does (were --data and --warehouse swapped?)"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        let data = resolved(&self.data)?;
        if ["current", "generations"]
            .iter()
            .any(|n| std::fs::symlink_metadata(data.join(n)).is_ok())
            && !data.join("releases").is_dir()
        {
            bail!(
                "the data folder {} holds a warehouse (current, generations/), not releases/: \
                 were --data and --warehouse swapped?",
                self.data.display()
            );
        }
        Ok(())
    }

    pub fn schema_dir(&self) -> PathBuf {
        self.root.join("schema")
    }

    /// The reference tables every company shares (units, standard concepts).
    pub fn reference_dir(&self) -> PathBuf {
        self.schema_dir().join("reference")
    }

    pub fn queries_dir(&self) -> PathBuf {
        self.root.join("queries")
    }

    /// Where the schema catalog is cached: beside the warehouse it describes.
    pub fn catalog_cache(&self) -> PathBuf {
        self.warehouse.join(".schema-cache.json")
    }

    pub fn checks_dir(&self) -> PathBuf {
        self.schema_dir().join("checks")
    }

    /// Folders no command but `load` may write into, with what each is.
    fn protected(&self) -> Vec<(PathBuf, &'static str)> {
        vec![
            (self.data.clone(), "the data folder"),
            (self.warehouse.clone(), "the warehouse"),
            (self.schema_dir(), "the schema folder"),
            (self.queries_dir(), "the reports folder"),
        ]
    }

    /// Refuse a folder that a command would replace or fill when it is, contains or lies inside
    /// data/, the warehouse, schema/ or queries/, or is or contains the project root.
    pub fn guard_output_dir(&self, target: &Path) -> Result<()> {
        let target = resolved(target)?;
        let root = resolved(&self.root)?;
        if root.starts_with(&target) {
            bail!(
                "refusing to write into {}: it is or holds the iijwh project at {}; choose a new \
                 folder such as {}",
                target.display(),
                root.display(),
                root.join("export").display()
            );
        }
        for (dir, what) in self.protected() {
            let dir = resolved(&dir)?;
            if target.starts_with(&dir) || dir.starts_with(&target) {
                bail!(
                    "refusing to write into {}: it {} {what} ({}); only `iijwh load` writes there. \
                     Choose a folder outside it",
                    target.display(),
                    if target.starts_with(&dir) {
                        if target == dir {
                            "is"
                        } else {
                            "lies inside"
                        }
                    } else {
                        "holds"
                    },
                    dir.display()
                );
            }
        }
        Ok(())
    }

    /// Refuse an output file inside data/, the warehouse, schema/ or queries/, links followed
    /// (dangling ones too). Returns the place the file would be written: write there, not to
    /// `file`, so a link swapped in afterwards is not followed (see `create_output_file`).
    pub fn guard_output_file(&self, file: &Path) -> Result<PathBuf> {
        let file = resolved(file)?;
        for (dir, what) in self.protected() {
            let dir = resolved(&dir)?;
            if file.starts_with(&dir) {
                bail!(
                    "refusing to write {}: it lies inside {what} ({}); only `iijwh load` writes \
                     there. Write the output elsewhere",
                    file.display(),
                    dir.display()
                );
            }
        }
        if std::fs::metadata(&file).is_ok_and(|m| !m.is_file()) {
            bail!(
                "refusing to write {}: it is not a regular file (a folder, device or pipe); \
                 name a file",
                file.display()
            );
        }
        Ok(file)
    }

    /// Create (or truncate) an output file that `guard_output_file` allows, at the place it
    /// resolved, never following a link there.
    pub fn create_output_file(&self, file: &Path) -> Result<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let target = self.guard_output_file(file)?;
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&target)
            .with_context(|| format!("creating {}", target.display()))
    }
}

/// `path` made absolute against the working directory, with `.` and `..` folded the way a shell
/// folds them (without touching the file system): `input/../wh` from /tmp is /tmp/wh.
pub fn absolute(path: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for part in std::path::absolute(path)?.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

/// `path` with every symbolic link followed, dangling ones included, and `..` folded after the
/// link it follows: the place a write to `path` would land, even when it does not exist yet (a
/// link whose target is missing would otherwise pass a guard and then create its target).
pub fn resolved(path: &Path) -> Result<PathBuf> {
    use std::ffi::OsString;
    use std::path::Component;
    let mut pending: Vec<OsString> = Vec::new();
    let push = |pending: &mut Vec<OsString>, p: &Path| {
        for c in p.components().rev() {
            match c {
                Component::Normal(s) => pending.push(s.to_os_string()),
                Component::ParentDir => pending.push("..".into()),
                _ => {}
            }
        }
    };
    push(&mut pending, &std::path::absolute(path)?);
    let mut out = PathBuf::from("/");
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        if part == ".." {
            out.pop();
            continue;
        }
        let next = out.join(&part);
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.file_type().is_symlink() => {
                hops += 1;
                if hops > 40 {
                    bail!("{}: too many symbolic links", path.display());
                }
                let target = std::fs::read_link(&next)?;
                if target.is_absolute() {
                    out = PathBuf::from("/");
                }
                push(&mut pending, &target);
            }
            _ => out = next,
        }
    }
    Ok(out)
}

/// What a load may leave in a warehouse folder (see `crate::warehouse`): the live link, the
/// generations, the load lock, the schema cache, the load catalog and a link being swapped in.
fn is_warehouse_entry(name: &str) -> bool {
    matches!(
        name,
        "current" | "generations" | ".load.lock" | ".schema-cache.json"
    ) || [".schema-cache-", ".load-catalog-", ".current-"]
        .iter()
        .any(|p| name.starts_with(p))
}

fn find_root() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    cwd.ancestors()
        .find(|dir| dir.join("schema").join("VERSION").is_file())
        .map(Path::to_path_buf)
}
