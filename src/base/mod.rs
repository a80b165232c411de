//! The ground floor: where things live (`project`) and small helpers with no domain in them (hex,
//! SQL literals, folders written aside then renamed in, phase timing). Everything may import
//! this; it imports nothing of iijwh.

pub mod project;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Lower-case hex of bytes (SHA-256 digests in manifests and release.toml).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A SQL string literal.
pub fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Files directly in `dir` with the given extension, sorted by name.
pub fn files_with_ext(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_file() && path.extension().is_some_and(|e| e == ext) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The most iijwh reads of one input file or stream (a release text, a table CSV, a SQL script):
/// real ones are kilobytes; this keeps `/dev/zero` or a mistaken 10 GB file from filling memory.
pub const MAX_INPUT_BYTES: u64 = 32 << 20;

/// The bytes of a regular file of at most `MAX_INPUT_BYTES` (links followed). A device, pipe,
/// folder or larger file is refused with a message naming it: reading one could block or grow
/// without end.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!(
            "{}: not a regular file (a folder, device or pipe); iijwh reads only regular files",
            path.display()
        );
    }
    too_big(path.display().to_string(), meta.len())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .with_context(|| format!("reading {}", path.display()))?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    too_big(path.display().to_string(), bytes.len() as u64)?;
    Ok(bytes)
}

/// A regular file's text (UTF-8), bounded as `read_bounded`.
pub fn read_text_bounded(path: &Path) -> Result<String> {
    String::from_utf8(read_bounded(path)?)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text; save it as UTF-8", path.display()))
}

/// All of stdin as text, at most `MAX_INPUT_BYTES`.
pub fn read_stdin_bounded() -> Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .context("reading stdin")?;
    too_big("stdin".to_string(), bytes.len() as u64)?;
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("stdin: not UTF-8 text"))
}

fn too_big(what: String, len: u64) -> Result<()> {
    if len > MAX_INPUT_BYTES {
        anyhow::bail!(
            "{what}: more than {} MiB; iijwh reads inputs of at most that size (is it the right file?)",
            MAX_INPUT_BYTES >> 20
        );
    }
    Ok(())
}

