//! The watcher behind `iijwh watch`: an inotify watch on every folder of data/ and schema/ (and
//! on each file a change elsewhere could reach: a symbolic link's target, a file with other
//! names), a count of the changes the kernel reports, and a Unix socket where staleness checks
//! ask for it (see `client`).
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

/// What the caller is told once questions are taken.
pub struct Watching {
    pub folders: usize,
    pub socket: PathBuf,
    pub roots: Vec<PathBuf>,
}

struct State {
    /// Changes seen since the watcher started.
    epoch: u64,
    /// The generations (by token) a walk found current, and the count it began at; those of
    /// older counts are dropped at the next change.
    clean: HashMap<String, u64>,
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
            clean: HashMap::new(),
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
        self.paths
            .insert(watch.get_watch_descriptor_id(), path.to_path_buf());
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
        let (mut changes, mut cookies, mut failed) = (0, Vec::new(), None);
        for (id, mask, name) in events {
            if id == cookie {
                if mask.intersects(EventMask::DELETE_SELF | EventMask::MOVE_SELF) {
                    failed = Some("its cookie folder was removed".to_string());
                }
                cookies.extend(name.and_then(|n| n.to_str()?.parse::<u64>().ok()));
                continue;
            }
            changes += 1;
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
            state.epoch += changes;
            if changes > 0 {
                let epoch = state.epoch;
                state.clean.retain(|_, at| *at == epoch);
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
                // A claim of an older count is void already; a bounded number are kept.
                Ok(epoch) if epoch == state.epoch && token.len() <= 128 => {
                    if state.clean.len() < 64 {
                        state.clean.insert(token.to_string(), epoch);
                    }
                    "ok".to_string()
                }
                Ok(_) => "ok void".to_string(),
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
    let vouched = token.and_then(|t| state.clean.get(t)) == Some(&state.epoch);
    Ok(format!(
        "synced {} {} {}",
        shared.instance,
        state.epoch,
        if vouched { "yes" } else { "no" }
    ))
}
