//! The sandbox of a session that runs someone else's SQL (`query`, `repl`, `chart`, `diff`, the
//! web page): no file read or written, the configuration locked, the few functions that bypass
//! the lock refused by name, and, for the web page's ad-hoc SQL, one query within bounds of rows,
//! bytes and time (`query_bounded`), checked by DuckDB's own parser.
//!
//! Who may call it: the rest of `warehouse` (re-exported: `Bounds`, `Bounded`).

use super::{QueryResult, Warehouse};
use anyhow::{bail, Context, Result};

impl Warehouse {
    /// Confine SQL to the warehouse's tables: no file may be read but the generation's own (its
    /// catalog's views read them) and none written (DuckDB's allowed directories do not tell a
    /// read from a write, so the statements that write files are refused first, see
    /// `refusal`), no persistent secrets, no extension installs, and the configuration locked so
    /// SQL cannot undo it.
    pub fn sandbox(&mut self) -> Result<()> {
        self.sandboxed = true;
        // Set while external access is still on: DuckDB takes no allowed directory after.
        let mut folder = self.dir.to_string_lossy().to_string();
        if !folder.ends_with('/') {
            folder.push('/');
        }
        self.conn
            .execute_batch(&format!(
                "SET allowed_directories = [{}];
                 SET enable_external_access = false;
                 SET allow_persistent_secrets = false;
                 SET autoinstall_known_extensions = false;
                 SET autoload_known_extensions = false;
                 SET lock_configuration = true;",
                crate::base::sql_string(&folder)
            ))
            .context("restricting SQL to the warehouse")
    }

    /// Cap the memory this session's statements may use (the web page's per-request bound); set
    /// before `sandbox` locks the configuration.
    pub fn limit_memory(&self, mib: u64) -> Result<()> {
        self.conn
            .execute_batch(&format!("SET memory_limit = '{mib}MiB';"))
            .context("limiting the session's memory")
    }
}

/// Why sandboxed SQL may not run, when it calls one of the DuckDB functions that change the
/// database's state past its locked configuration: `enable_logging` and its kin (which switch
/// logging to a file the sandbox then refuses to write, failing every later statement and
/// aborting the process at exit), or `query`/`query_table`, which run SQL built from strings and
/// so could reach them unseen. Found by name anywhere in the text, quotes and case aside.
pub(super) fn refusal(sql: &str) -> Option<String> {
    writes_files(sql).or_else(|| calls_refused(sql))
}

/// The statements that write a file or load code (COPY ... TO, EXPORT DATABASE, ATTACH and its
/// kin): the session may read the generation's folder, so one of these could write into the live
/// warehouse. Found by word outside literals and comments (`schema::sqlfile::words`), and only
/// when DuckDB's parser finds as many statements as those words do, so no quoting the words do
/// not know (dollar quotes, nested comments) can hide one: text they disagree on is refused too.
fn writes_files(sql: &str) -> Option<String> {
    const WRITERS: [&str; 9] = [
        "copy",
        "export",
        "import",
        "attach",
        "detach",
        "install",
        "load",
        "checkpoint",
        "vacuum",
    ];
    let words = crate::schema::sqlfile::words(sql);
    if let Some(w) = words.iter().find(|w| WRITERS.contains(&w.as_str())) {
        return Some(format!(
            "Permission Error: the sandbox does not run {}: it writes files or loads code, and \
             this session reads the live warehouse's folder; use `iijwh export` for files, or \
             `iijwh query --allow-external`",
            w.to_uppercase()
        ));
    }
    // Only dollar quotes, backslash escapes and nested comments can make the words and DuckDB
    // disagree; DuckDB's parser (a DuckDB of its own, a few ms to start) is asked then only.
    // (Compiled only for text with a `$`: building it costs more than a short statement.)
    static DOLLAR_QUOTE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let dollar =
        || DOLLAR_QUOTE.get_or_init(|| regex::Regex::new(r"\$\w*\$").expect("a valid pattern"));
    let quoted = sql.contains('$') && dollar().is_match(sql);
    if !quoted && !sql.contains('\\') && sql.matches("/*").count() < 2 {
        return None;
    }
    let counted = words
        .split(|w| w == ";")
        .filter(|statement| !statement.is_empty())
        .count();
    match statement_count(sql) {
        // DuckDB says what is wrong with text it cannot parse, when it is run.
        Err(_) => None,
        Ok(n) if n == counted => None,
        Ok(_) => Some(
            "Permission Error: the sandbox cannot tell where these statements end (dollar \
             quotes or nested comments); write them with plain quotes and comments"
                .to_string(),
        ),
    }
}

/// Calls of the functions that bypass the locked configuration or run SQL from text.
fn calls_refused(sql: &str) -> Option<String> {
    const REFUSED: [&str; 5] = [
        "enable_logging",
        "disable_logging",
        "truncate_duckdb_logs",
        "query",
        "query_table",
    ];
    let text = sql.replace('"', "");
    // Names are matched in ASCII case, as DuckDB reads them; text naming none of them needs no
    // pattern (building it takes ~1.5 million instructions, 3% of a short statement's run).
    let lower = text.to_ascii_lowercase();
    if !REFUSED.iter().any(|name| lower.contains(name)) {
        return None;
    }
    static CALLS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let calls = CALLS.get_or_init(|| {
        regex::Regex::new(&format!(r"(?i-u)\b({})\s*\(", REFUSED.join("|")))
            .expect("a valid pattern")
    });
    calls.find(&text).map(|m| {
        format!(
            "Permission Error: the sandbox does not run {}(): it changes the database past its \
             locked configuration or runs SQL from text; use `iijwh query --allow-external`",
            m.as_str().trim_end_matches('(').trim()
        )
    })
}

