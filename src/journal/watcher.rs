//! The watcher behind `iijwh watch`: an inotify watch on every folder of data/ and schema/ (and
//! on each file a change elsewhere could reach: a symbolic link's target, a file with other
//! names), a count of the changes the kernel reports, and a Unix socket where staleness checks
//! ask for it (see `client`).
//!
//! Besides the count it keeps what each change was to, by the entry of data/ a walk stamps as
//! one (`releases/NAME`, `companies/NAME`, a top-level NAME; `*` for anything else: schema/, a
//! file watched by its own watch, a lost event), so a load can stamp only those entries (see
//! `load::walk_changed`).
//!
//! Three threads: one reads the kernel's events in order, raising the count, watching new
//! folders and marking sync cookies seen; one takes questions, a short-lived thread each; the
//! caller's waits for Ctrl-C or the idle time and removes the socket. A lost event (the kernel's
//! queue overflowed) raises the count and every folder is watched again; data/ or schema/ itself
//! removed or moved, or a folder that cannot be watched, stops the watcher, and checks walk again.

use super::{place, private, Place};
use crate::base::project::Project;
use anyhow::{bail, Context, Result};
use inotify::{EventMask, Inotify, WatchMask, Watches};
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What counts as a change: anything that could change a stamp of the staleness walk (a file's
/// size, times or inode; a name added, removed or renamed).
const CHANGES: WatchMask = WatchMask::MODIFY
    .union(WatchMask::ATTRIB)
    .union(WatchMask::CLOSE_WRITE)
    .union(WatchMask::CREATE)
    .union(WatchMask::DELETE)
    .union(WatchMask::MOVED_FROM)
    .union(WatchMask::MOVED_TO)
    .union(WatchMask::DELETE_SELF)
    .union(WatchMask::MOVE_SELF);

/// How long a sync waits for its cookie.
const PATIENCE: Duration = Duration::from_secs(3);

/// The most entries an answer names as changed; beyond, it names none and the load walks.
pub const NAMED: usize = 10_000;

/// How many generations' claims are kept (several warehouses may share one data/).
const CLAIMS: usize = 64;

/// What an answer to `sync` says (one line of JSON).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub instance: String,
    pub epoch: u64,
    /// A walk at this very count found the generation asked about current.
    pub vouched: bool,
    /// The entries of data/ changed since a walk found it current (see the module's doc);
    /// None when there was no such walk, or what changed cannot be named.
    pub changed: Option<Vec<String>>,
}

/// What the caller is told once questions are taken.
pub struct Watching {
    pub folders: usize,
    pub socket: PathBuf,
    pub roots: Vec<PathBuf>,
}

struct State {
    /// Changes seen since the watcher started.
    epoch: u64,
    /// The generations (by token) a walk found current, and the count it began at.
    claims: HashMap<String, u64>,
    /// Each entry changed since the oldest claim (all of them until the first claim; at most
    /// every entry of data/), and the count at its last change.
    changed: HashMap<String, u64>,
    /// Cookies seen and not yet answered for.
    seen: BTreeSet<u64>,
    next_cookie: u64,
    last_asked: Instant,
    /// Why the watcher can no longer vouch for anything.
    failed: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    seen: Condvar,
    instance: String,
    cookies: PathBuf,
}

