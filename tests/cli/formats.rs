//! Every output format, on the same real figures.

use crate::common::Sandbox;

const SQL: &str = "SELECT period, value, printed, derived FROM revenue_lines \
    WHERE line = 'total_revenues' AND measure = 'amount' AND section = 'Trend of Quarterly Revenues' \
    AND period IN ('1Q04', '2Q06') ORDER BY period";

fn run(sb: &Sandbox, format: &str) -> String {
    sb.ok(&["query", "-e", SQL, "--format", format])
}

#[test]
fn csv_is_raw() {
    let sb = Sandbox::new();
    assert_eq!(
        run(&sb, "csv"),
        "period,value,printed,derived\n1Q04,8675.0,\"8,675\",\n2Q06,14007.0,\"14,007\",\n"
    );
}

#[test]
fn json_keeps_exact_numbers_and_nulls() {
    let sb = Sandbox::new();
    let v: serde_json::Value = serde_json::from_str(&run(&sb, "json")).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["period"], "2Q06");
    assert_eq!(v[1]["value"].to_string(), "14007.0");
    assert_eq!(v[1]["printed"], "14,007");
    assert!(v[1]["derived"].is_null());
}

#[test]
fn ndjson_one_object_per_line() {
    let sb = Sandbox::new();
    let out = run(&sb, "ndjson");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["value"].to_string(), "8675.0");
}

#[test]
fn markdown_table_with_right_aligned_numbers() {
    let sb = Sandbox::new();
    let out = run(&sb, "markdown");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "| period | value | printed | derived |");
    assert_eq!(lines[1], "| --- | ---: | --- | --- |");
    assert_eq!(lines[3], "| 2Q06 | 14,007 | 14,007 | NULL |");
}

#[test]
fn table_groups_thousands_and_shows_null() {
    let sb = Sandbox::new();
    let out = run(&sb, "table");
    let row = out.lines().find(|l| l.contains("2Q06")).unwrap();
    assert!(
        row.contains(" 14,007 ") && !row.contains("14,007.0") && row.contains("NULL"),
        "{row}"
    );
    assert!(out.contains("(2 rows)"));
}

/// A ratio computed in SQL prints at its column's precision in the table, CSV and the web's
/// cells, and years and ids are never grouped.
#[test]
fn ratios_round_and_years_are_not_grouped() {
    let sb = Sandbox::new();
    let sql = "SELECT 78.35201965903855::DOUBLE AS share_pct, 1/3 AS quotient, \
               2025::INTEGER AS fiscal_year, 14007::INTEGER AS total";
    let table = sb.ok(&["query", "-e", sql, "--format", "table"]);
    assert!(
        table.contains("78.4%") && !table.contains("78.35"),
        "{table}"
    );
    assert!(table.contains(" 0.33 "), "{table}");
    assert!(
        table.contains(" 2025 ") && !table.contains("2,025"),
        "{table}"
    );
    assert!(table.contains(" 14,007 "), "{table}");
    let csv = sb.ok(&["query", "-e", sql, "--format", "csv"]);
    assert_eq!(
        csv,
        "share_pct,quotient,fiscal_year,total\n78.4,0.3333333333333333,2025,14007\n"
    );
    // The real periods view: fiscal_year as a year.
    let periods = sb.ok(&[
        "query",
        "-e",
        "SELECT period, fiscal_year FROM periods WHERE period = '2Q06'",
    ]);
    assert!(
        periods.contains(" 2006 ") && !periods.contains("2,006"),
        "{periods}"
    );
    // The margins report's ratio, as the release prints it (5.8 for 2Q06 operating margin).
    let margins = sb.ok(&["query", "margins", "--format", "csv"]);
    assert!(
        margins.contains("2Q06,14007.0,18.3,811.0,5.8,"),
        "{margins}"
    );
}
