//! Hostile cases, round two: records. A bad company record (data/companies/<id>.toml) or row of a
//! release's concepts.csv fails the load naming file, line (and column, or key) and value,
//! before anything is written; the warehouse answers as before.

use super::{loaded, total, Before};
use crate::common::{project_root, Sandbox};
use std::path::{Path, PathBuf};

fn record(sb: &Sandbox) -> PathBuf {
    sb.data.join("companies/iij.toml")
}

/// Each case edits `file` (find -> replace, once), runs `load`, and expects it to fail with
/// every `expect` text; the file is put back and data/ and the warehouse are as they were.
fn refused(sb: &Sandbox, file: &Path, cases: &[(&str, &str, &[&str])]) {
    let before = Before::take(sb);
    let original = std::fs::read_to_string(file).unwrap();
    for (find, replace, expect) in cases {
        assert_eq!(original.matches(find).count(), 1, "{find:?} in {file:?}");
        std::fs::write(file, original.replacen(find, replace, 1)).unwrap();
        let err = sb.fails(&["load"]);
        for e in *expect {
            assert!(err.contains(e), "{replace:?}: expected {e:?} in:\n{err}");
        }
        assert!(!err.contains("Catalog Error"), "{replace:?}: {err}");
        std::fs::write(file, &original).unwrap();
        before.unchanged(sb, replace);
    }
    assert_eq!(total(sb), "14007.0");
}

/// M: every key of a company record is checked against the column it fills, at its line.
#[test]
fn a_bad_company_record_is_refused_at_its_key() {
    let sb = loaded();
    let file = record(&sb);
    refused(
        &sb,
        &file,
        &[
            (
                "fiscal_year_start_month = 4",
                "fiscal_year_start_month = 13",
                &["companies/iij.toml:6: fiscal_year_start_month = 13: the month (1-12)"],
            ),
            (
                "fiscal_year_start_month = 4",
                "fiscal_year_start_month = \"4\"",
                &["companies/iij.toml:6: fiscal_year_start_month = \"4\": column `fiscal_year_start_month` (INTEGER) takes a whole number"],
            ),
            (
                "fiscal_year_named_by = \"start_year\"",
                "fiscal_year_named_by = \"start\"",
                &["companies/iij.toml:7: fiscal_year_named_by = \"start\": \"start_year\""],
            ),
            (
                "sec_cik = \"0001090633\"",
                "sec_cik = \"1090633\"",
                &["companies/iij.toml:14: sec_cik \"1090633\": the SEC's Central Index Key is ten digits"],
            ),
            (
                "name = \"Internet Initiative Japan Inc.\"\n",
                "name = 3774\n",
                &["companies/iij.toml:3: name = 3774: column `name` (VARCHAR) takes a string"],
            ),
            (
                "name = \"Internet Initiative Japan Inc.\"\n",
                "",
                &["companies/iij.toml: missing key(s) name;"],
            ),
        ],
    );
    // A record whose id the CHECK of companies.company_id refuses, though it names its file.
    let before = Before::take(&sb);
    let upper = sb.data.join("companies/Acme.toml");
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("company_id = \"iij\"", "company_id = \"Acme\"");
    std::fs::write(&upper, text).unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("companies/Acme.toml:2: company id `Acme`: a lower-case letter"),
        "{err}"
    );
    std::fs::remove_file(&upper).unwrap();
    before.unchanged(&sb, "company_id Acme");
    assert_eq!(total(&sb), "14007.0");
}

/// M: a concepts.csv row the schema would refuse (kind, dimension, standard concept, code,
/// components' form, a concept twice in one release, a sort order not a number).
#[test]
fn a_bad_concept_row_is_refused_at_its_cell() {
    let sb = loaded();
    let file = sb.release_file("concepts.csv");
    let dialup = "dialup_access,Dial-up Access Services,connectivity,,amount,currency,,5,\n";
    let with = |concept: &str, parent: &str, kind: &str, dimension: &str, standard: &str| {
        format!("{concept},Dial-up Access Services,{parent},,{kind},{dimension},{standard},5,\n")
    };
    let (kind, dimension, standard, code) = (
        with("dialup_access", "connectivity", "amounts", "currency", ""),
        with("dialup_access", "connectivity", "amount", "money", ""),
        with(
            "dialup_access",
            "connectivity",
            "amount",
            "currency",
            "revenue",
        ),
        with("Dialup_access", "connectivity", "amount", "currency", ""),
    );
    let twice = format!("{dialup}{}", dialup.replace(",5,", ",99,"));
    let order = dialup.replace(",5,", ",five,");
    refused(
        &sb,
        &file,
        &[
            (
                dialup,
                kind.as_str(),
                &["concepts.csv:6:5: column `kind`: \"amounts\" is not a kind of concept: amount, ratio, count, rate"],
            ),
            (
                dialup,
                dimension.as_str(),
                &[
                    "concepts.csv:6:6: column `dimension`: \"money\" is not the dimension of any unit",
                    "bandwidth, count, currency",
                ],
            ),
            (
                dialup,
                standard.as_str(),
                &["concepts.csv:6:7: column `standard`: \"revenue\" is not a standard concept", "total_revenues"],
            ),
            (
                dialup,
                code.as_str(),
                &["concepts.csv:6:1: column `concept`: \"Dialup_access\" is not a concept code"],
            ),
            (
                dialup,
                twice.as_str(),
                &["concepts.csv:7:1: column `concept`: \"dialup_access\" is defined twice in this release (first at line 6)"],
            ),
            (
                "dedicated_access+dialup_access,",
                "dedicated_access+,",
                &["concepts.csv:3:4: column `components`: \"dedicated_access+\" is not a signed sum"],
            ),
            (
                dialup,
                order.as_str(),
                &["concepts.csv:6:8: column `sort_order` (INTEGER): not a whole number", "\"five\""],
            ),
        ],
    );
}

