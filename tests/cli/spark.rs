//! The export in Spark: PySpark (local[2], UI off, 127.0.0.1) registers a partitioned export
//! through spark/tables.sql; every table reads with the manifest's types (DECIMAL, DATE, the
//! partition column as an integer), the row counts and per-table sums of `value` equal iijwh's, and
//! each ported report returns the same rows as `iijwh query NAME --format csv`.

use crate::common::{project_root, Sandbox};
use std::process::Command;

#[test]
fn spark_reads_the_export_and_runs_the_ported_reports() {
    let python = std::env::var("IIJWH_PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import pyspark, shutil; assert shutil.which('java')"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        return crate::common::skip_unless_ci(&format!(
            "{python} lacks pyspark, or java is not on PATH (.ci/run installs both)"
        ));
    }
    let sb = Sandbox::new();
    let dir = sb.dir.path().join("lake");
    sb.ok(&[
        "export",
        dir.to_str().unwrap(),
        "--partition-by",
        "fiscal_year",
    ]);
    let tables = std::fs::read_to_string(dir.join("spark/tables.sql")).unwrap();
    assert!(tables.contains("PARTITIONED BY (`fiscal_year`)") && tables.contains("COMMENT"));
    let unported = std::fs::read_to_string(dir.join("spark/UNPORTED.md")).unwrap();
    assert!(unported.contains("`restatements`"), "{unported}");
    // What iijwh says: rows and sums per table, and each ported report's rows.
    let mut expected = serde_json::Map::new();
    for (table, sum) in [
        ("revenue_lines", true),
        ("income_items", true),
        ("cash_flows", true),
        ("balance_sheet", true),
        ("kpis", true),
        ("figures", true),
        ("periods", false),
        ("releases", false),
        ("services", false),
        ("restatements", false),
    ] {
        let rows: usize = sb
            .scalar(&format!("SELECT count(*) FROM {table}"))
            .parse()
            .unwrap();
        let mut sums = serde_json::Map::new();
        if sum {
            sums.insert(
                "value".into(),
                sb.scalar(&format!("SELECT sum(value) FROM {table}")).into(),
            );
        }
        expected.insert(
            table.into(),
            serde_json::json!({"rows": rows, "sums": sums}),
        );
    }
    let work = sb.dir.path().join("spark-check");
    std::fs::create_dir_all(&work).unwrap();
    let expected_path = work.join("expected.json");
    std::fs::write(
        &expected_path,
        serde_json::Value::Object(expected).to_string(),
    )
    .unwrap();
    let reports: Vec<String> = std::fs::read_dir(dir.join("spark/reports"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .path()
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect();
    assert!(reports.len() >= 10, "{reports:?}");
    for name in &reports {
        std::fs::write(
            work.join(format!("{name}.csv")),
            sb.ok(&["query", name, "--format", "csv"]),
        )
        .unwrap();
    }
    let out = Command::new(&python)
        .arg(project_root().join("tests/interop/spark_check.py"))
        .args([&expected_path, &dir, &work])
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("0 failed") && stdout.contains("ok   spark report trend_revenue"),
        "{stdout}"
    );
    assert!(
        stdout.contains("revenue_lines.fiscal_year (partition) is int"),
        "{stdout}"
    );
}
