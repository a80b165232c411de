//! A company's first release proposes its record (issue 38): `release new` with no flags but
//! `--company` (and those the text cannot stand in for) reads the name, ticker, exchange,
//! securities code, currency, unit and fiscal calendar from the release's text. For each real
//! company of data/, its first release's text gives what its shipped record (typed from the
//! release's SOURCE.md) says, where the text prints it; what the text leaves open is refused,
//! naming the flag.

use crate::common::{project_root, Sandbox, NVIDIA_RECORD};
use std::collections::BTreeSet;
use std::path::Path;

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                out.insert(rel);
            }
        }
    }
    out
}

fn toml_of(path: &Path) -> toml::Table {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .parse()
        .unwrap()
}

fn text(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).map(|v| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A real company's first release in data/: the document `release new` gets, and the flags its
/// text cannot stand in for (why, beside each).
struct First {
    company: &'static str,
    release: &'static str,
    published_on: &'static str,
    document: &'static str,
    flags: &'static [&'static str],
    /// Fields the text prints, which must be proposed.
    proposed: &'static [&'static str],
}

const FIRSTS: [First; 7] = [
    First {
        company: "amd",
        release: "amd-2q26",
        published_on: "2026-08-04",
        document: "source.txt",
        // The text names the issuer "AMD" only.
        flags: &["--name", "Advanced Micro Devices, Inc."],
        proposed: &[
            "ticker",
            "exchange",
            "currency",
            "unit",
            "fiscal_year_end",
            "fiscal_period",
        ],
    },
    First {
        company: "apple",
        release: "apple-3q04",
        published_on: "2004-07-14",
        document: "source.txt",
        // Its headline names it "Apple"; June 26, 2004 ends Q3 under the last Saturday of
        // September and the Saturday nearest its end alike.
        flags: &[
            "--name",
            "Apple Computer, Inc.",
            "--fiscal-year-end",
            "last Saturday of September",
        ],
        proposed: &["currency", "unit", "fiscal_year_named_by", "fiscal_period"],
    },
    First {
        company: "buckle",
        release: "buckle-3q24",
        published_on: "2024-11-22",
        document: "source.htm",
        flags: &[],
        proposed: &[
            "name",
            "ticker",
            "exchange",
            "currency",
            "unit",
            "fiscal_year_end",
            "fiscal_year_named_by",
            "fiscal_period",
        ],
    },
    First {
        company: "mgc",
        release: "mgc-fy2025",
        published_on: "2026-05-13",
        document: "source.txt",
        // "Fiscal Year Ended March 31, 2026" does not say whether that year is FY2025 or FY2026.
        flags: &["--period", "FY2025"],
        proposed: &[
            "name",
            "local_code",
            "currency",
            "unit",
            "fiscal_year_start_month",
            "fiscal_year_named_by",
        ],
    },
    First {
        company: "nvidia",
        release: "nvidia-1q23",
        published_on: "2022-05-25",
        document: "source.htm",
        // May 1, 2022 ends Q1 under both Sunday rules; the issuer is printed "NVIDIA".
        flags: &[
            "--name",
            "NVIDIA Corporation",
            "--fiscal-year-end",
            "last Sunday of January",
        ],
        proposed: &[
            "ticker",
            "exchange",
            "currency",
            "unit",
            "fiscal_year_named_by",
            "fiscal_period",
        ],
    },
    First {
        company: "oracle",
        release: "oracle-4q14",
        published_on: "2014-06-19",
        document: "source.htm",
        flags: &[],
        proposed: &[
            "name",
            "ticker",
            "exchange",
            "currency",
            "unit",
            "fiscal_year_start_month",
            "fiscal_year_named_by",
            "fiscal_period",
        ],
    },
    First {
        company: "southern",
        release: "southern-4q04",
        published_on: "2005-01-25",
        document: "source.txt",
        // Its "fourth quarter" prints no year and dates no end; the one day it dates, "year
        // ended Dec. 31, 2003", a Wednesday, ends a whole-month year and a 52/53-week year
        // ending on a Wednesday alike.
        flags: &["--period", "4Q04", "--fiscal-year-start", "1"],
        proposed: &["name", "ticker", "exchange", "currency", "unit"],
    },
];

