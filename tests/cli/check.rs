//! `iijwh check`: every rule passes on the release, counts per table, a spot value from every
//! section, and a corrupted figure is caught and named.

use crate::common::Sandbox;
use iijwh::warehouse::parts::part_of;

#[test]
fn all_rules_pass_on_the_release() {
    let sb = Sandbox::new();
    let out = sb.ok(&["check"]);
    for rule in [
        "stated_ratios",
        "halves_equal_sum_of_quarters",
        "balance_sheet_changes",
        "repeated_figures_agree",
        "source_audit",
        "cash_ties_to_balance_sheet",
        "retained_earnings_roll",
        "gross_margin_ratios",
        "actuals_reported_after_their_period",
        "units_fit_concepts",
    ] {
        let row = out
            .lines()
            .find(|l| l.contains(rule))
            .unwrap_or_else(|| panic!("{rule} missing:\n{out}"));
        assert!(row.contains("pass"), "{row}");
    }
    // Totals printed without all their parts are residuals, with what is missing: the equity
    // lines exceed total equity by 84-85 (a line the release does not print), and net income is
    // printed beside income before tax without the bridge items for most periods.
    let row = out
        .lines()
        .find(|l| l.contains("parts_sum_to_totals"))
        .unwrap();
    assert!(row.contains("residual"), "{row}");
    let rows = offending_rows(&sb.ok(&["check", "parts_sum_to_totals", "--format", "csv"]));
    let equity: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["total"] == "total_shareholders_equity")
        .map(|r| (r["period"].as_str(), r["difference"].as_str()))
        .collect();
    assert_eq!(
        equity,
        [("2006-03-31", "85.0"), ("2006-09-30", "84.0")],
        "{rows:?}"
    );
    // Every total printed with all its parts adds up: each residual names what is not printed.
    assert!(
        rows.iter()
            .all(|r| r["explained"].contains("it does not print")),
        "{rows:?}"
    );
    assert!(rows
        .iter()
        .any(|r| r["explained"].contains("does not print equity_line_not_printed")));
    // "+5.6% compared to the initial target": the release compares its revised 1H06 target
    // (26,400) with the initial one (25,000), not the result; the rule knows that base and passes.
    let row = out
        .lines()
        .find(|l| l.contains("stated_growth_rates"))
        .unwrap();
    assert!(row.contains("pass"), "{row}");
    assert_eq!(
        sb.scalar(
            "SELECT value FROM income_items WHERE period = '1H06' AND item = 'total_revenues' \
             AND comparison = 'vs_initial_target_pct'"
        ),
        "5.6"
    );
    assert!(out.contains("14 pass, 1 residual, 0 fail"), "{out}");
}

#[test]
fn figure_counts_per_table() {
    let sb = Sandbox::new();
    let rows = sb.csv("SELECT table_name, count(*) AS n FROM figures GROUP BY ALL ORDER BY ALL");
    let count = |t: &str| {
        rows.iter()
            .find(|r| r["table_name"] == t)
            .map_or(0, |r| r["n"].parse::<usize>().unwrap())
    };
    // Counts computed from the transcription: every printed occurrence is one row.
    assert_eq!(count("revenue_lines"), 188);
    assert_eq!(count("income_items"), 163);
    assert_eq!(count("cash_flows"), 21);
    assert_eq!(count("balance_sheet"), 24);
    assert_eq!(count("kpis"), 20);
    assert_eq!(count("subsidiaries"), 3);
    assert_eq!(count("unresolved"), 5);
    // load stored the rule outcomes in the warehouse
    assert_eq!(
        sb.scalar("SELECT count(*) FROM check_results WHERE status = 'fail'"),
        "0"
    );
    assert_eq!(sb.scalar("SELECT count(*) FROM check_results"), "15");
    let total: usize = rows.iter().map(|r| r["n"].parse::<usize>().unwrap()).sum();
    assert!(total > 400, "{total}");
    assert_eq!(
        sb.scalar("SELECT count(*) FROM figures WHERE derived IS NOT NULL"),
        "4"
    );
}

