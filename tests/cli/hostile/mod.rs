//! Hostile cases, one test each: what an attacker (or an unlucky user) tries against the sandbox,
//! the files, the web page and the folders. Each asserts the refusal, that the reported figures
//! stay right (2Q06 total revenues 14,007), and that data/ and the live warehouse are byte for
//! byte what they were, unless the case is about damage done from outside.

use crate::common::{copy_dir, project_root, Sandbox};
use crate::safety::tree_hash;
use crate::web::{get, post_sql, request, serve_with};
use iijwh::warehouse::parts::part_of;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const TOTAL: &str = "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = \
                     'total_revenues' AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'";

/// The hashes of data/ and the warehouse, to compare after a case.
struct Before {
    data: BTreeMap<String, String>,
    warehouse: BTreeMap<String, String>,
}

impl Before {
    fn take(sb: &Sandbox) -> Before {
        Before {
            data: tree_hash(&sb.data),
            warehouse: tree_hash(&sb.warehouse()),
        }
    }

    fn unchanged(&self, sb: &Sandbox, case: &str) {
        assert_eq!(tree_hash(&sb.data), self.data, "{case} changed data/");
        assert_eq!(
            tree_hash(&sb.warehouse()),
            self.warehouse,
            "{case} changed the warehouse"
        );
    }
}

/// A loaded private warehouse over a private copy of data/.
fn loaded() -> Sandbox {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    sb
}

fn live(sb: &Sandbox) -> PathBuf {
    std::fs::canonicalize(sb.warehouse().join("current")).unwrap()
}

fn total(sb: &Sandbox) -> String {
    sb.scalar(TOTAL)
}

/// Statements that would write a file if the sandbox let them, with the file each would write.
fn writing_statements(sb: &Sandbox) -> Vec<(String, PathBuf)> {
    let gen = live(sb);
    let out = sb.dir.path().join("stolen");
    let iij = part_of("iij");
    let parquet = gen.join(format!("revenue_lines/{iij}.parquet"));
    let latest = gen.join(format!("latest/revenue_lines/{iij}.parquet"));
    vec![
        (
            format!(
                "COPY (SELECT * REPLACE (19007.0::DECIMAL(18,6) AS value) FROM latest.revenue_lines) TO '{}' (FORMAT parquet)",
                latest.display()
            ),
            latest,
        ),
        // A backslash-escaped quote the sandbox's word scan reads differently from DuckDB, so
        // that the scan sees no COPY: DuckDB's own count of the statements gives it away.
        (
            format!(
                "SELECT E'\\''; COPY (SELECT 1) TO '{}'; SELECT ''",
                gen.join("escaped.csv").display()
            ),
            gen.join("escaped.csv"),
        ),
        (
            format!(
                "COPY (SELECT * REPLACE (19007.0::DECIMAL(18,6) AS value) FROM raw.revenue_lines) TO '{}' (FORMAT parquet)",
                parquet.display()
            ),
            parquet,
        ),
        (
            format!("COPY (SELECT 1) TO '{}'", gen.join("extra.csv").display()),
            gen.join("extra.csv"),
        ),
        (
            format!("COPY (SELECT 1) TO '{}'", out.join("a.csv").display()),
            out.join("a.csv"),
        ),
        (
            format!("EXPORT DATABASE '{}'", out.join("db").display()),
            out.join("db"),
        ),
        (
            format!("ATTACH '{}' AS x", out.join("x.duckdb").display()),
            out.join("x.duckdb"),
        ),
        (
            format!(
                "SET profiling_output = '{}'",
                out.join("profile.json").display()
            ),
            out.join("profile.json"),
        ),
        (
            format!(
                "CALL enable_logging(storage = 'file', storage_path = '{}')",
                out.join("log").display()
            ),
            out.join("log"),
        ),
        (
            format!(
                "FROM query('CALL enable' || '_logging(storage_path = ''{}'')')",
                out.join("log2").display()
            ),
            out.join("log2"),
        ),
        (
            "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')".to_string(),
            dirs_home().join(".duckdb/stored_secrets/s.duckdb_secret"),
        ),
    ]
}

