//! Hostile cases, round two: the SQL sandbox judged on DuckDB's parse (cause L), limits that hold
//! for one huge value (P), and drafts under the page's limits (S). Each hashes data/ and the
//! warehouse before and after; each web case asks `/` afterwards.

use super::{live, loaded, total, Before};
use crate::common::Sandbox;
use crate::web::{get, post_sql, serve_with, Server};
use iijwh::warehouse::parts::part_of;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Statements that call a function the sandbox refuses, however it is written, with what they
/// would read or write. `out` is a folder outside the warehouse.
fn refused_calls(gen: &Path, out: &Path) -> Vec<String> {
    let g = gen.display();
    let o = out.display();
    let p = part_of("iij");
    vec![
        // The example: a comment between the name and its parenthesis.
        format!("CALL enable_logging/**/(level='trace', storage='file', storage_path='{g}/logdir'); select 1"),
        format!("CALL enable_logging(level='trace', storage='file', storage_path='{o}/logdir')"),
        format!("SELECT * FROM \"enable_logging\"(level := 'trace', storage := 'file', storage_path := '{g}/logdir')"),
        format!("SELECT * FROM system.main.enable_logging(storage := 'file', storage_path := '{o}/logdir')"),
        format!("select 1 /* a /* nested */ comment */; CALL ENABLE_LOGGING(storage='file', storage_path='{o}/logdir')"),
        "CALL truncate_duckdb_logs()".to_string(),
        "SELECT * FROM query('SELECT 1')".to_string(),
        format!("SELECT * FROM query_table('{g}/kpis/{p}.parquet')"),
        format!("SELECT count(*) FROM read_parquet('{g}/revenue_lines/{p}.parquet')"),
        format!("SELECT * FROM glob('{g}/*')"),
        // A path as a table: DuckDB reads the file (a replacement scan), no function named.
        format!("SELECT count(*) FROM '{g}/revenue_lines/{p}.parquet'"),
        format!("FROM \"{g}/latest/kpis/{p}.parquet\" SELECT count(*)"),
        format!("SELECT content FROM read_text('{g}/manifest.json')"),
        format!("SELECT * FROM read_blob('{g}/catalog.duckdb')"),
        format!("SELECT * FROM parquet_metadata('{g}/kpis/{p}.parquet')"),
        format!("SELECT (SELECT count(*) FROM read_csv('{o}/../data/releases/iij-2q06/kpis.csv'))"),
        format!("SET VARIABLE x = (SELECT content FROM read_text('{g}/manifest.json'))"),
        format!("CREATE TEMP TABLE t AS SELECT * FROM read_text('{g}/manifest.json')"),
        "CREATE TEMP MACRO m() AS TABLE SELECT * FROM enable_logging()".to_string(),
        format!("EXPLAIN ANALYZE SELECT * FROM read_text('{g}/manifest.json')"),
        format!("COPY (SELECT 1) TO '{g}/x.csv'"),
        format!("SELECT 1; COPY (SELECT 1) TO '{g}/x.csv'"),
        format!("EXPORT DATABASE '{o}/export'"),
        format!("ATTACH '{o}/x.db' AS x"),
    ]
}

fn assert_nothing_at(gen: &Path, out: &Path) {
    for p in [
        gen.join("logdir"),
        gen.join("x.csv"),
        out.join("logdir"),
        out.join("export"),
        out.join("x.db"),
    ] {
        assert!(!p.exists(), "{} was written", p.display());
    }
}

#[test]
fn the_sandbox_judges_what_duckdb_parsed_from_query_and_the_repl() {
    let sb = loaded();
    let before = Before::take(&sb);
    let gen = live(&sb);
    let out = sb.dir.path().join("outside");
    std::fs::create_dir_all(&out).unwrap();
    for sql in refused_calls(&gen, &out) {
        let err = sb.fails(&["query", "-e", &sql]);
        assert!(err.contains("Permission Error"), "{sql}: {err}");
        assert!(!err.contains("terminate called"), "{sql}: {err}");
    }
    // The REPL runs each statement on the same judge, and goes on.
    let script: String = refused_calls(&gen, &out)
        .iter()
        .filter(|s| !s.contains("/*"))
        .map(|s| format!("{s};\n"))
        .collect();
    let run = sb
        .cmd()
        .arg("repl")
        .write_stdin(format!("{script}SELECT 'still answering' AS state;\n"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(!err.contains("terminate called"), "{err}");
    assert!(String::from_utf8_lossy(&run.stdout).contains("still answering"));
    // The views read the generation's files by their exact names; pointing them elsewhere
    // reads nothing.
    let err = sb.fails(&[
        "query",
        "-e",
        "SET VARIABLE generation_dir = '/etc'; SELECT count(*) FROM raw.kpis",
    ]);
    assert!(
        err.contains("Permission Error") || err.contains("No files found"),
        "{err}"
    );
    // What the sandbox allows still answers, comments and quoted names included.
    assert_eq!(
        sb.scalar("SELECT value -- the 2Q06 total\nFROM revenue_lines /* quarter */ WHERE period = '2Q06' AND line = 'total_revenues' AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'"),
        "14007.0"
    );
    assert_eq!(
        sb.scalar("SELECT 'read_text(x)' AS \"query\""),
        "read_text(x)"
    );
    assert_nothing_at(&gen, &out);
    before.unchanged(&sb, "refused calls from query and the REPL");
    assert_eq!(total(&sb), "14007.0");
}

fn answers(server: &Server, why: &str) {
    let (status, _, page) = get(server, "/");
    assert_eq!(status, 200, "after {why}: {page}");
}

#[test]
fn the_sandbox_judges_what_duckdb_parsed_from_the_web_page() {
    let sb = loaded();
    let before = Before::take(&sb);
    let gen = live(&sb);
    let out = sb.dir.path().join("outside");
    std::fs::create_dir_all(&out).unwrap();
    let server = serve_with(&sb, &["--timeout", "5"], Stdio::null());
    for sql in refused_calls(&gen, &out) {
        let (status, _, page) = post_sql(&server, &sql);
        assert_eq!(status, 400, "{sql}: {page}");
        answers(&server, &sql);
    }
    assert_nothing_at(&gen, &out);
    let (_, _, csv) = get(&server, "/reports/trend_revenue.csv");
    assert!(csv.contains("14007.0"), "{csv}");
    before.unchanged(&sb, "refused calls from the web page");
}

/// The peak resident memory of a process, in KiB (VmHWM).
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The CPU time a process itself has used (user and system, its threads'), in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // After the command's name: state is field 0, utime 11, stime 12.
    let at = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    at(11) + at(12)
}

/// The web-worker processes a server has running.
fn workers(server: &Server) -> usize {
    let parent = server.child.id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // pid (comm) state ppid ...
            stat.rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                == Some(parent.as_str())
        })
        .count()
}

