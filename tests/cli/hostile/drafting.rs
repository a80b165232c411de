//! Hostile cases, round two: drafting. The draft and its web page read a release's files through
//! the load's own reader, so a release text that leads outside its folder, or is no regular file,
//! is refused by all three alike and none of it is shown; a text of hundreds of thousands of
//! numbers drafts, and one over the read bound is refused.

use super::{loaded, Before};
use crate::common::Sandbox;
use crate::web::{get, serve_with};
use std::process::Stdio;

const ID: &str = "iij-2q06";
/// What the file outside the release holds: no answer may carry it.
const SECRET: &str = "SECRET-4f1c9e-not-for-the-draft";

/// A release text made hostile: how, and what every refusal must say.
struct Case {
    what: &'static str,
    make: Box<dyn Fn(&Sandbox)>,
    says: &'static str,
}

fn cases(secret: &std::path::Path) -> Vec<Case> {
    let linked = secret.to_path_buf();
    let absolute = format!("source_file = \"{}\"", secret.display());
    let replace_source =
        |sb: &Sandbox| std::fs::remove_file(sb.release_file("source.txt")).unwrap();
    vec![
        Case {
            what: "source.txt a link to a file outside",
            make: Box::new(move |sb| {
                replace_source(sb);
                std::os::unix::fs::symlink(&linked, sb.release_file("source.txt")).unwrap();
            }),
            says: "outside the release folder",
        },
        Case {
            what: "source_file an absolute path outside",
            make: Box::new(move |sb| {
                sb.edit("release.toml", "source_file = \"source.txt\"", &absolute)
            }),
            says: "outside the release folder",
        },
        Case {
            what: "source_file ../ out of the folder",
            // data/releases/iij-2q06/../../../secret.txt is the sandbox's secret.txt.
            make: Box::new(|sb| {
                sb.edit(
                    "release.toml",
                    "source_file = \"source.txt\"",
                    "source_file = \"../../../secret.txt\"",
                )
            }),
            says: "outside the release folder",
        },
        Case {
            what: "source.txt a named pipe",
            make: Box::new(move |sb| {
                replace_source(sb);
                let made = std::process::Command::new("mkfifo")
                    .arg(sb.release_file("source.txt"))
                    .status()
                    .unwrap();
                assert!(made.success());
            }),
            says: "not a regular file",
        },
        Case {
            what: "source.txt a folder",
            make: Box::new(move |sb| {
                replace_source(sb);
                std::fs::create_dir(sb.release_file("source.txt")).unwrap();
            }),
            says: "not a regular file",
        },
        Case {
            what: "source.txt over the read bound",
            make: Box::new(|sb| {
                let f = std::fs::File::create(sb.release_file("source.txt")).unwrap();
                f.set_len(33 << 20).unwrap();
            }),
            says: "more than 32 MiB",
        },
    ]
}

/// Each hostile release text is refused by `load`, `release draft` and the web page's draft and
/// text, with the reason and the file named; nothing of the file outside is shown, nothing is
/// written, and the live warehouse still answers.
#[test]
fn a_release_text_outside_its_folder_or_not_a_file_is_refused_by_load_draft_and_page() {
    let sb = loaded();
    let secret = sb.dir.path().join("secret.txt");
    std::fs::write(&secret, format!("{SECRET}\nNet sales 1,234 1,000 23.4%\n")).unwrap();
    let release = sb.data.join("releases").join(ID);
    let pristine: Vec<(String, Vec<u8>)> = ["source.txt", "release.toml"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(release.join(f)).unwrap()))
        .collect();
    let server = serve_with(&sb, &[], Stdio::null());
    // The page answers for the untouched release: what a refusal below is measured against.
    let (status, _, text) = get(&server, &format!("/drafts/{ID}/source"));
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("id=\"L1\""), "{text}");
    for case in cases(&secret) {
        (case.make)(&sb);
        let before = Before::take(&sb);
        let named = if case.what.starts_with("source_file") {
            "release.toml"
        } else {
            "source.txt"
        };
        for args in [
            &["release", "draft", ID][..],
            &["release", "draft", ID, "--report"][..],
            &["load"][..],
        ] {
            let out = sb.cmd().args(args).output().unwrap();
            let (stdout, stderr) = (
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
            assert!(!out.status.success(), "{}: {args:?} passed", case.what);
            assert!(
                stderr.contains(case.says) && stderr.contains(named),
                "{}: {args:?} said {stderr}",
                case.what
            );
            assert!(
                !stdout.contains(SECRET) && !stderr.contains(SECRET) && !stdout.contains("1,234"),
                "{}: {args:?} showed the file outside",
                case.what
            );
        }
        for page in [format!("/drafts/{ID}/source"), format!("/drafts/{ID}")] {
            let (status, _, body) = get(&server, &page);
            assert_eq!(status, 404, "{}: {page} answered {body}", case.what);
            assert!(body.contains(case.says), "{}: {page}: {body}", case.what);
            assert!(
                !body.contains(SECRET) && !body.contains("1,234"),
                "{}: {page} showed the file outside",
                case.what
            );
        }
        before.unchanged(&sb, case.what);
        // The live warehouse answers as it was (as is: data/ is hostile just now).
        let total = sb.ok(&["query", "--no-build", "-e", super::TOTAL, "--format", "csv"]);
        assert_eq!(total, "value\n14007.0\n", "{}", case.what);
        // Back to the untouched release for the next case.
        let source = release.join("source.txt");
        if source.is_dir() {
            std::fs::remove_dir(&source).unwrap();
        } else {
            std::fs::remove_file(&source).unwrap();
        }
        for (file, bytes) in &pristine {
            std::fs::write(release.join(file), bytes).unwrap();
        }
    }
    // A release id is a folder of data/releases, never a path out of it.
    for id in ["..", "../releases/iij-2q06", "/etc"] {
        let err = sb.fails(&["release", "draft", id, "--report"]);
        assert!(err.contains("no release folder"), "{id}: {err}");
    }
}

