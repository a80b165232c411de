//! Work the page runs for someone else's input, in a child process of its own: ad-hoc SQL and a
//! release's draft. A child is bounded as a thread cannot be: its address space is capped
//! (RLIMIT_AS), so one huge value (`repeat('x', 1000000000)`) fails inside it, not in the server;
//! it is killed at the time limit whether or not DuckDB checks for an interrupt in that moment,
//! and as soon as its client leaves; its output is capped; and whatever it does, abort included,
//! the server answers the next request. The children count against the page's session cap.
//!
//! The child is `iijwh web-worker` (hidden): a `Task` as JSON on stdin; on stdout the status
//! code on the first line, then the page.
//!
//! Who may call it: `web` (the handlers) and cmd (the hidden subcommand runs `child`).

use super::{pages, Abandoned, Limits, Reply};
use crate::base::project::Project;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a child does.
#[derive(Serialize, Deserialize)]
pub enum Task {
    /// Run ad-hoc SQL on the page's terms (`pages::sql`).
    Sql {
        sql: String,
        token: String,
        max_rows: usize,
        max_bytes: usize,
        timeout_ms: u64,
        memory_mib: u64,
    },
    /// Draft release `id` (`pages::draft`).
    Draft { id: String },
}

/// Address space a child may map beyond the memory DuckDB is allowed: the program, its
/// threads' stacks and the allocator's reserve (a child answering `select 1` maps ~600 MiB).
const OVERHEAD_MIB: u64 = 1024;
/// Grace after the time limit for the child's own interrupt to answer before it is killed.
const GRACE: Duration = Duration::from_millis(1500);

/// Run `task` in a child process within `limits`; the reply it printed, or why it gave none.
pub fn run(project: &Project, limits: Limits, task: &Task, abandoned: &Abandoned) -> Reply {
    match run_child(project, limits, task, abandoned) {
        Ok(reply) => reply,
        Err(e) => e,
    }
}

fn run_child(
    project: &Project,
    limits: Limits,
    task: &Task,
    abandoned: &Abandoned,
) -> Result<Reply, Reply> {
    let failed = |what: String| Reply::Error(StatusCode::INTERNAL_SERVER_ERROR, what);
    let exe = std::env::current_exe().map_err(|e| failed(format!("no worker program: {e}")))?;
    let request = serde_json::to_vec(task).map_err(|e| failed(e.to_string()))?;
    let address_space = (limits.memory_mib + OVERHEAD_MIB) << 20;
    let mut command = Command::new(exe);
    command
        .arg("web-worker")
        .arg("--data")
        .arg(&project.data)
        .arg("--warehouse")
        .arg(&project.warehouse)
        .env("IIJWH_HOME", &project.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: address_space as libc::rlim_t,
                    rlim_max: address_space as libc::rlim_t,
                };
                if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = command
        .spawn()
        .map_err(|e| failed(format!("starting the worker: {e}")))?;
    // Stdin is written and closed on a thread, stdout and stderr read on threads: none of the
    // pipes can fill and stop the child while this thread watches the clock.
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            let _ = stdin.write_all(&request);
        }
    });
    let cap = (limits.max_bytes as u64).saturating_mul(8) + (4 << 20);
    let reader = |pipe: Option<Box<dyn Read + Send>>, cap: u64| {
        std::thread::spawn(move || {
            let mut out = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(cap + 1).read_to_end(&mut out);
            }
            out
        })
    };
    let stdout = reader(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        cap,
    );
    let stderr = reader(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        64 << 10,
    );
    let started = Instant::now();
    let stopped = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) => {}
            Err(e) => break Err(failed(format!("watching the worker: {e}"))),
        }
        if abandoned.is_set() {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("web: the client left; its worker was stopped");
            break Err(Reply::Error(
                StatusCode::BAD_REQUEST,
                "stopped: the client left".into(),
            ));
        }
        if started.elapsed() >= limits.timeout + GRACE {
            let _ = child.kill();
            let _ = child.wait();
            break Err(Reply::Error(
                StatusCode::BAD_REQUEST,
                format!(
                    "stopped after {} s, the page's time limit; narrow it down, or use the \
                     command line (`iijwh query`, `iijwh release draft`)",
                    limits.timeout.as_secs()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    let status = stopped?;
    if out.len() as u64 > cap {
        return Err(Reply::Error(
            StatusCode::BAD_REQUEST,
            format!(
                "the answer is larger than the page's {} MiB; select fewer rows or columns, or use \
                 `iijwh query`",
                cap >> 20
            ),
        ));
    }
    let text = String::from_utf8_lossy(&out);
    match text.split_once('\n') {
        Some((code, page)) if status.success() => {
            let code = code
                .trim()
                .parse::<u16>()
                .ok()
                .and_then(|c| StatusCode::from_u16(c).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Ok(Reply::Page(code, page.to_string()))
        }
        _ => {
            use std::os::unix::process::ExitStatusExt;
            let why = String::from_utf8_lossy(&err).trim().to_string();
            eprintln!("web: a worker stopped ({status}): {why}");
            // A child that dies of a signal (abort on a failed allocation, above all) ran out of
            // the memory it may use: said so, in the page's terms.
            Err(Reply::Error(
                StatusCode::BAD_REQUEST,
                match status.signal() {
                    Some(_) => format!(
                        "stopped: it needed more memory than the page allows ({} MiB); narrow it \
                         down, or use the command line",
                        limits.memory_mib
                    ),
                    None => format!("the worker failed: {why}"),
                },
            ))
        }
    }
}

/// The child's side (`iijwh web-worker`): read the task, do it, print the status and the page.
pub fn child(project: &Project) -> anyhow::Result<()> {
    let mut input = Vec::new();
    std::io::stdin().take(64 << 20).read_to_end(&mut input)?;
    let task: Task = serde_json::from_slice(&input)?;
    let reply = match task {
        Task::Sql {
            sql,
            token,
            max_rows,
            max_bytes,
            timeout_ms,
            memory_mib,
        } => {
            let limits = Limits {
                max_rows,
                max_bytes,
                timeout: Duration::from_millis(timeout_ms),
                memory_mib,
                concurrent: 1,
            };
            match super::open(project, limits) {
                Ok(wh) => pages::sql(&wh, &sql, true, limits, &token, &Abandoned::default()),
                Err(reply) => reply,
            }
        }
        Task::Draft { id } => pages::draft(project, &id).unwrap_or_else(super::not_found_reply),
    };
    let (status, page) = reply.rendered();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", status.as_u16())?;
    out.write_all(page.as_bytes())?;
    out.flush()?;
    Ok(())
}
