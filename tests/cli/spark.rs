//! The export in Spark: PySpark (local[2], UI off, 127.0.0.1) registers a partitioned export
//! through spark/tables.sql; every table reads with the manifest's types (DECIMAL, DATE, the
//! partition column as an integer), the row counts and per-table sums of `value` equal iijwh's, and
//! each ported report returns the same rows as `iijwh query NAME --format csv`.

use crate::common::{project_root, Sandbox};
use std::process::Command;

/// The Python with PySpark and Java on PATH, or None (the test then skips, or fails under CI).
fn spark_python() -> Option<String> {
    let python = std::env::var("IIJWH_PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import pyspark, shutil; assert shutil.which('java')"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        crate::common::skip_unless_ci(&format!(
            "{python} lacks pyspark, or java is not on PATH (.ci/run installs both)"
        ));
        return None;
    }
    Some(python)
}

/// Run tests/interop/spark_check.py on an export and the expected figures and report rows; it
/// must pass every check, trend_revenue's rows included. Returns what it printed.
fn spark_check(
    python: &str,
    expected: &std::path::Path,
    export: &std::path::Path,
    work: &std::path::Path,
) -> String {
    let out = Command::new(python)
        .arg(project_root().join("tests/interop/spark_check.py"))
        .args([expected, export, work])
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("0 failed") && stdout.contains("ok   spark report trend_revenue"),
        "{stdout}"
    );
    stdout
}

#[test]
fn spark_reads_the_export_and_runs_the_ported_reports() {
    let Some(python) = spark_python() else {
        return;
    };
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
        expected.insert(table.into(), expectation(&sb, table, sum));
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
    let stdout = spark_check(&python, &expected_path, &dir, &work);
    assert!(
        stdout.contains("revenue_lines.fiscal_year (partition) is int"),
        "{stdout}"
    );
}

/// The real universe exported `--partition-by company`: Spark registers each table
/// with `company_id` as its partition key (a string), every company's rows are there (each
/// table's rows and sums equal iijwh's over every company), and the ported reports, narrowed to
/// the export's company (`--company iij`, as an iijwh session with it), return iijwh's rows,
/// reading that company's folders only.
#[test]
fn spark_runs_the_reports_over_a_multi_company_export_partitioned_by_company() {
    let Some(python) = spark_python() else {
        return;
    };
    // The real coverage universe of data/: eight companies, each its own calendar and currency.
    let sb = Sandbox::universe();
    sb.ok(&["load"]);
    let dir = sb.dir.path().join("lake");
    // Every company; each report answers as iijwh's does: IIJ's (`-- company: iij`) for IIJ.
    sb.ok(&["export", dir.to_str().unwrap(), "--partition-by", "company"]);
    let tables = std::fs::read_to_string(dir.join("spark/tables.sql")).unwrap();
    assert!(
        tables.contains("`company_id` STRING\n) USING parquet\nPARTITIONED BY (`company_id`)"),
        "{tables}"
    );
    let trend = std::fs::read_to_string(dir.join("spark/reports/trend_revenue.sql")).unwrap();
    assert!(trend.contains("WHERE company_id = 'iij'"), "{trend}");
    let mut expected = serde_json::Map::new();
    // iijwh's views show one company; schema latest holds every company's latest vintage, which
    // is what the export holds.
    for (table, all) in [
        ("revenue_lines", "latest.revenue_lines"),
        ("income_items", "latest.income_items"),
        ("kpis", "latest.kpis"),
        ("periods", "all_periods"),
    ] {
        expected.insert(table.into(), expectation(&sb, all, table != "periods"));
    }
    // Every company is in the lake; IIJ alone holds 2Q06's 14,007.
    assert!(expected["revenue_lines"]["rows"].as_u64().unwrap() > 100);
    let work = sb.dir.path().join("spark-check");
    std::fs::create_dir_all(&work).unwrap();
    let expected_path = work.join("expected.json");
    std::fs::write(
        &expected_path,
        serde_json::Value::Object(expected).to_string(),
    )
    .unwrap();
    for entry in std::fs::read_dir(dir.join("spark/reports")).unwrap() {
        let name = entry
            .unwrap()
            .path()
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .to_string();
        std::fs::write(
            work.join(format!("{name}.csv")),
            sb.ok(&["query", &name, "--format", "csv"]),
        )
        .unwrap();
    }
    // The peer report, ported by hand, over every company of the lake: NVIDIA's 57,006 of its
    // third quarter of fiscal 2026 beside IIJ's 14,007.
    let peers = std::fs::read_to_string(work.join("peer_comparison.csv")).unwrap();
    assert!(
        peers.contains("NVIDIA Corporation,3Q26,2025-10-26,USD,USD million,57006.0")
            && peers.contains("Internet Initiative Japan Inc.,2Q06"),
        "{peers}"
    );
    assert!(dir.join("spark/reports/peer_comparison.sql").is_file());
    // IIJ's 2Q06 total revenues are in the report Spark must reproduce.
    let trend_csv = std::fs::read_to_string(work.join("trend_revenue.csv")).unwrap();
    assert!(
        trend_csv.contains("2Q06") && trend_csv.contains("14007"),
        "{trend_csv}"
    );
    spark_check(&python, &expected_path, &dir, &work);
}

/// What spark_check.py must find of one exported table: iijwh's row count of `from` (a table or
/// view), and the sum of its values when `sum`.
fn expectation(sb: &Sandbox, from: &str, sum: bool) -> serde_json::Value {
    let rows: usize = sb
        .scalar(&format!("SELECT count(*) FROM {from}"))
        .parse()
        .unwrap();
    let mut sums = serde_json::Map::new();
    if sum {
        sums.insert(
            "value".into(),
            sb.scalar(&format!("SELECT sum(value) FROM {from}")).into(),
        );
    }
    serde_json::json!({"rows": rows, "sums": sums})
}
