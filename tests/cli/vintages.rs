//! Releases over time: the real release plus the test-only fixture tests/fixtures/releases/
//! synthetic-3q06 (a made-up 3Q06 release that reprints 2Q06 figures, restates 2Q06 operating
//! income 811 -> 815 with a restatement row, and changes 2Q05 CAPEX 795 -> 800 without one).

use crate::common::{golden, parse_csv, project_root, Sandbox};
use std::collections::HashMap;

const FIXTURE: &str = "synthetic-3q06";
const REAL_DATE: &str = "2006-11-02";

type Rows = Vec<HashMap<String, String>>;

fn report(sb: &Sandbox, name: &str, extra: &[&str]) -> String {
    let mut args = vec!["query", name, "--format", "csv"];
    args.extend_from_slice(extra);
    sb.ok(&args)
}

fn row<'a>(rows: &'a Rows, col: &str, value: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r[col] == value)
        .unwrap_or_else(|| panic!("no row with {col} = {value} in {rows:?}"))
}

/// The golden (single-release) rows with the fixture's changes applied by hand: `edits` set a cell
/// of the row whose first column has the key; `added` rows are appended (first column, cells).
fn expected(
    report: &str,
    key: &str,
    edits: &[(&str, &str, &str)],
    added: &[&[(&str, &str)]],
) -> Rows {
    let mut rows = parse_csv(&golden(report));
    for (k, col, value) in edits {
        let r = rows
            .iter_mut()
            .find(|r| r[key] == *k)
            .unwrap_or_else(|| panic!("{report}: no row {k}"));
        assert!(r.contains_key(*col), "{report}: no column {col}");
        r.insert(col.to_string(), value.to_string());
    }
    for cells in added {
        let mut r: HashMap<String, String> =
            rows[0].keys().map(|k| (k.clone(), String::new())).collect();
        for (col, value) in *cells {
            assert!(r.contains_key(*col), "{report}: no column {col}");
            r.insert(col.to_string(), value.to_string());
        }
        rows.push(r);
    }
    rows
}

