//! Release documents as companies publish them, turned into release text. A company publishes
//! its results as an HTML exhibit (an 8-K's Ex.99.1) or a newsroom page; the warehouse reads
//! text, one table row per line (see `html`), so `release new` converts the document here and
//! keeps both: `source.txt`, the text the loader, the draft and line links read, and the
//! document itself as the document of record (`source.htm`), each with its SHA-256 in
//! release.toml.
//!
//! Here: which files are documents (`kind_of`, by extension) and the conversion (`to_text`),
//! with HTML in `html` (decoding by the charset a page declares, then an HTML5 parse and an
//! iterative walk of the tree). The conversion is pure: bytes in, text out; reading the file
//! (bounded by `base::MAX_INPUT_BYTES`) and writing the folder are the caller's.
//!
//! Who may call it: `release::scaffold` (`release new`). It imports nothing of the crate.

mod html;

use anyhow::{bail, Result};
use std::path::Path;

/// A kind of release document that `to_text` converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
}

impl Kind {
    /// The name the document of record takes in the release folder.
    pub fn record_name(self) -> &'static str {
        match self {
            Kind::Html => "source.htm",
        }
    }
}

/// A document converted to release text.
#[derive(Debug)]
pub struct Document {
    pub kind: Kind,
    /// The release text: lines ending in `\n`, no trailing spaces, no run of blank lines.
    pub text: String,
    /// The character encoding the document was decoded from (`UTF-8`, `windows-1252`).
    pub encoding: &'static str,
}

/// The document kind of `path` by its extension (`.htm`, `.html`, any case), or None for a
/// file read as plain text.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "htm" | "html" => Some(Kind::Html),
        _ => None,
    }
}

/// The release text of the document `bytes`, read from `path` (named in every error; its
/// extension says the kind). Refused: a file that is empty, binary, not in the charset it
/// declares (or, declaring none, not UTF-8), or that holds no text.
pub fn to_text(path: &Path, bytes: &[u8]) -> Result<Document> {
    let Some(kind) = kind_of(path) else {
        bail!(
            "{}: not a release document (.htm or .html); a plain-text release is copied as it is",
            path.display()
        );
    };
    let shown = path.display();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("{shown}: empty; an HTML release document holds the release's text");
    }
    if let Some(what) = binary_kind(bytes) {
        bail!("{shown}: {what}, not an HTML document; pass the release as HTML or UTF-8 text");
    }
    let (text, encoding) = match kind {
        Kind::Html => html::to_text(bytes).map_err(|why| anyhow::anyhow!("{shown}: {why}"))?,
    };
    if !text.chars().any(|c| c.is_alphanumeric()) {
        bail!(
            "{shown}: holds no text (only markup, scripts or site navigation); is it the release \
             itself, saved after the page loaded?"
        );
    }
    Ok(Document {
        kind,
        text,
        encoding,
    })
}

/// What a file that is not text is, by its first bytes: a known format's signature, or a NUL
/// byte (which no HTML document holds) in its first 8 KiB.
fn binary_kind(bytes: &[u8]) -> Option<String> {
    const SIGNATURES: [(&[u8], &str); 6] = [
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (
            b"%PDF-",
            "a PDF file (save the release's HTML, or its text)",
        ),
        (b"PK\x03\x04", "a ZIP archive (a .docx or .xlsx is one)"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1f\x8b", "a gzip archive"),
    ];
    for (signature, what) in SIGNATURES {
        if bytes.starts_with(signature) {
            return Some(what.to_string());
        }
    }
    // UTF-16 text has NULs too but starts with its byte order mark, which the decoder reads.
    if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        return None;
    }
    let head = &bytes[..bytes.len().min(8192)];
    head.iter()
        .position(|b| *b == 0)
        .map(|at| format!("binary data (a NUL byte at offset {at})"))
}
