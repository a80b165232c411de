//! Any company: IIJ with two synthetic peers (tests/fixtures/universe), each on its own calendar,
//! currency and unit, one of them changing its segment lines; the records, calendars, concepts and
//! units are data, and a wrong one is an error at its file and line.

use crate::common::{copy_dir, project_root, Sandbox};
use std::collections::HashMap;

/// IIJ's data/ with the synthetic universe: Brightline (calendar year, USD thousand) and
/// Eurolumen (April-March named by its end year, EUR million, new segments in its second release).
fn universe() -> Sandbox {
    let sb = Sandbox::with_data_copy();
    let fixtures = project_root().join("tests/fixtures/universe");
    copy_dir(&fixtures.join("companies"), &sb.data.join("companies"));
    copy_dir(&fixtures.join("releases"), &sb.data.join("releases"));
    sb
}

fn rows_by(
    rows: Vec<HashMap<String, String>>,
    key: &str,
) -> HashMap<String, HashMap<String, String>> {
    rows.into_iter().map(|r| (r[key].clone(), r)).collect()
}

#[test]
fn one_label_is_each_company_own_quarter() {
    let sb = universe();
    sb.ok(&["load"]);
    let periods = rows_by(
        sb.csv(
            "SELECT company_id, start_date, end_date, fiscal_year FROM all_periods \
             WHERE period = '2Q06'",
        ),
        "company_id",
    );
    assert_eq!(periods["iij"]["start_date"], "2006-07-01");
    assert_eq!(periods["iij"]["end_date"], "2006-09-30");
    assert_eq!(periods["brightline"]["start_date"], "2006-04-01");
    assert_eq!(periods["brightline"]["end_date"], "2006-06-30");
    // Eurolumen's FY2006 ends in March 2006: its 2Q06 is July-September 2005.
    assert_eq!(periods["eurolumen"]["start_date"], "2005-07-01");
    assert_eq!(periods["eurolumen"]["end_date"], "2005-09-30");

    // Each company's trend: its own periods, in time order, with its own dates and unit.
    let trend = sb.csv_of(&[
        "query",
        "concept_trend",
        "--company",
        "brightline",
        "--format",
        "csv",
    ]);
    let got: Vec<(&str, &str, &str, &str)> = trend
        .iter()
        .map(|r| {
            (
                r["period"].as_str(),
                r["end_date"].as_str(),
                r["value"].as_str(),
                r["unit"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2Q05", "2005-06-30", "40000.0", "USD thousand"),
            ("2Q06", "2006-06-30", "50000.0", "USD thousand")
        ]
    );
    assert_eq!(trend[1]["base_value"], "50000000.0");
    assert_eq!(trend[1]["base_unit"], "USD");

    // By ticker, too.
    let by_ticker = sb.ok(&[
        "query",
        "-e",
        "SELECT company_id FROM vintage_company",
        "--company",
        "BRTL",
        "--format",
        "csv",
    ]);
    assert_eq!(by_ticker, "company_id\nbrightline\n");
    // By alias; periods of two fiscal years in date order, the newest release's figures.
    let trend = sb.csv_of(&[
        "query",
        "concept_trend",
        "--company",
        "Eurolumen",
        "--format",
        "csv",
    ]);
    let got: Vec<(&str, &str, &str)> = trend
        .iter()
        .map(|r| {
            (
                r["period"].as_str(),
                r["value"].as_str(),
                r["release_id"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("2Q06", "80.0", "eurolumen-2q07"),
            ("3Q06", "90.0", "eurolumen-3q07"),
            ("2Q07", "100.0", "eurolumen-2q07"),
            ("3Q07", "110.0", "eurolumen-3q07")
        ]
    );
    // The `company` parameter picks the company as --company does: axis unit and footer too.
    let svg = sb.dir.path().join("brightline.svg");
    sb.ok(&[
        "chart",
        "concept_trend",
        "-p",
        "company=brightline",
        "-o",
        svg.to_str().unwrap(),
    ]);
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(
        svg.contains("USD thousand")
            && svg.contains(
                "Brightline Networks Corp. (synthetic) · figures as of release brightline-2q06"
            )
            && !svg.contains("JPY"),
        "{svg}"
    );
    // IIJ's own: 2Q06 total revenues as printed, in JPY million (not the 億円 headline).
    let iij = sb.csv_of(&[
        "query",
        "concept_trend",
        "-p",
        "company=iij",
        "--format",
        "csv",
    ]);
    let q = iij.iter().find(|r| r["period"] == "2Q06").unwrap();
    assert_eq!(
        (
            q["value"].as_str(),
            q["unit"].as_str(),
            q["start_date"].as_str()
        ),
        ("14007.0", "JPY million", "2006-07-01")
    );
    assert_eq!(q["base_value"], "14007000000.0");
}

#[test]
fn peers_side_by_side_with_growth_and_margins() {
    let sb = universe();
    sb.ok(&["load"]);
    let peers = rows_by(
        sb.csv_of(&["query", "peer_comparison", "--format", "csv"]),
        "company",
    );
    assert_eq!(peers.len(), 3, "{peers:?}");
    let b = &peers["Brightline Networks Corp. (synthetic)"];
    assert_eq!(b["latest_quarter"], "2Q06");
    assert_eq!(b["quarter_end"], "2006-06-30");
    assert_eq!(
        (b["currency"].as_str(), b["unit"].as_str()),
        ("USD", "USD thousand")
    );
    assert_eq!(b["revenues"], "50000.0");
    assert_eq!(b["revenues_in_currency"], "50000000.0");
    assert_eq!(b["revenue_growth_pct"], "25.0");
    assert_eq!(b["operating_income_growth_pct"], "60.0");
    assert_eq!(b["operating_margin_pct"], "16.0");
    assert_eq!(b["net_margin_pct"], "10.0");
    let e = &peers["Eurolumen SE (synthetic)"];
    assert_eq!(e["latest_quarter"], "3Q07");
    assert_eq!(e["quarter_end"], "2006-12-31");
    assert_eq!(e["unit"], "EUR million");
    assert_eq!(e["revenue_growth_pct"], "22.2");
    assert_eq!(e["operating_margin_pct"], "10.9");
    assert_eq!(e["net_margin_pct"], "6.4");
    let i = &peers["Internet Initiative Japan Inc."];
    assert_eq!(i["latest_quarter"], "2Q06");
    assert_eq!(i["revenues"], "14007.0");
    // 14,007 on 2Q05's 11,929, computed from the printed amounts (the release states +17.4%).
    assert_eq!(i["revenue_growth_pct"], "17.4");

    // What it reads, every company's quarters of the standard amounts, as the load stored them
    // is what the vintage computes from every printing.
    let sql = "FROM standard_quarters ORDER BY ALL";
    let stored = sb.ok(&["query", "-e", sql, "--format", "csv"]);
    let computed = sb.ok(&[
        "query",
        "--as-of",
        "2100-01-01",
        "-e",
        sql,
        "--format",
        "csv",
    ]);
    assert_eq!(stored, computed);
    assert!(
        stored.contains(
            "iij,Internet Initiative Japan Inc.,2Q06,total_revenues,JPY million,14007.0,"
        ),
        "{stored}"
    );

    // Its chart's footer names every company's vintage, not the session company's.
    let svg = sb.dir.path().join("peers.svg");
    sb.ok(&["chart", "peer_comparison", "-o", svg.to_str().unwrap()]);
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(
        svg.contains("every company of the vintage (3 companies, 4 releases)"),
        "{svg}"
    );

    // As of before Eurolumen's second release, its latest quarter is 2Q07.
    let before = rows_by(
        sb.csv_of(&[
            "query",
            "peer_comparison",
            "--as-of",
            "2006-12-31",
            "--format",
            "csv",
        ]),
        "company",
    );
    let e = &before["Eurolumen SE (synthetic)"];
    assert_eq!(e["latest_quarter"], "2Q07");
    assert_eq!(e["revenue_growth_pct"], "25.0");
}

#[test]
fn a_new_segment_structure_loads_as_data_and_is_checked_against_its_own_parts() {
    let sb = universe();
    sb.ok(&["load"]);
    // Every rule holds for the three companies (the segment change included).
    let checks = sb.csv("SELECT rule, status FROM check_results WHERE status = 'fail'");
    assert!(checks.is_empty(), "{checks:?}");
    // ... and no residual of Eurolumen's: each release's totals have all their own parts.
    assert_eq!(
        sb.scalar(
            "SELECT count(*) FROM check_results \
             WHERE rule = 'parts_sum_to_totals' AND details LIKE '%eurolumen%'"
        ),
        "0"
    );

    // Latest: the new lines are current, the old ones were last printed by the first release.
    let concepts = rows_by(
        sb.csv_of(&[
            "query",
            "-e",
            "SELECT concept, components, current, first_release, last_release FROM concepts",
            "--company",
            "eurolumen",
            "--format",
            "csv",
        ]),
        "concept",
    );
    assert_eq!(
        concepts["total_revenues"]["components"],
        "consumer+professional"
    );
    assert_eq!(concepts["consumer"]["current"], "true");
    assert_eq!(concepts["consumer"]["first_release"], "eurolumen-3q07");
    assert_eq!(concepts["lighting"]["current"], "false");
    assert_eq!(concepts["lighting"]["last_release"], "eurolumen-2q07");
    assert_eq!(
        concepts["total_revenues"]["first_release"],
        "eurolumen-2q07"
    );
    // As of the first release: the old structure, and its lines.
    let old = rows_by(
        sb.csv_of(&[
            "query",
            "-e",
            "SELECT concept, components, current FROM concepts",
            "--company",
            "eurolumen",
            "--release",
            "eurolumen-2q07",
            "--format",
            "csv",
        ]),
        "concept",
    );
    assert_eq!(old["total_revenues"]["components"], "lighting+controls");
    assert_eq!(old["lighting"]["current"], "true");
    assert!(!old.contains_key("consumer"), "{old:?}");
    let lines = sb.ok(&[
        "query",
        "-e",
        "SELECT string_agg(DISTINCT line, ',' ORDER BY line) FROM revenue_lines",
        "--company",
        "eurolumen",
        "--release",
        "eurolumen-2q07",
        "--format",
        "csv",
    ]);
    assert!(
        lines.contains("controls,lighting,total_revenues"),
        "{lines}"
    );

    // A part that does not add up fails the rule, against the release's own (new) parts.
    let release = sb.data.join("releases/eurolumen-3q07");
    let csv = std::fs::read_to_string(release.join("revenue_lines.csv")).unwrap();
    std::fs::write(
        release.join("revenue_lines.csv"),
        csv.replacen(
            "3Q07,consumer,amount,level,70,",
            "3Q07,consumer,amount,level,75,",
            1,
        ),
    )
    .unwrap();
    sb.ok(&["load"]);
    let out = sb
        .cmd()
        .args(["check", "parts_sum_to_totals", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the rule fails");
    let broken = String::from_utf8(out.stdout).unwrap();
    assert!(
        broken.contains("eurolumen-3q07") && broken.contains("3Q07") && broken.contains("115"),
        "{broken}"
    );
}

#[test]
fn records_calendars_concepts_and_units_are_checked_at_their_file_and_line() {
    let sb = universe();
    let release = sb.data.join("releases/brightline-2q06");
    let edit = |file: &str, from: &str, to: &str| {
        let path = release.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from} in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let restore = |file: &str| {
        std::fs::copy(
            project_root()
                .join("tests/fixtures/universe/releases/brightline-2q06")
                .join(file),
            release.join(file),
        )
        .unwrap();
    };

    edit(
        "release.toml",
        "company_id = \"brightline\"",
        "company_id = \"nobody\"",
    );
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("brightline-2q06/release.toml:3")
            && err.contains("company_id `nobody` is not a company")
            && err.contains("data/companies/nobody.toml"),
        "{err}"
    );
    restore("release.toml");

    edit("revenue_lines.csv", "2Q06,products,", "2Q06,widgets,");
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("brightline-2q06/revenue_lines.csv:2:2")
            && err.contains("\"widgets\" is not a concept of company `brightline`"),
        "{err}"
    );
    restore("revenue_lines.csv");

    edit("revenue_lines.csv", "2Q05,products,", "2Q5,products,");
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("brightline-2q06/revenue_lines.csv:3:1")
            && err.contains("`2Q5` is not a period label"),
        "{err}"
    );
    restore("revenue_lines.csv");

    edit("revenue_lines.csv", "USD thousand", "USD zillion");
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("brightline-2q06/revenue_lines.csv:2")
            && err.contains("unit='USD zillion'")
            && err.contains("not in table `units`"),
        "{err}"
    );
    restore("revenue_lines.csv");

    // A unit that exists but does not fit the concept: loads, and a rule names it.
    edit(
        "revenue_lines.csv",
        "2Q06,products,amount,level,30000,USD thousand",
        "2Q06,products,amount,level,30000,contracts",
    );
    sb.ok(&["load"]);
    let out = sb
        .cmd()
        .args(["check", "units_fit_concepts", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let rows = String::from_utf8(out.stdout).unwrap();
    assert!(
        rows.contains("brightline-2q06") && rows.contains("contracts,count,currency"),
        "{rows}"
    );
    restore("revenue_lines.csv");

    // Any ISO currency at any usual scale is a unit without an edit.
    edit(
        "revenue_lines.csv",
        "2Q06,products,amount,level,30000,USD thousand",
        "2Q06,products,amount,level,30000,CHF thousand",
    );
    sb.ok(&["load"]);
    assert_eq!(
        sb.scalar("SELECT factor FROM units WHERE unit = 'CHF thousand'"),
        "1000.0"
    );
    restore("revenue_lines.csv");

    let record = sb.data.join("companies/brightline.toml");
    let text = std::fs::read_to_string(&record).unwrap();
    std::fs::write(&record, text.replace("fiscal_year_start_month = 1\n", "")).unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("companies/brightline.toml") && err.contains("fiscal_year_start_month"),
        "{err}"
    );
}

#[test]
fn release_new_writes_a_new_company_record_from_its_flags_only() {
    let sb = universe();
    let source = sb.dir.path().join("acme.txt");
    std::fs::write(
        &source,
        "Acme Corp. (synthetic) results for 2Q06\nTotal revenues 1,000\n",
    )
    .unwrap();
    let base = [
        "release",
        "new",
        "acme-2q06",
        "--company",
        "acme",
        "--period",
        "2Q06",
        "--published-on",
        "2006-07-25",
        "--source",
    ];
    let mut args: Vec<&str> = base.to_vec();
    let source = source.to_str().unwrap();
    args.push(source);
    let err = sb.fails(&args);
    assert!(
        err.contains("company `acme` is new")
            && err.contains("--name")
            && err.contains("--fiscal-year-start")
            && err.contains("--currency")
            && err.contains("--unit"),
        "{err}"
    );
    assert!(!sb.data.join("companies/acme.toml").exists());
    assert!(!sb.data.join("releases/acme-2q06").exists());

    // 2Q06 of a calendar-year company ends on June 30: a release of June 15 cannot report it.
    let mut early = args.clone();
    early[8] = "2006-06-15";
    early.extend([
        "--name",
        "Acme Corp. (synthetic)",
        "--fiscal-year-start",
        "1",
        "--currency",
        "USD",
        "--unit",
        "USD million",
    ]);
    let err = sb.fails(&early);
    assert!(err.contains("before 2Q06 ends (2006-06-30"), "{err}");
    assert!(!sb.data.join("companies/acme.toml").exists());

    let mut good = early.clone();
    good[8] = "2006-07-25";
    sb.ok(&good);
    let record = std::fs::read_to_string(sb.data.join("companies/acme.toml")).unwrap();
    assert!(record.contains("fiscal_year_start_month = 1"), "{record}");
    assert!(record.contains("currency = \"USD\"") && record.contains("unit = \"USD million\""));
    let toml = std::fs::read_to_string(sb.data.join("releases/acme-2q06/release.toml")).unwrap();
    assert!(
        toml.contains("company_id = \"acme\"") && !toml.contains("currency ="),
        "{toml}"
    );
    assert!(!sb.data.join("releases/acme-2q06/periods.csv").exists());

    // One period row, one revenue row in USD million: it loads, in Acme's own calendar.
    std::fs::write(
        sb.data.join("releases/acme-2q06/revenue_lines.csv"),
        "period,line,measure,comparison,value,unit,section,label,printed,derived,placement,note\n\
         2Q06,total_revenues,amount,level,1000,USD million,Results,Total revenues,\"1,000\",,label,\n",
    )
    .unwrap();
    sb.ok(&["load"]);
    assert_eq!(
        sb.scalar(
            "SELECT start_date FROM all_periods WHERE company_id = 'acme' AND period = '2Q06'"
        ),
        "2006-04-01"
    );
    assert_eq!(
        sb.scalar("SELECT currency || ' ' || unit FROM releases WHERE release_id = 'acme-2q06'"),
        "USD USD million"
    );

    // An existing company's calendar and currency are its record's: flags for them are refused.
    let again = [
        "release",
        "new",
        "acme-3q06",
        "--company",
        "acme",
        "--currency",
        "JPY",
        "--period",
        "3Q06",
        "--published-on",
        "2006-10-25",
        "--source",
        source,
    ];
    let err = sb.fails(&again);
    assert!(err.contains("company `acme` exists"), "{err}");
    assert!(!sb.data.join("releases/acme-3q06").exists());
}

/// A real later IIJ release (1Q08, from its SEC Form 6-K exhibit; tests/fixtures/releases/iij-1q08
/// keeps the URL) reports revenues in the lines of fiscal 2007 on: it loads as data, with its own
/// concepts, and its parts are checked against its own definitions.
#[test]
fn a_real_later_iij_release_with_new_revenue_lines_loads_and_is_checked() {
    let sb = Sandbox::with_fixtures(&["iij-1q08"]);
    let out = sb.ok(&["load"]);
    assert!(out.contains("iij-1q08"), "{out}");
    assert_eq!(
        sb.scalar(
            "SELECT value FROM revenue_lines WHERE period = '1Q08' \
             AND line = 'connectivity_and_outsourcing' AND comparison = 'level'"
        ),
        "8396.0"
    );
    assert_eq!(
        sb.scalar("SELECT start_date || '..' || end_date FROM periods WHERE period = '1Q08'"),
        "2008-04-01..2008-06-30"
    );
    let concepts = rows_by(
        sb.csv("SELECT concept, components, first_release, last_release, current FROM concepts"),
        "concept",
    );
    assert_eq!(
        concepts["total_revenues"]["components"],
        "connectivity_and_outsourcing+si+equipment_sales"
    );
    assert_eq!(concepts["si"]["first_release"], "iij-1q08");
    assert_eq!(concepts["dedicated_access"]["last_release"], "iij-2q06");
    assert_eq!(concepts["dedicated_access"]["current"], "false");
    // As of the 2Q06 release: the fiscal 2006 lines.
    let old = rows_by(
        sb.csv_of(&[
            "query",
            "-e",
            "SELECT concept, components FROM concepts",
            "--release",
            "iij-2q06",
            "--format",
            "csv",
        ]),
        "concept",
    );
    assert!(!old.contains_key("si"), "{old:?}");
    assert!(old["total_revenues"]["components"].starts_with("connectivity+vas_and_other"));

    // Its parts: operating income = revenues - costs - SG&A/R&D holds in both columns (no row);
    // total revenues is printed with two of its three lines (a residual naming the third).
    let parts = sb.ok(&["check", "parts_sum_to_totals", "--format", "csv"]);
    let mine: Vec<&str> = parts.lines().filter(|l| l.contains("iij-1q08")).collect();
    assert!(
        mine.iter().all(|l| !l.contains(",operating_income,")),
        "{parts}"
    );
    let residual = mine
        .iter()
        .find(|l| l.contains("1Q08") && l.contains(",total_revenues,"))
        .unwrap_or_else(|| panic!("{parts}"));
    assert!(
        residual.contains("does not print equipment_sales") && residual.contains("16328"),
        "{residual}"
    );
    // No rule fails with the real release beside the first one.
    let failing = sb.csv("SELECT rule FROM check_results WHERE status = 'fail'");
    assert!(failing.is_empty(), "{failing:?}");

    // A cost line typed wrong breaks operating income's parts.
    let file = sb.data.join("releases/iij-1q08/income_items.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen(
            "1Q08,total_costs,actual,consolidated,amount,level,13303,",
            "1Q08,total_costs,actual,consolidated,amount,level,13330,",
            1,
        ),
    )
    .unwrap();
    sb.ok(&["load"]);
    let out = sb
        .cmd()
        .args(["check", "parts_sum_to_totals", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the rule fails");
    let parts = String::from_utf8(out.stdout).unwrap();
    assert!(
        parts.lines().any(|l| l.contains("iij-1q08")
            && l.contains(",operating_income,")
            && l.contains("384")),
        "{parts}"
    );
}

#[test]
fn an_actual_of_a_period_not_yet_over_is_caught() {
    let sb = universe();
    let file = sb.data.join("releases/brightline-2q06/income_items.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    // 3Q06 (July-September 2006) had not ended when the release came out on July 25, 2006.
    std::fs::write(
        &file,
        text.replacen(
            "2Q06,net_income,actual,consolidated,amount,level,",
            "3Q06,net_income,actual,consolidated,amount,level,",
            1,
        ),
    )
    .unwrap();
    sb.ok(&["load"]);
    let out = sb
        .cmd()
        .args([
            "check",
            "actuals_reported_after_their_period",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "the rule fails");
    let rows = String::from_utf8(out.stdout).unwrap();
    assert!(
        rows.contains("brightline-2q06") && rows.contains("3Q06") && rows.contains("2006-09-30"),
        "{rows}"
    );
}

/// `export --partition-by company`: one Hive folder per company of the vintage, each holding that
/// company's rows as of its newest release (the key in the folder, not the file).
#[test]
fn export_partitions_every_company_into_its_own_folder() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let sb = universe();
    sb.ok(&["load"]);
    let out = sb.dir.path().join("export");
    sb.ok(&["export", out.to_str().unwrap(), "--partition-by", "company"]);
    let rows = |table: &str, company: &str| -> (usize, Vec<String>) {
        let path = out
            .join(table)
            .join(format!("company_id={company}"))
            .join("part-0.parquet");
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let meta = reader.metadata();
        let names = meta
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        (meta.file_metadata().num_rows() as usize, names)
    };
    for company in ["iij", "brightline", "eurolumen"] {
        let want: usize = sb
            .ok(&[
                "query",
                "-e",
                "SELECT count(*) FROM revenue_lines",
                "--company",
                company,
                "--format",
                "csv",
            ])
            .lines()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(rows("revenue_lines", company).0, want, "{company}");
    }
    assert_eq!(rows("revenue_lines", "brightline").0, 6);
    assert_eq!(rows("releases", "eurolumen").0, 2);
    // Eurolumen's periods are its own (2Q06 .. 3Q07 of its calendar), without the key column.
    let (n, columns) = rows("periods", "eurolumen");
    assert!(
        n > 0 && !columns.contains(&"company_id".to_string()),
        "{columns:?}"
    );
    // Shared tables stay whole.
    assert!(out.join("units.parquet").is_file() && out.join("companies.parquet").is_file());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let rl = manifest["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "revenue_lines")
        .unwrap();
    assert_eq!(rl["partitioned_by"], "company_id", "{rl}");
    // The manifest's rows are every partition's, each file's rows as listed.
    let files = rl["files"].as_array().unwrap();
    let listed: u64 = files.iter().map(|f| f["rows"].as_u64().unwrap()).sum();
    assert_eq!(rl["rows"].as_u64().unwrap(), listed, "{rl}");
    let all: usize = ["iij", "brightline", "eurolumen"]
        .iter()
        .map(|c| rows("revenue_lines", c).0)
        .sum();
    assert_eq!(listed as usize, all);
}

/// `export` without `--company` writes every company of the vintage, each as of its newest
/// release, into one file per table, and its manifest lists exactly those rows and releases;
/// `--company` (any name of it) exports that company alone.
#[test]
fn export_writes_every_company_and_its_manifest_counts_the_files() {
    let sb = universe();
    sb.ok(&["load"]);
    let out = sb.dir.path().join("export");
    sb.ok(&["export", out.to_str().unwrap()]);
    let read = |sql: &str| -> Vec<String> {
        sb.ok(&["query", "--allow-external", "-e", sql, "--format", "csv"])
            .lines()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    let file = |dir: &std::path::Path, t: &str| {
        format!(
            "read_parquet('{}')",
            dir.join(format!("{t}.parquet")).display()
        )
    };
    let companies_in = |dir: &std::path::Path, t: &str| -> Vec<String> {
        read(&format!(
            "SELECT DISTINCT r.company_id FROM {} t JOIN {} r USING (release_id) ORDER BY 1",
            file(dir, t),
            file(dir, "releases")
        ))
    };
    // IIJ's rows are there, though another company's release is newer.
    assert_eq!(
        read(&format!(
            "SELECT t.value FROM {} t JOIN {} r USING (release_id) WHERE r.company_id = 'iij' \
             AND t.period = '2Q06' AND t.line = 'total_revenues' AND t.measure = 'amount' \
             AND t.section = 'Trend of Quarterly Revenues'",
            file(&out, "revenue_lines"),
            file(&out, "releases")
        )),
        ["14007.0"]
    );
    for t in ["income_items", "revenue_lines", "releases"] {
        assert_eq!(
            companies_in(&out, t),
            ["brightline", "eurolumen", "iij"],
            "{t}"
        );
    }
    assert_eq!(
        read(&format!(
            "SELECT DISTINCT company_id FROM {} ORDER BY 1",
            file(&out, "periods")
        )),
        ["brightline", "eurolumen", "iij"]
    );
    // Each company's rows as a session of that company shows them.
    for t in ["income_items", "balance_sheet", "cash_flows", "periods"] {
        let want: usize = ["iij", "brightline", "eurolumen"]
            .iter()
            .map(|c| {
                let q = format!("SELECT count(*) FROM {t}");
                sb.ok(&["query", "-e", &q, "--company", c, "--format", "csv"])
                    .lines()
                    .nth(1)
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        let got: usize = read(&format!("SELECT count(*) FROM {}", file(&out, t)))[0]
            .parse()
            .unwrap();
        assert_eq!(got, want, "{t}");
    }
    // The manifest lists what was written: each file's rows are the file's, each table's the
    // sum of its files', its releases every release of the vintage.
    let check_manifest = |dir: &std::path::Path| -> serde_json::Value {
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        for table in manifest["tables"].as_array().unwrap() {
            let mut sum = 0;
            for f in table["files"].as_array().unwrap() {
                let path = dir.join(f["path"].as_str().unwrap());
                let n: u64 = read(&format!(
                    "SELECT count(*) FROM read_parquet('{}')",
                    path.display()
                ))[0]
                    .parse()
                    .unwrap();
                assert_eq!(f["rows"].as_u64().unwrap(), n, "{table}");
                sum += n;
            }
            assert_eq!(table["rows"].as_u64().unwrap(), sum, "{}", table["name"]);
        }
        manifest
    };
    let manifest = check_manifest(&out);
    assert_eq!(manifest["releases"].as_array().unwrap().len(), 4);
    // A report in Spark answers as iijwh does by default: IIJ's own report (`-- company: iij`)
    // for IIJ, though another company's release is newer.
    let report = std::fs::read_to_string(out.join("spark/reports/income_trend.sql")).unwrap();
    assert!(
        report.contains(
            "`income_items` AS (SELECT * FROM spark_catalog.default.`income_items` WHERE \
             release_id IN (SELECT release_id FROM spark_catalog.default.`releases` WHERE \
             company_id = 'iij'))"
        ),
        "{report}"
    );

    // One company, named as people name it.
    let one = sb.dir.path().join("one");
    sb.ok(&["export", one.to_str().unwrap(), "--company", "BRTL"]);
    for t in ["income_items", "revenue_lines", "releases", "figures"] {
        assert_eq!(companies_in(&one, t), ["brightline"], "{t}");
    }
    assert_eq!(
        read(&format!(
            "SELECT DISTINCT company_id FROM {}",
            file(&one, "periods")
        )),
        ["brightline"]
    );
    let manifest = check_manifest(&one);
    let releases: Vec<&str> = manifest["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["release_id"].as_str().unwrap())
        .collect();
    assert_eq!(releases.len(), 1, "{releases:?}");
}

/// `--company` takes a company as people name it: id, alias, a prefix or word of its name,
/// ticker, local code with or without its exchange, SEC CIK with or without leading zeros; an
/// ambiguous name lists the candidates, an unknown one the companies.
#[test]
fn a_company_is_found_by_any_of_its_names() {
    let sb = universe();
    sb.ok(&["load"]);
    let shown = |name: &str| {
        sb.ok(&[
            "query",
            "-e",
            "SELECT company_id FROM vintage_company",
            "--company",
            name,
            "--format",
            "csv",
        ])
    };
    for (name, id) in [
        ("brightline", "brightline"),
        ("Brightline", "brightline"),
        ("BRIGHT", "brightline"),
        ("networks", "brightline"),
        ("BRTL", "brightline"),
        ("brtl", "brightline"),
        ("eurolumen se", "eurolumen"),
        ("internet initiative", "iij"),
        ("JAPAN", "iij"),
        ("3774", "iij"),
        ("TSE:3774", "iij"),
        ("tse:3774", "iij"),
        ("1090633", "iij"),
        ("0001090633", "iij"),
        ("IIJI", "iij"),
    ] {
        assert_eq!(shown(name), format!("company_id\n{id}\n"), "{name}");
    }
    // "synthetic" is a word of both peers' names.
    let err = sb.fails(&["query", "-e", "SELECT 1", "--company", "Synthetic"]);
    assert!(
        err.contains("company `Synthetic` is ambiguous")
            && err.contains("brightline (Brightline Networks Corp. (synthetic))")
            && err.contains("eurolumen (Eurolumen SE (synthetic))")
            && !err.contains("iij ("),
        "{err}"
    );
    // So does an export.
    let err = sb.fails(&[
        "export",
        sb.dir.path().join("x").to_str().unwrap(),
        "--company",
        "SYNTHETIC",
    ]);
    assert!(err.contains("is ambiguous"), "{err}");
    let err = sb.fails(&["query", "-e", "SELECT 1", "--company", "nobody"]);
    assert!(
        err.contains("no company `nobody`")
            && err.contains("iij (Internet Initiative Japan Inc.)")
            && err.contains("brightline (Brightline Networks Corp. (synthetic))"),
        "{err}"
    );
    // Not a CIK of no company, nor a prefix of nothing.
    sb.fails(&["query", "-e", "SELECT 1", "--company", "1090634"]);
    sb.fails(&["query", "-e", "SELECT 1", "--company", "0"]);
}
