//! `iijwh load`: Parquet output, bad input with precise errors, and the last good warehouse kept.

use crate::common::Sandbox;
use iijwh::warehouse::parts::part_of;

/// A Parquet file's footer metadata, key by key.
fn footer(
    meta: &parquet::file::metadata::ParquetMetaData,
) -> std::collections::HashMap<String, String> {
    meta.file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn load_writes_zstd_parquet_with_provenance() {
    let sb = Sandbox::new();
    let out = sb.ok(&["load"]);
    assert!(out.contains("loaded 1 release(s)"), "{out}");
    assert!(out.contains("15 check rules: 14 pass, 1 residual"), "{out}");
    let current = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let file =
        std::fs::File::open(current.join(format!("revenue_lines/{}.parquet", part_of("iij"))))
            .unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let kv = footer(meta);
    assert_eq!(kv["iijwh.release_ids"], "iij-2q06");
    assert_eq!(kv["iijwh.schema_version"], "1");
    assert!(kv["iijwh.source_sha256"].contains("2e27e14fda6a6222"));
    assert!(kv["iijwh.column_descriptions"].contains("Slide title as printed"));
    // A warehouse-wide file names how many releases it holds and one hash of their list.
    let whole = std::fs::File::open(current.join("companies.parquet")).unwrap();
    let whole = parquet::file::reader::SerializedFileReader::new(whole).unwrap();
    let whole = footer(whole.metadata());
    assert_eq!(whole["iijwh.releases"], "1");
    use sha2::Digest;
    let listed = format!("{}\n", kv["iijwh.source_sha256"]);
    let digest = sha2::Sha256::digest(listed.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(whole["iijwh.releases_sha256"], hex);
    assert!(!whole.contains_key("iijwh.release_ids"));
    let col = meta.row_group(0).column(0);
    assert!(
        col.compression().to_string().starts_with("ZSTD"),
        "{}",
        col.compression()
    );
    let value_col = meta.file_metadata().schema_descr().column(5);
    assert_eq!(value_col.name(), "value");
    assert_eq!(
        value_col.converted_type(),
        parquet::basic::ConvertedType::DECIMAL
    );
    assert_eq!(
        (value_col.type_precision(), value_col.type_scale()),
        (18, 6)
    );
}

#[test]
fn byte_order_mark_is_accepted() {
    let sb = Sandbox::with_data_copy();
    let path = sb.release_file("kpis.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    sb.ok(&["load"]);
    assert_eq!(
        sb.scalar("SELECT value FROM kpis WHERE period = '2Q06' AND item = 'dedicated_access_contracts' AND comparison = 'level'"),
        "16112.0"
    );
}

/// The generation `current` points at, and the number of (visible) generations.
fn generations(sb: &Sandbox) -> (std::path::PathBuf, Vec<String>) {
    let current = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let all = std::fs::read_dir(sb.warehouse().join("generations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    (current, all)
}

/// 2Q06 dedicated access contracts 16,112 -> 16,113 in the data copy.
fn change_contracts(sb: &Sandbox) {
    sb.edit(
        "kpis.csv",
        "2Q06,dedicated_access_contracts,level,16112,",
        "2Q06,dedicated_access_contracts,level,16113,",
    );
}

/// 2Q06 dedicated access contracts as the warehouse answers (`flag`: --no-build or "").
fn contracts(sb: &Sandbox, flag: &str) -> String {
    let sql = "SELECT value FROM kpis WHERE period = '2Q06' AND item = 'dedicated_access_contracts' AND comparison = 'level'";
    let mut args = vec!["query", "-e", sql, "--format", "csv"];
    if !flag.is_empty() {
        args.push(flag);
    }
    crate::common::parse_csv(&sb.ok(&args))[0]["value"].clone()
}

/// A load made to fail by the test hook `fault` (IIJWH_FAULT) after a good one: it ends, within a
/// minute, with `message`, and the warehouse still answers from the good load.
fn a_failed_load_leaves_the_warehouse(fault: &str, message: &str) {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let (before, _) = generations(&sb);
    change_contracts(&sb);
    let out = sb
        .cmd()
        .arg("load")
        .env("IIJWH_FAULT", fault)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(message), "{stderr}");
    let (after, all) = generations(&sb);
    assert_eq!(before, after);
    assert_eq!(all.len(), 1, "no half-made generation left: {all:?}");
    assert_eq!(contracts(&sb, "--no-build"), "16112.0");
}

#[test]
fn a_load_that_fails_halfway_leaves_the_warehouse_unchanged() {
    a_failed_load_leaves_the_warehouse(
        "fail-after:5",
        "injected fault after writing 5 table file(s)",
    );
}

/// `figures` failing while the other core checks the constraints and runs the early rules: the
/// load ends with that error (it once waited forever for a session that was never sent).
#[test]
fn a_load_whose_figures_fail_ends_with_the_error() {
    a_failed_load_leaves_the_warehouse("fail-at:figures", "injected fault at step figures");
}

#[test]
fn a_load_killed_mid_write_leaves_the_warehouse_unchanged() {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let (before, _) = generations(&sb);
    change_contracts(&sb);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("iijwh"));
    cmd.arg("load")
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .env("IIJWH_FAULT", "pause-after:7")
        .current_dir(crate::common::project_root())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Wait until it has written 7 table files, then kill it (SIGKILL: no cleanup runs).
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    assert!(line.contains("paused after writing 7"), "{line}");
    child.kill().unwrap();
    child.wait().unwrap();
    let (after, _) = generations(&sb);
    assert_eq!(before, after);
    assert_eq!(contracts(&sb, "--no-build"), "16112.0");
    // The next load removes the dead staging folder and swaps in the new data.
    sb.ok(&["load"]);
    let (_, all) = generations(&sb);
    assert!(all.iter().all(|g| !g.starts_with(".")), "{all:?}");
    assert_eq!(contracts(&sb, ""), "16113.0");
}

/// A load keeps the generation it replaces (a running query may still read it) and retires the
/// older ones: renamed aside at once, hidden, their files deleted by the next load.
#[test]
fn old_generations_are_retired_then_deleted_by_the_next_load() {
    let sb = Sandbox::with_data_copy();
    let mut live = Vec::new();
    // `--full`: a load with nothing changed writes nothing (tests/cli/incremental.rs).
    for _ in 0..3 {
        sb.ok(&["load", "--full"]);
        live.push(generations(&sb).0);
    }
    let name = |dir: &std::path::Path| dir.file_name().unwrap().to_string_lossy().to_string();
    let (_, all) = generations(&sb);
    let retired_first = format!(".retired-{}", name(&live[0]));
    let mut expected = vec![name(&live[1]), name(&live[2]), retired_first.clone()];
    expected.sort();
    let mut all_sorted = all.clone();
    all_sorted.sort();
    assert_eq!(all_sorted, expected);
    assert!(!live[0].exists() && live[1].exists());
    // The fourth load deletes the first generation's files and retires the second.
    sb.ok(&["load", "--full"]);
    let (_, all) = generations(&sb);
    assert!(!all.contains(&retired_first), "{all:?}");
    assert!(
        all.contains(&format!(".retired-{}", name(&live[1]))),
        "{all:?}"
    );
    assert_eq!(
        all.iter().filter(|g| !g.starts_with('.')).count(),
        2,
        "{all:?}"
    );
    assert_eq!(contracts(&sb, "--no-build"), "16112.0");
}

/// A load copies the live generation's catalog when the schema is the same (re-pointing its raw
/// views at the new files) and makes a new one when schema/ changed; either way the answers come
/// from the new generation's files.
#[test]
fn the_catalog_follows_the_new_files_and_the_schema() {
    let sb = Sandbox::with_data_copy();
    let proj = sb.dir.path().join("proj");
    for dir in ["schema", "queries"] {
        crate::common::copy_dir(&crate::common::project_root().join(dir), &proj.join(dir));
    }
    let run = |args: &[&str]| -> String {
        crate::common::succeeded(
            sb.cmd()
                .env("IIJWH_HOME", &proj)
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let digest = || {
        let dir = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
        let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        manifest["catalog_digest"].as_str().unwrap().to_string()
    };
    let contracts = "SELECT value FROM kpis WHERE period = '2Q06' \
                     AND item = 'dedicated_access_contracts' AND comparison = 'level'";
    run(&["load"]);
    let first = digest();
    assert_eq!(
        run(&["query", "-e", contracts, "--format", "csv"]),
        "value\n16112.0\n"
    );
    // Same schema, new data, twice: the first generation is gone by then, so the copied catalog
    // can only answer from the new files.
    change_contracts(&sb);
    run(&["load"]);
    run(&["load"]);
    assert_eq!(digest(), first);
    assert_eq!(
        run(&["query", "-e", contracts, "--format", "csv"]),
        "value\n16113.0\n"
    );
    assert!(run(&["query", "trend_revenue"]).contains("14,007"));
    // A new view in schema/ and a rule that reads it: a new catalog that has it, and a new load
    // catalog (the rules' views), the only one in the warehouse.
    std::fs::write(
        proj.join("schema/views/90_answer.sql"),
        "CREATE OR REPLACE VIEW answer AS SELECT 42 AS n;\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("schema/checks/zz_answer.sql"),
        "-- name: zz_answer\n-- description: no answer is 42 (fails on its one row)\nSELECT n FROM answer WHERE n = 42;\n",
    )
    .unwrap();
    let load_catalogs = || -> Vec<String> {
        std::fs::read_dir(sb.warehouse())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".load-catalog-"))
            .collect()
    };
    let before = load_catalogs();
    assert_eq!(before.len(), 1, "{before:?}");
    assert!(run(&["load"]).contains("16 check rules"));
    assert_eq!(
        run(&[
            "query",
            "-e",
            "SELECT status, offending_rows FROM check_results WHERE rule = 'zz_answer'",
            "--format",
            "csv"
        ]),
        "status,offending_rows\nfail,1\n"
    );
    let after = load_catalogs();
    assert_eq!(after.len(), 1, "{after:?}");
    assert_ne!(after, before);
    assert_ne!(digest(), first);
    // A damaged load catalog is made again.
    std::fs::write(sb.warehouse().join(&after[0]), b"not a DuckDB file").unwrap();
    assert!(run(&["load"]).contains("16 check rules"));
    assert_eq!(load_catalogs(), after);
    assert_eq!(
        run(&["query", "-e", "SELECT n FROM answer", "--format", "csv"]),
        "n\n42\n"
    );
}
