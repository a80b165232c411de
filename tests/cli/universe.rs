//! The real coverage universe of data/ (issue "A real coverage universe in the box"): the 22
//! public releases of seven companies beside IIJ's, as they ship, loaded and checked, with the
//! figures a reader looks for, NVIDIA's stock split as a restatement, and IIJ's reports as they
//! are with IIJ alone.

use crate::common::*;
use std::sync::OnceLock;

/// The universe loaded once for the module's read-only tests (a load is the slow part).
fn loaded() -> &'static Sandbox {
    static SB: OnceLock<Sandbox> = OnceLock::new();
    SB.get_or_init(|| {
        let sb = Sandbox::universe();
        sb.ok(&["load", "-q"]);
        sb
    })
}

fn one(sb: &Sandbox, company: &str, sql: &str) -> String {
    let rows = sb.csv_of(&["query", "--company", company, "--format", "csv", "-e", sql]);
    assert_eq!(rows.len(), 1, "{sql}: {rows:?}");
    rows[0].values().next().unwrap().clone()
}

#[test]
fn every_release_is_in_and_every_rule_passes_or_names_its_residual() {
    let sb = loaded();
    let releases = sb.csv_of(&["release", "list", "--format", "csv"]);
    assert_eq!(releases.len(), 23, "{releases:?}");
    let nvidia = releases
        .iter()
        .filter(|r| r["company"] == "NVIDIA Corporation")
        .count();
    assert_eq!(nvidia, 14);
    // `check` exits 1 on a failed rule; residuals name what the releases leave out.
    sb.ok(&["check"]);
    let summary = sb.csv_of(&["query", "check_summary", "--format", "csv"]);
    assert_eq!(summary.len(), 15, "{summary:?}");
    for r in &summary {
        assert!(r["status"] == "pass" || r["status"] == "residual", "{r:?}");
    }
}

#[test]
fn figures_a_reader_looks_for_are_as_printed() {
    let sb = loaded();
    let revenue = |company: &str, period: &str| {
        one(
            sb,
            company,
            &format!(
                "SELECT DISTINCT value FROM income_items WHERE item = 'total_revenues' AND \
                 period = '{period}' AND comparison = 'level' AND unit LIKE '% million'"
            ),
        )
    };
    // NVIDIA's fourth quarter and fiscal 2025, from its February 26, 2025 release.
    assert_eq!(revenue("nvidia", "4Q25"), "39331.0");
    assert_eq!(revenue("nvidia", "FY2025"), "130497.0");
    // Its quarter ends the last Sunday of January.
    assert_eq!(
        one(
            sb,
            "NVDA",
            "SELECT end_date FROM periods WHERE period = '4Q25'"
        ),
        "2025-01-26"
    );
    // Apple's first quarter of fiscal 2024 (13 weeks to December 30, 2023).
    assert_eq!(revenue("apple", "1Q24"), "119575.0");
    assert_eq!(
        one(
            sb,
            "AAPL",
            "SELECT end_date FROM periods WHERE period = '1Q24'"
        ),
        "2023-12-30"
    );
    // Mitsubishi Gas Chemical's net sales for the year to March 31, 2026, in yen millions.
    assert_eq!(revenue("mgc", "FY2025"), "738243.0");
    assert_eq!(
        one(
            sb,
            "mgc",
            "SELECT DISTINCT unit FROM income_items WHERE item = 'total_revenues' AND \
             period = 'FY2025' AND comparison = 'level'"
        ),
        "JPY million"
    );
    // Apple's 2004 data summary prints each segment's quarter as units and revenue: the
    // Americas' 472 thousand computers and $1,018 million in the quarter to June 26, 2004.
    assert_eq!(
        one(
            sb,
            "apple",
            "SELECT value::INTEGER || ' ' || unit FROM kpis WHERE item = 'americas_units' AND period = '3Q04'"
        ),
        "472 thousand units"
    );
    assert_eq!(
        one(
            sb,
            "apple",
            "SELECT value FROM income_items WHERE item = 'americas' AND period = '3Q04' AND \
             release_id = 'apple-3q04'"
        ),
        "1018.0"
    );
    // Oracle's supplemental analysis: each region's revenues its own line, the company's as
    // reported growth a stated change the rules check against the year before (Q4 FY2014 total
    // revenues 11,320 on 10,947: 3%).
    assert_eq!(
        one(
            sb,
            "oracle",
            "SELECT DISTINCT value FROM income_items WHERE item = 'americas_software_and_cloud_revenues' AND comparison = 'level' \
             AND period = '4Q14' AND release_id = 'oracle-4q14'"
        ),
        "4649.0"
    );
    assert_eq!(
        one(
            sb,
            "oracle",
            "SELECT DISTINCT value FROM income_items WHERE item = 'total_revenues' AND period = '4Q14' \
             AND comparison = 'yoy_pct' AND release_id = 'oracle-4q14'"
        ),
        "3.0"
    );
    // Buckle's third quarter, in thousands as printed, on its 52/53-week calendar.
    assert_eq!(
        one(
            sb,
            "buckle",
            "SELECT end_date FROM periods WHERE period = '3Q24'"
        ),
        "2024-11-02"
    );
}