#[test]
fn every_report_answers_from_the_latest_vintage_and_as_of_reproduces_the_golden_outputs() {
    let sb = Sandbox::with_fixtures(&[FIXTURE]);
    let out = sb.ok(&["load"]);
    // load reports its releases with their figure counts
    assert!(out.contains("loaded 2 release(s)"), "{out}");
    let line = out.lines().find(|l| l.contains(FIXTURE)).unwrap();
    assert!(
        line.contains("3Q06") && line.contains("2007-02-08") && line.contains("15"),
        "{line}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("iij-2q06") && l.contains("428")),
        "{out}"
    );

    let names: Vec<String> = std::fs::read_dir(project_root().join("queries"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "sql")
                .then(|| path.file_stem().unwrap().to_string_lossy().to_string())
        })
        .collect();
    // As of the real release's publication (or naming it), every report is today's golden output.
    for name in &names {
        // check_summary is the load's record of the whole warehouse (every release), not an
        // answer of one vintage: checked below.
        if name == "check_summary" {
            continue;
        }
        let golden = golden(name);
        assert_eq!(
            report(&sb, name, &["--as-of", REAL_DATE]),
            golden,
            "{name} --as-of"
        );
        assert_eq!(
            report(&sb, name, &["--release", "iij-2q06"]),
            golden,
            "{name} --release"
        );
    }

    // The latest vintage, computed by hand from the fixture.
    let q3 = [
        ("quarter", "3Q06"),
        ("connectivity", "3400.0"),
        ("value_added_and_other", "2800.0"),
        ("outsourced_si", "3600.0"),
        ("si_one_time", "4100.0"),
        ("equipment_sales", "600.0"),
        ("total_revenues", "14500.0"),
    ];
    let mut checked = Vec::new();
    let mut check = |name: &str, want: Rows| {
        let got = parse_csv(&report(&sb, name, &[]));
        assert_eq!(got, want, "{name}: latest vintage");
        checked.push(name.to_string());
    };
    check(
        "trend_revenue",
        expected("trend_revenue", "quarter", &[], &[&q3]),
    );
    check(
        "revenue_mix",
        expected(
            "revenue_mix",
            "quarter",
            &[],
            // shares of 14,500: 3,400 = 23.4%, 2,800 = 19.3%, 3,600 = 24.8%, 4,100 = 28.3%, 600 = 4.1%
            &[&[
                ("quarter", "3Q06"),
                ("connectivity_pct", "23.4"),
                ("value_added_and_other_pct", "19.3"),
                ("outsourced_si_pct", "24.8"),
                ("si_one_time_pct", "28.3"),
                ("equipment_sales_pct", "4.1"),
                ("total_revenues", "14500.0"),
            ]],
        ),
    );
    check(
        "growth",
        // 14,500 / 14,007 (2Q06) - 1 = 3.5%; 14,500 / 11,870 (3Q05) - 1 = 22.2%
        expected(
            "growth",
            "quarter",
            &[],
            &[&[
                ("quarter", "3Q06"),
                ("amount", "14500.0"),
                ("qoq_computed_pct", "3.5"),
                ("yoy_computed_pct", "22.2"),
            ]],
        ),
    );
    check(
        "income_trend",
        expected(
            "income_trend",
            "quarter",
            &[("2Q06", "operating_income", "815.0")],
            &[&[("quarter", "3Q06"), ("operating_income", "900.0")]],
        ),
    );
    check(
        "margins",
        expected(
            "margins",
            "quarter",
            &[("2Q06", "operating_income", "815.0")],
            &[&[
                ("quarter", "3Q06"),
                ("total_revenues", "14500.0"),
                ("operating_income", "900.0"),
            ]],
        ),
    );
    check(
        "connectivity_kpis",
        expected(
            "connectivity_kpis",
            "quarter",
            &[],
            &[&[("quarter", "3Q06"), ("connectivity_revenues", "3400.0")]],
        ),
    );
    check(
        "outsourcing_si_trend",
        expected(
            "outsourcing_si_trend",
            "quarter",
            &[],
            &[&[
                ("quarter", "3Q06"),
                ("outsourced_operation", "3600.0"),
                ("value_added_and_other", "2800.0"),
                ("si_one_time", "4100.0"),
            ]],
        ),
    );
    check(
        "cash_flow_ebitda",
        expected(
            "cash_flow_ebitda",
            "item",
            &[("capex", "2Q05", "800.0")],
            &[],
        ),
    );
    check(
        "concept_trend",
        // Total revenues: 3Q06 from the fixture; 2Q06 (14,007) reprinted by it, so its release.
        expected(
            "concept_trend",
            "period",
            &[
                ("2Q06", "release_id", FIXTURE),
                ("2Q06", "published_on", "2007-02-08"),
            ],
            &[&[
                ("period", "3Q06"),
                ("start_date", "2006-10-01"),
                ("end_date", "2006-12-31"),
                ("value", "14500.0"),
                ("unit", "JPY million"),
                ("base_value", "14500000000.0"),
                ("base_unit", "JPY"),
                ("release_id", FIXTURE),
                ("published_on", "2007-02-08"),
            ]],
        ),
    );
    // The fixture prints nothing for these: the latest vintage equals the real release's.
    for name in [
        "balance_sheet_changes",
        "group_structure",
        "results_table",
        "services_timeline",
        "targets_vs_results",
    ] {
        check(name, parse_csv(&golden(name)));
    }
    // IIJ's latest quarter is the fixture's 3Q06: 14,500 on 3Q05's 11,870 = +22.2%; operating
    // income 900 on 691 = +30.2%, 900 / 14,500 = 6.2%; the fixture prints no net income.
    let peers = parse_csv(&report(&sb, "peer_comparison", &[]));
    assert_eq!(peers.len(), 1);
    let iij = &peers[0];
    for (col, want) in [
        ("latest_quarter", "3Q06"),
        ("quarter_end", "2006-12-31"),
        ("revenues", "14500.0"),
        ("revenue_growth_pct", "22.2"),
        ("operating_income_growth_pct", "30.2"),
        ("operating_margin_pct", "6.2"),
        ("net_income", ""),
        ("net_margin_pct", ""),
    ] {
        assert_eq!(iij[col], want, "peer_comparison {col}");
    }
    checked.push("peer_comparison".into());
    // The load's own record now has the failing rule.
    let summary = parse_csv(&report(&sb, "check_summary", &[]));
    let rule = row(&summary, "rule", "unexplained_changes");
    assert_eq!(
        (rule["status"].as_str(), rule["offending_rows"].as_str()),
        ("fail", "1")
    );
    checked.push("check_summary".into());
    let releases = parse_csv(&report(&sb, "releases", &[]));
    assert_eq!(releases.len(), 2);
    assert_eq!(row(&releases, "release_id", FIXTURE)["latest"], "true");
    assert_eq!(row(&releases, "release_id", FIXTURE)["figures"], "15");
    assert_eq!(row(&releases, "release_id", "iij-2q06")["latest"], "false");
    checked.push("releases".into());
    let restated = parse_csv(&report(&sb, "restatements", &[]));
    let oi = row(&restated, "item", "operating_income");
    assert_eq!(
        (
            oi["period"].as_str(),
            oi["first_reported"].as_str(),
            oi["latest"].as_str(),
            oi["change"].as_str(),
            oi["release"].as_str()
        ),
        ("2Q06", "811.0", "815.0", "4.0", FIXTURE)
    );
    assert!(oi["reason"].contains("synthetic test adjustment"), "{oi:?}");
    let capex = row(&restated, "item", "capex");
    assert_eq!(
        (
            capex["first_reported"].as_str(),
            capex["latest"].as_str(),
            capex["reason"].as_str()
        ),
        ("795.0", "800.0", "")
    );
    checked.push("restatements".into());
    let mut all = names.clone();
    all.sort();
    checked.sort();
    assert_eq!(checked, all, "every report has a hand-computed expectation");
}