fn release_new(sb: &Sandbox, f: &First, flags: &[&str]) -> std::process::Output {
    let source = project_root()
        .join("data/releases")
        .join(f.release)
        .join(f.document);
    let mut args = vec![
        "release",
        "new",
        f.release,
        "--company",
        f.company,
        "--published-on",
        f.published_on,
        "--source",
        source.to_str().unwrap(),
    ];
    args.extend(flags);
    sb.cmd().args(&args).output().unwrap()
}

#[test]
fn each_real_company_first_release_proposes_its_shipped_record() {
    let sb = Sandbox::with_data_copy();
    for f in &FIRSTS {
        let before = files(&sb.data);
        let out = release_new(&sb, f, f.flags);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{}: {}",
            f.release,
            String::from_utf8_lossy(&out.stderr)
        );
        // Only the new release's folder and the new company's record are written.
        let after = files(&sb.data);
        let written: Vec<&String> = after.difference(&before).collect();
        assert!(before.is_subset(&after), "{}: a file went", f.release);
        assert!(
            written.iter().all(|p| {
                p.starts_with(&format!("releases/{}/", f.release))
                    || **p == format!("companies/{}.toml", f.company)
            }),
            "{}: {written:?}",
            f.release
        );
        let record_path = sb.data.join(format!("companies/{}.toml", f.company));
        let record_text = std::fs::read_to_string(&record_path).unwrap();
        let proposed = toml_of(&record_path);
        let shipped = toml_of(
            &project_root()
                .join("data/companies")
                .join(format!("{}.toml", f.company)),
        );
        let release = toml_of(&sb.data.join(format!("releases/{}/release.toml", f.release)));
        let shipped_release = toml_of(
            &project_root()
                .join("data/releases")
                .join(f.release)
                .join("release.toml"),
        );
        for field in f.proposed {
            assert!(
                stdout.contains(&format!("proposed from the text (review): {field} = ")),
                "{}: {field} not proposed:\n{stdout}",
                f.release
            );
        }
        // Each proposed field of the record carries its comment, line and words.
        for field in f.proposed.iter().filter(|f| **f != "fiscal_period") {
            let at = record_text
                .find(&format!("\n{field} = "))
                .unwrap_or_else(|| panic!("{}: {field} not written:\n{record_text}", f.release));
            let comment = record_text[..at].lines().last().unwrap();
            assert!(
                comment.starts_with("# proposed from the release text, line ")
                    && comment.contains("review"),
                "{}: {field}: {comment}",
                f.release
            );
        }
        // The calendar, currency and unit as shipped; a year starting in January is named
        // either way.
        let start = text(&proposed, "fiscal_year_start_month");
        assert_eq!(
            start,
            text(&shipped, "fiscal_year_start_month"),
            "{}",
            f.release
        );
        let mut keys = vec!["fiscal_year_end", "currency", "unit"];
        if start.as_deref() != Some("1") {
            keys.push("fiscal_year_named_by");
        }
        for key in keys {
            assert_eq!(
                text(&proposed, key),
                text(&shipped, key),
                "{}: {key}",
                f.release
            );
        }
        // A 53-week year's quarter only when the text dates one; identifiers where printed.
        for key in ["week_53_quarter", "local_code", "sec_cik"] {
            if let Some(v) = text(&proposed, key) {
                assert_eq!(Some(v), text(&shipped, key), "{}: {key}", f.release);
            }
        }
        for key in ["ticker", "exchange"] {
            if let Some(v) = text(&proposed, key) {
                let s = text(&shipped, key).unwrap_or_default();
                assert!(
                    v.eq_ignore_ascii_case(&s),
                    "{}: {key} {v} vs {s}",
                    f.release
                );
            }
        }
        let name = text(&proposed, "name").unwrap();
        let mut names = vec![text(&shipped, "name").unwrap()];
        if let Some(toml::Value::Array(a)) = shipped.get("aliases") {
            names.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)));
        }
        assert!(names.contains(&name), "{}: {name} vs {names:?}", f.release);
        assert_eq!(
            text(&release, "fiscal_period"),
            text(&shipped_release, "fiscal_period"),
            "{}",
            f.release
        );
    }
}