#[test]
fn spot_value_from_every_section() {
    let sb = Sandbox::new();
    let value = |sql: &str| sb.scalar(sql);
    let q = |section: &str, cond: &str| {
        format!("SELECT value FROM figures WHERE section = '{section}' AND {cond}")
    };
    assert_eq!(
        value(&q(
            "Summary of Financial Results for 2Q and 1H06",
            "item = 'total_revenues' AND unit = 'JPY 100 million'"
        )),
        "140.1"
    );
    assert_eq!(
        value(&q(
            "Consolidated Financial Results for 1H06",
            "period = '1H05' AND item = 'sga_rd' AND measure = 'pct_of_revenues'"
        )),
        "14.1"
    );
    assert_eq!(
        value(&q(
            "Consolidated Financial Results for 2Q06",
            "period = '2Q06' AND item = 'net_income' AND comparison = 'yoy_pct'"
        )),
        "111.9"
    );
    assert_eq!(
        value(&q(
            "Trend of Quarterly Revenues",
            "period = '3Q05' AND item = 'equipment_sales'"
        )),
        "769.0"
    );
    assert_eq!(
        value(&q(
            "Trend of Quarterly Operating and Net Income (Loss)",
            "period = '1Q04' AND item = 'net_income'"
        )),
        "-238.0"
    );
    assert_eq!(
        value(&q(
            "Results by Service – Connectivity and Value-added Services",
            "period = '2Q06' AND item = 'dialup_access' AND comparison = 'yoy_pct'"
        )),
        "-11.2"
    );
    assert_eq!(
        value(&q(
            "Results by Service – Systems Integration",
            "period = '4Q05' AND item = 'si_revenues'"
        )),
        "9242.0"
    );
    assert_eq!(
        value(&q(
            "Balance Sheets and Cash Flows in 2Q06",
            "as_of = DATE '2006-03-31' AND item = 'accumulated_deficit'"
        )),
        "-29680.0"
    );
    assert_eq!(
        value(&q(
            "Balance Sheets and Cash Flows in 2Q06",
            "period = '2Q05' AND item = 'investing_activities'"
        )),
        "889.0"
    );
    assert_eq!(
        value(&q(
            "Other Financial Data in 1Q06",
            "period = '2Q06' AND item = 'adjusted_ebitda' AND comparison = 'level'"
        )),
        "1880.0"
    );
    assert_eq!(value(&q("Revision of Financial Targets (November 2, 2006)", "period = 'FY2006' AND item = 'net_income' AND basis = 'revised_target' AND scope = 'non_consolidated'")), "4200.0");
    assert_eq!(
        value(&q(
            "Enhanced IIJ Group Structure",
            "item = 'Net Care, Inc.'"
        )),
        "59.3"
    );
    assert_eq!(
        sb.scalar("SELECT introduced_on FROM services WHERE service = 'iiMail'"),
        "2006-10-10"
    );
    assert_eq!(
        sb.scalar("SELECT text_ja FROM statements WHERE topic = 'headline_operating_income'"),
        "・営業利益 8.1億円（前年同四半期比 59.9%増）"
    );
}

