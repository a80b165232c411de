//! `iijwh release draft`: the rows of a release proposed from its text. A synthetic exhibit of
//! the synthetic company Brightline (tests/fixtures/drafts), whose earlier release's labels are the
//! dictionary; bad texts.

use crate::common::{copy_dir, parse_csv, project_root, Sandbox};
use crate::safety::tree_hash;
use std::collections::BTreeSet;
use std::path::PathBuf;

const ID: &str = "brightline-3q06";

/// (table, period, item, comparison, value) of a drafted row.
type Key = (String, String, String, String, String);
/// What a bad text case expects in the message, and how it makes the text.
type Case<'a> = (&'a str, Box<dyn Fn() + 'a>);

/// IIJ's data/, the synthetic Brightline with its 2Q06 release, and the 3Q06 exhibit to draft.
fn with_exhibit() -> (Sandbox, PathBuf) {
    let sb = Sandbox::with_data_copy();
    let universe = project_root().join("tests/fixtures/universe");
    copy_dir(&universe.join("companies"), &sb.data.join("companies"));
    copy_dir(
        &universe.join("releases/brightline-2q06"),
        &sb.data.join("releases/brightline-2q06"),
    );
    let dir = sb.data.join("releases").join(ID);
    copy_dir(&project_root().join("tests/fixtures/drafts").join(ID), &dir);
    (sb, dir)
}

/// (table, period, item, comparison, value) of every row the draft wrote, and their notes.
fn drafted(dir: &std::path::Path) -> (BTreeSet<Key>, Vec<String>) {
    let mut rows = BTreeSet::new();
    let mut notes = Vec::new();
    for (table, col) in [("income_items", "item"), ("revenue_lines", "line")] {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{table}.csv"))) else {
            continue;
        };
        for r in parse_csv(&text) {
            rows.insert((
                table.to_string(),
                r["period"].clone(),
                r[col].clone(),
                r["comparison"].clone(),
                r["value"].clone(),
            ));
            notes.push(r["note"].clone());
        }
    }
    (rows, notes)
}

#[test]
fn every_figure_of_an_exhibit_table_is_drafted_and_loads_as_is() {
    let (sb, dir) = with_exhibit();
    let outside = |sb: &Sandbox| {
        let mut t = tree_hash(&sb.data);
        t.retain(|k, _| !k.contains(ID));
        t
    };
    let before = outside(&sb);
    // --report prints the draft and writes nothing.
    let folder = tree_hash(&dir);
    let report = sb.ok(&["release", "draft", ID, "--report", "--format", "csv"]);
    assert!(
        report.contains(
            "certain,10,revenue_lines,3Q06,2006-07-01,2006-09-30,total_revenues,level,60000"
        ),
        "{report}"
    );
    assert_eq!(
        tree_hash(&dir),
        folder,
        "--report wrote into the release folder"
    );

    let out = sb.ok(&["release", "draft", ID]);
    assert!(out.contains("28 rows (28 certain, 0 for review)"), "{out}");
    assert_eq!(
        outside(&sb),
        before,
        "the draft wrote outside its release folder"
    );
    let (rows, notes) = drafted(&dir);
    let row = |t: &str, p: &str, i: &str, c: &str, v: &str| {
        (
            t.to_string(),
            p.to_string(),
            i.to_string(),
            c.to_string(),
            v.to_string(),
        )
    };
    let mut want = BTreeSet::new();
    // The result table (its total revenues is the label earlier releases print as a revenue line).
    for (t, item, cur, prev, pct) in [
        ("revenue_lines", "total_revenues", "60000", "50000", "20.0"),
        ("income_items", "cost_of_revenues", "36000", "31000", "16.1"),
        ("income_items", "gross_profit", "24000", "19000", "26.3"),
        ("income_items", "operating_income", "9000", "6000", "50.0"),
        ("income_items", "net_income", "6000", "4000", "50.0"),
        ("revenue_lines", "products", "35000", "30000", "16.7"),
        ("revenue_lines", "services", "25000", "20000", "25.0"),
    ] {
        want.insert(row(t, "3Q06", item, "level", cur));
        want.insert(row(t, "3Q05", item, "level", prev));
        want.insert(row(t, "3Q06", item, "yoy_pct", pct));
    }
    // The highlights' sentences: the release's own period, the change from the year before.
    want.insert(row(
        "income_items",
        "3Q06",
        "total_revenues",
        "level",
        "60000",
    ));
    want.insert(row(
        "income_items",
        "3Q06",
        "total_revenues",
        "yoy_pct",
        "20.0",
    ));
    assert_eq!(rows, want);
    assert_eq!(notes.len(), 28, "total revenues is printed in two tables");
    assert!(
        notes.iter().all(|n| n.starts_with("draft certain:")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("tied: parts of total_revenues sum to 60000")),
        "{notes:?}"
    );
    let md = std::fs::read_to_string(dir.join("DRAFT.md")).unwrap();
    // Every number of the text is proposed or listed: the employee count is listed.
    assert!(
        md.contains("The text has 29 numbers: 28 proposed as rows (28 certain, 0 for review) and 1 unplaced"),
        "{md}"
    );
    assert!(md.contains("| source.txt:28 | 1,200 |"), "{md}");

    // Accepting the draft is keeping its rows: it loads as it is, and every rule holds.
    let out = sb.ok(&["load"]);
    assert!(out.contains(ID) && out.contains(", 0 fail"), "{out}");
    assert_eq!(
        sb.scalar(&format!(
            "SELECT value FROM raw.income_items WHERE release_id = '{ID}' AND item = 'gross_profit' \
             AND period = '3Q06' AND comparison = 'level'"
        )),
        "24000.0"
    );

    // A second draft would replace typed (or accepted) rows: refused, nothing written.
    let folder = tree_hash(&dir);
    let err = sb.fails(&["release", "draft", ID]);
    assert!(
        err.contains("holds rows already") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(tree_hash(&dir), folder);
}

#[test]
fn bad_texts_give_a_clear_message_and_write_nothing() {
    let (sb, dir) = with_exhibit();
    let source = dir.join("source.txt");
    let cases: Vec<Case> = vec![
        (
            "the release text is empty",
            Box::new(|| std::fs::write(&source, "  \n").unwrap()),
        ),
        (
            "a binary file",
            Box::new(|| std::fs::write(&source, b"PK\x03\x04\x00\x00binary").unwrap()),
        ),
        (
            "MiB",
            Box::new(|| {
                let f = std::fs::File::create(&source).unwrap();
                f.set_len(100 * 1024 * 1024).unwrap();
            }),
        ),
    ];
    for (want, make) in cases {
        make();
        let before = tree_hash(&sb.data);
        let err = sb.fails(&["release", "draft", ID]);
        assert!(
            err.contains(want) && err.contains("source.txt"),
            "{want}: {err}"
        );
        assert_eq!(tree_hash(&sb.data), before, "{want}: something was written");
    }
    // A table whose header names no period: nothing is placed, every number is listed.
    std::fs::write(
        &source,
        "Results (USD in thousands)\nThis quarter Last quarter\nProducts 35,000 30,000\nServices 25,000 20,000\n",
    )
    .unwrap();
    let out = sb.cmd().args(["release", "draft", ID]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no table header or stated figure"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 rows"));
    let md = std::fs::read_to_string(dir.join("DRAFT.md")).unwrap();
    for n in ["35,000", "30,000", "25,000", "20,000"] {
        assert!(md.contains(&format!("| {n} |")), "{n} unplaced in {md}");
    }
    assert!(!dir.join("income_items.csv").exists() && !dir.join("revenue_lines.csv").exists());
}