/// No statement wrote its file (the live table file exists, and the tree hash covers it).
fn nothing_written(statements: &[(String, PathBuf)]) {
    for (sql, file) in statements {
        assert!(
            !file.exists() || file.ends_with(format!("{}.parquet", part_of("iij"))),
            "{sql} wrote {}",
            file.display()
        );
    }
}

fn dirs_home() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
}

#[test]
fn sandboxed_sql_writes_nothing_from_query() {
    let sb = loaded();
    let before = Before::take(&sb);
    let statements = writing_statements(&sb);
    for (sql, _) in &statements {
        sb.fails(&["query", "-e", sql]);
    }
    nothing_written(&statements);
    // Not even the live generation's own files are read by name: the rows are the catalog's.
    let own = format!(
        "SELECT count(*) FROM read_parquet('{}')",
        live(&sb)
            .join(format!("kpis/{}.parquet", part_of("iij")))
            .display()
    );
    let err = sb.fails(&["query", "-e", &own]);
    assert!(err.contains("Permission Error"), "{err}");
    let other = format!(
        "SELECT count(*) FROM read_csv('{}')",
        sb.data.join("releases/iij-2q06/kpis.csv").display()
    );
    let err = sb.fails(&["query", "-e", &other]);
    assert!(err.contains("Permission Error"), "{err}");
    before.unchanged(&sb, "query -e");
    assert_eq!(total(&sb), "14007.0");
}