/// N: a parent or component names a concept of the company or a standard one; no concept is its
/// own parent or part, and no parents or components go round in a cycle.
#[test]
fn concept_references_are_checked() {
    let sb = loaded();
    let file = sb.release_file("concepts.csv");
    let dialup = "dialup_access,Dial-up Access Services,connectivity,";
    refused(
        &sb,
        &file,
        &[
            (
                dialup,
                "dialup_access,Dial-up Access Services,connectivty,",
                &["concepts.csv:6:3: column `parent`: \"connectivty\" is not a concept of company `iij`"],
            ),
            (
                "dedicated_access+dialup_access,",
                "dedicated_access+dialup,",
                &["concepts.csv:3:4: column `components`: \"dialup\" is not a concept of company `iij`"],
            ),
            (
                dialup,
                "dialup_access,Dial-up Access Services,dialup_access,",
                &["concepts.csv:6:3: column `parent`: \"dialup_access\" is the concept itself: a concept cannot be its own parent"],
            ),
            (
                "dedicated_access+dialup_access,",
                "connectivity+dialup_access,",
                &["concepts.csv:3:4: column `components`: \"connectivity\" is the concept itself"],
            ),
            // total_revenues under connectivity, which is under total_revenues.
            (
                "total_revenues,Total Revenues,,",
                "total_revenues,Total Revenues,connectivity,",
                &["concepts.csv:3:3: column `parent`: \"total_revenues\" closes a cycle of parents: connectivity -> total_revenues -> connectivity"],
            ),
            // connectivity = dedicated_access + dialup_access, and dedicated_access made of connectivity.
            (
                "dedicated_access,Dedicated Access Services,connectivity,,",
                "dedicated_access,Dedicated Access Services,connectivity,aih_interconnection+connectivity,",
                &["concepts.csv:4:4: column `components`: \"aih_interconnection+connectivity\" closes a cycle of components: dedicated_access -> connectivity -> dedicated_access"],
            ),
        ],
    );
}

/// T: a company's currency is an ISO 4217 code and its unit an amount in it, by the one rule
/// `release new` applies to its flags.
#[test]
fn a_company_currency_is_checked_against_iso_4217_and_its_unit() {
    let sb = loaded();
    let file = record(&sb);
    refused(
        &sb,
        &file,
        &[
            (
                "currency = \"JPY\"",
                "currency = \"jpy\"",
                &["companies/iij.toml:8: currency \"jpy\" is not an ISO 4217 code: write it in capitals, \"JPY\""],
            ),
            (
                "currency = \"JPY\"",
                "currency = \"XYZ\"",
                &["companies/iij.toml:8: currency \"XYZ\" is not an ISO 4217 currency"],
            ),
            (
                "currency = \"JPY\"",
                "currency = \"USD\"",
                &["companies/iij.toml:9: unit \"JPY million\" is not an amount in USD"],
            ),
            (
                "unit = \"JPY million\"",
                "unit = \"%\"",
                &["companies/iij.toml:9: unit \"%\" is not an amount in JPY"],
            ),
            (
                "unit = \"JPY million\"",
                "unit = \"JPY millions\"",
                &["companies/iij.toml:9: unit \"JPY millions\" is not a unit of schema/reference/"],
            ),
        ],
    );
    // A release that states its own currency and unit is held to the same rule.
    let toml = sb.release_file("release.toml");
    let sha =
        "source_sha256 = \"2e27e14fda6a62225459b2aa6be6e927397884689f3d76c9d1853241869d5f8a\"\n";
    refused(
        &sb,
        &toml,
        &[
            (
                sha,
                format!("{sha}currency = \"jpy\"\n").as_str(),
                &["releases/iij-2q06/release.toml:9: currency \"jpy\" is not an ISO 4217 code"],
            ),
            (
                sha,
                format!("{sha}unit = \"USD million\"\n").as_str(),
                &["releases/iij-2q06/release.toml:9: unit \"USD million\" is not an amount in JPY"],
            ),
        ],
    );
    // The same rule refuses `release new`'s flags for a new company; nothing is written.
    let before = Before::take(&sb);
    let source = project_root().join("tests/fixtures/releases/synthetic-3q06/source.txt");
    for (currency, unit, expect) in [
        (
            "XYZ",
            "XYZ million",
            "--currency \"XYZ\" is not an ISO 4217 currency",
        ),
        (
            "usd",
            "USD million",
            "--currency \"usd\" is not an ISO 4217 code: write it in capitals, \"USD\"",
        ),
        (
            "USD",
            "JPY million",
            "--unit \"JPY million\" is not an amount in USD",
        ),
    ] {
        let err = sb.fails(&[
            "release",
            "new",
            "acme-2q06",
            "--company",
            "acme",
            "--name",
            "Acme Corp. (synthetic)",
            "--fiscal-year-start",
            "1",
            "--currency",
            currency,
            "--unit",
            unit,
            "--period",
            "2Q06",
            "--published-on",
            "2006-07-25",
            "--source",
            source.to_str().unwrap(),
        ]);
        assert!(err.contains(expect), "{currency} {unit}: {err}");
        before.unchanged(&sb, "release new with a bad currency");
    }
}