/// The web page shows the draft (written nowhere), each row linked to its line of the text.
#[test]
fn the_web_page_shows_the_draft_with_its_lines() {
    let (sb, dir) = with_exhibit();
    sb.ok(&["load"]);
    let before = tree_hash(&sb.data);
    let server = crate::web::serve_with(&sb, &[], std::process::Stdio::null());
    let (status, _, page) = crate::web::get(&server, &format!("/drafts/{ID}"));
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("28 rows (28 certain, 0 for review)"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/drafts/{ID}/source#L24\"")),
        "{page}"
    );
    assert!(
        page.contains("35000") && page.contains("products"),
        "{page}"
    );
    let (status, _, text) = crate::web::get(&server, &format!("/drafts/{ID}/source"));
    assert_eq!(status, 200);
    assert!(
        text.contains("id=\"L24\"") && text.contains("Products 35,000 30,000 16.7%"),
        "{text}"
    );
    let (status, _, _) = crate::web::get(&server, "/drafts/..%2Fcompanies");
    assert_eq!(status, 404);
    let (status, _, _) = crate::web::get(&server, "/drafts/nosuch");
    assert_eq!(status, 404);
    assert_eq!(tree_hash(&sb.data), before, "the page wrote into data/");
    assert!(!dir.join("DRAFT.md").exists());
}