/// How far one untrusted query may go (the web page's ad-hoc SQL).
#[derive(Clone, Copy)]
pub struct Bounds {
    pub max_rows: usize,
    /// Arrow memory of the result handed back.
    pub max_bytes: usize,
    pub timeout: std::time::Duration,
}

/// A bounded query's rows, and whether there were more than `Bounds::max_rows`.
pub struct Bounded {
    pub result: QueryResult,
    pub more: bool,
}

impl Warehouse {
    /// Run one query of untrusted SQL within `bounds`, on a sandboxed session. The SQL is wrapped
    /// as `SELECT * FROM (\n<sql>\n) LIMIT n+1`, and DuckDB's parser must find exactly one
    /// statement in the wrapped text, so a second statement, a trailing comment or a closing
    /// parenthesis cannot escape the cap: anything else is refused before it runs, never run
    /// another way. The statement is interrupted at the time limit, or as soon as `stop` says so
    /// (the client left), and a result larger than the byte cap is refused.
    pub fn query_bounded(
        &self,
        sql: &str,
        bounds: Bounds,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Bounded> {
        let body = sql.trim().trim_end_matches(';');
        if statement_count(body)? != 1 {
            bail!(
                "the page runs one query at a time; send the statements one by one (or use \
                 `iijwh repl`)"
            );
        }
        let wrapped = format!("SELECT * FROM (\n{body}\n) LIMIT {}", bounds.max_rows + 1);
        if statement_count(&wrapped).ok() != Some(1) {
            bail!("the page runs queries only (SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE, PIVOT)");
        }
        let handle = self.interrupt_handle();
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let started = std::time::Instant::now();
        let outcome = std::thread::scope(|scope| {
            let watchdog = scope.spawn(move || loop {
                match finished.recv_timeout(std::time::Duration::from_millis(50)) {
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        if stop() {
                            handle.interrupt();
                            return "the client left";
                        }
                        if started.elapsed() >= bounds.timeout {
                            handle.interrupt();
                            return "time limit";
                        }
                    }
                    _ => return "",
                }
            });
            let result = self.query(&wrapped, &[]);
            let _ = done.send(());
            (result, watchdog.join().unwrap_or(""))
        });
        let result = match outcome {
            (Err(_), "time limit") => bail!(
                "stopped after {} s, the page's time limit for a query; narrow it down, or use \
                 `iijwh query`",
                bounds.timeout.as_secs()
            ),
            (Err(_), "the client left") => bail!("stopped: the client left"),
            (result, _) => result?,
        };
        let bytes: usize = result
            .batches
            .iter()
            .map(|b| b.get_array_memory_size())
            .sum();
        if bytes > bounds.max_bytes {
            bail!(
                "the result holds {} MiB, more than the page's {} MiB; select fewer or shorter \
                 columns, or use `iijwh query`",
                bytes >> 20,
                bounds.max_bytes >> 20
            );
        }
        let more = result.num_rows() > bounds.max_rows;
        Ok(Bounded { result, more })
    }
}

/// How many statements DuckDB's parser finds in `sql` (a parse error is an error), on a small
/// DuckDB of its own that holds nothing: parsing runs nothing.
fn statement_count(sql: &str) -> Result<usize> {
    use duckdb::ffi;
    use std::ffi::{CStr, CString};
    /// The database is kept open for the connection's sake; it is never closed.
    struct Parser(
        #[allow(dead_code)] ffi::duckdb_database,
        ffi::duckdb_connection,
    );
    // The handles are used under the mutex only.
    unsafe impl Send for Parser {}
    static PARSER: std::sync::OnceLock<std::result::Result<std::sync::Mutex<Parser>, String>> =
        std::sync::OnceLock::new();
    let parser = PARSER.get_or_init(|| {
        let (mut db, mut con) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: out-pointers to locals; a null path opens an in-memory database.
        let opened = unsafe {
            ffi::duckdb_open(std::ptr::null(), &mut db) == ffi::DuckDBSuccess
                && ffi::duckdb_connect(db, &mut con) == ffi::DuckDBSuccess
        };
        if opened {
            Ok(std::sync::Mutex::new(Parser(db, con)))
        } else {
            Err("DuckDB's parser failed to start".to_string())
        }
    });
    let parser = parser.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    let text = CString::new(sql).context("the SQL holds a NUL character")?;
    let guard = parser
        .lock()
        .map_err(|_| anyhow::anyhow!("DuckDB's parser failed"))?;
    let mut extracted = std::ptr::null_mut();
    // SAFETY: a live connection (kept by the mutex), a NUL-terminated text and an out-pointer;
    // the extracted statements are destroyed below whatever the outcome.
    let (count, error) = unsafe {
        let count = ffi::duckdb_extract_statements(guard.1, text.as_ptr(), &mut extracted);
        let error = if count == 0 {
            let e = ffi::duckdb_extract_statements_error(extracted);
            (!e.is_null()).then(|| CStr::from_ptr(e).to_string_lossy().to_string())
        } else {
            None
        };
        ffi::duckdb_destroy_extracted(&mut extracted);
        (count, error)
    };
    match error {
        Some(e) => bail!("{e}"),
        None => Ok(count as usize),
    }
}
