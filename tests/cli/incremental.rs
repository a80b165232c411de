//! Incremental loads: a load reads, writes and checks only the companies whose files changed,
//! and after any sequence of them (add, edit, remove a release) the warehouse is the one a full
//! rebuild makes: the same files byte for byte, the same rows in every table, the same rule
//! results. A load that fails halfway leaves the live generation as it was; a schema change
//! makes every part again and says so.

use crate::common::{copy_dir, project_root, Sandbox};
use iijwh::warehouse::parts::part_of;
use std::path::Path;

/// A company's 2Q06 total revenues (IIJ's: 14,007 JPY million).
const TOTAL_REVENUES: &str = "SELECT value FROM revenue_lines WHERE period = '2Q06' \
     AND line = 'total_revenues' AND comparison = 'level' AND measure = 'amount'";

/// IIJ's data/ with the synthetic universe (three companies), Eurolumen's second release aside.
fn universe(aside: &Path) -> Sandbox {
    let sb = Sandbox::with_data_copy();
    let fixtures = project_root().join("tests/fixtures/universe");
    copy_dir(&fixtures.join("companies"), &sb.data.join("companies"));
    copy_dir(&fixtures.join("releases"), &sb.data.join("releases"));
    std::fs::rename(sb.data.join("releases/eurolumen-3q07"), aside).unwrap();
    sb
}

/// The live generation's manifest: its header, with its part manifests (`manifest/part-XX.json`,
/// each a part's companies and releases) as "body", by file name.
fn manifest(warehouse: &Path) -> serde_json::Value {
    let dir = std::fs::canonicalize(warehouse.join("current")).unwrap();
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let mut header = read(&dir.join("manifest.json"));
    let mut body = serde_json::Map::new();
    for entry in std::fs::read_dir(dir.join("manifest")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        body.insert(name, read(&entry.path()));
    }
    assert!(!body.is_empty(), "no part manifest in {}", dir.display());
    header["body"] = serde_json::Value::Object(body);
    header
}

/// What two manifests must agree on when their warehouses were made from the same data/: the
/// companies and releases, and the header's digests of them.
fn same_body(a: &serde_json::Value, b: &serde_json::Value) {
    for key in [
        "body",
        "newest_releases",
        "records_digest",
        "folders_digest",
        "release_count",
    ] {
        assert!(!a[key].is_null(), "no {key} in the manifest");
        assert_eq!(a[key], b[key], "{key} differs");
    }
}

