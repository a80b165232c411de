//! Interop: the exported Parquet, Hive-partitioned Parquet and DuckDB file read back by pyarrow,
//! polars, the DuckDB CLI and Python duckdb with the warehouse's types, row counts and sums.
//! Needs those readers (`.ci/run` installs them and sets IIJWH_PYTHON); says so when skipped.

use crate::common::{project_root, skip_unless_ci, succeeded, Sandbox};
use std::process::Command;

/// The Python with the readers, or why there is none.
pub fn python() -> Result<String, String> {
    let python = std::env::var("IIJWH_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let probe = Command::new(&python)
        .args([
            "-c",
            "import pyarrow, polars, duckdb, shutil; assert shutil.which('duckdb')",
        ])
        .output();
    match probe {
        Ok(o) if o.status.success() => Ok(python),
        _ => Err(format!(
            "{python} lacks pyarrow/polars/duckdb or the duckdb CLI is not on PATH (run .ci/run, \
             or pip install -r tests/interop-requirements.txt)"
        )),
    }
}

#[test]
fn exports_read_back_with_other_readers() {
    let python = match python() {
        Ok(p) => p,
        Err(why) => return skip_unless_ci(&format!("the interop readers are missing: {why}")),
    };
    let sb = Sandbox::new();
    let dir = sb.dir.path();
    let (flat, hive, db) = (dir.join("flat"), dir.join("hive"), dir.join("db"));
    sb.ok(&["export", flat.to_str().unwrap()]);
    sb.ok(&[
        "export",
        hive.to_str().unwrap(),
        "--partition-by",
        "fiscal_year",
    ]);
    sb.ok(&["export", db.to_str().unwrap(), "--format", "duckdb"]);

    // Expected values from the warehouse itself.
    let mut expected = serde_json::Map::new();
    let tables = [
        ("revenue_lines", vec!["value"]),
        ("income_items", vec!["value"]),
        ("cash_flows", vec!["value"]),
        ("balance_sheet", vec!["value"]),
        ("kpis", vec!["value"]),
        ("subsidiaries", vec!["ownership_pct"]),
        ("periods", vec![]),
        ("releases", vec![]),
        ("services", vec![]),
        ("figures", vec!["value"]),
    ];
    for (table, sums) in tables {
        let rows = sb.scalar(&format!("SELECT count(*) FROM {table}"));
        let mut sum_map = serde_json::Map::new();
        for col in &sums {
            sum_map.insert(
                col.to_string(),
                sb.scalar(&format!("SELECT sum({col}) FROM {table}")).into(),
            );
        }
        let mut types = serde_json::Map::new();
        if !sums.is_empty() && table != "subsidiaries" {
            types.insert("value".into(), "decimal128(18, 6)".into());
        }
        if table == "periods" {
            types.insert("start_date".into(), "date32[day]".into());
            types.insert("period".into(), "string".into());
        }
        if table == "releases" {
            types.insert("published_on".into(), "date32[day]".into());
        }
        if table == "subsidiaries" {
            types.insert("ownership_pct".into(), "decimal128(4, 1)".into());
        }
        expected.insert(
            table.to_string(),
            serde_json::json!({"rows": rows.parse::<usize>().unwrap(), "sums": sum_map, "types": types}),
        );
    }
    let expected_path = dir.join("expected.json");
    std::fs::write(
        &expected_path,
        serde_json::Value::Object(expected).to_string(),
    )
    .unwrap();

    let out = Command::new(python)
        .arg(project_root().join("tests/interop/read_back.py"))
        .args([&expected_path, &flat, &hive, &db.join("iijwh.duckdb")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
    assert!(stdout.matches("ok ").count() > 80, "{stdout}");
}

#[test]
fn export_refuses_a_non_empty_folder_and_manifest_describes_it() {
    let sb = Sandbox::new();
    let mine = sb.dir.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("keep.txt"), "mine").unwrap();
    // A folder of someone else's files is never replaced, not even with --force.
    for force in [false, true] {
        let mut args = vec!["export", mine.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        let err = sb.fails(&args);
        assert!(
            err.contains("is not an iijwh export") && err.contains("keep.txt"),
            "{err}"
        );
        assert_eq!(
            std::fs::read_to_string(mine.join("keep.txt")).unwrap(),
            "mine"
        );
    }
    let dir = sb.dir.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    sb.ok(&["export", dir.to_str().unwrap(), "--format", "csv"]);
    // A previous export is replaced only with --force.
    let err = sb.fails(&["export", dir.to_str().unwrap(), "--format", "csv"]);
    assert!(
        err.contains("previous iijwh export") && err.contains("--force"),
        "{err}"
    );
    sb.ok(&[
        "export",
        dir.to_str().unwrap(),
        "--force",
        "--format",
        "csv",
        "--tables",
        "kpis",
    ]);
    assert!(!dir.join("revenue_lines.csv").exists());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["schema_version"], "1");
    assert_eq!(manifest["releases"][0]["release_id"], "iij-2q06");
    let kpis = &manifest["tables"][0];
    assert_eq!(kpis["name"], "kpis");
    assert_eq!(kpis["rows"], 20);
    assert_eq!(kpis["files"][0]["path"], "kpis.csv");
    assert_eq!(kpis["files"][0]["sha256"].as_str().unwrap().len(), 64);
    let value = kpis["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "value")
        .unwrap();
    assert_eq!(value["type"], "DECIMAL(18,6)");
    assert_eq!(value["unit"], "per row, in column unit");
    let csv = std::fs::read_to_string(dir.join("kpis.csv")).unwrap();
    assert!(csv.starts_with("release_id,period,item,comparison,value,unit,section,label,printed,derived,placement,note\n"));
    assert!(
        csv.contains("iij-2q06,2Q06,dedicated_access_contracts,level,16112.0,contracts,"),
        "{csv}"
    );
    // No half-written folders left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(sb.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
    let err = sb.fails(&[
        "export",
        sb.dir.path().join("x").to_str().unwrap(),
        "--tables",
        "nosuch",
    ]);
    assert!(err.contains("no table `nosuch` to export"), "{err}");
    // A duckdb export lists its database file once, at the top level.
    let db = sb.dir.path().join("db");
    sb.ok(&["export", db.to_str().unwrap(), "--format", "duckdb"]);
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(db.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["database"]["path"], "iijwh.duckdb");
    assert_eq!(manifest["database"]["sha256"].as_str().unwrap().len(), 64);
    let tables = manifest["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 20);
    assert!(tables
        .iter()
        .all(|t| t["files"].as_array().unwrap().is_empty()));
}

/// The generation's catalog is a DuckDB database the DuckDB CLI opens as it is: the vintage views
/// and the raw tables answer there as in iijwh.
#[test]
fn the_duckdb_cli_opens_the_catalog() {
    if let Err(why) = python() {
        return skip_unless_ci(&format!("the DuckDB CLI is missing: {why}"));
    }
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let catalog = std::fs::canonicalize(sb.warehouse().join("current"))
        .unwrap()
        .join("catalog.duckdb");
    let total =
        "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
                 AND measure = 'amount' AND comparison = 'level' \
                 AND section = 'Trend of Quarterly Revenues'";
    let raw = "SELECT count(*) FROM raw.revenue_lines";
    // The catalog's views read the generation's files from the folder this variable names.
    let folder = catalog.parent().unwrap().display().to_string();
    let cli = |sql: &str| {
        let out = Command::new("duckdb")
            .args(["-readonly", "-csv", "-noheader", "-init", "/dev/null"])
            .arg(&catalog)
            .args([
                "-c",
                &format!("SET VARIABLE generation_dir = '{folder}'; {sql}"),
            ])
            .output()
            .unwrap();
        succeeded(out).trim().to_string()
    };
    // The bare CLI prints the stored scale (DECIMAL(18,6)); iijwh prints the figure's digits.
    assert_eq!(cli(total), "14007.000000");
    assert_eq!(sb.scalar(total), "14007.0");
    assert_eq!(cli(raw), sb.scalar(raw));
}