#[test]
fn the_stock_split_is_a_restatement_and_as_of_answers_as_first_printed() {
    let sb = loaded();
    let eps = "SELECT value FROM income_items WHERE item = 'eps_diluted' AND period = '1Q25' \
               AND comparison = 'level' AND printed LIKE '$%'";
    // As first printed (May 22, 2024, before the June 7 ten-for-one split) and as reprinted.
    let first = sb.csv_of(&[
        "query",
        "--company",
        "nvidia",
        "--as-of",
        "2024-06-01",
        "--format",
        "csv",
        "-e",
        eps,
    ]);
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0]["value"], "5.98");
    assert_eq!(one(sb, "nvidia", eps), "0.6");
    // `diff` alone compares the newest release's company (AMD's one release): it says how to
    // ask of the companies that have more.
    let err = sb.fails(&["diff"]);
    assert!(
        err.contains("one release of amd (amd-2q26)")
            && err.contains("nvidia (`iijwh diff nvidia-2q26`)")
            && err.contains("apple (`iijwh diff apple-3q04`)"),
        "{err}"
    );
    // `diff` lists it, explained by the release's own sentence.
    let diff = sb.csv_of(&["diff", "nvidia-1q25", "nvidia-1q26", "--format", "csv"]);
    let row = diff
        .iter()
        .find(|r| r["item"] == "eps_diluted" && r["comparison"] == "level")
        .expect("eps_diluted in the diff");
    assert_eq!(
        (
            row["status"].as_str(),
            row["value_a"].as_str(),
            row["value_b"].as_str()
        ),
        ("changed", "5.98", "0.6")
    );
    assert_eq!(row["explained"], "true");
    assert!(row["reason"].contains("ten-for-one stock split"), "{row:?}");
}

#[test]
fn iijs_reports_are_as_with_iij_alone() {
    let sb = loaded();
    let alone = Sandbox::new();
    alone.ok(&["load", "-q"]);
    for report in ["trend_revenue.sql", "margins", "results_table"] {
        assert_eq!(
            sb.ok(&["query", report]),
            alone.ok(&["query", report]),
            "{report}"
        );
    }
    assert!(sb.ok(&["query", "trend_revenue.sql"]).contains("14,007"));
}