/// Watch `project`'s data/ and schema/ and answer questions until `stop` is set or, with
/// `idle`, that long passes without a question; `ready` is called once questions are taken.
/// Ok: why it stopped; Err: it could not start, or could no longer vouch (then its socket is gone
/// and checks walk again).
pub fn watch(
    project: &Project,
    idle: Option<Duration>,
    stop: Arc<AtomicBool>,
    ready: impl FnOnce(&Watching),
) -> Result<String> {
    let place = place(project)?;
    prepare(&place)?;
    let inotify = Inotify::init().context("starting inotify")?;
    let cookie_watch = inotify
        .watches()
        .add(
            &place.cookies,
            WatchMask::CREATE | WatchMask::DELETE_SELF | WatchMask::MOVE_SELF,
        )
        .with_context(|| format!("watching {}", place.cookies.display()))?;
    let mut tree = Tree {
        watches: inotify.watches(),
        paths: HashMap::new(),
        roots: place.roots.clone(),
        files: BTreeSet::new(),
    };
    for root in place.roots.clone() {
        tree.add(&root)?;
    }
    let folders = tree.paths.len();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            epoch: 0,
            claims: HashMap::new(),
            changed: HashMap::new(),
            seen: BTreeSet::new(),
            next_cookie: 0,
            last_asked: Instant::now(),
            failed: None,
        }),
        seen: Condvar::new(),
        instance: format!("{}-{nanos}", std::process::id()),
        cookies: place.cookies.clone(),
    });
    let listener = UnixListener::bind(&place.socket)
        .with_context(|| format!("listening at {}", place.socket.display()))?;
    {
        let shared = shared.clone();
        let cookie = cookie_watch.get_watch_descriptor_id();
        std::thread::spawn(move || follow(inotify, tree, cookie, &shared));
    }
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || answer(stream, &shared));
            }
        });
    }
    ready(&Watching {
        folders,
        socket: place.socket.clone(),
        roots: place.roots.clone(),
    });
    let outcome = loop {
        std::thread::sleep(Duration::from_millis(100));
        let state = shared.state.lock().expect("watcher state");
        if let Some(why) = &state.failed {
            break Err(anyhow::anyhow!("the watcher stopped: {why}"));
        }
        if stop.load(Ordering::SeqCst) {
            break Ok("stopped".to_string());
        }
        if let Some(idle) = idle.filter(|idle| state.last_asked.elapsed() >= *idle) {
            break Ok(format!("stopped: no question for {} s", idle.as_secs()));
        }
    };
    // Questions asked from now on find no socket, and walk.
    let _ = std::fs::remove_file(&place.socket);
    let _ = std::fs::remove_dir_all(&place.cookies);
    outcome
}

/// The place's folder (this user's alone), no other watcher of the same folders, a fresh
/// cookie folder.
fn prepare(place: &Place) -> Result<()> {
    match std::fs::DirBuilder::new().mode(0o700).create(&place.dir) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
            return Err(e).with_context(|| format!("making {}", place.dir.display()))
        }
        _ => {}
    }
    if !private(&place.dir) {
        bail!(
            "{} is not a folder of yours alone (mode 700): anyone who can write there could \
             answer for the watcher; remove it or set XDG_RUNTIME_DIR to a folder of yours",
            place.dir.display()
        );
    }
    if UnixStream::connect(&place.socket).is_ok() {
        bail!(
            "a watcher of {} already runs (its socket: {})",
            place.roots[0].display(),
            place.socket.display()
        );
    }
    // A socket left by a watcher that stopped without removing it.
    let _ = std::fs::remove_file(&place.socket);
    let _ = std::fs::remove_dir_all(&place.cookies);
    std::fs::create_dir(&place.cookies)
        .with_context(|| format!("making {}", place.cookies.display()))
}

/// The watches of data/ and schema/, by the folder (or file) each is on.
struct Tree {
    watches: Watches,
    paths: HashMap<i32, PathBuf>,
    roots: Vec<PathBuf>,
    /// The watches on files (not folders): a file with several names is watched once, under
    /// one of them, so what its events change is not named.
    files: BTreeSet<i32>,
}