#[test]
fn sandboxed_sql_writes_nothing_from_the_repl() {
    let sb = loaded();
    let before = Before::take(&sb);
    // The REPL ends statements where its own scan of quotes says (the backslash case reads as
    // an open quote there, and is the one-shot `query`'s to refuse).
    let statements: Vec<_> = writing_statements(&sb)
        .into_iter()
        .filter(|(sql, _)| !sql.contains("E'"))
        .collect();
    let script: String = statements
        .iter()
        .map(|(sql, _)| format!("{sql};\n"))
        .collect();
    let out = sb
        .cmd()
        .arg("repl")
        .write_stdin(format!(
            "{script}.read /dev/zero\nSELECT 'still answering' AS state;\n"
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Permission Error"), "{err}");
    assert!(err.contains("not a regular file"), ".read /dev/zero: {err}");
    assert!(!err.contains("terminate called"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("still answering"));
    nothing_written(&statements);
    before.unchanged(&sb, "the REPL");
    assert_eq!(total(&sb), "14007.0");
}

#[test]
fn sandboxed_sql_writes_nothing_from_the_web_page() {
    let sb = loaded();
    let before = Before::take(&sb);
    let server = serve_with(&sb, &[], Stdio::null());
    let statements = writing_statements(&sb);
    for (sql, _) in &statements {
        let (status, _, page) = post_sql(&server, sql);
        assert_eq!(status, 400, "{sql}: {page}");
        // The same with a second statement behind a query, and behind a closing parenthesis.
        for smuggled in [
            format!("SELECT 1; {sql}"),
            format!("SELECT 1) ; {sql} ; SELECT * FROM (SELECT 1"),
        ] {
            let (status, _, page) = post_sql(&server, &smuggled);
            assert_eq!(status, 400, "{smuggled}: {page}");
        }
    }
    nothing_written(&statements);
    let (_, _, csv) = get(&server, "/reports/trend_revenue.csv");
    assert!(csv.contains("2Q06,") && csv.contains("14007.0"), "{csv}");
    before.unchanged(&sb, "the web page");
}

/// Flip one byte of a table file and of the catalog, keeping size and modification time: the
/// next command finds it by checksum, refuses with what to do, and a rebuild answers right.
#[test]
fn same_size_tampering_is_detected() {
    let part = format!("revenue_lines/{}.parquet", part_of("iij"));
    for file in [part.as_str(), "catalog.duckdb"] {
        let sb = loaded();
        let data_before = tree_hash(&sb.data);
        let path = live(&sb).join(file);
        let reference = sb.dir.path().join("reference");
        std::fs::copy(&path, &reference).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        // Past the Parquet magic and DuckDB's header, inside the data.
        let at = bytes.len() / 2;
        bytes[at] ^= 0x55;
        std::fs::write(&path, &bytes).unwrap();
        let touched = std::process::Command::new("touch")
            .arg("-r")
            .arg(&reference)
            .arg(&path)
            .status()
            .unwrap();
        assert!(touched.success());
        assert_eq!(std::fs::metadata(&path).unwrap().len(), bytes.len() as u64);
        let err = sb.fails(&["query", "--no-build", "-e", TOTAL]);
        assert!(
            err.contains("is damaged") && err.contains("iijwh load") && err.contains(file),
            "{file}: {err}"
        );
        // Without --no-build, query rebuilds from data/ and says why.
        let out = sb
            .cmd()
            .args(["query", "-e", TOTAL, "--format", "csv"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "value\n14007.0\n");
        assert_eq!(tree_hash(&sb.data), data_before);
    }
}

/// A damaged catalog is never copied forward into the next generation.
#[test]
fn a_load_does_not_copy_a_damaged_catalog_forward() {
    let sb = loaded();
    let path = live(&sb).join("catalog.duckdb");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() - 4096;
    bytes[at] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    sb.ok(&["load"]);
    assert_eq!(total(&sb), "14007.0");
    assert!(sb.ok(&["check"]).contains("0 fail"));
}

#[test]
fn web_limits_hold_and_the_server_answers_afterwards() {
    let sb = loaded();
    let before = Before::take(&sb);
    let server = serve_with(
        &sb,
        &["--timeout", "2", "--max-memory", "256"],
        Stdio::null(),
    );
    let quick = |why: &str| {
        let start = Instant::now();
        let (status, _, _) = get(&server, "/");
        assert_eq!(status, 200, "after {why}");
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "/ took {:?} after {why}",
            start.elapsed()
        );
    };
    // Time: interrupted at the limit, never run again without it.
    let start = Instant::now();
    let (status, _, page) = post_sql(&server, "SELECT count(*) FROM range(100000000000)");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("stopped after 2 s"), "{page}");
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
    quick("the time limit");
    // Rows: a trailing comment or a second statement does not lift the cap.
    for sql in [
        "SELECT * FROM range(1000000) -- all of them",
        "SELECT * FROM range(1000000) /* all */",
    ] {
        let (status, _, page) = post_sql(&server, sql);
        assert_eq!(status, 200, "{sql}: {page}");
        assert!(page.contains("More than 1000 rows"), "{sql}");
        assert!(page.len() < 2_000_000, "{sql}: {} bytes", page.len());
    }
    let (status, _, page) = post_sql(&server, "SELECT 1; SELECT * FROM range(1000000)");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("one query at a time"), "{page}");
    quick("the row cap");
    // Bytes: one huge value is refused, not sent.
    let (status, _, page) = post_sql(&server, "SELECT repeat('x', 100000000) AS big");
    assert_eq!(status, 400, "{}", &page[..page.len().min(2000)]);
    assert!(page.len() < 100_000, "{} bytes", page.len());
    quick("the byte cap");
    // Memory: a statement that needs more than the request's share fails, the server stays.
    let (status, _, page) = post_sql(
        &server,
        "SELECT count(DISTINCT s) FROM (SELECT range::VARCHAR || repeat('y', 100) AS s FROM range(20000000))",
    );
    assert_eq!(status, 400, "{}", &page[..page.len().min(2000)]);
    assert!(
        page.contains("memory") || page.contains("stopped after"),
        "{}",
        &page[..page.len().min(2000)]
    );
    quick("the memory cap");
    before.unchanged(&sb, "the web limits");
}

#[test]
fn an_abandoned_request_stops_its_query() {
    let sb = loaded();
    let server = serve_with(&sb, &["--timeout", "60"], Stdio::piped());
    let token = crate::web::token(&server);
    let body = format!(
        "sql={}&token={token}",
        crate::web::encode("SELECT count(*) FROM range(100000000000)")
    );
    {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        write!(
            stream,
            "POST /sql HTTP/1.1\r\nHost: {0}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {1}\r\n\r\n{body}",
            server.addr,
            body.len()
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(500));
        // The client leaves.
    }
    let start = Instant::now();
    let mut server = server;
    let mut stderr = server.child.stderr.take().unwrap();
    let (said, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut buf = [0u8; 4096];
        let mut text = String::new();
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            if text.contains("the client left") {
                let _ = said.send(text.clone());
                break;
            }
        }
    });
    let text = heard
        .recv_timeout(Duration::from_secs(10))
        .expect("the server never stopped the abandoned query");
    assert!(start.elapsed() < Duration::from_secs(10), "{text}");
    let t = Instant::now();
    let (status, _, _) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn requests_from_other_sites_are_refused() {
    let sb = loaded();
    let server = serve_with(&sb, &[], Stdio::null());
    // DNS rebinding: another name resolving to this address.
    let (status, _, page) = request(
        &server,
        "GET /reports/trend_revenue.csv HTTP/1.1\r\nHost: evil.example:80",
        "",
    );
    assert_eq!(status, 403, "{page}");
    assert!(!page.contains("14007"));
    // A form on another site posting here, with or without the token.
    let token = crate::web::token(&server);
    let body = format!("sql=SELECT%201&token={token}");
    for extra in ["Origin: http://evil.example", "Sec-Fetch-Site: cross-site"] {
        let (status, _, _) = request(
            &server,
            &format!(
                "POST /sql HTTP/1.1\r\nHost: {}\r\n{extra}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}",
                server.addr,
                body.len()
            ),
            &body,
        );
        assert_eq!(status, 403, "{extra}");
    }
    // A link from elsewhere shows the SQL but runs nothing; a wrong token runs nothing.
    for path in [
        "/sql?sql=SELECT%2042%20AS%20answer",
        "/sql?sql=SELECT%2042%20AS%20answer&token=0000",
    ] {
        let (status, _, page) = get(&server, path);
        assert_eq!(status, 200);
        assert!(
            page.contains("Press Run") && !page.contains("<td class=\"num\">42"),
            "{page}"
        );
    }
    let (_, _, page) = request(
        &server,
        &format!("GET / HTTP/1.1\r\nHost: {}", server.addr),
        "",
    );
    assert!(page.contains("Reports"));
}

