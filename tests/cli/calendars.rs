//! 52/53-week fiscal calendars (issue 37): NVIDIA, whose year ends on the last Sunday of January,
//! made with `release new`'s flags and loaded with figures of its real Q1 FY2025 release
//! (tests/fixtures/weeks): its periods carry their true dates, and a balance sheet dated at a
//! month end that is none of its period ends is refused, naming the nearest.

use crate::common::{project_root, Sandbox};

const SOURCE_URL: &str =
    "https://nvidianews.nvidia.com/news/nvidia-announces-financial-results-for-first-quarter-fiscal-2025";

/// `release new nvidia-1q25` for a company new to the warehouse, with `extra` flags.
fn release_new(sb: &Sandbox, published_on: &str, extra: &[&str]) -> std::process::Output {
    let source = project_root().join("tests/fixtures/weeks/nvidia-1q25.txt");
    release_new_from(sb, &source, published_on, extra)
}

/// The same from another text.
fn release_new_from(
    sb: &Sandbox,
    source: &std::path::Path,
    published_on: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "release",
        "new",
        "nvidia-1q25",
        "--company",
        "nvidia",
        "--name",
        "NVIDIA Corporation",
        "--fiscal-year-named-by",
        "end_year",
        "--currency",
        "USD",
        "--unit",
        "USD million",
        "--ticker",
        "NVDA",
        "--period",
        "1Q25",
        "--published-on",
        published_on,
        "--source",
        source.to_str().unwrap(),
    ];
    args.extend(extra);
    sb.cmd().args(&args).output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    assert!(!out.status.success(), "should fail");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn nvidia_quarters_are_its_own_weeks() {
    let sb = Sandbox::with_data_copy();
    let last_sunday = ["--fiscal-year-end", "last Sunday of January"];

    // The flags name the year end; a start month that disagrees with it is refused.
    let err = stderr(&release_new(
        &sb,
        "2024-05-22",
        &[last_sunday.as_slice(), &["--fiscal-year-start", "4"]].concat(),
    ));
    assert!(
        err.contains("--fiscal-year-start 4") && err.contains("starts in February"),
        "{err}"
    );
    // A 53-week year's quarter without a year end: refused when the text does not give the
    // year end either (this one dates no period: the fixture's text would).
    let undated = sb.dir.path().join("undated.txt");
    std::fs::write(&undated, "NVIDIA results for the first quarter\n").unwrap();
    let err = stderr(&release_new_from(
        &sb,
        &undated,
        "2024-05-22",
        &["--week-53-quarter", "1"],
    ));
    assert!(err.contains("--fiscal-year-end"), "{err}");
    let err = stderr(&release_new(
        &sb,
        "2024-05-22",
        &["--fiscal-year-end", "last Sunday in January"],
    ));
    assert!(err.contains("last Sunday of January"), "{err}");
    // 1Q25 ends on Sunday 2024-04-28, not on April 30: a release of April 27 cannot report it ...
    let err = stderr(&release_new(&sb, "2024-04-27", &last_sunday));
    assert!(
        err.contains("before 1Q25 ends (2024-04-28")
            && err.contains("last quarter ended by then is 4Q24, on 2024-01-28"),
        "{err}"
    );
    assert!(!sb.data.join("companies/nvidia.toml").exists());
    // ... one of April 29 can (a month calendar refused it as before its April 30).
    let out = release_new(&sb, "2024-04-29", &last_sunday);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record = std::fs::read_to_string(sb.data.join("companies/nvidia.toml")).unwrap();
    assert!(
        record.contains("fiscal_year_start_month = 2\n")
            && record.contains("fiscal_year_named_by = \"end_year\"\n")
            && record.contains("fiscal_year_end = \"last Sunday of January\"\n"),
        "{record}"
    );

    // The release as printed: published May 22, revenue of three quarters, the balance sheet
    // at April 28 and January 28.
    let dir = sb.data.join("releases/nvidia-1q25");
    let toml = std::fs::read_to_string(dir.join("release.toml")).unwrap();
    std::fs::write(
        dir.join("release.toml"),
        toml.replace("published_on = 2024-04-29", "published_on = 2024-05-22")
            + &format!("source_url = \"{SOURCE_URL}\"\n"),
    )
    .unwrap();
    let summary = "Q1 Fiscal 2025 Summary";
    let revenue = |period: &str, value: &str, printed: &str| {
        format!(
            "{period},total_revenues,amount,level,{value},USD million,{summary},Revenue,\
             \"{printed}\",,label,\n"
        )
    };
    std::fs::write(
        dir.join("revenue_lines.csv"),
        "period,line,measure,comparison,value,unit,section,label,printed,derived,placement,note\n"
            .to_string()
            + &revenue("1Q25", "26044", "$26,044")
            + &revenue("4Q24", "22103", "$22,103")
            + &revenue("1Q24", "7192", "$7,192"),
    )
    .unwrap();
    let balance = |as_of: &str, value: &str, printed: &str| {
        format!(
            "{as_of},total_assets,level,,{value},USD million,CONDENSED CONSOLIDATED BALANCE \
             SHEETS,Total assets,\"{printed}\",,statement,\n"
        )
    };
    let header = "as_of,item,comparison,compared_to,value,unit,section,label,printed,derived,\
                  placement,note\n";
    let balance_csv = header.to_string()
        + &balance("2024-04-28", "77072", "$77,072")
        + &balance("2024-01-28", "65728", "$65,728");
    std::fs::write(dir.join("balance_sheet.csv"), &balance_csv).unwrap();
    sb.ok(&["load"]);

    let periods = sb.csv(
        "SELECT period, start_date, end_date FROM all_periods WHERE company_id = 'nvidia' \
         AND period IN ('1Q24', '4Q24', '1Q25', '2Q25', '1H25', 'FY2025') ORDER BY start_date, end_date",
    );
    let got: Vec<(&str, &str, &str)> = periods
        .iter()
        .map(|r| {
            (
                r["period"].as_str(),
                r["start_date"].as_str(),
                r["end_date"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1Q24", "2023-01-30", "2023-04-30"),
            ("4Q24", "2023-10-30", "2024-01-28"),
            ("1Q25", "2024-01-29", "2024-04-28"),
            ("1H25", "2024-01-29", "2024-07-28"),
            ("FY2025", "2024-01-29", "2025-01-26"),
            ("2Q25", "2024-04-29", "2024-07-28"),
        ]
    );
    // `periods` of the session's company (the newest release's: NVIDIA's) says the same.
    let session = sb.csv("SELECT * FROM periods WHERE period = '1Q25'");
    assert_eq!(
        (
            session[0]["start_date"].as_str(),
            session[0]["end_date"].as_str()
        ),
        ("2024-01-29", "2024-04-28"),
        "{session:?}"
    );
    // The period macros read the same dates: January 28 is in FY2024, the 29th in FY2025.
    assert_eq!(
        sb.scalar(
            "SELECT company_date_fiscal_year('nvidia', DATE '2024-01-28') * 10000 \
             + company_date_fiscal_year('nvidia', DATE '2024-01-29')"
        ),
        "20242025"
    );
    assert_eq!(
        sb.scalar("SELECT company_prev_quarter('nvidia', '1Q25')"),
        "4Q24"
    );
    // Balance sheet dates are period ends: the cash and balance-sheet rules find them.
    assert_eq!(
        sb.scalar(
            "SELECT string_agg(p.period, ',' ORDER BY p.period) FROM balance_sheet b \
             JOIN all_periods p ON p.company_id = 'nvidia' AND p.kind = 'quarter' \
             AND p.end_date = b.as_of WHERE b.release_id = 'nvidia-1q25'"
        ),
        "1Q25,4Q24"
    );
    // IIJ's calendar of whole months is as it was.
    assert_eq!(
        sb.scalar(
            "SELECT start_date || ' ' || end_date FROM all_periods \
             WHERE company_id = 'iij' AND period = '2Q06'"
        ),
        "2006-07-01 2006-09-30"
    );

    // A balance sheet dated April 30 (the month calendar's quarter end) is no period end of
    // NVIDIA's: refused at its file, line and column, naming the nearest period end.
    std::fs::write(
        dir.join("balance_sheet.csv"),
        balance_csv.replace("2024-04-28,", "2024-04-30,"),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("nvidia-1q25/balance_sheet.csv:2:1:")
            && err.contains("2024-04-30 is no period end of company `nvidia`")
            && err.contains("the nearest is 2024-04-28, the end of 1Q25")
            && err.contains("last Sunday of January"),
        "{err}"
    );
    // The earlier date a change is measured from is a period end too.
    std::fs::write(
        dir.join("balance_sheet.csv"),
        balance_csv.clone()
            + "2024-04-28,total_assets,change_abs,2024-01-31,11344,USD million,\
               CONDENSED CONSOLIDATED BALANCE SHEETS,Total assets,,77072-65728,derived,\n",
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("balance_sheet.csv:4:4:")
            && err.contains("2024-01-31 is no period end")
            && err.contains("the nearest is 2024-01-28, the end of 4Q24"),
        "{err}"
    );
}

#[test]
fn a_week_calendar_in_a_record_is_read_whole_or_refused_at_its_line() {
    let sb = Sandbox::with_data_copy();
    let record = sb.data.join("companies/iij.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    let refused = |edit: &str, line_of: &str, says: &str| {
        let written = text.replace("currency = ", &format!("{edit}\ncurrency = "));
        std::fs::write(&record, &written).unwrap();
        let err = sb.fails(&["load"]);
        let line = written.lines().position(|l| l.starts_with(line_of));
        let at = format!("companies/iij.toml:{}:", line.unwrap() + 1);
        assert!(err.contains(&at) && err.contains(says), "{edit}: {err}");
    };
    // IIJ's year starts in April: a week rule must end it in March.
    refused(
        "fiscal_year_end = \"last Sunday of January\"",
        "fiscal_year_end",
        "fiscal_year_start_month = 2 (not 4)",
    );
    refused(
        "fiscal_year_end = \"last Sun of March\"",
        "fiscal_year_end",
        "not a 52/53-week year end",
    );
    refused(
        "week_53_quarter = 1",
        "week_53_quarter",
        "add fiscal_year_end",
    );
    refused(
        "fiscal_year_end = \"Saturday nearest the end of March\"\nweek_53_quarter = 5",
        "week_53_quarter",
        "week_53_quarter 5",
    );
}
