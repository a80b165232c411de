//! The sandbox of a session that runs someone else's SQL (`query`, `repl`, `chart`, `diff`, the
//! web page): no file read or written, the configuration locked, the few functions that bypass
//! the lock refused by name, and, for the web page's ad-hoc SQL, one query within bounds of rows,
//! bytes and time (`query_bounded`), checked by DuckDB's own parser.
//!
//! Who may call it: the rest of `warehouse` (re-exported: `Bounds`, `Bounded`).

use super::{QueryResult, Warehouse};
use anyhow::{bail, Context, Result};

mod parsed;

use parsed::statement_count;

impl Warehouse {
    /// Confine SQL to the warehouse's relations, by construction: DuckDB's external access off;
    /// the only paths it may open are the generation's own Parquet files that the catalog's
    /// views read (its table files by name, the folders of its part files), so nothing new can
    /// be written anywhere and no other file read; what DuckDB
    /// parses of each statement is judged first (`parsed`): queries and a few harmless kinds
    /// only, no function that reads files, logs or runs SQL from text; no persistent secrets,
    /// no extension installs, and the configuration locked so SQL cannot undo it.
    pub fn sandbox(&mut self) -> Result<()> {
        self.sandboxed = true;
        let (paths, folders) = self.readable_files();
        // Set while external access is still on: DuckDB takes no allowed path after.
        let list = |items: &[String]| -> String {
            let quoted: Vec<String> = items.iter().map(|p| crate::base::sql_string(p)).collect();
            format!("[{}]::VARCHAR[]", quoted.join(", "))
        };
        self.conn
            .execute_batch(&format!(
                "SET allowed_paths = {};
                 SET allowed_directories = {};
                 SET enable_external_access = false;
                 SET allow_persistent_secrets = false;
                 SET autoinstall_known_extensions = false;
                 SET autoload_known_extensions = false;
                 SET lock_configuration = true;",
                list(&paths),
                list(&folders)
            ))
            .context("restricting SQL to the warehouse")
    }

    /// What the catalog's views open: the warehouse's own table files by their exact paths, and
    /// the folders of the part files (each holds a part file per part and nothing else, and a
    /// view over every company globs it, so each folder's files are the views' whatever the
    /// statement): a few dozen folders, not thousands of paths, whose list DuckDB would parse
    /// and search at every session (~0.1 s at 7,000 files).
    fn readable_files(&self) -> (Vec<String>, Vec<String>) {
        let dir = self.dir.to_string_lossy().trim_end_matches('/').to_string();
        let paths = self
            .manifest
            .tables
            .iter()
            .filter(|f| f.file.ends_with(".parquet"))
            .map(|f| format!("{dir}/{}", f.file))
            .collect();
        let folders: std::collections::BTreeSet<String> = self
            .manifest
            .part_files
            .iter()
            .filter_map(|f| f.file.rsplit_once('/'))
            .map(|(folder, _)| format!("{dir}/{folder}/"))
            .collect();
        (paths, folders.into_iter().collect())
    }

    /// Cap the memory this session's statements may use (the web page's per-request bound); set
    /// before `sandbox` locks the configuration.
    pub fn limit_memory(&self, mib: u64) -> Result<()> {
        self.conn
            .execute_batch(&format!("SET memory_limit = '{mib}MiB';"))
            .context("limiting the session's memory")
    }
}

/// Why sandboxed SQL may not run, judged on DuckDB's parse of it (see `parsed`), which the
/// session's own connection makes.
pub(super) fn refusal(conn: &duckdb::Connection, sql: &str) -> Option<String> {
    parsed::refusal(sql, &|text| parsed::serialize_on(conn, text))
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