#[test]
fn diff_lists_the_changed_figures_with_their_explanation() {
    let sb = Sandbox::with_fixtures(&[FIXTURE]);
    // Default: the two newest releases.
    let rows = sb.csv_of(&["diff", "--format", "csv"]);
    let changed: Vec<_> = rows.iter().filter(|r| r["status"] == "changed").collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    let capex = changed.iter().find(|r| r["item"] == "capex").unwrap();
    assert_eq!(
        (
            capex["period"].as_str(),
            capex["value_a"].as_str(),
            capex["value_b"].as_str(),
            capex["explained"].as_str(),
            capex["reason"].as_str()
        ),
        ("2Q05", "795.0", "800.0", "false", "")
    );
    let oi = changed
        .iter()
        .find(|r| r["item"] == "operating_income")
        .unwrap();
    assert_eq!(
        (
            oi["period"].as_str(),
            oi["value_a"].as_str(),
            oi["value_b"].as_str(),
            oi["explained"].as_str()
        ),
        ("2Q06", "811.0", "815.0", "true")
    );
    assert!(
        oi["reason"].starts_with("Operating income for 2Q06 has been restated"),
        "{oi:?}"
    );
    // 3Q06 is printed by one release only: not compared. 2Q06 figures the fixture leaves out are dropped.
    assert!(rows.iter().all(|r| r["period"] != "3Q06"));
    assert!(rows
        .iter()
        .any(|r| r["status"] == "dropped" && r["item"] == "gross_margin" && r["period"] == "2Q06"));
    assert!(
        rows.iter().all(|r| r["status"] != "added"),
        "the fixture adds nothing for shared periods"
    );
    // Named releases and the other formats.
    let json = sb.ok(&["diff", "iij-2q06", FIXTURE, "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), rows.len());
    let table = sb.ok(&["diff", "iij-2q06"]);
    assert!(
        table.contains("iij-2q06 (2006-11-02) -> synthetic-3q06 (2007-02-08)"),
        "{table}"
    );
    let err = sb.fails(&["diff", "iij-2q06", "nosuch"]);
    assert!(
        err.contains("no release `nosuch`") && err.contains(FIXTURE),
        "{err}"
    );
}

#[test]
fn check_fails_unexplained_changes_naming_the_figure() {
    let sb = Sandbox::with_fixtures(&[FIXTURE]);
    let out = sb
        .cmd()
        .args(["check", "unexplained_changes", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("unexplained_changes") && text.contains("FAIL"),
        "{text}"
    );
    let offending = text
        .lines()
        .find(|l| l.contains("capex"))
        .unwrap_or_else(|| panic!("{text}"));
    for part in ["cash_flows", "2Q05", "iij-2q06", "795.0", FIXTURE, "800.0"] {
        assert!(offending.contains(part), "{part} in {offending}");
    }
    // The restated operating income is explained: not listed.
    assert!(!text.contains("operating_income"), "{text}");
    // As of the real release, nothing has changed yet.
    sb.ok(&["check", "unexplained_changes", "--as-of", REAL_DATE]);
}

#[test]
fn release_new_scaffolds_a_release_that_loads() {
    let sb = Sandbox::with_data_copy();
    let src = sb.dir.path().join("1q07.txt");
    std::fs::write(
        &src,
        "Results for 1Q07 (test text)\nTotal Revenues 15,100\n",
    )
    .unwrap();
    let out = sb.ok(&[
        "release",
        "new",
        "test-1q07",
        "--period",
        "1Q07",
        "--published-on",
        "2007-08-01",
        "--source",
        src.to_str().unwrap(),
    ]);
    assert!(out.contains("test-1q07"), "{out}");
    let dir = sb.data.join("releases/test-1q07");
    let toml = std::fs::read_to_string(dir.join("release.toml")).unwrap();
    // The only company's; its currency and unit stay in its record.
    assert!(toml.contains("company_id = \"iij\""), "{toml}");
    assert!(!toml.contains("currency ="), "{toml}");
    assert!(
        toml.contains("fiscal_period = \"1Q07\"") && toml.contains("published_on = 2007-08-01")
    );
    // No periods to type: the load derives them from the company's calendar.
    assert!(!dir.join("periods.csv").exists());
    let header = std::fs::read_to_string(dir.join("revenue_lines.csv")).unwrap();
    assert_eq!(
        header,
        "period,line,measure,comparison,value,unit,section,label,printed,derived,placement,note\n"
    );
    for table in [
        "income_items",
        "cash_flows",
        "balance_sheet",
        "kpis",
        "restatements",
    ] {
        assert!(dir.join(format!("{table}.csv")).is_file(), "{table}");
    }
    // A handful of rows, then load.
    std::fs::write(
        dir.join("revenue_lines.csv"),
        format!("{header}1Q07,total_revenues,amount,level,15100,JPY million,Results,Total Revenues,\"15,100\",,label,\n"),
    )
    .unwrap();
    let out = sb.ok(&["load"]);
    assert!(out.contains("loaded 2 release(s)"), "{out}");
    let trend = parse_csv(&sb.ok(&["query", "trend_revenue", "--format", "csv"]));
    assert_eq!(row(&trend, "quarter", "1Q07")["total_revenues"], "15100.0");
    assert_eq!(row(&trend, "quarter", "2Q06")["total_revenues"], "14007.0");

    // Bad metadata: a clear error, nothing written.
    let before = crate::safety::tree_hash(&sb.data);
    let run = |args: &[&str]| sb.fails(args);
    let err = run(&[
        "release",
        "new",
        "iij-2q06",
        "--period",
        "3Q06",
        "--published-on",
        "2007-02-08",
        "--source",
        src.to_str().unwrap(),
    ]);
    assert!(err.contains("release `iij-2q06` exists already"), "{err}");
    let err = run(&[
        "release",
        "new",
        "x-5q07",
        "--period",
        "5Q07",
        "--published-on",
        "2007-02-08",
        "--source",
        src.to_str().unwrap(),
    ]);
    assert!(err.contains("`5Q07` is not a period label"), "{err}");
    let err = run(&[
        "release",
        "new",
        "x-2q07",
        "--period",
        "2Q07",
        "--published-on",
        "2999-01-01",
        "--source",
        src.to_str().unwrap(),
    ]);
    assert!(err.contains("in the future"), "{err}");
    assert_eq!(crate::safety::tree_hash(&sb.data), before);
}

#[test]
fn bad_release_metadata_is_a_clear_load_error() {
    // A release published before the release it restates.
    let sb = Sandbox::with_fixtures(&[FIXTURE]);
    let toml = sb.data.join("releases").join(FIXTURE).join("release.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("published_on = 2007-02-08", "published_on = 2006-10-01"),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("restatements.csv:2")
            && err.contains("restates release iij-2q06, published 2006-11-02"),
        "{err}"
    );
    // A release whose own period is no period label.
    std::fs::write(
        &toml,
        text.replace("fiscal_period = \"3Q06\"", "fiscal_period = \"Q309\""),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("release.toml") && err.contains("`Q309` is not a period label"),
        "{err}"
    );
    // ... and one published before its own period (in the company's calendar) ends.
    std::fs::write(
        &toml,
        text.replace("fiscal_period = \"3Q06\"", "fiscal_period = \"3Q09\""),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("release.toml") && err.contains("before its period 3Q09 ends (2009-12-31)"),
        "{err}"
    );
    // Two folders claiming one release id.
    std::fs::write(
        &toml,
        text.replace(
            "release_id = \"synthetic-3q06\"",
            "release_id = \"iij-2q06\"",
        ),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(err.contains("must equal the folder name"), "{err}");
}

#[test]
fn first_release_is_complete_bandwidth_and_service_dates() {
    let sb = Sandbox::new();
    let kpis = parse_csv(&report(&sb, "connectivity_kpis", &[]));
    assert_eq!(kpis.len(), 10);
    assert!(
        kpis.iter()
            .all(|r| !r["contracted_bandwidth_gbps"].is_empty()),
        "{kpis:?}"
    );
    for (quarter, gbps) in [
        ("1Q04", "95.6"),
        ("1Q05", "140.9"),
        ("2Q05", "151.0"),
        ("2Q06", "253.2"),
    ] {
        assert_eq!(
            row(&kpis, "quarter", quarter)["contracted_bandwidth_gbps"],
            gbps
        );
    }
    // Never falls, and the seven placed by layout say why.
    let series: Vec<f64> = kpis
        .iter()
        .map(|r| r["contracted_bandwidth_gbps"].parse().unwrap())
        .collect();
    assert!(series.windows(2).all(|w| w[0] <= w[1]), "{series:?}");
    assert_eq!(sb.scalar("SELECT count(*) FROM kpis WHERE item = 'contracted_bandwidth' AND placement = 'layout' AND note LIKE '%never falls%'"), "7");
    let services = parse_csv(&report(&sb, "services_timeline", &[]));
    assert_eq!(services.len(), 8);
    assert!(
        services.iter().all(|r| !r["introduced_on"].is_empty()),
        "{services:?}"
    );
    assert_eq!(
        row(&services, "service", "IIJ Managed IPS Service")["introduced_on"],
        "2006-07-03"
    );
    assert_eq!(
        row(&services, "service", "IIJ Managed VPN PRO")["introduced_on"],
        "2006-09-04"
    );
    assert_eq!(sb.scalar("SELECT count(*) FROM unresolved WHERE subject LIKE 'contracted%' OR subject LIKE 'services%'"), "0");
    // The seed's restatement note is data.
    let r = sb.csv("SELECT period_from, period_to, table_name, reason FROM restatements");
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0]["period_from"].as_str(), r[0]["period_to"].as_str()),
        ("1Q04", "3Q04")
    );
    assert!(r[0]["reason"]
        .starts_with("Historical quarterly figures from 1Q04 to 3Q04 have been restated"));
}

#[test]
fn synthetic_companies_load_with_passing_rules_and_one_company_per_answer() {
    let sb = Sandbox::new();
    let out = sb.dir.path().join("syn");
    sb.ok(&[
        "generate",
        "--releases",
        "24",
        "--companies",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let cmd = |args: &[&str]| {
        let o = sb
            .cmd()
            .env("IIJWH_DATA", &out)
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let load = cmd(&["load"]);
    assert!(
        load.contains("loaded 24 release(s)") && load.contains(", 0 fail"),
        "{load}"
    );
    // Company 0's releases are 1Q96..4Q97; the newest release overall is company 2's 4Q97.
    let trend = parse_csv(&cmd(&["query", "trend_revenue", "--format", "csv"]));
    assert_eq!(trend.len(), 8);
    assert_eq!(trend.last().unwrap()["quarter"], "4Q97");
    let company = "Synthetic Company 001 (test data)";
    let one = parse_csv(&cmd(&[
        "query",
        "-e",
        "select distinct company from revenue_lines",
        "--format",
        "csv",
        "--company",
        company,
    ]));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["company"], company);
    // Restated quarters (every eighth release restates the quarter before it) are explained.
    let revisions = parse_csv(&cmd(&[
        "query",
        "-e",
        "select * from figure_revisions",
        "--format",
        "csv",
    ]));
    assert!(
        !revisions.is_empty() && revisions.iter().all(|r| !r["reason"].is_empty()),
        "{revisions:?}"
    );
}