/// Response headers: no framing, no sniffing, no script, no referrer.
#[test]
fn every_answer_forbids_framing_and_scripts() {
    let sb = loaded();
    let server = serve_with(&sb, &[], Stdio::null());
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /nope HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let head = raw.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
    for h in [
        "content-security-policy: default-src 'none'",
        "x-frame-options: deny",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
    ] {
        assert!(head.contains(h), "{h} in {head}");
    }
}

#[test]
fn special_files_and_files_outside_a_release_are_refused() {
    let sb = loaded();
    let before = Before::take(&sb);
    // release new --source /dev/zero, and a text over the size limit.
    let big = sb.dir.path().join("big.txt");
    std::fs::write(&big, vec![b'x'; 40 << 20]).unwrap();
    for source in [Path::new("/dev/zero"), big.as_path()] {
        let err = sb.fails(&[
            "release",
            "new",
            "iij-3q06",
            "--period",
            "3Q06",
            "--published-on",
            "2007-02-08",
            "--source",
            source.to_str().unwrap(),
        ]);
        assert!(
            err.contains("not a regular file") || err.contains("more than 32 MiB"),
            "{err}"
        );
    }
    before.unchanged(&sb, "release new");
    // query - with /dev/zero on stdin.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("iijwh"))
        .current_dir(project_root())
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .args(["query", "-"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("more than 32 MiB"));
    before.unchanged(&sb, "query - < /dev/zero");

    // In data/: a table CSV that is a link to /dev/zero, to a file outside the folder, and a
    // source_file pointing out. Each load fails naming the file and keeps the live warehouse.
    let outside = sb.dir.path().join("outside.csv");
    std::fs::copy(sb.release_file("kpis.csv"), &outside).unwrap();
    type Setup = Box<dyn Fn(&Sandbox)>;
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "a CSV linked to /dev/zero",
            Box::new(|sb: &Sandbox| {
                std::fs::remove_file(sb.release_file("kpis.csv")).unwrap();
                std::os::unix::fs::symlink("/dev/zero", sb.release_file("kpis.csv")).unwrap();
            }),
            "outside the release folder",
        ),
        (
            "a CSV that is a named pipe",
            Box::new(|sb: &Sandbox| {
                std::fs::remove_file(sb.release_file("kpis.csv")).unwrap();
                let made = std::process::Command::new("mkfifo")
                    .arg(sb.release_file("kpis.csv"))
                    .status()
                    .unwrap();
                assert!(made.success());
            }),
            "not a regular file",
        ),
        (
            "a CSV linked outside the release",
            Box::new(move |sb: &Sandbox| {
                std::fs::remove_file(sb.release_file("kpis.csv")).unwrap();
                std::os::unix::fs::symlink(&outside, sb.release_file("kpis.csv")).unwrap();
            }),
            "outside the release folder",
        ),
        (
            "source_file = /dev/zero",
            Box::new(|sb: &Sandbox| {
                sb.edit(
                    "release.toml",
                    "source_file = \"source.txt\"",
                    "source_file = \"/dev/zero\"",
                )
            }),
            "outside the release folder",
        ),
        (
            "source_file = ../../x",
            Box::new(|sb: &Sandbox| {
                sb.edit(
                    "release.toml",
                    "source_file = \"source.txt\"",
                    "source_file = \"../../../outside.csv\"",
                )
            }),
            "outside the release folder",
        ),
    ];
    for (case, setup, expect) in cases {
        let sb = loaded();
        setup(&sb);
        let wh_before = tree_hash(&sb.warehouse());
        let start = Instant::now();
        let err = sb.fails(&["load"]);
        assert!(err.contains(expect), "{case}: {err}");
        assert!(start.elapsed() < Duration::from_secs(10), "{case}");
        assert_eq!(tree_hash(&sb.warehouse()), wh_before, "{case}");
    }
}

