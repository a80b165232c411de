//! Hostile cases, round three: release documents (`release new --source page.htm`). An empty
//! page, a binary file named .htm, a page too large to read, one of 100,000 nested tags, one
//! line of 50 MB and a page of markup alone: each refused with the file named and what is wrong,
//! a non-zero exit, and nothing written (not even a half folder, nor a company record).

use super::{loaded, total, Before};
use crate::common::Sandbox;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// `release new iij-3q06 --source page`, refused: its stderr, after asserting the exit, the time
/// it took, that the page is named and that nothing under data/ (or the warehouse) changed.
fn refused(sb: &Sandbox, page: &Path, case: &str) -> String {
    let before = Before::take(sb);
    let started = Instant::now();
    let err = sb.fails(&[
        "release",
        "new",
        "iij-3q06",
        "--period",
        "3Q06",
        "--published-on",
        "2007-02-08",
        "--source",
        page.to_str().unwrap(),
    ]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{case}: took {:?}",
        started.elapsed()
    );
    assert!(
        err.contains(&page.display().to_string()),
        "{case}: the error names the file: {err}"
    );
    before.unchanged(sb, case);
    assert!(!sb.data.join("releases/iij-3q06").exists());
    assert_eq!(total(sb), "14007.0");
    err
}

fn page(sb: &Sandbox, name: &str, bytes: &[u8]) -> PathBuf {
    let path = sb.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn an_empty_page_is_refused() {
    let sb = loaded();
    for (name, bytes) in [("empty.htm", &b""[..]), ("blank.html", b" \n\r\n\t ")] {
        let err = refused(&sb, &page(&sb, name, bytes), name);
        assert!(err.contains(": empty;"), "{err}");
    }
}

#[test]
fn a_binary_file_named_htm_is_refused() {
    let sb = loaded();
    // Random bytes (a fixed seed: the same every run), with a NUL early on.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let random: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let err = refused(&sb, &page(&sb, "random.htm", &random), "random bytes");
    assert!(
        err.contains("binary data") || err.contains("is not UTF-8"),
        "{err}"
    );
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&random[..1024]);
    let err = refused(&sb, &page(&sb, "chart.htm", &png), "a PNG");
    assert!(err.contains("a PNG image, not an HTML document"), "{err}");
    let err = refused(
        &sb,
        &page(&sb, "release.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        "a PDF",
    );
    assert!(err.contains("a PDF file"), "{err}");
}

#[test]
fn a_page_over_the_size_bound_is_refused_by_its_size_before_reading() {
    let sb = loaded();
    // 100 MB, sparse: refused by its size alone (reading it would take the time asserted).
    let path = sb.dir.path().join("huge.htm");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(100 << 20).unwrap();
    drop(file);
    let started = Instant::now();
    let err = refused(&sb, &path, "a 100 MB page");
    assert!(err.contains("more than 32 MiB"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_page_of_one_50_mb_line_is_refused() {
    let sb = loaded();
    let mut line = b"<html><body><p>".to_vec();
    line.resize(50 << 20, b'9');
    let err = refused(&sb, &page(&sb, "oneline.htm", &line), "one 50 MB line");
    assert!(err.contains("more than 32 MiB"), "{err}");
}

#[test]
fn a_page_of_100000_nested_tags_is_refused_without_overflowing_the_stack() {
    let sb = loaded();
    let depth = 100_000;
    let nested = format!(
        "<html><body><p>Revenues 14,007</p>{}deep{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let err = refused(&sb, &page(&sb, "nested.htm", nested.as_bytes()), "nested");
    assert!(
        err.contains("line 1: tags nest more than 512 deep"),
        "{err}"
    );
    // Never closed, nor closable: the same.
    let unclosed = "<span><table><tr><td>".repeat(depth);
    let err = refused(
        &sb,
        &page(&sb, "unclosed.htm", unclosed.as_bytes()),
        "unclosed",
    );
    assert!(err.contains("tags nest more than 512 deep"), "{err}");
}

#[test]
fn a_page_with_no_text_is_refused() {
    let sb = loaded();
    let markup = b"<!DOCTYPE html><html><head><title>Q3 results</title>\
        <script>document.write('Revenues 14,007')</script><style>p{}</style></head>\
        <body><nav><a href=/>Home</a></nav><div><img src=chart.png><br>&nbsp;</div>\
        <table><tr><td>&nbsp;</td><td></td></tr></table><footer>Privacy</footer></body></html>";
    let err = refused(&sb, &page(&sb, "blank-page.htm", markup), "no text");
    assert!(err.contains("holds no text"), "{err}");
}