#[test]
fn one_huge_value_is_held_by_the_limits() {
    let sb = loaded();
    let before = Before::take(&sb);
    let server = serve_with(
        &sb,
        &["--timeout", "3", "--max-memory", "256"],
        Stdio::null(),
    );
    for sql in [
        "select repeat('x', 1000000000)",
        "select length(repeat('x', 1000000000)) AS n",
        "select string_agg(repeat('y', 1000000), '') FROM range(3000)",
        "select list(repeat('z', 100000)) FROM range(100000)",
    ] {
        let start = Instant::now();
        let (status, _, page) = post_sql(&server, sql);
        assert_eq!(status, 400, "{sql}: {}", &page[..page.len().min(1500)]);
        assert!(
            page.to_lowercase().contains("memory") || page.contains("stopped after"),
            "{sql}: {}",
            &page[..page.len().min(1500)]
        );
        // Bounded by the time limit and the kill after it, not by the work asked for.
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{sql}: {:?}",
            start.elapsed()
        );
        answers(&server, sql);
    }
    // The server itself never held the values: its peak stays far below one of them.
    let peak = peak_kib(server.child.id());
    assert!(peak < 512 * 1024, "the server's peak was {peak} KiB");
    assert_eq!(workers(&server), 0, "a worker outlived its request");
    // A query within the limits answers as before.
    let (status, _, page) = post_sql(
        &server,
        "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'",
    );
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("14007.0") || page.contains("14,007"),
        "{page}"
    );
    before.unchanged(&sb, "one huge value");
}

/// A release folder whose text takes the draft a while: many numbers in table-like lines.
fn heavy_release(sb: &Sandbox) -> String {
    let id = "heavy-2q06";
    let src = sb.data.join("releases/iij-2q06");
    let dir = sb.data.join("releases").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let toml = std::fs::read_to_string(src.join("release.toml")).unwrap();
    std::fs::write(dir.join("release.toml"), toml.replace("iij-2q06", id)).unwrap();
    let mut text = String::new();
    for i in 0..400_000u64 {
        text.push_str(&format!(
            "Line item {i} {} {} {}\n",
            i % 977,
            (i * 7) % 1013,
            i % 89
        ));
    }
    std::fs::write(dir.join("source.txt"), text).unwrap();
    id.to_string()
}

#[test]
fn drafts_run_under_the_page_limits() {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let id = heavy_release(&sb);
    let before = Before::take(&sb);
    let server = serve_with(&sb, &["--timeout", "1"], Stdio::null());
    // Ten requests whose clients leave at once: their workers are stopped, not left running.
    for _ in 0..10 {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        write!(
            stream,
            "GET /drafts/{id} HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.addr
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    let start = Instant::now();
    while workers(&server) > 0 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(workers(&server), 0, "abandoned drafts still run");
    // Nor in the server itself: over a second and a half it does next to no work.
    let ticks = cpu_ticks(server.child.id());
    std::thread::sleep(Duration::from_millis(1500));
    let spent = cpu_ticks(server.child.id()) - ticks;
    assert!(
        spent < 30,
        "the server kept working after its clients left: {spent} ticks"
    );
    answers(&server, "abandoned drafts");
    // A draft that outruns the time limit is stopped and said so.
    let (status, _, page) = get(&server, &format!("/drafts/{id}"));
    // Stopped by the clock, or, on a machine fast enough to get that far in a second, by the
    // worker's memory cap: either way the page says so and answers the next request.
    let stopped = page.contains("stopped after 1 s")
        || page.contains("stopped: it needed more memory than the page allows");
    assert!(
        status == 400 && stopped || status == 200,
        "{status}: {}",
        crate::web::said(&page)
    );
    assert_eq!(workers(&server), 0);
    // The release IIJ published drafts as before, in a worker (under the default time limit: a
    // 1 s limit is a race with a busy machine).
    drop(server);
    let server = serve_with(&sb, &[], Stdio::null());
    let (status, _, page) = get(&server, "/drafts/iij-2q06");
    assert_eq!(status, 200, "{}", crate::web::said(&page));
    assert!(
        page.contains("Draft of iij-2q06"),
        "{}",
        crate::web::said(&page)
    );
    before.unchanged(&sb, "drafts on the page");
}