#[test]
fn dangling_links_do_not_pass_the_output_guards() {
    let sb = loaded();
    let before = Before::take(&sb);
    let targets = [
        sb.data.join("releases/iij-2q06/new.csv"),
        live(&sb).join("revenue_lines.parquet.new"),
    ];
    for (i, target) in targets.iter().enumerate() {
        let link = sb.dir.path().join(format!("out{i}.csv"));
        std::os::unix::fs::symlink(target, &link).unwrap();
        let svg = sb.dir.path().join(format!("out{i}.svg"));
        std::os::unix::fs::symlink(target.with_extension("svg"), &svg).unwrap();
        let link_s = link.to_str().unwrap();
        let err = sb.fails(&["query", "-e", "select 1", "--output", link_s]);
        assert!(err.contains("refusing to write"), "{err}");
        let err = sb.fails(&[
            "query", "-e", "select 1", "--format", "parquet", "--output", link_s,
        ]);
        assert!(err.contains("refusing to write"), "{err}");
        let err = sb.fails(&["chart", "trend_revenue", "-o", svg.to_str().unwrap()]);
        assert!(err.contains("refusing to write"), "{err}");
        let err = sb.fails(&["diff", "--output", link_s]);
        assert!(err.contains("refusing to write"), "{err}");
        let out = sb
            .cmd()
            .arg("repl")
            .write_stdin(format!(".output {link_s}\nselect 1;\n.once {link_s}\n"))
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write"));
        assert!(!target.exists() && !target.with_extension("svg").exists());
    }
    before.unchanged(&sb, "writes through dangling links");
    assert_eq!(total(&sb), "14007.0");
}