impl Tree {
    /// Watch `path` and everything below it that needs a watch of its own: every folder, and
    /// every file a change could reach without an event in its folder (a symbolic link's target,
    /// a file with other names elsewhere). A path gone meanwhile needs none.
    fn add(&mut self, path: &Path) -> Result<()> {
        let meta = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            other => other.with_context(|| format!("reading {}", path.display()))?,
        };
        let is_dir = meta.file_type().is_dir();
        if !is_dir && !meta.file_type().is_symlink() && meta.nlink() < 2 {
            return Ok(());
        }
        let watch = match self.watches.add(path, CHANGES) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => bail!(
                "watching {} needs more inotify watches than this user may have ({} so far; \
                 raise fs.inotify.max_user_watches)",
                path.display(),
                self.paths.len()
            ),
            other => other.with_context(|| format!("watching {}", path.display()))?,
        };
        let id = watch.get_watch_descriptor_id();
        self.paths.insert(id, path.to_path_buf());
        if !is_dir {
            self.files.insert(id);
        }
        if is_dir {
            let entries = match std::fs::read_dir(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                other => other.with_context(|| format!("reading {}", path.display()))?,
            };
            for entry in entries {
                self.add(&entry?.path())?;
            }
        }
        Ok(())
    }

    fn is_root(&self, id: i32) -> bool {
        self.paths.get(&id).is_some_and(|p| self.roots.contains(p))
    }

    /// The entry of data/ an event of watch `id` about `name` changed (see the module's doc).
    fn entry(&self, id: i32, name: Option<&OsString>) -> String {
        let everything = "*".to_string();
        let Some(dir) = self.paths.get(&id).filter(|_| !self.files.contains(&id)) else {
            return everything;
        };
        let path = match name {
            Some(name) => dir.join(name),
            None => dir.clone(),
        };
        // data/ is the first root; schema/ changes everything.
        let Ok(below) = path.strip_prefix(&self.roots[0]) else {
            return everything;
        };
        let parts: Option<Vec<&str>> = below.iter().map(|c| c.to_str()).collect();
        match parts.as_deref() {
            Some([group @ ("releases" | "companies"), name, ..]) => format!("{group}/{name}"),
            Some([name, ..]) if !matches!(*name, "releases" | "companies") => name.to_string(),
            _ => everything,
        }
    }
}

/// Read the kernel's events in order: every one raises the count, except the cookies', which
/// are marked seen after the events queued before them were counted.
fn follow(mut inotify: Inotify, mut tree: Tree, cookie: i32, shared: &Shared) {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let events: Vec<(i32, EventMask, Option<OsString>)> =
            match inotify.read_events_blocking(&mut buffer) {
                Ok(events) => events
                    .map(|e| {
                        let id = e.wd.get_watch_descriptor_id();
                        (id, e.mask, e.name.map(|n| n.to_os_string()))
                    })
                    .collect(),
                Err(e) => {
                    fail(shared, format!("reading the kernel's events failed: {e}"));
                    return;
                }
            };
        let (mut cookies, mut failed) = (Vec::new(), None);
        let mut entries = Vec::new();
        for (id, mask, name) in events {
            if id == cookie {
                if mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF) {
                    failed = Some("its cookie folder was removed".to_string());
                }
                cookies.extend(name.and_then(|n| n.to_str()?.parse::<u64>().ok()));
                continue;
            }
            entries.push(tree.entry(id, name.as_ref()));
            let outcome = if mask.contains(EventMask::Q_OVERFLOW) {
                // Events were lost, new folders among them perhaps: watch every folder again
                // (a folder watched already keeps its watch).
                tree.roots
                    .clone()
                    .iter()
                    .try_for_each(|root| tree.add(root))
            } else if mask.contains(EventMask::IGNORED) {
                tree.paths.remove(&id);
                Ok(())
            } else if mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF)
                && tree.is_root(id)
            {
                Err(anyhow::anyhow!(
                    "{} was removed or moved",
                    tree.paths[&id].display()
                ))
            } else if mask.intersects(EventMask::CREATE | EventMask::MOVED_TO) {
                // A folder made or moved in (its watches, under their new names), a link made.
                match (tree.paths.get(&id).cloned(), name) {
                    (Some(dir), Some(name)) => tree.add(&dir.join(name)),
                    _ => Ok(()),
                }
            } else {
                Ok(())
            };
            if let Err(e) = outcome {
                failed = Some(crate::base::error_message(&e));
            }
        }
        {
            let mut state = shared.state.lock().expect("watcher state");
            for entry in entries {
                state.epoch += 1;
                // Kept even with no claim yet: a walk under way may claim an earlier count.
                let epoch = state.epoch;
                state.changed.insert(entry, epoch);
            }
            state.seen.extend(cookies.iter().copied());
            if failed.is_some() {
                state.failed = failed.clone();
            }
        }
        shared.seen.notify_all();
        for n in cookies {
            let _ = std::fs::remove_file(shared.cookies.join(n.to_string()));
        }
        if failed.is_some() {
            return;
        }
    }
}

