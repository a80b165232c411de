//! Releases as companies publish them, in HTML (tests/fixtures/html: Apple's 8-K exhibit and
//! NVIDIA's newsroom page, each with its URL in SOURCE.md): `release new --source page.htm`
//! writes the page's text as source.txt and keeps the page as the document of record, whose hash
//! the load checks. The hostile pages are in hostile/documents.rs.

use crate::common::{project_root, Sandbox};
use std::path::PathBuf;

fn fixture(release: &str, file: &str) -> PathBuf {
    project_root()
        .join("tests/fixtures/html")
        .join(release)
        .join(file)
}

/// The lines of the other converter's text (shared/sources/real) that are table rows holding a
/// number: cells joined by three spaces, a digit among them.
fn numeric_rows(release: &str) -> Vec<String> {
    std::fs::read_to_string(fixture(release, "source.txt"))
        .unwrap()
        .lines()
        .filter(|l| l.contains("   ") && l.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// Asserts every numeric row of the other converter's text is a line of `text`.
fn has_every_numeric_row(release: &str, text: &str) {
    let lines: std::collections::HashSet<&str> = text.lines().collect();
    let rows = numeric_rows(release);
    assert!(rows.len() > 80, "{release}: {} rows", rows.len());
    let missing: Vec<&String> = rows
        .iter()
        .filter(|r| !lines.contains(r.as_str()))
        .collect();
    assert!(missing.is_empty(), "{release}: rows missing: {missing:#?}");
}

/// `release new apple-1q24` from Apple's page, Apple new to the warehouse.
fn apple_release_new(sb: &Sandbox) -> String {
    sb.ok(&[
        "release",
        "new",
        "apple-1q24",
        "--company",
        "apple",
        "--period",
        "1Q24",
        "--published-on",
        "2024-02-01",
        "--source",
        fixture("apple-FY2024Q1", "source.htm").to_str().unwrap(),
        "--name",
        "Apple Inc.",
        "--fiscal-year-start",
        "10",
        "--fiscal-year-named-by",
        "end_year",
        "--fiscal-year-end",
        "last Saturday of September",
        "--currency",
        "USD",
        "--unit",
        "USD million",
    ])
}

#[test]
fn apple_page_is_a_release_that_loads_with_its_document_of_record() {
    let sb = Sandbox::with_data_copy();
    apple_release_new(&sb);
    let dir = sb.data.join("releases/apple-1q24");
    let text = std::fs::read_to_string(dir.join("source.txt")).unwrap();
    assert!(
        text.lines()
            .any(|l| l == "Total net sales (1)   119,575   117,154"),
        "{text}"
    );
    assert!(text
        .lines()
        .any(|l| l == "Total net sales   $119,575   $117,154"));
    assert!(text
        .lines()
        .any(|l| l == "Other income/(expense), net   (50)   (393)"));
    has_every_numeric_row("apple-FY2024Q1", &text);
    assert!(
        !text.contains('<') && !text.contains("&#"),
        "no markup left"
    );
    assert!(
        text.lines().all(|l| l == l.trim_end()),
        "no trailing spaces"
    );
    assert!(!text.contains("\n\n\n"), "no run of blank lines");

    // The page is kept byte for byte as the document of record, its hash in release.toml.
    let page = std::fs::read(fixture("apple-FY2024Q1", "source.htm")).unwrap();
    assert_eq!(std::fs::read(dir.join("source.htm")).unwrap(), page);
    let toml = std::fs::read_to_string(dir.join("release.toml")).unwrap();
    assert!(toml.contains("document_file = \"source.htm\""), "{toml}");
    assert!(
        toml.contains(&format!(
            "document_sha256 = \"{}\"",
            crate::common::hex(&sha2_of(&page))
        )),
        "{toml}"
    );
    assert!(toml.contains(&format!(
        "source_sha256 = \"{}\"",
        crate::common::hex(&sha2_of(text.as_bytes()))
    )));

    // The empty fact CSVs load, and the checks still pass.
    sb.ok(&["load"]);
    assert_eq!(
        sb.scalar("SELECT company_id FROM releases WHERE release_id = 'apple-1q24'"),
        "apple"
    );
    assert!(sb
        .scalar("SELECT source_text FROM release_sources WHERE release_id = 'apple-1q24'")
        .contains("Total net sales   $119,575   $117,154"));
    sb.ok(&["check"]);

    // Drafted from the page's text and loaded as drafted, no row typed: every rule passes or
    // names its residual, and total net sales is the printed 119,575 of Apple's 1Q24.
    sb.ok(&["release", "draft", "apple-1q24"]);
    let out = sb.ok(&["load"]);
    assert!(out.contains(", 0 fail"), "{out}");
    assert_eq!(
        sb.scalar(
            "SELECT value FROM income_items WHERE release_id = 'apple-1q24' \
             AND item = 'total_revenues' AND period = '1Q24' AND label LIKE 'Total net sales%' LIMIT 1"
        ),
        "119575.0"
    );

    // The drafts' source page says the text has a document of record.
    let server = crate::web::serve_with(&sb, &[], std::process::Stdio::null());
    let (status, _, draft_page) = crate::web::get(&server, "/drafts/apple-1q24/source");
    drop(server);
    assert_eq!(status, 200, "{draft_page}");
    assert!(
        draft_page.contains("Document of record") && draft_page.contains("source.htm"),
        "{draft_page}"
    );

    // An edited page no longer matches its hash: the load names the file and the line.
    let mut edited = page.clone();
    let at = edited.windows(7).position(|w| w == b"119,575").unwrap();
    edited[at..at + 7].copy_from_slice(b"191,575");
    std::fs::write(dir.join("source.htm"), &edited).unwrap();
    let err = sb.fails(&["load"]);
    let toml_path = dir.join("release.toml");
    assert!(
        err.contains(&format!("{}:", toml_path.display()))
            && err.contains("document_sha256 does not match")
            && err.contains("source.htm"),
        "{err}"
    );
    let line = toml
        .lines()
        .position(|l| l.starts_with("document_sha256"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("release.toml:{line}:")), "{err}");

    // A document of record is an HTML page, not another file of the folder.
    std::fs::write(
        &toml_path,
        toml.replace("\"source.htm\"", "\"revenue_lines.csv\""),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("document_file `revenue_lines.csv` is not a document of record"),
        "{err}"
    );

    // A document named without its hash is refused too.
    std::fs::write(
        &toml_path,
        toml.replace("document_sha256", "# document_sha256"),
    )
    .unwrap();
    let err = sb.fails(&["load"]);
    assert!(
        err.contains("document_file without document_sha256"),
        "{err}"
    );
}

#[test]
fn nvidia_page_gives_its_tables_without_the_sites_chrome() {
    let sb = Sandbox::with_data_copy();
    sb.ok(&[
        "release",
        "new",
        "nvidia-1q25",
        "--company",
        "nvidia",
        "--name",
        "NVIDIA Corporation",
        "--fiscal-year-end",
        "last Sunday of January",
        "--fiscal-year-named-by",
        "end_year",
        "--currency",
        "USD",
        "--unit",
        "USD million",
        "--period",
        "1Q25",
        "--published-on",
        "2024-05-22",
        "--source",
        fixture("nvidia-FY2025Q1", "source.htm").to_str().unwrap(),
    ]);
    let dir = sb.data.join("releases/nvidia-1q25");
    let text = std::fs::read_to_string(dir.join("source.txt")).unwrap();
    assert!(
        text.lines().any(|l| l == "Revenue   $26,044   $7,192"),
        "{text}"
    );
    assert!(text
        .lines()
        .any(|l| l == "Revenue   $26,044   $22,103   $7,192   Up 18%   Up 262%"));
    has_every_numeric_row("nvidia-FY2025Q1", &text);
    assert!(text.starts_with("NVIDIA Announces Financial Results for First Quarter Fiscal 2025\n"));
    // The site's navigation (a <nav>), its footer (a <div class="footer">) and its scripts are
    // not the release's text.
    for chrome in [
        "Cloud & Data Center",
        "Artificial Intelligence Computing Leadership from NVIDIA",
        "Privacy Policy",
        "Events Calendar",
        "function(",
        "window.",
    ] {
        assert!(!text.contains(chrome), "{chrome:?} survived:\n{text}");
    }
    sb.ok(&["load"]);
}

#[test]
fn a_plain_text_source_has_no_document_of_record() {
    let sb = Sandbox::with_data_copy();
    let source = sb.dir.path().join("3q06.txt");
    std::fs::write(&source, "Revenues   14,007\n").unwrap();
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
    let dir = sb.data.join("releases/iij-3q06");
    assert_eq!(
        std::fs::read_to_string(dir.join("source.txt")).unwrap(),
        "Revenues   14,007\n"
    );
    assert!(!dir.join("source.htm").exists());
    let toml = std::fs::read_to_string(dir.join("release.toml")).unwrap();
    assert!(!toml.contains("document_"), "{toml}");
}

fn sha2_of(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).to_vec()
}
