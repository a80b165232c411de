//! `iijwh query`: the canned trend report and ad-hoc SQL, with real figures.

use crate::common::Sandbox;
use iijwh::warehouse::parts::part_of;

#[test]
fn trend_revenue_builds_the_warehouse_and_prints_ten_quarters() {
    let sb = Sandbox::new();
    let out = sb
        .cmd()
        .args(["query", "trend_revenue.sql"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("building the warehouse"),
        "first use builds: {stderr}"
    );
    let quarters: Vec<&str> = stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix('│')
                .and_then(|r| r.split('┆').next())
                .map(str::trim)
        })
        .filter(|q| q.len() == 4 && q.as_bytes()[1] == b'Q')
        .collect();
    assert_eq!(
        quarters,
        ["1Q04", "2Q04", "3Q04", "4Q04", "1Q05", "2Q05", "3Q05", "4Q05", "1Q06", "2Q06"]
    );
    let last = stdout.lines().find(|l| l.contains("2Q06")).unwrap();
    assert!(last.contains("14,007"), "2Q06 total revenues: {last}");
    assert!(last.contains("18.3%"), "2Q06 gross margin ratio: {last}");
    assert!(stdout.contains("(10 rows)"));
    // Second run uses the warehouse as is.
    let again = sb.cmd().args(["query", "trend_revenue"]).output().unwrap();
    assert!(String::from_utf8(again.stderr).unwrap().is_empty());
}

#[test]
fn trend_revenue_figures_per_quarter() {
    let sb = Sandbox::new();
    let rows = crate::common::parse_csv(&sb.ok(&["query", "trend_revenue", "--format", "csv"]));
    let get = |q: &str, col: &str| -> String {
        rows.iter().find(|r| r["quarter"] == q).unwrap()[col].clone()
    };
    assert_eq!(get("2Q06", "total_revenues"), "14007.0");
    assert_eq!(get("2Q06", "connectivity"), "3293.0");
    assert_eq!(get("2Q06", "si_one_time"), "3871.0");
    assert_eq!(get("1Q06", "total_revenues"), "12437.0");
    assert_eq!(get("4Q05", "total_revenues"), "16133.0");
    assert_eq!(get("3Q05", "total_revenues"), "11870.0");
    assert_eq!(get("1Q04", "total_revenues"), "8675.0");
    assert_eq!(get("1Q04", "gross_margin_ratio"), "14.2");
    assert_eq!(get("4Q05", "outsourced_si"), "2984.0");
    // 4Q05 one-time SI and equipment sales are not printed: derived and marked so.
    assert_eq!(get("4Q05", "si_one_time"), "6258.0");
    assert_eq!(get("4Q05", "derived"), "equipment_sales, si_one_time");
    assert_eq!(get("2Q06", "derived"), "");
}

#[test]
fn inline_sql_and_stdin() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.scalar("SELECT value FROM income_items WHERE period = '1H06' AND item = 'operating_income' AND section = 'Consolidated Financial Results for 1H06' AND measure = 'amount' AND basis = 'actual' AND comparison = 'level'"),
        "1370.0"
    );
    let out = sb
        .cmd()
        .args(["query", "-", "--format", "csv"])
        .write_stdin("SELECT count(*) AS n FROM periods WHERE kind = 'quarter';")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "n\n12\n");
}

#[test]
fn unknown_report_lists_the_available_ones() {
    let sb = Sandbox::new();
    let err = sb.fails(&["query", "no_such_report"]);
    assert!(
        err.contains("no report or SQL file named `no_such_report`"),
        "{err}"
    );
    assert!(err.contains("trend_revenue"), "{err}");
}

#[test]
fn sql_error_shows_duckdb_message() {
    let sb = Sandbox::new();
    let err = sb.fails(&["query", "-e", "SELECT nonsense FROM revenue_lines"]);
    assert!(err.contains("nonsense"), "{err}");
    assert!(err.contains("Binder Error"), "{err}");
    let err = sb.fails(&["query", "-e", "SELEC 1"]);
    assert!(err.contains("syntax error"), "{err}");
}

#[test]
fn output_to_file() {
    let sb = Sandbox::new();
    let path = sb.dir.path().join("out.csv");
    sb.ok(&[
        "query",
        "-e",
        "SELECT 14007 AS total",
        "--format",
        "csv",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(path).unwrap(), "total\n14007\n");
}

#[test]
fn sql_cannot_reach_files_outside_the_warehouse() {
    let sb = Sandbox::new();
    let target = sb.dir.path().join("leak.csv");
    let outside = crate::common::project_root().join("Cargo.toml");
    for sql in [
        format!("COPY (SELECT * FROM figures) TO '{}'", target.display()),
        format!("SELECT * FROM read_csv('{}')", outside.display()),
        "SELECT * FROM read_text('/etc/passwd')".to_string(),
        format!("ATTACH '{}' AS x", sb.dir.path().join("x.duckdb").display()),
    ] {
        let err = sb.fails(&["query", "-e", &sql]);
        assert!(err.contains("Permission Error"), "{sql}: {err}");
    }
    let err = sb.fails(&["query", "-e", "SET enable_external_access = true"]);
    assert!(err.contains("the configuration has been locked"), "{err}");
    assert!(!target.exists());
    // Ad-hoc SQL in the REPL is confined the same way.
    let out = sb
        .cmd()
        .arg("repl")
        .write_stdin("SELECT * FROM read_text('/etc/passwd');\n")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("Permission Error"));
}

