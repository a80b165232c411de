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

/// Beside the golden outputs, each report pins figures a reader checks against the release text
/// (JPY million unless a `%` column): a changed golden alone cannot pass this.
#[test]
fn every_report_pins_figures_from_the_release() {
    let sb = Sandbox::new();
    // (report, key column, key, column, value as the release prints it)
    let pins: &[(&str, &str, &str, &str, &str)] = &[
        (
            "trend_revenue",
            "quarter",
            "2Q06",
            "total_revenues",
            "14007.0",
        ),
        ("trend_revenue", "quarter", "1Q04", "connectivity", "3670.0"),
        (
            "revenue_mix",
            "quarter",
            "2Q06",
            "total_revenues",
            "14007.0",
        ),
        (
            "revenue_mix",
            "quarter",
            "2Q04",
            "total_revenues",
            "10512.0",
        ),
        ("growth", "quarter", "2Q06", "yoy_stated_pct", "17.4"),
        ("growth", "quarter", "2Q06", "amount", "14007.0"),
        (
            "margins",
            "quarter",
            "2Q06",
            "operating_margin_ratio",
            "5.8",
        ),
        ("margins", "quarter", "2Q06", "gross_margin_ratio", "18.3"),
        (
            "income_trend",
            "quarter",
            "2Q06",
            "operating_income",
            "811.0",
        ),
        ("income_trend", "quarter", "2Q06", "net_income", "2120.0"),
        (
            "connectivity_kpis",
            "quarter",
            "2Q06",
            "dedicated_access_contracts",
            "16112.0",
        ),
        (
            "connectivity_kpis",
            "quarter",
            "2Q06",
            "contracted_bandwidth_gbps",
            "253.2",
        ),
        (
            "outsourcing_si_trend",
            "quarter",
            "2Q06",
            "si_revenues",
            "7221.0",
        ),
        (
            "outsourcing_si_trend",
            "quarter",
            "2Q06",
            "outsourcing_revenues",
            "6213.0",
        ),
        (
            "cash_flow_ebitda",
            "item",
            "adjusted_ebitda",
            "2Q06",
            "1880.0",
        ),
        ("cash_flow_ebitda", "item", "capex", "2Q06", "636.0"),
        (
            "balance_sheet_changes",
            "item",
            "Cash",
            "earlier",
            "13727.0",
        ),
        ("balance_sheet_changes", "item", "Cash", "later", "12860.0"),
        (
            "results_table",
            "item",
            "Total Revenues",
            "result",
            "26444.0",
        ),
        ("results_table", "item", "Net Income", "result", "2854.0"),
        (
            "targets_vs_results",
            "item",
            "total_revenues",
            "revised_target",
            "26400.0",
        ),
        (
            "targets_vs_results",
            "item",
            "total_revenues",
            "revision_pct",
            "5.6",
        ),
        (
            "group_structure",
            "company",
            "IIJ Technology Inc.",
            "ownership_pct",
            "72.1",
        ),
        (
            "group_structure",
            "company",
            "Net Chart Japan Inc.",
            "ownership_pct",
            "100.0",
        ),
        (
            "services_timeline",
            "service",
            "IIJ SMF Service",
            "introduced_on",
            "2006-08-03",
        ),
        (
            "services_timeline",
            "service",
            "iiMail",
            "introduced_on",
            "2006-10-10",
        ),
        ("check_summary", "rule", "source_audit", "status", "pass"),
        (
            "check_summary",
            "rule",
            "parts_sum_to_totals",
            "status",
            "residual",
        ),
        ("concept_trend", "period", "2Q06", "value", "14007.0"),
        ("concept_trend", "period", "1Q04", "end_date", "2004-06-30"),
        (
            "peer_comparison",
            "company",
            "Internet Initiative Japan Inc.",
            "revenues",
            "14007.0",
        ),
        (
            "peer_comparison",
            "company",
            "Internet Initiative Japan Inc.",
            "revenue_growth_pct",
            "17.4",
        ),
        (
            "releases",
            "release_id",
            "iij-2q06",
            "published_on",
            "2006-11-02",
        ),
        ("releases", "release_id", "iij-2q06", "figures", "428"),
        (
            "restatements",
            "release",
            "iij-2q06",
            "period",
            "1Q04..3Q04",
        ),
        (
            "restatements",
            "release",
            "iij-2q06",
            "table_name",
            "income_items",
        ),
    ];
    let mut covered = std::collections::BTreeSet::new();
    for (report, key_col, key, col, want) in pins {
        let rows = crate::common::parse_csv(&sb.ok(&["query", report, "--format", "csv"]));
        let row = rows
            .iter()
            .find(|r| r[*key_col] == *key)
            .unwrap_or_else(|| panic!("{report}: no row {key_col} = {key}"));
        assert_eq!(&row[*col], want, "{report}: {key} {col}");
        covered.insert(report.to_string());
    }
    let all: std::collections::BTreeSet<String> = report_names().into_iter().collect();
    assert_eq!(covered, all, "every report pins two figures");
}