#[test]
fn swapped_data_and_warehouse_folders_write_nothing() {
    let sb = loaded();
    let before = Before::take(&sb);
    let (data, wh) = (sb.data.to_str().unwrap(), sb.warehouse());
    for command in [["query", "trend_revenue"], ["load", "--quiet"]] {
        let out = sb
            .cmd()
            .env_remove("IIJWH_DATA")
            .env_remove("IIJWH_WAREHOUSE")
            .args(["--data", wh.to_str().unwrap(), "--warehouse", data])
            .args(command)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("swapped"), "{err}");
    }
    before.unchanged(&sb, "swapped folders");
}

/// A project copied elsewhere (the original then gone) answers from its own files: query as
/// copied, then check and export after the one rebuild a copy's new change times ask for.
#[test]
fn a_copied_project_answers_from_its_own_files() {
    let sb = loaded();
    let copy = tempfile::TempDir::new().unwrap();
    for what in ["data", "warehouse"] {
        let from = sb.dir.path().join(what);
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(&from)
            .arg(copy.path().join(what))
            .status()
            .unwrap();
        assert!(status.success());
    }
    // The original goes away.
    std::fs::remove_dir_all(sb.warehouse()).unwrap();
    let run = |args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("iijwh")
            .unwrap()
            .current_dir(project_root())
            .env("IIJWH_DATA", copy.path().join("data"))
            .env("IIJWH_WAREHOUSE", copy.path().join("warehouse"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    let wh_before = tree_hash(&copy.path().join("warehouse"));
    assert_eq!(
        run(&["query", "--no-build", "-e", TOTAL, "--format", "csv"]).0,
        "value\n14007.0\n"
    );
    assert_eq!(tree_hash(&copy.path().join("warehouse")), wh_before);
    // The DuckDB catalog names no path: nothing of the original's folder is in it.
    let catalog = std::fs::read(copy.path().join("warehouse/current/catalog.duckdb")).unwrap();
    let original = sb.dir.path().to_string_lossy().to_string();
    assert!(
        !catalog
            .windows(original.len())
            .any(|w| w == original.as_bytes()),
        "the catalog names the original's folder"
    );
    // The copy's files of data/ have new inodes and change times (see release::FileIdentity):
    // the first command that checks data/ rebuilds from the copy's own files, once.
    let (checked, note) = run(&["check"]);
    assert!(checked.contains("0 fail"), "{checked}");
    assert!(note.contains("building the warehouse"), "{note}");
    let rebuilt = tree_hash(&copy.path().join("warehouse"));
    let out = copy.path().join("export");
    let (_, note) = run(&[
        "export",
        out.to_str().unwrap(),
        "--format",
        "csv",
        "--tables",
        "revenue_lines",
    ]);
    assert!(!note.contains("building"), "{note}");
    assert!(std::fs::read_to_string(out.join("revenue_lines.csv"))
        .unwrap()
        .contains("14007.0"));
    assert_eq!(tree_hash(&copy.path().join("warehouse")), rebuilt);
}

/// A REPL open across three loads keeps answering from the generation it opened.
#[test]
fn a_session_survives_three_loads() {
    let sb = loaded();
    let mut p = crate::repl::spawn(&sb);
    let sql = "SELECT value::INTEGER AS contracts FROM kpis WHERE period = '2Q06' AND item = 'dedicated_access_contracts' AND comparison = 'level';";
    p.send_line(sql).unwrap();
    p.exp_string("16,112").unwrap();
    p.exp_string("iijwh> ").unwrap();
    for value in 16112..16115 {
        sb.edit(
            "kpis.csv",
            &format!("2Q06,dedicated_access_contracts,level,{value},"),
            &format!("2Q06,dedicated_access_contracts,level,{},", value + 1),
        );
        sb.ok(&["load", "--quiet"]);
        p.send_line(sql).unwrap();
        p.exp_string("16,112").unwrap();
        p.exp_string("iijwh> ").unwrap();
    }
    p.send_line("SELECT count(*) AS n FROM figures;").unwrap();
    p.exp_string("iijwh> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let rows = crate::common::parse_csv(&sb.ok(&["query", "-e", sql, "--format", "csv"]));
    assert_eq!(rows[0]["contracts"], "16115");
    // With the session gone, the next load deletes what it held (the live and the one before
    // stay). `--full`: a load with nothing changed writes nothing.
    sb.ok(&["load", "--quiet", "--full"]);
    sb.ok(&["load", "--quiet", "--full"]);
    let generations: Vec<String> = std::fs::read_dir(sb.warehouse().join("generations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with(".retired-"))
        .collect();
    assert_eq!(generations.len(), 2, "{generations:?}");
}

#[test]
fn a_current_that_is_a_folder_or_a_file_is_repaired() {
    for kind in ["folder", "file", "copied folder"] {
        let sb = loaded();
        let current = sb.warehouse().join("current");
        let gen = live(&sb);
        std::fs::remove_file(&current).unwrap();
        match kind {
            "folder" => std::fs::create_dir(&current).unwrap(),
            "file" => std::fs::write(&current, "x").unwrap(),
            _ => copy_dir(&gen, &current),
        }
        let out = sb
            .cmd()
            .args(["query", "-e", TOTAL, "--format", "csv"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "value\n14007.0\n");
        // A folder or file that is no generation is replaced by the rebuild query runs; a
        // copy of a generation (intact, so it answers as it is) by the next load.
        if kind == "copied folder" {
            sb.ok(&["load", "--quiet"]);
        }
        assert!(
            std::fs::symlink_metadata(&current)
                .unwrap()
                .file_type()
                .is_symlink(),
            "{kind}"
        );
        let leftovers: Vec<String> = std::fs::read_dir(sb.warehouse())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with(".current-"))
            .collect();
        assert!(leftovers.is_empty(), "{kind}: {leftovers:?}");
        sb.ok(&["load", "--quiet"]);
        assert_eq!(total(&sb), "14007.0");
    }
}

#[test]
fn bad_dates_are_refused_before_anything_is_written() {
    let sb = loaded();
    let before = Before::take(&sb);
    let source = project_root().join("tests/fixtures/releases/synthetic-3q06/source.txt");
    for (date, expect) in [
        ("07-02-08", "is not a date"),
        ("2007-2-8", "is not a date"),
        ("0007-02-08", "is not a date"),
        ("2006-11-15", "before 3Q06 ends"),
        ("2006-09-01", "before 3Q06 ends"),
    ] {
        let err = sb.fails(&[
            "release",
            "new",
            "iij-3q06",
            "--period",
            "3Q06",
            "--published-on",
            date,
            "--source",
            source.to_str().unwrap(),
        ]);
        assert!(err.contains(expect), "{date}: {err}");
    }
    before.unchanged(&sb, "release new with a bad date");
    // And a release.toml edited by hand to a date before its period ends fails the load.
    sb.edit(
        "release.toml",
        "published_on = 2006-11-02",
        "published_on = 2006-09-15",
    );
    let err = sb.fails(&["load"]);
    assert!(err.contains("before its period 2Q06 ends"), "{err}");
}

#[test]
fn export_force_replaces_only_what_an_export_wrote() {
    let sb = loaded();
    let out = sb.dir.path().join("export");
    let out_s = out.to_str().unwrap();
    sb.ok(&["export", out_s]);
    std::fs::write(out.join("my-notes.txt"), "mine").unwrap();
    std::fs::create_dir_all(out.join("spark/mine")).unwrap();
    std::fs::write(out.join("spark/mine/query.sql"), "select 1").unwrap();
    let err = sb.fails(&["export", out_s, "--force"]);
    assert!(
        err.contains("my-notes.txt") && err.contains("spark/mine/query.sql"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("my-notes.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("spark/mine/query.sql").is_file());
    std::fs::remove_file(out.join("my-notes.txt")).unwrap();
    std::fs::remove_dir_all(out.join("spark/mine")).unwrap();
    sb.ok(&["export", out_s, "--force"]);
    assert!(out.join("revenue_lines.parquet").is_file());
}

// Round two of the hostile cases (one file per area; each case hashes data/ and the warehouse).
mod documents;
mod drafting;
mod files;
mod records;
mod sandbox;