#[test]
fn allow_external_lifts_the_sandbox() {
    let sb = Sandbox::new();
    let target = sb.dir.path().join("trend.csv");
    sb.ok(&[
        "query",
        "--allow-external",
        "-e",
        &format!("COPY (SELECT 14007 AS total) TO '{}'", target.display()),
    ]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "total\n14007\n");
    let out = sb.ok(&[
        "query",
        "--allow-external",
        "-e",
        &format!("SELECT total FROM read_csv('{}')", target.display()),
        "--format",
        "csv",
    ]);
    assert_eq!(out, "total\n14007\n");
}

#[test]
fn a_damaged_warehouse_is_rebuilt_by_query() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let current = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let part = part_of("iij");
    std::fs::write(
        current.join(format!("revenue_lines/{part}.parquet")),
        b"PAR1 truncated",
    )
    .unwrap();
    let out = sb
        .cmd()
        .args(["query", "trend_revenue", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("building the warehouse")
            && stderr.contains(&format!("revenue_lines/{part}.parquet is damaged")),
        "{stderr}"
    );
    let rows = crate::common::parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(rows.last().unwrap()["total_revenues"], "14007.0");
}

/// `--timings` lists the phases of a query and of a load on stderr and leaves the answer as it was.
#[test]
fn timings_go_to_stderr_and_leave_the_answer_alone() {
    let has_phases = |out: &std::process::Output, phases: &[&str]| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        for phase in phases {
            assert!(stderr.contains(phase), "{phase} missing from: {stderr}");
        }
    };
    let sb = Sandbox::new();
    let out = sb.cmd().args(["load", "--timings"]).output().unwrap();
    has_phases(
        &out,
        &[
            "write Parquet",
            "check constraints",
            "run data rules",
            "swap",
        ],
    );
    let sql = "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
               AND measure = 'amount' AND comparison = 'level' \
               AND section = 'Trend of Quarterly Revenues'";
    let out = sb
        .cmd()
        .args(["query", "-e", sql, "--format", "csv", "--timings"])
        .output()
        .unwrap();
    has_phases(
        &out,
        &[
            // Over a fact table alone: its stored latest file, not the catalog.
            "open the stored latest files",
            "sandbox",
            "run the statement",
            "print",
        ],
    );
    assert_eq!(crate::common::succeeded(out), "value\n14007.0\n");
}

/// The period macros answer right when a query calls both, with or without a table alias.
/// (DuckDB 1.5.2 answered wrong for two scalar subqueries over one shared view in one query; the
/// macros each read raw.periods on their own, and this pins that they stay right.)
#[test]
fn prev_quarter_and_year_ago_together_in_one_query() {
    let sb = Sandbox::new();
    for sql in [
        "SELECT period, prev_quarter(period) AS pq, year_ago(period) AS ya FROM raw.periods",
        "SELECT p.period, prev_quarter(p.period) AS pq, year_ago(p.period) AS ya FROM raw.periods p",
    ] {
        let rows = sb.csv(sql);
        let get = |period: &str| {
            let row = rows.iter().find(|r| r["period"] == period).unwrap();
            (row["pq"].clone(), row["ya"].clone())
        };
        assert_eq!(get("2Q06"), ("1Q06".into(), "2Q05".into()), "{sql}");
        assert_eq!(get("1Q06"), ("4Q05".into(), "1Q05".into()), "{sql}");
        assert_eq!(get("1H06"), ("".into(), "1H05".into()), "{sql}");
        assert_eq!(get("FY2006"), ("".into(), "FY2005".into()), "{sql}");
        assert_eq!(get("2Q04"), ("1Q04".into(), "".into()), "{sql}");
    }
}

/// A statement over every company runs beside the staleness walk of data/ (which costs a `stat`
/// a file); when the walk finds data/ changed, nothing of the stale answer is printed: the
/// warehouse is built and the statement asked again, so the answer holds the edit.
#[test]
fn a_statement_over_every_company_never_prints_a_stale_answer() {
    // A copy: the edit below must not reach the IIJ data the other tests share.
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let sql = "SELECT count(*) AS n FROM figures WHERE note = 'seen beside'";
    let ask = || {
        let out = sb
            .cmd()
            .args(["query", "-e", sql, "--format", "csv", "--timings"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    let (before, stderr) = ask();
    assert_eq!(before, "n\n0\n");
    assert!(
        stderr.contains("check data/ (beside the statement)"),
        "{stderr}"
    );
    assert!(!stderr.contains("building"), "{stderr}");
    sb.edit(
        "revenue_lines.csv",
        "\"8,675\",,reconciled,\n",
        "\"8,675\",,reconciled,seen beside\n",
    );
    let (after, stderr) = ask();
    assert!(stderr.contains("building the warehouse"), "{stderr}");
    assert_ne!(after, before, "{stderr}");
    assert!(
        after.starts_with("n\n") && after.trim_end() != "n\n0",
        "{after}"
    );
}
