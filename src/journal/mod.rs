//! The change journal of data/ and schema/: `iijwh watch` (see `watcher`) holds an inotify watch
//! on each of their folders and counts every change the kernel reports. A staleness check asks
//! it (see `client`) whether anything changed since a walk that found a generation current, and
//! skips its own walk, a `stat` per file (~1.2 s at 100,000 releases), when nothing did. Without
//! a watcher, or at any doubt (no answer, a folder not this user's alone, another watcher), the
//! check walks as before: the journal only ever saves a walk, it never answers for one.
//!
//! Who may call it: warehouse (staleness), load (a load with nothing to do; vouching for the
//! generation it made) and cmd/watch.rs (the watcher). It imports only base.

pub mod client;
pub mod watcher;

pub use client::{sync, Synced};

use crate::base::hex;
use crate::base::project::Project;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Where the watcher of one data/ and schema/ listens and leaves its sync cookies: in a folder
/// only this user may enter, since whoever could put a socket there could answer "nothing
/// changed".
pub struct Place {
    pub dir: PathBuf,
    pub socket: PathBuf,
    pub cookies: PathBuf,
    /// data/ and schema/, resolved: what the watcher watches and the place is named after.
    pub roots: Vec<PathBuf>,
}

/// The place of `project`'s watcher: `$XDG_RUNTIME_DIR/iijwh-UID/`, else the temporary
/// folder's, named by a hash of the resolved data/ and schema/ (a socket path is limited to
/// 108 bytes, so not the paths themselves).
pub fn place(project: &Project) -> Result<Place> {
    let mut roots = Vec::new();
    for dir in [&project.data, &project.schema_dir()] {
        roots.push(
            std::fs::canonicalize(dir).with_context(|| format!("reading {}", dir.display()))?,
        );
    }
    let mut hasher = Sha256::new();
    for root in &roots {
        hasher.update(root.as_os_str().as_bytes());
        hasher.update([0]);
    }
    let key = hex(&hasher.finalize())[..20].to_string();
    let base = dirs::runtime_dir().unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("iijwh-{}", user()));
    Ok(Place {
        socket: dir.join(format!("{key}.sock")),
        cookies: dir.join(format!("{key}.cookies")),
        dir,
        roots,
    })
}

/// The effective user id: the owner the place's folder must have.
fn user() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Whether `dir` is a real folder (not a link) of this user's that no one else may enter.
pub fn private(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir)
        .is_ok_and(|m| m.file_type().is_dir() && m.uid() == user() && m.mode() & 0o077 == 0)
}