#[test]
fn a_corrupted_figure_fails_check_and_is_named() {
    let sb = Sandbox::with_data_copy();
    // 2Q06 dedicated access revenues 2,687 -> 2,688 on the connectivity slide.
    sb.edit(
        "revenue_lines.csv",
        "2Q06,dedicated_access,amount,level,2687,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
        "2Q06,dedicated_access,amount,level,2688,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
    );
    let out = sb
        .cmd()
        .args(["check", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let fail_rows: Vec<&str> = stdout.lines().filter(|l| l.contains("FAIL")).collect();
    assert!(
        fail_rows.iter().any(|l| l.contains("source_audit")),
        "{stdout}"
    );
    assert!(
        stdout.contains("2688") && stdout.contains("dedicated_access"),
        "{stdout}"
    );
    assert!(stdout.contains("printed form reads 2687"), "{stdout}");
    // The outcomes the load stored (what `check` reads) are those of the rules run again.
    let rerun = sb
        .cmd()
        .args(["check", "--rerun", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!rerun.status.success());
    let rerun = String::from_utf8(rerun.stdout).unwrap();
    let summary = |text: &str| text.lines().last().unwrap_or_default().to_string();
    assert_eq!(summary(&stdout), summary(&rerun));
    assert!(summary(&rerun).contains("1 fail"), "{rerun}");
    let statuses = |text: &str| -> Vec<(String, String, String)> {
        text.lines()
            .filter_map(|l| {
                let cells: Vec<&str> = l
                    .split(['│', '┆'])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect();
                (cells.len() >= 3 && cells[0].chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                    .then(|| (cells[0].into(), cells[1].into(), cells[2].into()))
            })
            .collect()
    };
    assert_eq!(statuses(&stdout), statuses(&rerun));
    assert!(statuses(&rerun).len() >= 15, "{rerun}");
    // Value for value: the stored rows' numbers print as the rule's own do.
    assert_eq!(stdout, rerun);
    assert!(rerun.contains("2688") && rerun.contains("printed form reads 2687"));
}

#[test]
fn a_misplaced_quarter_breaks_the_totals() {
    let sb = Sandbox::with_data_copy();
    // Swap nothing in the text but move 3Q04 equipment sales 625 -> 652: sums no longer close.
    sb.edit(
        "revenue_lines.csv",
        "3Q04,equipment_sales,amount,level,625,JPY million,Trend of Quarterly Revenues,Equipment Sales,625,",
        "3Q04,equipment_sales,amount,level,652,JPY million,Trend of Quarterly Revenues,Equipment Sales,652,",
    );
    let out = sb
        .cmd()
        .args(["check", "parts_sum_to_totals"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("3Q04") && stdout.contains("equipment_sales=652"),
        "{stdout}"
    );
}

/// The offending rows `check RULE --format csv` prints after its table of rules.
pub fn offending_rows(out: &str) -> Vec<std::collections::HashMap<String, String>> {
    let start = out
        .find("\nrelease_id,")
        .map(|at| at + 1)
        .unwrap_or_else(|| panic!("no offending rows in {out}"));
    let body = &out[start..];
    let end = body.find("\n\n").unwrap_or(body.len());
    crate::common::parse_csv(&body[..end])
}

/// `check --rerun` over several companies runs the rules a batch of companies at a time (here one
/// company a batch): the same rules, statuses and offending rows as one run over all of them.
#[test]
fn check_rerun_in_batches_of_companies_equals_one_run_over_all() {
    use crate::common::{copy_dir, project_root};
    let sb = Sandbox::with_data_copy();
    let fixtures = project_root().join("tests/fixtures/universe");
    copy_dir(&fixtures.join("companies"), &sb.data.join("companies"));
    copy_dir(&fixtures.join("releases"), &sb.data.join("releases"));
    // IIJ's 2Q06 dedicated access revenues 2,687 -> 2,688: source_audit fails on IIJ's release.
    sb.edit(
        "revenue_lines.csv",
        "2Q06,dedicated_access,amount,level,2687,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
        "2Q06,dedicated_access,amount,level,2688,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
    );
    let rerun = |batch: &str| -> String {
        let out = sb
            .cmd()
            .env("IIJWH_BATCH_RELEASES", batch)
            .args(["check", "--rerun", "--format", "csv"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // What a batch reads: the part views read the files of the parts in variable `parts`.
    let sql = format!(
        "SET VARIABLE parts = ['{}', '{}']; SELECT count(DISTINCT release_id) AS n, \
         (SELECT count(DISTINCT company_id) FROM latest.revenue_lines) AS m FROM raw.revenue_lines",
        part_of("iij"),
        part_of("brightline")
    );
    let read = sb.ok(&["query", "-e", &sql, "--format", "csv"]);
    assert_eq!(read, "n,m\n2,2\n");
    let batched = rerun("1");
    let whole = rerun("100000");
    assert_eq!(batched, whole);
    assert!(
        batched.contains("2688") && batched.contains("printed form reads 2687"),
        "{batched}"
    );
    // IIJ's residuals (lines printed without all their parts) are there too, once each.
    let summary = batched.lines().last().unwrap_or_default();
    assert!(summary.contains("1 fail"), "{batched}");
    assert!(!summary.contains(" 0 residual"), "{batched}");
}