fn fail(shared: &Shared, why: String) {
    shared.state.lock().expect("watcher state").failed = Some(why);
    shared.seen.notify_all();
}

/// Answer one question: `sync [TOKEN]`, or `clean INSTANCE EPOCH TOKEN`.
fn answer(stream: UnixStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(PATIENCE));
    let _ = stream.set_write_timeout(Some(PATIENCE));
    let mut line = String::new();
    if BufReader::new((&stream).take(4096))
        .read_line(&mut line)
        .is_err()
    {
        return;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let reply = match words[..] {
        ["sync"] => sync(shared, None).unwrap_or_else(|e| format!("error {e}")),
        ["sync", token] => sync(shared, Some(token)).unwrap_or_else(|e| format!("error {e}")),
        ["clean", instance, epoch, token] if instance == shared.instance => {
            let mut state = shared.state.lock().expect("watcher state");
            state.last_asked = Instant::now();
            match epoch.parse::<u64>() {
                Ok(epoch) if epoch <= state.epoch && token.len() <= 128 => {
                    claim(&mut state, token, epoch);
                    "ok".to_string()
                }
                _ => "error no such count".to_string(),
            }
        }
        _ => "error unknown question".to_string(),
    };
    let _ = (&stream).write_all(format!("{reply}\n").as_bytes());
}

/// The count once every event queued before this question was counted: a cookie file is made
/// and its event waited for (the kernel queues a watcher's events in the order they happen).
fn sync(shared: &Shared, token: Option<&str>) -> Result<String> {
    let n = {
        let mut state = shared.state.lock().expect("watcher state");
        state.last_asked = Instant::now();
        state.next_cookie += 1;
        state.next_cookie
    };
    std::fs::write(shared.cookies.join(n.to_string()), b"")?;
    let state = shared.state.lock().expect("watcher state");
    let (mut state, _) = shared
        .seen
        .wait_timeout_while(state, PATIENCE, |s| {
            !s.seen.contains(&n) && s.failed.is_none()
        })
        .expect("watcher state");
    if let Some(why) = &state.failed {
        bail!("{why}");
    }
    if !state.seen.remove(&n) {
        bail!("its cookie was not seen in time");
    }
    let since = token.and_then(|t| state.claims.get(t)).copied();
    let changed = since.and_then(|since| {
        let named: Vec<String> = state
            .changed
            .iter()
            .filter(|(_, at)| **at > since)
            .map(|(entry, _)| entry.clone())
            .take(NAMED + 1)
            .collect();
        (named.len() <= NAMED && !named.iter().any(|e| e == "*")).then_some(named)
    });
    let answer = Answer {
        instance: shared.instance.clone(),
        epoch: state.epoch,
        vouched: since == Some(state.epoch),
        changed,
    };
    Ok(serde_json::to_string(&answer)?)
}

/// Keep the claim that a walk begun at count `epoch` found the generation `token` current:
/// the newest claims, and what changed since the oldest of them.
fn claim(state: &mut State, token: &str, epoch: u64) {
    state.claims.insert(token.to_string(), epoch);
    while state.claims.len() > CLAIMS {
        let oldest = state
            .claims
            .iter()
            .min_by_key(|(_, at)| **at)
            .map(|(t, _)| t.clone())
            .expect("claims");
        state.claims.remove(&oldest);
    }
    let oldest = state.claims.values().min().copied().unwrap_or(epoch);
    state.changed.retain(|_, at| *at > oldest);
}