#[test]
fn peers_side_by_side_each_in_its_own_currency() {
    let sb = loaded();
    let peers = sb.csv_of(&["query", "peer_comparison", "--format", "csv"]);
    let of = |name: &str| {
        peers
            .iter()
            .find(|r| r["company"].starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {peers:?}"))
    };
    let nvidia = of("NVIDIA");
    assert_eq!(
        (
            nvidia["latest_quarter"].as_str(),
            nvidia["currency"].as_str()
        ),
        ("3Q26", "USD")
    );
    assert_eq!(of("Internet Initiative Japan")["currency"], "JPY");
    assert_eq!(of("Internet Initiative Japan")["revenues"], "14007.0");
    // Trailing four quarters, 4Q25 to 3Q26: 39,331 + 44,062 + 46,743 + 57,006, each printed by
    // its own release; gross margin and diluted EPS beside them.
    let ttm = sb.csv_of(&[
        "query",
        "peer_comparison",
        "--param",
        "trailing=4",
        "--format",
        "csv",
    ]);
    let nvidia = ttm
        .iter()
        .find(|r| r["company"].starts_with("NVIDIA"))
        .unwrap();
    assert_eq!(nvidia["revenues"], "187142.0");
    assert!(!nvidia["gross_margin_pct"].is_empty(), "{nvidia:?}");
    let latest = of("NVIDIA");
    assert_eq!(latest["eps_diluted"], "1.3");
}

/// The README's commands, as a reader copies them, on the data as shipped: each runs, and each
/// shows the figures its `# │ ...` line promises. (`serve` and `repl` wait for a person, and the
/// next release's commands need its text: they are the web and release tests'.)
#[test]
fn the_readmes_commands_run_on_the_data_as_shipped() {
    let sb = Sandbox::universe();
    let readme = std::fs::read_to_string(project_root().join("README.md")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("iijwh");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let work = sb.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let mut ran = 0;
    let mut in_sh = false;
    // A block that adds the next release runs only with that release's text.
    let mut next_release = false;
    let lines: Vec<&str> = readme.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("```") {
            in_sh = *line == "```sh";
            next_release = in_sh
                && lines[i + 1..]
                    .iter()
                    .take_while(|l| !l.starts_with("```"))
                    .any(|l| l.starts_with("iijwh release new"));
            continue;
        }
        if !in_sh || next_release || !line.starts_with("iijwh ") {
            continue;
        }
        // Those run until stopped (the watcher's own tests are tests/cli/watch.rs).
        if ["iijwh serve", "iijwh repl", "iijwh watch"]
            .iter()
            .any(|long| line.starts_with(long))
        {
            continue;
        }
        let out = std::process::Command::new("sh")
            .args(["-c", line])
            .current_dir(&work)
            .env("PATH", &path)
            .env("IIJWH_HOME", project_root())
            .env("IIJWH_DATA", &sb.data)
            .env("IIJWH_WAREHOUSE", sb.warehouse())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "README: {line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
        // `# │ 2Q06 ┆ 14,007 ┆ ... │`: every cell shown is in the output.
        if let Some(shown) = lines.get(i + 1).and_then(|l| l.strip_prefix("# │")) {
            let shown = shown.split('│').next().unwrap_or_default();
            for cell in shown.split('┆').map(str::trim) {
                if !cell.is_empty() && cell != "…" {
                    assert!(
                        stdout.contains(cell),
                        "README: {line}\nno {cell:?} in:\n{stdout}"
                    );
                }
            }
        }
        // `# 15 rules: 14 pass, ...`: the summary line as printed.
        if let Some(shown) = lines.get(i + 1).and_then(|l| l.strip_prefix("# 15 rules")) {
            let summary = shown.split("   (").next().unwrap();
            let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
            assert!(
                all.contains(&format!("15 rules{summary}")),
                "README: {line}\n{all}"
            );
        }
    }
    assert!(ran >= 9, "{ran} README commands");
}

/// The web page over the universe: every report, company page and the checks answer, and IIJ's
/// reports with parameters of IIJ's periods (results_table's 1H06, growth's 1Q05) answer for IIJ
/// though AMD's release is the newest.
#[test]
fn every_page_of_the_universe_answers() {
    let sb = loaded();
    let server = crate::web::serve_with(sb, &[], std::process::Stdio::null());
    let (status, _, index) = crate::web::get(&server, "/");
    assert_eq!(status, 200);
    let links: Vec<String> = index
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|l| l.starts_with("/reports/") || l.starts_with("/companies/"))
        .map(String::from)
        .collect();
    assert!(links.len() >= 25, "{links:?}");
    for link in links.iter().chain(&["/checks".to_string()]) {
        let (status, _, page) = crate::web::get(&server, link);
        assert_eq!(status, 200, "{link}: {}", crate::web::said(&page));
    }
    let (_, _, page) = crate::web::get(&server, "/reports/results_table.csv");
    // IIJ's first half of fiscal 2006: total revenues 26,444.
    assert!(
        page.contains("Total Revenues,21809.0,100.0,21.3,25000.0,26444.0"),
        "{page}"
    );
}

/// The REPL's `.run` of IIJ's report answers for IIJ, as `query` does, and the session is the
/// newest release's company again afterwards (AMD's).
#[test]
fn the_repl_runs_iijs_report_for_iij_and_keeps_its_own_company() {
    let sb = loaded();
    let script = ".mode csv\nSELECT company_id FROM vintage_company;\n.run results_table\n\
                  SELECT company_id FROM vintage_company;\n";
    let out = crate::common::succeeded(sb.cmd().arg("repl").write_stdin(script).output().unwrap());
    let ids: Vec<&str> = out
        .lines()
        .filter(|l| ["amd", "iij", "nvidia"].contains(l))
        .collect();
    assert_eq!(ids, ["amd", "amd"], "{out}");
    assert!(
        out.contains("Total Revenues,21809.0,100.0,21.3,25000.0,26444.0"),
        "{out}"
    );
}