/// IIJ's own 2Q06 slide text, drafted with its concepts but none of its figure rows: the charts'
/// series, their runs of numbers cut by the charts' sums, are proposed by period, for review.
#[test]
fn a_slide_decks_charts_are_drafted_by_their_sums() {
    let sb = Sandbox::with_data_copy();
    let dir = sb.data.join("releases/iij-2q06");
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".csv") && name != "concepts.csv" {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }
    sb.ok(&["release", "draft", "iij-2q06"]);
    let (rows, notes) = drafted(&dir);
    let key = |t: &str, p: &str, i: &str, v: &str| {
        (t.into(), p.into(), i.into(), "level".into(), v.into())
    };
    for k in [
        // The revenue chart: its total labeled, its five lines not (two equal the sums of the
        // connectivity chart's lines, the legend's order gives the rest); equipment sales' run
        // `6301,0002731,0436251,167531` cut as the total's sum says.
        key("revenue_lines", "2Q06", "total_revenues", "14007"),
        key("revenue_lines", "1Q04", "total_revenues", "8675"),
        key("revenue_lines", "2Q05", "connectivity", "3378"),
        key("revenue_lines", "2Q04", "equipment_sales", "1167"),
        key("revenue_lines", "1Q05", "equipment_sales", "273"),
        key("revenue_lines", "2Q06", "si_one_time", "3871"),
        key("revenue_lines", "4Q04", "total_revenues", "18.3"),
        // The connectivity chart: dedicated access prints nine numbers under seven periods; its
        // "Total Revenues" has the parts of connectivity and value-added services.
        key("revenue_lines", "2Q05", "dedicated_access", "2695"),
        key("revenue_lines", "1Q04", "dedicated_access", "2918"),
        key("revenue_lines", "2Q06", "connectivity_and_vas", "6156"),
        key("revenue_lines", "3Q04", "dialup_access", "727"),
        // Operating income (`811507247656410282(100)`) and its margin, which operating income
        // over total revenues gives.
        key("income_items", "1Q04", "operating_income", "-100"),
        key("income_items", "2Q06", "operating_income", "5.8"),
        key("income_items", "1Q04", "operating_income", "-1.2"),
        // Columns printed apart, a period label alone under their numbers: 1Q06's sum ties;
        // 4Q05's lacks dedicated access, which is the number of its run between the axis'
        // periods that makes the column tie (2,603, not 2,580).
        key("revenue_lines", "1Q06", "dedicated_access", "2616"),
        key("revenue_lines", "4Q05", "dedicated_access", "2603"),
        key("revenue_lines", "3Q05", "dedicated_access", "2580"),
        key("revenue_lines", "1Q06", "equipment_sales", "542"),
        key("revenue_lines", "3Q05", "connectivity", "3227"),
        // Numbers printed alone that equal the sum of a concept's parts in one period: the
        // systems integration slide's outsourcing revenues (outsourced operation and value-added
        // services) and its systems integration revenues.
        key("revenue_lines", "1Q04", "outsourcing_revenues", "3434"),
        key("revenue_lines", "4Q05", "outsourcing_revenues", "5585"),
        key("revenue_lines", "2Q06", "si_revenues", "7221"),
    ] {
        assert!(rows.contains(&k), "{k:?} not drafted");
    }
    // 3,248 is connectivity in 4Q05, whose column label the revenue chart does not print: left
    // unplaced, with why.
    assert!(!rows.iter().any(|r| r.2 == "connectivity" && r.4 == "3248"));
    let md = std::fs::read_to_string(dir.join("DRAFT.md")).unwrap();
    assert!(
        md.contains("| 3,248 |") && md.contains("a period the axis does not print"),
        "{md}"
    );
    // A chart's periods are its axis' by order: for review, said so; certain only the revenue
    // chart's total (its label known, its sum tying, and 2Q06's 14,007 as the text states it;
    // the results tables' 2Q05 and 2Q06 totals agree too).
    let chart_notes: Vec<&String> = notes.iter().filter(|n| n.contains("chart")).collect();
    let certain: Vec<&&String> = chart_notes
        .iter()
        .filter(|n| n.starts_with("draft certain"))
        .collect();
    assert_eq!(certain.len(), 7, "{certain:?}");
    assert!(certain
        .iter()
        .all(|n| n.contains("label \"Total Revenues\"")
            && n.contains("the total of its chart")
            && n.contains("agrees with")
            && n.contains("differs from 0")));
    assert!(chart_notes
        .iter()
        .filter(|n| n.contains("layout:"))
        .all(|n| n.starts_with("draft review")));
    assert!(notes
        .iter()
        .any(|n| n.contains("layout: its numbers in the order of the axis")));
    // A figure stated with its change on the line below: 1H06's (a change from 1H05), not the
    // release's quarter's.
    for k in [
        key("income_items", "1H06", "total_revenues", "26444"),
        key("income_items", "1H06", "operating_income", "1370"),
    ] {
        assert!(rows.contains(&k), "{k:?} not drafted");
    }
    assert!(rows.contains(&(
        "income_items".into(),
        "1H06".into(),
        "total_revenues".into(),
        "yoy_pct".into(),
        "21.3".into()
    )));
    assert!(!rows.iter().any(|r| r.1 == "2Q06" && r.4 == "26444"));
    // The draft loads as is; the source audit flags only the figures printed with no label the
    // text prints (systems integration revenues, known by their parts' sum alone).
    sb.ok(&["load"]);
    let flagged = sb.csv(
        "SELECT item, count(*) AS n FROM figures f JOIN release_sources s USING (release_id) \
         WHERE NOT contains(folded_text(s.source_text), folded_text(f.label)) GROUP BY item",
    );
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(flagged[0]["item"], "si_revenues");
}