/// A release text of `pairs` known table rows and as many unknown ones, alternating after a unit
/// line and a header: a known row prints a number past its columns (4 numbers), an unknown one
/// 3 (57 bytes a pair).
fn big_text(pairs: usize) -> String {
    let mut text = String::from("Results (JPY in millions)\n3Q06 3Q05 YoY % change\n");
    for _ in 0..pairs {
        text.push_str("Total revenues 1,000 900 11.1% 77\nZq row 1,000 900 11.1%\n");
    }
    text
}

/// A text of 200,000 numbers drafts (this took minutes while drafting was quadratic): every
/// number is counted, the known rows are placed once, and each number of an unknown row is
/// listed as unplaced at its own line with its own line as context.
#[test]
fn a_text_of_two_hundred_thousand_numbers_drafts_every_number() {
    let sb = loaded();
    let pairs = 28_572;
    let source = sb.dir.path().join("big.txt");
    std::fs::write(&source, big_text(pairs)).unwrap();
    sb.ok(&[
        "release",
        "new",
        "iij-3q06",
        "--period",
        "3Q06",
        "--published-on",
        "2007-02-08",
        "--source",
        source.to_str().unwrap(),
    ]);
    let numbers = 7 * pairs;
    let unplaced = 4 * pairs;
    let out = sb.ok(&["release", "draft", "iij-3q06"]);
    assert!(
        out.contains(&format!(
            "{unplaced} of the text's {numbers} numbers unplaced"
        )),
        "{out}"
    );
    let dir = sb.data.join("releases/iij-3q06");
    let md = std::fs::read_to_string(dir.join("DRAFT.md")).unwrap();
    let (_, listed) = md.split_once("## Unplaced numbers").unwrap();
    assert_eq!(
        listed.matches("| source.txt:").count(),
        unplaced,
        "every number of an unknown row, and the one past a known row's columns, is listed once"
    );
    // A line with placed rows is a table's; an unknown row's alone is not known to be one.
    let in_table = "in a table, but its row label matches no concept of the company";
    let unpinned = "no table header or stated figure around it names its period and concept";
    for pair in [0, pairs - 1] {
        let (known, unknown) = (3 + 2 * pair, 4 + 2 * pair);
        let row =
            format!("| source.txt:{known} | 77 | Total revenues 1,000 900 11.1% 77 | {in_table} |");
        assert!(listed.contains(&row), "{row} missing");
        for printed in ["1,000", "900", "11.1%"] {
            let row = format!(
                "| source.txt:{unknown} | {printed} | Zq row 1,000 900 11.1% | {unpinned} |"
            );
            assert!(listed.contains(&row), "{row} missing");
        }
    }
    // The known rows: one row per key, the repeats dropped; the change ties to its levels.
    let (placed, _) = md.split_once("## Unplaced numbers").unwrap();
    let rows: Vec<&str> = placed
        .lines()
        .filter(|l| l.starts_with("| source.txt:"))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter().all(|r| r.starts_with("| source.txt:3 |")),
        "the first of the repeats is kept: {rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("| yoy_pct | 11.1 |") && r.contains("tied: stated 11.1%")),
        "{rows:?}"
    );
}

/// A release text over the read bound is refused by the draft with the bound and the file
/// named, before anything is read into memory or written.
#[test]
fn a_text_over_the_read_bound_is_refused_by_the_draft() {
    let sb = loaded();
    let source = sb.dir.path().join("small.txt");
    std::fs::write(&source, big_text(1)).unwrap();
    sb.ok(&[
        "release",
        "new",
        "iij-3q06",
        "--period",
        "3Q06",
        "--published-on",
        "2007-02-08",
        "--source",
        source.to_str().unwrap(),
    ]);
    let text = sb.data.join("releases/iij-3q06/source.txt");
    // Real numbers up to the bound and past it: 32 MiB and a few bytes of table rows.
    let mut big = big_text((32 << 20) / 57 + 1);
    assert!(big.len() > (32 << 20) + 10);
    big.truncate((32 << 20) + 10);
    std::fs::write(&text, &big).unwrap();
    let before = Before::take(&sb);
    let err = sb.fails(&["release", "draft", "iij-3q06"]);
    assert!(
        err.contains("more than 32 MiB") && err.contains("iij-3q06/source.txt"),
        "{err}"
    );
    before.unchanged(&sb, "a text over the bound");
}