#[test]
fn a_text_that_cannot_decide_refuses_naming_the_flags() {
    let sb = Sandbox::with_data_copy();
    let before = files(&sb.data);
    let of = |id: &str| FIRSTS.iter().find(|f| f.release == id).unwrap();
    let refused = |f: &First, flags: &[&str]| {
        let out = release_new(&sb, f, flags);
        assert!(!out.status.success(), "{}", f.release);
        String::from_utf8_lossy(&out.stderr).to_string()
    };
    // NVIDIA's Q1 FY2023 ended May 1, 2022 under the last Sunday of January and the Sunday
    // nearest its end alike: never a guess, the flag is asked for, with the rules it fits.
    let err = refused(of("nvidia-1q23"), &["--name", "NVIDIA Corporation"]);
    assert!(
        err.contains("missing: --fiscal-year-start MONTH")
            && err.contains("--fiscal-year-end RULE")
            && err.contains("the text leaves it open")
            && err.contains("\"last Sunday of January\"")
            && err.contains("\"Sunday nearest the end of January\""),
        "{err}"
    );
    // Apple's Q3 FY2004 the same.
    let err = refused(of("apple-3q04"), &[]);
    assert!(
        err.contains("--fiscal-year-end RULE") && err.contains("\"last Saturday of September\""),
        "{err}"
    );
    // MGC's year ended March 31, 2026: FY2025 or FY2026?
    let err = refused(of("mgc-fy2025"), &[]);
    assert!(
        err.contains("missing: --fiscal-year-named-by") && !err.contains("--currency"),
        "{err}"
    );
    // Southern's one dated year end, Wednesday Dec. 31, 2003, fits whole months and the
    // Wednesday rules alike; given the calendar, its "fourth quarter" has no year in the text.
    let err = refused(of("southern-4q04"), &[]);
    assert!(
        err.contains("line 132 \"year ended Dec. 31, 2003\"")
            && err.contains("years from January")
            && err.contains("\"last Wednesday of December\""),
        "{err}"
    );
    let err = refused(of("southern-4q04"), &["--fiscal-year-start", "1"]);
    assert!(
        err.contains("--period is missing and the text does not name it"),
        "{err}"
    );
    assert_eq!(
        files(&sb.data),
        before,
        "a refused release new writes nothing"
    );
}

#[test]
fn a_known_company_release_takes_its_period_from_the_text() {
    let sb = Sandbox::with_data_copy();
    let first = project_root().join("tests/fixtures/real/nvidia-FY2025Q1/source.txt");
    let mut args = vec!["release", "new", "nvidia-1q25", "--company", "nvidia"];
    args.extend(NVIDIA_RECORD);
    args.extend(["--period", "1Q25", "--published-on", "2024-05-22"]);
    args.extend(["--source", first.to_str().unwrap()]);
    sb.ok(&args);
    let second = project_root().join("tests/fixtures/real/nvidia-FY2025Q2/source.txt");
    let out = sb.ok(&[
        "release",
        "new",
        "nvidia-2q25",
        "--company",
        "nvidia",
        "--published-on",
        "2024-08-28",
        "--source",
        second.to_str().unwrap(),
    ]);
    assert!(
        out.contains("proposed from the text (review): fiscal_period = \"2Q25\""),
        "{out}"
    );
    // IIJ's text names FY2006 first, in its forward-looking statements: a year not over when
    // the release came out is not the period it reports.
    let iij = project_root().join("data/releases/iij-2q06/source.txt");
    let err = sb.fails(&[
        "release",
        "new",
        "iij-again",
        "--company",
        "iij",
        "--published-on",
        "2006-11-30",
        "--source",
        iij.to_str().unwrap(),
    ]);
    assert!(
        err.contains("the period the text names first, FY2006")
            && err.contains("it is not the period the release reports"),
        "{err}"
    );
    assert!(!sb.data.join("releases/iij-again").exists());
    let release =
        std::fs::read_to_string(sb.data.join("releases/nvidia-2q25/release.toml")).unwrap();
    assert!(
        release.contains("review.\nfiscal_period = \"2Q25\""),
        "{release}"
    );
}