/// Every table and part file of the live generation: (file, sha256), sorted.
fn files(warehouse: &Path) -> Vec<(String, String)> {
    let m = manifest(warehouse);
    let mut out: Vec<(String, String)> = m["tables"]
        .as_array()
        .unwrap()
        .iter()
        .chain(m["part_files"].as_array().unwrap())
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// (stdout, stderr) of `iijwh query ARGS` in `sb`, which must succeed.
fn query(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb.cmd().arg("query").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "query {args:?}: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// `load --full` of the sandbox's data/ into warehouse `into`; its stdout.
fn full_rebuild(sb: &Sandbox, into: &Path) -> String {
    let out = sb
        .cmd()
        .env("IIJWH_WAREHOUSE", into)
        .args(["load", "--full"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The rows of every table of the catalog's raw and latest schemas, as CSV in one order.
fn catalog_rows(sb: &Sandbox, warehouse: &Path) -> Vec<(String, String)> {
    let run = |sql: &str| -> String {
        let out = sb
            .cmd()
            .env("IIJWH_WAREHOUSE", warehouse)
            .args(["query", "--no-build", "-e", sql, "--format", "csv"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let tables = run(
        "SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() \
         WHERE schema_name IN ('raw', 'latest') AND database_name = current_database() \
         UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() \
         WHERE schema_name IN ('raw', 'latest') AND database_name = current_database() ORDER BY 1",
    );
    let names: Vec<String> = tables.lines().skip(1).map(str::to_string).collect();
    assert!(names.iter().any(|n| n == "latest.figures"), "{names:?}");
    names
        .into_iter()
        .map(|t| {
            let rows = run(&format!("SELECT * FROM {t} ORDER BY ALL"));
            (t, rows)
        })
        .collect()
}

#[test]
fn incremental_loads_end_where_a_full_rebuild_does() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    let first = sb.ok(&["load"]);
    assert!(
        first.contains("every company read and checked: no warehouse yet"),
        "{first}"
    );

    // Add a release: only its company is read again.
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    let added = sb.ok(&["load"]);
    assert!(
        added.contains("loaded 4 release(s) of 3 companies"),
        "{added}"
    );
    assert!(
        added.contains("1 of 3 companies read and checked again"),
        "{added}"
    );
    let before = files(&sb.warehouse());

    // Edit one figure of one release (Brightline's): only Brightline's files change.
    let path = sb.data.join("releases/brightline-2q06/revenue_lines.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // The first row's note (its last column) gains a word.
    lines[1].push_str(" (edited)");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let edited = sb.ok(&["load"]);
    assert!(
        edited.contains("1 of 3 companies read and checked again"),
        "{edited}"
    );
    let after = files(&sb.warehouse());
    for ((file, a), (file_b, b)) in before.iter().zip(&after) {
        assert_eq!(file, file_b);
        if file == &format!("revenue_lines/{}.parquet", part_of("brightline")) {
            assert_ne!(a, b, "{file} should have changed");
        } else if file.contains(&format!("/{}.parquet", part_of("eurolumen")))
            || file.contains(&format!("/{}.parquet", part_of("iij")))
        {
            assert_eq!(a, b, "{file} of an untouched company changed");
        }
    }
    // An untouched company's files are the live generation's own (hard links), not copies.
    use std::os::unix::fs::MetadataExt;
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    assert!(
        std::fs::metadata(live.join(format!("revenue_lines/{}.parquet", part_of("iij"))))
            .unwrap()
            .nlink()
            >= 2
    );
    // So is its part manifest: its companies and releases are as they were. The edited
    // company's is written anew.
    let part_manifest = |company: &str| {
        std::fs::metadata(live.join(format!("manifest/{}.json", part_of(company))))
            .unwrap()
            .nlink()
    };
    assert!(
        part_manifest("iij") >= 2,
        "IIJ's part manifest was written again"
    );
    assert_eq!(part_manifest("brightline"), 1, "Brightline's part manifest");

    // Remove a release.
    std::fs::remove_dir_all(sb.data.join("releases/eurolumen-3q07")).unwrap();
    let removed = sb.ok(&["load"]);
    assert!(
        removed.contains("loaded 3 release(s) of 3 companies"),
        "{removed}"
    );
    assert!(
        removed.contains("1 of 3 companies read and checked again"),
        "{removed}"
    );
    // Nothing changed: nothing is read again, and nothing is written (no new generation, the
    // warehouse's folder as it was), with the releases and the rules' outcomes as they stand.
    let listing = |dir: &Path| -> Vec<(String, std::time::SystemTime)> {
        let mut out: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let modified = e.metadata().unwrap().modified().unwrap();
                (e.file_name().to_string_lossy().to_string(), modified)
            })
            .collect();
        out.sort();
        out
    };
    let before = (
        listing(&sb.warehouse()),
        listing(&sb.warehouse().join("generations")),
        std::fs::canonicalize(sb.warehouse().join("current")).unwrap(),
    );
    let out = sb.cmd().args(["load", "--timings"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    // Its one phase, the walk, is timed like a load's.
    assert!(
        said.contains("ms  walk data/ and schema/: did anything change?"),
        "{said}"
    );
    let again = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        again.contains("nothing to load")
            && again.contains("0 of 3 companies read and checked again")
            && again.contains("eurolumen-2q07")
            && again.contains("15 check rules: 14 pass, 1 residual"),
        "{again}"
    );
    let after = (
        listing(&sb.warehouse()),
        listing(&sb.warehouse().join("generations")),
        std::fs::canonicalize(sb.warehouse().join("current")).unwrap(),
    );
    assert_eq!(before, after, "a load with nothing to do wrote");

    // The same data/ built in full into another warehouse.
    let full = work.path().join("full");
    assert!(full_rebuild(&sb, &full).contains("asked for (--full)"));
    assert_eq!(files(&sb.warehouse()), files(&full), "the files differ");
    assert_eq!(catalog_rows(&sb, &sb.warehouse()), catalog_rows(&sb, &full));
    same_body(&manifest(&sb.warehouse()), &manifest(&full));

    // A full load made a batch of companies at a time (here one release a batch, so one company
    // each: three steps, two sealed before the last goes live) makes the same warehouse.
    let batched = work.path().join("batched");
    let out = sb
        .cmd()
        .env("IIJWH_WAREHOUSE", &batched)
        .env("IIJWH_BATCH_RELEASES", "1")
        .args(["load", "--full", "--timings"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches("batch sealed").count(), 2, "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("loaded 3 release(s) of 3 companies"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        files(&batched),
        files(&full),
        "the batched load's files differ"
    );
    assert_eq!(catalog_rows(&sb, &batched), catalog_rows(&sb, &full));
    same_body(&manifest(&batched), &manifest(&full));
    // Only the last step's generation is left, live.
    let generations: Vec<_> = std::fs::read_dir(batched.join("generations"))
        .unwrap()
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(generations.len(), 1, "{generations:?}");
    // The answers a reader cares about: IIJ's 2Q06 total revenues, and the edit.
    let total = sb.ok(&[
        "query",
        "-e",
        TOTAL_REVENUES,
        "--format",
        "csv",
        "--company",
        "iij",
    ]);
    assert_eq!(total, "value\n14007.0\n");
    let notes = sb.ok(&[
        "query",
        "-e",
        "SELECT count(*) AS n FROM revenue_lines WHERE note LIKE '%(edited)'",
        "--format",
        "csv",
        "--company",
        "brightline",
    ]);
    assert_eq!(notes, "n\n1\n");
}

/// A part that holds several companies (here one part holds every company, a row group each)
/// is written again by a load with the row groups of the companies it did not read copied as
/// they were, not decoded and encoded again; its files are still, byte for byte, those of a
/// full rebuild.
#[test]
fn a_shared_part_copies_the_row_groups_of_the_companies_it_did_not_read() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    let run = |warehouse: &Path, args: &[&str]| -> (String, String) {
        let out = sb
            .cmd()
            .env("IIJWH_WAREHOUSE", warehouse)
            .env("IIJWH_PART_DIGITS", "0")
            .env("IIJWH_ROW_GROUP_ROWS", "1")
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{args:?}: {stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    // (copied, encoded) of `load --timings`.
    let row_groups = |timings: &str| -> (usize, usize) {
        let line = timings
            .lines()
            .find_map(|l| l.strip_prefix("the part files' row groups: "))
            .unwrap_or_else(|| panic!("{timings}"));
        let numbers: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        (numbers[0], numbers[1])
    };
    run(&sb.warehouse(), &["load"]);
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    let (added, timings) = run(&sb.warehouse(), &["load", "--timings"]);
    assert!(
        added.contains("1 of 3 companies read and checked again"),
        "{added}"
    );
    let (copied, encoded) = row_groups(&timings);
    // Brightline's and IIJ's row groups of every table and of the latest vintage, copied;
    // Eurolumen's encoded.
    assert!(
        copied >= 20 && encoded >= 10,
        "{copied} copied, {encoded} encoded"
    );
    let files_made = files(&sb.warehouse());
    assert!(
        files_made
            .iter()
            .any(|(f, _)| f == "latest/figures/part-.parquet"),
        "{files_made:?}"
    );
    assert!(files_made
        .iter()
        .all(|(f, _)| !f.contains("/part-") || f.ends_with("/part-.parquet")));

    let full = work.path().join("full");
    let (_, timings) = run(&full, &["load", "--full", "--timings"]);
    assert_eq!(row_groups(&timings).0, 0, "a full load copies nothing");
    assert_eq!(files_made, files(&full), "the files differ");
    // And the answers read from the copied row groups are as printed.
    let (total, _) = run(
        &sb.warehouse(),
        &[
            "query",
            "-e",
            TOTAL_REVENUES,
            "--format",
            "csv",
            "--company",
            "iij",
        ],
    );
    assert_eq!(total, "value\n14007.0\n");
}

/// A load that fails at any of its steps, incremental or not, leaves the live generation as it
/// was: the same manifest, the same answers.
#[test]
fn a_failed_incremental_load_leaves_the_live_generation() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    sb.ok(&["load"]);
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let before = files(&sb.warehouse());
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    for fault in [
        "fail-after:1",
        "fail-after:4",
        "fail-after:12",
        "fail-after:20",
        "fail-at:figures",
    ] {
        let out = sb
            .cmd()
            .env("IIJWH_FAULT", fault)
            .args(["load"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{fault}: the load should fail");
        assert_eq!(
            std::fs::canonicalize(sb.warehouse().join("current")).unwrap(),
            live,
            "{fault}"
        );
        assert_eq!(files(&sb.warehouse()), before, "{fault}");
        let releases = sb.ok(&[
            "query",
            "--no-build",
            "-e",
            "SELECT count(*) AS n FROM raw.releases",
            "--format",
            "csv",
        ]);
        assert_eq!(releases, "n\n3\n", "{fault}");
    }
    let done = sb.ok(&["load"]);
    assert!(
        done.contains("1 of 3 companies read and checked again"),
        "{done}"
    );
}

/// A change to schema/ makes every company's part again, and the load says why.
#[test]
fn a_schema_change_forces_a_full_rebuild() {
    let work = tempfile::tempdir().unwrap();
    let sb = universe(&work.path().join("aside"));
    let proj = sb.dir.path().join("proj");
    for dir in ["schema", "queries"] {
        copy_dir(&project_root().join(dir), &proj.join(dir));
    }
    let load = || {
        crate::common::succeeded(
            sb.cmd()
                .env("IIJWH_HOME", &proj)
                .arg("load")
                .output()
                .unwrap(),
        )
    };
    load();
    assert!(load().contains("0 of 3 companies read"));
    std::fs::write(
        proj.join("schema/views/90_answer.sql"),
        "CREATE OR REPLACE VIEW answer AS SELECT 42 AS n;\n",
    )
    .unwrap();
    let out = load();
    assert!(
        out.contains(
            "every company read and checked: schema/ or iijwh changed since the last load"
        ),
        "{out}"
    );
}

/// A load killed at any point (SIGKILL: no cleanup runs) leaves the live generation as it was: an
/// incremental load killed early, midway and late among the files it writes, and a full load made
/// a batch of companies at a time killed in its first, second and last step (after earlier steps
/// were sealed, complete but not live). The next load then finishes and leaves none of their
/// folders behind.
#[test]
fn a_load_killed_at_any_point_leaves_the_live_generation() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    sb.ok(&["load"]);
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let before = files(&sb.warehouse());
    let total = || {
        sb.ok(&[
            "query",
            "--no-build",
            "-e",
            "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
             AND comparison = 'level' AND measure = 'amount'",
            "--format",
            "csv",
            "--company",
            "iij",
        ])
    };
    assert_eq!(total(), "value\n14007.0\n");
    // A new release: the next load is incremental (one company), unless --full.
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    for (full, at) in [
        (false, 1),
        (false, 15),
        (false, 30),
        (true, 5),
        (true, 45),
        (true, 95),
    ] {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("iijwh"));
        cmd.arg("load")
            .args(if full { &["--full"][..] } else { &[][..] })
            .env("IIJWH_DATA", &sb.data)
            .env("IIJWH_WAREHOUSE", sb.warehouse())
            .env("IIJWH_BATCH_RELEASES", "1")
            .env("IIJWH_FAULT", format!("pause-after:{at}"))
            .current_dir(crate::common::project_root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("paused after writing") {
            line.clear();
            let read = std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
            assert!(
                read > 0,
                "the load (full: {full}) ended before writing {at} files"
            );
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let now = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
        assert_eq!(
            now, live,
            "killed at file {at} (full: {full}): the live generation changed"
        );
        assert_eq!(
            files(&sb.warehouse()),
            before,
            "killed at file {at} (full: {full})"
        );
        assert_eq!(total(), "value\n14007.0\n");
    }
    let loaded = sb.ok(&["load"]);
    assert!(
        loaded.contains("loaded 4 release(s) of 3 companies"),
        "{loaded}"
    );
    let names: Vec<String> = std::fs::read_dir(sb.warehouse().join("generations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.starts_with(".retired-"))
        .collect();
    // The new generation and the one it replaced; the killed loads' folders are retired.
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
}

/// A statement about one company named by `--company` checks that company's release folders
/// for changes, not every company's: an edit to another company's release neither rebuilds the
/// warehouse nor changes any of its one-company views' answers once loaded; an edit to its own
/// release, a new release folder of anyone's, or a statement that reads across companies still
/// rebuild first, as every statement did.
#[test]
fn a_one_company_statement_checks_its_company_only() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    sb.ok(&["load"]);
    let query = |args: &[&str]| query(&sb, args);
    let answers = || -> Vec<String> {
        iijwh::sql::scope::ONE_COMPANY_RELATIONS
            .iter()
            .map(|rel| {
                let sql = format!("SELECT * FROM {rel} ORDER BY ALL");
                query(&[
                    "--no-build",
                    "--company",
                    "iij",
                    "-e",
                    &sql,
                    "--format",
                    "csv",
                ])
                .0
            })
            .collect()
    };
    let before = answers();
    let trend = || query(&["trend_revenue", "--company", "iij", "--format", "csv"]);
    let (table, quiet) = trend();
    let rows = crate::common::parse_csv(&table);
    let q2 = rows
        .iter()
        .find(|r| r["quarter"] == "2Q06")
        .expect("a 2Q06 row");
    assert_eq!(q2["total_revenues"], "14007.0", "{table}");
    assert!(!quiet.contains("building"), "{quiet}");

    // Brightline's release edited: IIJ's report answers at once, from the same generation.
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let path = sb.data.join("releases/brightline-2q06/revenue_lines.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1].push_str(" (edited)");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (again, quiet) = trend();
    assert_eq!(again, table);
    assert!(!quiet.contains("building"), "{quiet}");
    let svg = work.path().join("trend.svg");
    let out = sb
        .cmd()
        .args(["chart", "trend_revenue", "--company", "iij", "-o"])
        .arg(&svg)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !said.contains("building"), "{said}");
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let still = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    assert_eq!(still, live);
    // Asked for no company, a session shows the newest release's, IIJ's here: the same holds
    // while no release.toml changed (which release is the newest is read from them).
    // (trend_revenue is written for IIJ and names it: a statement of its own asks for none.)
    let sql = "SELECT period, value FROM revenue_lines WHERE line = 'total_revenues' ORDER BY ALL";
    let concept = query(&[
        "--company",
        "iij",
        "--no-build",
        "-e",
        sql,
        "--format",
        "csv",
    ])
    .0;
    assert!(concept.contains("14007"), "{concept}");
    let (default, quiet) = query(&["-e", sql, "--format", "csv"]);
    assert_eq!(default, concept);
    assert!(!quiet.contains("building"), "{quiet}");
    let toml = sb.data.join("releases/brightline-2q06/release.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("(synthetic) results", "(synthetic) Results"),
    )
    .unwrap();
    let (default, built) = query(&["-e", sql, "--format", "csv"]);
    assert_eq!(default, concept);
    assert!(built.contains("building the warehouse"), "{built}");
    // Brightline's CSV edited again: a new generation is live now, and the same holds.
    std::fs::write(&path, lines.join("\n") + " again\n").unwrap();
    let (default, quiet) = query(&["-e", sql, "--format", "csv"]);
    assert_eq!(default, concept);
    assert!(!quiet.contains("building"), "{quiet}");
    // Brightline's own statement, and one over every company, rebuild first.
    let (_, built) = query(&["-e", "SELECT count(*) FROM figures", "--company", "iij"]);
    assert!(built.contains("building the warehouse"), "{built}");
    // Every one-company view of IIJ answers as before Brightline's edit was loaded.
    assert_eq!(answers(), before);

    // A damaged file of Brightline's part: IIJ's statements, which cannot read it, answer; any
    // statement that can read it says so (and the load after it makes the part again).
    let part = std::fs::canonicalize(sb.warehouse().join("current"))
        .unwrap()
        .join(format!("revenue_lines/{}.parquet", part_of("brightline")));
    let mut bytes = std::fs::read(&part).unwrap();
    bytes.extend_from_slice(b"damage");
    std::fs::remove_file(&part).unwrap();
    std::fs::write(&part, bytes).unwrap();
    let (again, _) = query(&[
        "trend_revenue",
        "--company",
        "iij",
        "--format",
        "csv",
        "--no-build",
    ]);
    assert_eq!(again, table);
    let out = sb
        .cmd()
        .args([
            "query",
            "--no-build",
            "--company",
            "brightline",
            "-e",
            "FROM revenue_lines",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && said.contains("damaged"), "{said}");
    let (_, built) = query(&["trend_revenue", "--company", "brightline"]);
    assert!(built.contains("damaged"), "{built}");

    // A new release folder (anyone's) could be IIJ's: the whole is checked, and it is loaded.
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    let (_, built) = trend();
    assert!(built.contains("building the warehouse"), "{built}");
    // Eurolumen's is the newest release now: asked for no company, the views show Eurolumen's
    // figures (the stored latest vintage's views name the newest company, made again).
    let sql = "SELECT DISTINCT company_id FROM revenue_lines";
    let (shown, _) = query(&["--no-build", "-e", sql, "--format", "csv"]);
    assert_eq!(shown.lines().nth(1), Some("eurolumen"), "{shown}");

    // IIJ's own release edited: rebuilt, and the edit is what it answers.
    sb.edit(
        "revenue_lines.csv",
        "\"8,675\",,reconciled,\n",
        "\"8,675\",,reconciled,seen at once\n",
    );
    let sql = "SELECT note FROM revenue_lines WHERE period = '1Q04' AND line = 'total_revenues' \
               AND measure = 'amount' AND comparison = 'level'";
    let (note, built) = query(&["-e", sql, "--company", "iij", "--format", "csv"]);
    assert!(built.contains("building the warehouse"), "{built}");
    assert_eq!(note.lines().nth(1), Some("seen at once"), "{note}");
}

/// A rule scoped to a release (source_audit) runs, in an incremental load, on the releases it
/// reads that are new or changed; the rows of the company's other releases come from the part it
/// replaces. What it keeps is what a full rebuild finds: the same rule outcomes and
/// check_results, byte for byte, rows of both releases in release order.
#[test]
fn a_release_scoped_rule_reads_the_new_release_and_keeps_the_others() {
    let work = tempfile::tempdir().unwrap();
    let aside = work.path().join("eurolumen-3q07");
    let sb = universe(&aside);
    // One label of each Eurolumen release that its text does not print.
    for (file, from, to) in [
        (
            sb.data.join("releases/eurolumen-2q07/revenue_lines.csv"),
            ",Lighting,60,",
            ",Lightning,60,",
        ),
        (
            aside.join("revenue_lines.csv"),
            ",Consumer,70,",
            ",Consumers,70,",
        ),
    ] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains(from), "{}", file.display());
        std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
    }
    sb.ok(&["load"]);
    std::fs::rename(&aside, sb.data.join("releases/eurolumen-3q07")).unwrap();
    let added = sb.ok(&["load"]);
    assert!(
        added.contains("1 of 3 companies read and checked again"),
        "{added}"
    );
    let details = sb.scalar("SELECT details FROM check_results WHERE rule = 'source_audit'");
    let seen: Vec<&str> = details
        .lines()
        .filter(|l| l.contains("\"release_id\""))
        .collect();
    assert_eq!(seen.len(), 2, "{details}");
    assert!(
        seen[0].contains("eurolumen-2q07") && seen[1].contains("eurolumen-3q07"),
        "{details}"
    );
    assert!(
        details.contains("label not in the release text"),
        "{details}"
    );

    let full = work.path().join("full");
    full_rebuild(&sb, &full);
    assert_eq!(files(&sb.warehouse()), files(&full));
    assert_eq!(catalog_rows(&sb, &sb.warehouse()), catalog_rows(&sb, &full));

    // An edit to the older release alone: its rows are found again, the newer one's kept.
    let older = sb.data.join("releases/eurolumen-2q07/revenue_lines.csv");
    let text = std::fs::read_to_string(&older).unwrap();
    std::fs::write(&older, text.replacen(",Lightning,", ",Lighting,", 1)).unwrap();
    sb.ok(&["load"]);
    let details = sb.scalar("SELECT details FROM check_results WHERE rule = 'source_audit'");
    assert!(
        !details.contains("eurolumen-2q07") && details.contains("eurolumen-3q07"),
        "{details}"
    );
    full_rebuild(&sb, &full);
    assert_eq!(files(&sb.warehouse()), files(&full));
}

#[test]
fn a_statement_over_the_latest_facts_reads_their_files() {
    let work = tempfile::tempdir().unwrap();
    let sb = universe(&work.path().join("eurolumen-3q07"));
    sb.ok(&["load"]);
    // `query ARGS --timings`, which names the opening it took.
    let query = |args: &[&str]| query(&sb, &[args, &["--format", "csv", "--timings"]].concat());
    const DIRECT: &str = "open the stored latest files";
    // The figure a reader looks for, read from the stored file, no catalog opened.
    let (total, said) = query(&[
        "--company",
        "iij",
        "-e",
        "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
         AND measure = 'amount' AND comparison = 'level' \
         AND section = 'Trend of Quarterly Revenues'",
    ]);
    assert_eq!(total, "value\n14007.0\n");
    assert!(said.contains(DIRECT), "{said}");
    // Every such table, for the default company and two named ones, answers as the catalog's
    // view does (a -cmd statement makes the session the catalog's): the same rows, the same
    // columns and types.
    for table in iijwh::sql::scope::LATEST_FILE_RELATIONS {
        for company in [None, Some("iij"), Some("brightline")] {
            let company: Vec<&str> = company.map_or(vec![], |c| vec!["--company", c]);
            for sql in [
                format!("SELECT * FROM {table} ORDER BY ALL"),
                format!("SELECT typeof(COLUMNS(*)) FROM main.{table} LIMIT 1"),
            ] {
                let direct = query(&[&company[..], &["-e", &sql]].concat());
                let catalog = query(&[&company[..], &["-cmd", "SELECT 1", "-e", &sql]].concat());
                assert!(direct.1.contains(DIRECT), "{sql} {company:?}: {}", direct.1);
                assert!(!catalog.1.contains(DIRECT), "{}", catalog.1);
                assert_eq!(direct.0, catalog.0, "{sql} {company:?}");
                // IIJ's release prints every table (the synthetic companies' fewer).
                if company == ["--company", "iij"] {
                    assert!(direct.0.lines().count() > 1, "{sql}: {}", direct.0);
                }
            }
        }
    }
    // The default company is the newest release's, as the catalog has it.
    let newest = query(&["-e", "SELECT DISTINCT company_id FROM kpis"]);
    let catalog = query(&["-e", "SELECT company_id FROM vintage_company"]);
    assert_eq!(newest.0, catalog.0);
    assert!(newest.1.contains(DIRECT) && !catalog.1.contains(DIRECT));
    // Anything else of the catalog, a company named otherwise than by its id, and questions
    // about the session itself go to the catalog.
    for args in [
        vec![
            "-e",
            "SELECT count(*) FROM revenue_lines JOIN periods USING (period)",
        ],
        vec!["-e", "SELECT count(*) FROM figures"],
        vec!["--company", "Brightline", "-e", "SELECT count(*) FROM kpis"],
        vec!["-e", "SELECT current_database()"],
        vec!["--as-of", "2006-12-31", "-e", "SELECT count(*) FROM kpis"],
    ] {
        let (_, said) = query(&args);
        assert!(!said.contains(DIRECT), "{args:?}: {said}");
    }
    // A mistake is told by the catalog's session, which knows the names to suggest.
    let out = sb
        .cmd()
        .args(["query", "-e", "SELECT * FROM revenue_line"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("revenue_lines"), "{said}");
    // An edit of the company's own data is loaded first; another company's is not waited for.
    let path = sb.data.join("releases/brightline-2q06/revenue_lines.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("synthetic fixture", "synthetic fixture (edited)", 1),
    )
    .unwrap();
    let (again, said) = query(&[
        "--company",
        "iij",
        "-e",
        "SELECT count(*) FROM revenue_lines",
    ]);
    assert!(
        said.contains(DIRECT) && !said.contains("building"),
        "{said}"
    );
    // As of a date the catalog answers (the stored files are the latest vintage), for the
    // company named or the newest release's by then, whose part alone is checked.
    let (count, said) = query(&[
        "--company",
        "iij",
        "--as-of",
        "2006-12-31",
        "-e",
        "SELECT count(*) FROM revenue_lines",
    ]);
    assert_eq!(count, again);
    assert!(
        !said.contains(DIRECT) && !said.contains("building"),
        "{said}"
    );
    let by = |date: &str| {
        query(&[
            "--as-of",
            date,
            "-e",
            "SELECT company_id FROM vintage_company",
        ])
    };
    let (shown, said) = by("2006-10-31");
    assert_eq!(shown, "company_id\neurolumen\n");
    assert!(
        !said.contains(DIRECT) && !said.contains("building"),
        "{said}"
    );
    let (shown, said) = by("2006-08-01");
    assert_eq!(shown, "company_id\nbrightline\n");
    assert!(said.contains("building"), "{said}");
    let path = sb.data.join("releases/iij-2q06/revenue_lines.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[1].starts_with("1Q04,total_revenues,") && lines[1].ends_with(','));
    lines[1].push_str("noted by the test");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let note = "SELECT note FROM revenue_lines WHERE period = '1Q04' AND line = 'total_revenues' \
                AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'";
    let (noted, said) = query(&["--company", "iij", "-e", note]);
    assert!(said.contains("building"), "{said}");
    assert_eq!(noted, "note\nnoted by the test\n");
    assert_eq!(
        again,
        query(&[
            "--company",
            "iij",
            "-e",
            "SELECT count(*) FROM revenue_lines"
        ])
        .0
    );
}

/// A session reads the manifest's header and, about one company, that company's part manifest
/// (`manifest/part-XX.json`) only: with every other part manifest damaged, IIJ's report and a
/// statement over every company still answer from the same generation; a load that then finds
/// them unreadable builds every part again, and says why.
#[test]
fn a_session_reads_the_header_and_its_companys_part_manifest_only() {
    let aside = tempfile::tempdir().unwrap();
    let sb = universe(&aside.path().join("eurolumen-3q07"));
    sb.ok(&["load"]);
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let mine = format!("{}.json", part_of("iij"));
    let mut damaged = 0;
    for entry in std::fs::read_dir(live.join("manifest")).unwrap().flatten() {
        if entry.file_name().to_string_lossy() != mine {
            std::fs::write(entry.path(), "{damaged").unwrap();
            damaged += 1;
        }
    }
    assert!(damaged >= 1, "no other company's part manifest to damage");
    let trend = || {
        query(
            &sb,
            &["trend_revenue", "--company", "iij", "--format", "csv"],
        )
    };
    let (table, said) = trend();
    let rows = crate::common::parse_csv(&table);
    let q2 = rows.iter().find(|r| r["quarter"] == "2Q06").expect("2Q06");
    assert_eq!(q2["total_revenues"], "14007.0", "{table}");
    assert!(!said.contains("building"), "{said}");
    let sum = "SELECT count(DISTINCT company_id) AS companies FROM figures";
    let (every, said) = query(&sb, &["-e", sum, "--format", "csv"]);
    assert_eq!(every.lines().nth(1), Some("3"), "{every}");
    assert!(!said.contains("building"), "{said}");
    assert_eq!(
        std::fs::canonicalize(sb.warehouse().join("current")).unwrap(),
        live
    );

    // A release of Brightline written again: the load cannot tell which parts to take as they
    // were.
    let path = sb.data.join("releases/brightline-2q06/revenue_lines.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text).unwrap();
    let out = sb.cmd().args(["load"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "every company read and checked: the live warehouse's part manifests cannot be read"
        ),
        "{stdout}"
    );
    let (again, _) = trend();
    assert_eq!(again, table);
    let rebuilt = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    for entry in std::fs::read_dir(rebuilt.join("manifest"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).expect("a part manifest made again");
    }
}

/// A statement about one company does not list data/releases while the folder's own stamp
/// holds (no entry added, removed or renamed there since the load's walk), but still looks at
/// every file directly in it and its company's folders: a note edited in place there, or a
/// folder added, makes it build first.
#[test]
fn a_one_company_statement_sees_an_edit_in_the_releases_folder() {
    let aside = tempfile::tempdir().unwrap();
    let sb = universe(&aside.path().join("eurolumen-3q07"));
    let note = sb.data.join("releases/NOTES.txt");
    std::fs::write(&note, "kept by hand\n").unwrap();
    sb.ok(&["load"]);
    let trend = || {
        query(
            &sb,
            &["trend_revenue", "--company", "iij", "--format", "csv"],
        )
    };
    let (table, quiet) = trend();
    assert!(!quiet.contains("building"), "{quiet}");
    // Written in place: the folder's entries, and so its stamp, are as they were.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&note)
        .unwrap();
    std::io::Write::write_all(&mut file, b"and edited\n").unwrap();
    drop(file);
    let (again, built) = trend();
    assert!(built.contains("building the warehouse"), "{built}");
    assert_eq!(again, table);
    let (_, quiet) = trend();
    assert!(!quiet.contains("building"), "{quiet}");
    // A folder added: anyone's could be IIJ's.
    std::fs::create_dir(sb.data.join("releases/empty-folder")).unwrap();
    let out = sb
        .cmd()
        .args(["query", "trend_revenue", "--company", "iij"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("building the warehouse"), "{said}");
}

/// A statement about one company reads its company's row groups of the part it shares with
/// others: in the part file whole companies are packed into row groups, whose statistics name
/// the companies they hold (so a reader skips the row groups of others), and DuckDB's profile
/// of the catalog's session shows one scan, of that file, with the company's filter pushed
/// into it.
#[test]
fn a_one_company_statement_reads_only_its_row_groups() {
    let aside = tempfile::tempdir().unwrap();
    let sb = universe(&aside.path().join("eurolumen-3q07"));
    // A synthetic twin of Brightline whose id falls in IIJ's part.
    let twin = (0..)
        .map(|n| format!("twin{n}"))
        .find(|id| part_of(id) == part_of("iij"))
        .unwrap();
    let fixtures = project_root().join("tests/fixtures/universe");
    let record = std::fs::read_to_string(fixtures.join("companies/brightline.toml"))
        .unwrap()
        .replace("brightline", &twin)
        .replace("Brightline", "Twinline")
        .replace("BRTL", "TWNL");
    std::fs::write(sb.data.join(format!("companies/{twin}.toml")), record).unwrap();
    let folder = sb.data.join(format!("releases/{twin}-2q06"));
    copy_dir(&fixtures.join("releases/brightline-2q06"), &folder);
    let release = std::fs::read_to_string(folder.join("release.toml")).unwrap();
    std::fs::write(
        folder.join("release.toml"),
        release.replace("brightline", &twin),
    )
    .unwrap();
    sb.ok(&["load"]);
    let count = |company: &str| -> usize {
        let (out, _) = query(
            &sb,
            &[
                "--company",
                company,
                "--format",
                "csv",
                "-e",
                "SELECT count(*) AS n FROM revenue_lines",
            ],
        );
        out.lines().nth(1).unwrap().trim().parse().unwrap()
    };
    let (iij_rows, twin_rows) = (count("iij"), count(&twin));
    assert!(iij_rows > 100 && twin_rows > 0, "{iij_rows} {twin_rows}");

    // The part file: whole companies packed into row groups (the two together, their
    // statistics both ids) ...
    let part_groups = || -> Vec<(String, String, i64)> {
        let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
        let file = live.join(format!("latest/revenue_lines/{}.parquet", part_of("iij")));
        use parquet::file::reader::FileReader;
        let reader =
            parquet::file::reader::SerializedFileReader::new(std::fs::File::open(&file).unwrap())
                .unwrap();
        reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| {
                let column = g
                    .columns()
                    .iter()
                    .find(|c| c.column_path().string() == "company_id")
                    .unwrap();
                let stats = column.statistics().unwrap();
                let text = |b: Option<&[u8]>| String::from_utf8(b.unwrap().to_vec()).unwrap();
                (
                    text(stats.min_bytes_opt()),
                    text(stats.max_bytes_opt()),
                    g.num_rows(),
                )
            })
            .collect()
    };
    let mut ids = [twin.clone(), "iij".to_string()];
    ids.sort();
    assert_eq!(
        part_groups(),
        vec![(
            ids[0].clone(),
            ids[1].clone(),
            (iij_rows + twin_rows) as i64
        )]
    );
    // ... and, built with a row group as small as a company (IIJWH_ROW_GROUP_ROWS=1), a row
    // group a company, in id order, each one's statistics its id alone.
    let out = sb
        .cmd()
        .env("IIJWH_ROW_GROUP_ROWS", "1")
        .arg("load")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected = vec![
        ("iij".to_string(), "iij".to_string(), iij_rows as i64),
        (twin.clone(), twin.clone(), twin_rows as i64),
    ];
    expected.sort();
    assert_eq!(part_groups(), expected);
    let live = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();

    // DuckDB's profile of the catalog's session: one scan, of IIJ's part file, the company's
    // filter pushed into it, IIJ's rows out.
    let config = duckdb::Config::default()
        .access_mode(duckdb::AccessMode::ReadOnly)
        .unwrap();
    let conn = duckdb::Connection::open_with_flags(live.join("catalog.duckdb"), config).unwrap();
    let profile = aside.path().join("profile.json");
    conn.execute_batch(&format!(
        "SET VARIABLE generation_dir = '{}'; SET VARIABLE company = 'iij';\n\
         SET enable_profiling = 'json'; SET profiling_output = '{}';",
        live.display(),
        profile.display()
    ))
    .unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM revenue_lines", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, iij_rows);
    let profile: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    fn scans(node: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        if node["operator_type"] == "TABLE_SCAN" {
            out.push(node.clone());
        }
        for child in node["children"].as_array().into_iter().flatten() {
            scans(child, out);
        }
    }
    let mut found = Vec::new();
    scans(&profile, &mut found);
    assert_eq!(found.len(), 1, "{profile}");
    let scan = &found[0];
    assert_eq!(scan["extra_info"]["Filters"], "company_id='iij'", "{scan}");
    assert_eq!(scan["extra_info"]["Total Files Read"], "1", "{scan}");
    let read = scan["extra_info"]["Filename(s)"].as_str().unwrap();
    assert!(
        read.ends_with(&format!("/latest/revenue_lines/{}.parquet", part_of("iij"))),
        "{read}"
    );
    assert_eq!(scan["operator_cardinality"], iij_rows as i64, "{scan}");
}
