//! The report library: every report in queries/ runs against the full warehouse and matches its
//! golden CSV output (tests/cli/snapshots); parameters and their errors.

use crate::common::{project_root, Sandbox};

fn report_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(project_root().join("queries"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "sql").then(|| p.file_stem().unwrap().to_string_lossy().to_string())
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_report_matches_its_golden_output() {
    let sb = Sandbox::new();
    let names = report_names();
    assert!(names.len() >= 12, "{names:?}");
    for name in names {
        let out = sb.ok(&["query", &name, "--format", "csv"]);
        insta::assert_snapshot!(format!("report_{name}"), out);
    }
}

#[test]
fn parameters_change_the_result() {
    let sb = Sandbox::new();
    let rows = crate::common::parse_csv(&sb.ok(&[
        "query",
        "growth",
        "--param",
        "line=dialup_access",
        "--param",
        "from=2Q06",
        "--format",
        "csv",
    ]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["amount"], "606.0");
    assert_eq!(rows[0]["yoy_stated_pct"], "-11.2");
    assert_eq!(rows[0]["yoy_computed_pct"], "-11.1");
    let rows = crate::common::parse_csv(&sb.ok(&[
        "query",
        "results_table",
        "-p",
        "period=2Q06",
        "--format",
        "csv",
    ]));
    let net = rows.iter().find(|r| r["item"] == "Net Income").unwrap();
    assert_eq!(net["result"], "2120.0");
    assert_eq!(net["yoy_pct"], "111.9");
}

#[test]
fn parameter_errors_show_the_parameters() {
    let sb = Sandbox::new();
    let err = sb.fails(&["query", "growth", "--param", "lin=connectivity"]);
    assert!(
        err.contains("report `growth` has no parameter `lin`"),
        "{err}"
    );
    assert!(err.contains("line VARCHAR = total_revenues"), "{err}");
    let err = sb.fails(&["query", "growth", "--param", "line=foo"]);
    assert!(
        err.contains("line=\"foo\" is not one of: total_revenues, connectivity"),
        "{err}"
    );
    let err = sb.fails(&["query", "growth", "--param", "line"]);
    assert!(err.contains("must be key=value"), "{err}");
    let err = sb.fails(&["query", "trend_revenue", "--param", "x=1"]);
    assert!(err.contains("it takes no parameters"), "{err}");
    let err = sb.fails(&["query", "-e", "SELECT $x AS v"]);
    assert!(err.contains("uses parameter $x"), "{err}");
    assert_eq!(
        sb.ok(&[
            "query",
            "-e",
            "SELECT $x AS v",
            "-p",
            "x=5",
            "--format",
            "csv"
        ]),
        "v\n5\n"
    );
}

#[test]
fn reports_lists_every_report_with_title_and_parameters() {
    let sb = Sandbox::new();
    let out = sb.ok(&["reports"]);
    for name in report_names() {
        assert!(out.contains(&name), "{name} missing from:\n{out}");
    }
    assert!(out.contains("Quarterly revenue trend"));
    assert!(out.contains("from VARCHAR = 1Q04"));
    let one = sb.ok(&["reports", "growth"]);
    assert!(
        one.contains("--param line VARCHAR = total_revenues"),
        "{one}"
    );
    assert!(one.contains("SELECT"), "{one}");
}