/// Drop `value` on a thread of its own: a manifest of every release (100,000 at the largest
/// shape) takes ~20 ms to free, which a command need not wait for (a command's process may end
/// before it is done: then the OS takes the memory back).
pub fn drop_aside<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// A folder written aside, as `.NAME.tmp-PID` beside its target, and renamed into place by
/// `commit`: readers see the old folder or the whole new one, never half of it. Dropped without
/// `commit` (an error, a panic), the half-written folder is removed. The one way load, export and
/// `release new` write a folder.
pub struct StagedDir {
    path: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagedDir {
    pub fn new(target: &Path) -> Result<StagedDir> {
        let name = target
            .file_name()
            .with_context(|| format!("{} needs a folder name", target.display()))?
            .to_string_lossy()
            .to_string();
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
        remove_dead_staging(parent);
        let path = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(StagedDir {
            path,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sync, then rename into place; a folder already there is moved aside first and removed last.
    pub fn commit(mut self) -> Result<PathBuf> {
        sync_dir(&self.path)?;
        let parent = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let old = parent.join(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        let replaced = self.target.exists();
        if replaced {
            std::fs::rename(&self.target, &old)?;
        }
        std::fs::rename(&self.path, &self.target)?;
        self.committed = true;
        sync_dir(&parent)?;
        if replaced {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Staging folders (`.NAME.tmp-PID`) left by a process that was killed are removed.
fn remove_dead_staging(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix('.')
            .and_then(|rest| rest.rsplit_once(".tmp-"))
            .map(|(_, pid)| pid.to_string())
        else {
            continue;
        };
        if pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(&pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Wall time per phase, for `load --timings` and the benchmark.
pub struct Phases(
    pub Vec<(&'static str, std::time::Duration)>,
    std::time::Instant,
);

impl Phases {
    pub fn start() -> Phases {
        Phases(Vec::new(), std::time::Instant::now())
    }

    pub fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.0.push((name, now - self.1));
        self.1 = now;
    }

    /// One line a phase on stderr (`--timings`).
    pub fn print(&self) {
        for (phase, time) in &self.0 {
            eprintln!("{:>8.1} ms  {phase}", time.as_secs_f64() * 1000.0);
        }
    }
}

/// The one place a DuckDB connection is opened: in memory, or on a database file (read-only for
/// a generation's catalog, read-write while the load writes it). Tuned for small data: no worker
/// threads (a release is a few hundred rows, and handing work between threads costs more than it
/// saves; see `duckdb_config`) and no extension auto-install (nothing may be downloaded). The
/// warehouse adds its sandbox.
pub fn open_duckdb() -> Result<duckdb::Connection> {
    Ok(duckdb::Connection::open_in_memory_with_flags(
        duckdb_config()?,
    )?)
}

/// A DuckDB database file, read-only or read-write.
pub fn open_duckdb_file(path: &Path, read_only: bool) -> Result<duckdb::Connection> {
    let mode = if read_only {
        duckdb::AccessMode::ReadOnly
    } else {
        duckdb::AccessMode::ReadWrite
    };
    let mut config = duckdb_config()?.access_mode(mode)?;
    if read_only {
        // DuckDB spills to `<file>.tmp` beside the database: for a generation's catalog, inside
        // the live warehouse. A read-only session spills nowhere; what does not fit fails.
        config = config.with("temp_directory", "")?;
        // A session of the catalog may scan every company's rows (the figures search, a sum
        // over figures: ~40 million rows at 100,000 releases): DuckDB's own workers, one a core,
        // beside the thread that asks. The load's sessions keep none (see STATEMENT_THREADS).
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        config = config
            .threads(cores as i64)?
            .with("external_threads", "1")?;
    }
    duckdb::Connection::open_with_flags(path, config)
        .with_context(|| format!("opening {}", path.display()))
}

/// Threads that run statements: iijwh's own (the load runs up to three sessions at once), all
/// "external", so DuckDB starts no worker thread. Three, not one: DuckDB gives each hash
/// aggregate a first table of 262,144 entries (2 MiB, zeroed) with up to two threads and of 32,768
/// above, and the load runs dozens of GROUP BYs over a few hundred rows (load: -27% page faults,
/// -10% CPU).
const STATEMENT_THREADS: i64 = 3;

fn duckdb_config() -> Result<duckdb::Config> {
    Ok(duckdb::Config::default()
        .threads(STATEMENT_THREADS)?
        .with("external_threads", STATEMENT_THREADS.to_string())?
        .with("autoinstall_known_extensions", "false")?)
}

/// An error with its causes, one paragraph, leaving out DuckDB's generic "Error code 1: Unknown
/// error code".
pub fn error_message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !cause.contains("Unknown error code") && !text.contains(&cause) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    text
}

/// `-14007.5` -> `-14,007.5`.
pub fn group_thousands(raw: &str) -> String {
    let (sign, digits) = raw.strip_prefix('-').map_or(("", raw), |d| ("-", d));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    if !int.bytes().all(|b| b.is_ascii_digit()) {
        return raw.to_string();
    }
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--quiet`: no progress bars or notes on stderr.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// A note for people on stderr (what is being done and why), unless `--quiet`.
pub fn note(text: &str) {
    if !quiet() {
        eprintln!("{text}");
    }
}

/// A progress bar on stderr for work of `len` steps: only on a terminal, never in pipes or with
/// `--quiet` (then it draws nothing).
pub fn progress(len: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet() || !std::io::stderr().is_terminal() || len < 50 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_string());
    bar
}

/// Refuse a load whose input has `problems`, listing the first 20 of them under "N WHAT; nothing
/// was loaded" (`what` counts them: "row(s) name an unknown concept"); Ok when there are none.
pub fn refuse_listing(problems: &[String], what: &str) -> anyhow::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let shown = problems.len().min(20);
    anyhow::bail!(
        "{} {what}; nothing was loaded:\n  {}{}",
        problems.len(),
        problems[..shown].join("\n  "),
        if problems.len() > shown {
            format!("\n  ... and {} more", problems.len() - shown)
        } else {
            String::new()
        }
    )
}
