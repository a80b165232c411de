//! Many companies, one clear picture: with a company whose release is newer than IIJ's loaded,
//! IIJ's reports (header `-- company: iij`) still answer for IIJ, and an ad-hoc statement over
//! the per-company views says which company it answered for, and why an empty answer is empty.

use crate::common::{copy_dir, golden, parse_csv, project_root, Sandbox};
use std::process::Stdio;

/// IIJ's release (published 2006-11-02) and the synthetic universe, whose eurolumen-3q07
/// (published 2007-01-25) is the newest release: the session's default company is eurolumen.
fn iij_and_a_newer_company() -> Sandbox {
    let sb = Sandbox::with_data_copy();
    let fixtures = project_root().join("tests/fixtures/universe");
    copy_dir(&fixtures.join("companies"), &sb.data.join("companies"));
    copy_dir(&fixtures.join("releases"), &sb.data.join("releases"));
    sb.ok(&["load"]);
    sb
}

/// stdout and stderr of a successful run.
fn run(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "iijwh {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn iij_reports_answer_for_iij_when_a_newer_company_is_loaded() {
    let sb = iij_and_a_newer_company();
    // The default company is the newest release's: eurolumen, not IIJ.
    assert_eq!(
        sb.scalar("SELECT company_id FROM vintage_company"),
        "eurolumen"
    );
    let csv = sb.ok(&["query", "trend_revenue", "--format", "csv"]);
    assert_eq!(csv, golden("trend_revenue"));
    let rows = parse_csv(&csv);
    let q = rows.iter().find(|r| r["quarter"] == "2Q06").unwrap();
    assert_eq!(q["total_revenues"], "14007.0");

    // The README's command prints what it prints with IIJ alone.
    let alone = Sandbox::new();
    let (table, _) = run(&sb, &["query", "trend_revenue.sql"]);
    assert_eq!(table, alone.ok(&["query", "trend_revenue.sql"]));
    assert!(table.contains("14,007"), "{table}");

    // Other IIJ reports too; --company still chooses another company.
    let margins = sb.csv_of(&["query", "margins", "--format", "csv"]);
    assert!(!margins.is_empty());
    let other = sb.csv_of(&[
        "query",
        "trend_revenue",
        "--company",
        "eurolumen",
        "--format",
        "csv",
    ]);
    let quarters: Vec<(&str, &str)> = other
        .iter()
        .map(|r| (r["quarter"].as_str(), r["total_revenues"].as_str()))
        .collect();
    assert_eq!(
        quarters,
        [
            ("2Q06", "80.0"),
            ("3Q06", "90.0"),
            ("2Q07", "100.0"),
            ("3Q07", "110.0")
        ]
    );
    // A report for any company keeps the session's default.
    let trend = sb.csv_of(&["query", "concept_trend", "--format", "csv"]);
    assert!(
        trend.iter().all(|r| !r.values().any(|v| v == "14007.0")),
        "{trend:?}"
    );
}

#[test]
fn the_web_page_answers_iij_reports_for_iij() {
    let sb = iij_and_a_newer_company();
    let server = crate::web::serve_with(&sb, &["--timeout", "10"], Stdio::null());
    let (status, _, csv) = crate::web::get(&server, "/reports/trend_revenue.csv");
    assert_eq!(status, 200);
    assert_eq!(csv, golden("trend_revenue"));
    let (status, _, page) = crate::web::get(&server, "/reports/trend_revenue");
    assert_eq!(status, 200);
    assert!(page.contains("Internet Initiative Japan"), "{page}");
}

#[test]
fn an_ad_hoc_statement_names_its_company() {
    let sb = iij_and_a_newer_company();
    let sql = "SELECT count(*) AS n FROM revenue_lines";
    let (out, err) = run(&sb, &["query", "-e", sql, "--format", "csv"]);
    assert!(
        err.contains("note: company eurolumen (")
            && err.contains("the newest release's; --company to choose"),
        "{err}"
    );
    assert_ne!(out, "n\n0\n");

    // Empty because of the company: the companies with rows are named.
    let sql = "SELECT value FROM revenue_lines WHERE line = 'connectivity'";
    let (out, err) = run(&sb, &["query", "-e", sql, "--format", "csv"]);
    assert_eq!(out, "value\n");
    assert!(err.contains("note: no rows for company eurolumen"), "{err}");
    assert!(
        err.contains("companies with rows in revenue_lines: ")
            && err.contains("iij (Internet Initiative Japan Inc.)"),
        "{err}"
    );
    // Asked of IIJ, it has rows, and no note on the company chosen.
    let (out, err) = run(
        &sb,
        &["query", "-e", sql, "--company", "iij", "--format", "csv"],
    );
    assert!(out.lines().count() > 1, "{out}");
    assert_eq!(err, "");
}

#[test]
fn with_iij_alone_no_note_is_printed() {
    let sb = Sandbox::new();
    let (out, err) = run(
        &sb,
        &[
            "query",
            "-e",
            "SELECT value FROM revenue_lines WHERE line = 'nothing'",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out, "value\n");
    // The first run may build the warehouse and say so; the note is never printed.
    assert!(!err.contains("note:"), "{err}");
    let (_, err) = run(&sb, &["query", "-e", "SELECT count(*) FROM revenue_lines"]);
    assert_eq!(err, "");
}
