//! An HTML release document (an 8-K exhibit, a newsroom page) to release text, in the shape of
//! the texts the warehouse reads (shared/sources/real/*/source.txt):
//!
//! - each table row (`<tr>`) is one line, its non-empty cells' texts joined by three spaces; a
//!   cell that is only a currency sign (`$`, `¥`, `€`, `£`) is glued to the next cell, one that is
//!   only `%`, `)` or `%)` to the one before (`$` `26,044` → `$26,044`, `(50` `)` → `(50)`);
//! - block elements (p, div, h1–h6, li, br, table boundaries, ...) end lines; inside a cell of a
//!   row of several cells they are spaces (a label wrapped over two `<div>`s stays one label),
//!   and in a row of one cell (a layout table holding paragraphs) they end lines;
//! - a table inside a cell ends the outer row's line so far: its rows are lines of their own;
//! - whitespace is collapsed to one space (U+00A0, `&nbsp;`, is a space), except in `<pre>`;
//! - scripts, styles, forms, SVG and the site's chrome (nav, header, footer, aside, and elements
//!   whose ARIA role, class or id says navigation, banner or footer) are dropped;
//! - no trailing spaces, no run of blank lines (a `<br>` or `<hr>` alone, or a table's end,
//!   leaves one).
//!
//! The bytes are decoded first: a byte order mark, else the charset the document declares (a
//! `<meta>` or XML declaration near its start), else UTF-8; bytes that are not in that encoding
//! are refused rather than replaced. The parse is html5ever's (scraper), tolerant of malformed
//! markup as browsers are, and the tree is walked with an explicit stack, never recursively, so
//! deep nesting costs memory, not the call stack. The parser's own time grows with the depth
//! times the tags (it looks down its stack of open elements at each start tag), so a linear
//! scan first refuses a page nesting deeper than browsers do (512), or deep over so many tags
//! that parsing would take more than seconds (`check_depth`).

use encoding_rs::Encoding;
use scraper::{Html, Node};

/// Elements dropped with everything inside them: not the release's text.
const DROPPED: &[&str] = &[
    "head", "title", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
    "embed", "canvas", "video", "audio", "form", "button", "select", "textarea", "nav", "header",
    "footer", "aside", "dialog", "map",
];

/// ARIA roles of a site's chrome: an element with one is dropped as `<nav>` or `<footer>` is.
const CHROME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "menu",
    "menubar",
    "complementary",
];

/// Class names and ids of a site's chrome, each a whole word of the attribute (newsroom pages
/// build their footer of `<div class="footer">`, not `<footer>`): an element with one is
/// dropped. Words that a release's own text could sit in (`header`, `content`) are not here.
const CHROME_NAMES: &[&str] = &[
    "footer",
    "site-footer",
    "global-footer",
    "page-footer",
    "site-header",
    "global-header",
    "nav",
    "navbar",
    "navigation",
    "site-nav",
    "global-nav",
    "breadcrumb",
    "breadcrumbs",
    "skip-link",
    "cookie-banner",
    "cookie-consent",
];

/// Elements that end a line before and after them.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "caption",
    "center",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "legend",
    "li",
    "listing",
    "main",
    "menu",
    "ol",
    "p",
    "plaintext",
    "pre",
    "section",
    "summary",
    "ul",
    "xmp",
];

/// Cells glued to the cell after them.
const CURRENCY_SIGNS: &[&str] = &["$", "¥", "€", "£"];
/// Cells glued to the cell before them.
const CLOSERS: &[&str] = &["%", ")", "%)"];

/// The deepest nesting of tags read. Release pages nest 5 to 20 deep; browsers stop nesting at
/// 512 (Chromium) and so does this. The HTML5 tree builder looks down its stack of open
/// elements at every tag, so its time grows with the depth times the tags: bounded here, a page
/// of 100,000 nested `<div>`s is refused at once rather than parsed for a minute.
const MAX_DEPTH: usize = 512;

/// The most tag-levels (each start tag counted at its depth) a page may hold: the tree builder
/// walks down its stack at a start tag, so its time is about the sum of their depths, ~20 ns
/// each. A 32 MiB release page 20 deep holds ~3e7; 1e8 is ~2 s of parsing, where 500 deep over
/// 32 MiB of tags would be half a minute.
const MAX_TAG_LEVELS: u64 = 100_000_000;

/// How far from its start a document's charset declaration is looked for.
const PRESCAN_BYTES: usize = 4096;

/// The release text of an HTML document's bytes and the encoding they were read in; the error
/// says what is wrong (the caller names the file).
pub(super) fn to_text(bytes: &[u8]) -> Result<(String, &'static str), String> {
    let (text, encoding) = decode(bytes)?;
    check_depth(text.as_bytes())?;
    let html = Html::parse_document(&text);
    Ok((convert(&html), encoding))
}

/// The document's text and its encoding's name: see the module's doc.
fn decode(bytes: &[u8]) -> Result<(String, &'static str), String> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return strict(encoding, &bytes[bom..], "its byte order mark says");
    }
    match declared_charset(bytes) {
        Some(label) => {
            let Some(encoding) = Encoding::for_label(label.as_bytes()) else {
                return Err(format!(
                    "declares charset `{label}`, which is not a known character encoding"
                ));
            };
            // A page cannot be UTF-16 without a byte order mark: its declaration was read as
            // ASCII. HTML reads such a page as UTF-8.
            let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
            {
                encoding_rs::UTF_8
            } else {
                encoding
            };
            strict(
                encoding,
                bytes,
                &format!("it declares charset `{label}`, but"),
            )
        }
        None => match std::str::from_utf8(bytes) {
            Ok(text) => Ok((text.to_string(), encoding_rs::UTF_8.name())),
            Err(e) => {
                let (line, at) = place(bytes, e.valid_up_to());
                Err(format!(
                    "line {line}: byte {at} (0x{:02X}) is not UTF-8, and the document declares no \
                     charset; save it as UTF-8, or declare the one it is in (old exhibits are often \
                     windows-1252: <meta charset=\"windows-1252\">)",
                    bytes[e.valid_up_to()]
                ))
            }
        },
    }
}

/// `bytes` decoded as `encoding`, refused (not replaced) where they are not in it.
fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    why: &str,
) -> Result<(String, &'static str), String> {
    if encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok((text.to_string(), encoding.name())),
            Err(e) => {
                let (line, at) = place(bytes, e.valid_up_to());
                Err(format!(
                    "line {line}: byte {at} (0x{:02X}) is not UTF-8 ({why} UTF-8)",
                    bytes[e.valid_up_to()]
                ))
            }
        };
    }
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), encoding.name())),
        None => Err(format!(
            "bytes that are not {} ({why} {}); save it in the encoding it declares",
            encoding.name(),
            encoding.name()
        )),
    }
}

/// The 1-based line of byte `at` of `bytes`, and `at`.
fn place(bytes: &[u8], at: usize) -> (usize, usize) {
    (bytes[..at].iter().filter(|b| **b == b'\n').count() + 1, at)
}

/// The charset a document declares near its start: `<meta charset=...>`, `<meta
/// http-equiv="Content-Type" content="text/html; charset=...">`, or an XML declaration's
/// `encoding="..."`.
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let value_after = |from: usize, key: &[u8]| -> Option<String> {
        let end = lower[from..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(lower.len(), |e| from + e);
        let tag = &lower[from..end];
        let at = tag.windows(key.len()).position(|w| w == key)? + key.len();
        let rest = &tag[at..];
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let rest = rest.strip_prefix(b"=")?;
        let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
        let rest = rest
            .strip_prefix(b"\"")
            .or_else(|| rest.strip_prefix(b"'"))
            .unwrap_or(rest);
        let len = rest
            .iter()
            .position(|b| b"\"'; \t\r\n/>?".contains(b))
            .unwrap_or(rest.len());
        let value = String::from_utf8_lossy(&rest[..len]).trim().to_string();
        (!value.is_empty()).then_some(value)
    };
    let start = lower.iter().position(|b| !b.is_ascii_whitespace())?;
    if lower[start..].starts_with(b"<?xml") {
        if let Some(v) = value_after(start, b"encoding") {
            return Some(v);
        }
    }
    let mut from = 0;
    while let Some(at) = lower[from..].windows(5).position(|w| w == b"<meta") {
        let tag = from + at;
        if let Some(v) = value_after(tag, b"charset") {
            return Some(v);
        }
        from = tag + 5;
    }
    None
}

/// Elements that hold no content (`<br>`): never open.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is text to their end tag, not tags.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Formatting elements: closed implicitly (a `</p>` over an open `<b>`), HTML opens them again
/// inside the next block, up to the table cell they are in.
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// Elements an end tag's search for its element stops at (HTML's "scope"), and which end the
/// reopening of formatting elements.
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
];

/// Elements a start tag of which closes an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "li",
    "dd",
    "dt",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// The HTML tree builder's stack of open elements, as far as its depth goes: what is open, and
/// the formatting elements closed implicitly that HTML will open again (`None`: a table cell's
/// mark, beyond which none is reopened). A model, not the parser: it follows the rules that
/// close elements without their end tag (a `<td>` the open cell, a `<li>` the open item, a
/// block an open `<p>`, an end tag what was opened after its element) and that reopen
/// formatting elements (at most three alike, as HTML's), so that its depth is the parser's
/// within a few levels.
#[derive(Default)]
struct Nesting {
    /// Each open element's name, and for a formatting element its tag as written (lower case).
    open: Vec<(String, Vec<u8>)>,
    reopened: Vec<Option<(String, Vec<u8>)>>,
}

impl Nesting {
    fn depth(&self) -> usize {
        self.open.len() + self.reopened.iter().filter(|e| e.is_some()).count()
    }

    /// Closes the innermost open element of `names` unless one of `stop` comes first.
    fn close_open(&mut self, names: &[&str], stop: &[&str]) {
        for i in (0..self.open.len()).rev() {
            let name = self.open[i].0.as_str();
            if names.contains(&name) {
                self.close_from(i, None);
                return;
            }
            if stop.contains(&name) {
                return;
            }
        }
    }

    /// Closes the elements from the `i`th open one up; `ended` is the one an end tag closed.
    fn close_from(&mut self, i: usize, ended: Option<&str>) {
        let closed: Vec<(String, Vec<u8>)> = self.open.drain(i..).rev().collect();
        for (n, (name, tag)) in closed.iter().enumerate() {
            let last = n + 1 == closed.len();
            if SCOPE.contains(&name.as_str()) {
                // Nothing closed inside a cell is reopened outside it.
                while let Some(entry) = self.reopened.pop() {
                    if entry.is_none() {
                        break;
                    }
                }
            } else if FORMATTING.contains(&name.as_str()) && !(last && ended == Some(name)) {
                self.reopen(name, tag);
            }
        }
    }

    /// Notes a formatting element HTML will open again; three alike are kept (the oldest goes).
    fn reopen(&mut self, name: &str, tag: &[u8]) {
        let since_mark = self
            .reopened
            .iter()
            .rposition(|e| e.is_none())
            .map_or(0, |m| m + 1);
        let alike: Vec<usize> = (since_mark..self.reopened.len())
            .filter(|&j| self.reopened[j].as_ref().is_some_and(|(_, t)| t == tag))
            .collect();
        if alike.len() >= 3 {
            self.reopened.remove(alike[0]);
        }
        self.reopened.push(Some((name.to_string(), tag.to_vec())));
    }

    fn start(&mut self, name: &str, tag: &[u8]) {
        match name {
            "td" | "th" => self.close_open(&["td", "th"], &["tr", "table", "template"]),
            "tr" => self.close_open(&["tr"], &["table", "template"]),
            "li" => self.close_open(&["li"], &[&["ul", "ol"], SCOPE].concat()),
            "dt" | "dd" => self.close_open(&["dt", "dd"], &[&["dl"], SCOPE].concat()),
            "option" => self.close_open(&["option"], &["select"]),
            _ => {}
        }
        if CLOSES_P.contains(&name) {
            self.close_open(&["p"], &[SCOPE, &["button"]].concat());
        }
        if SCOPE.contains(&name) && name != "html" && name != "table" {
            self.reopened.push(None);
        }
        // A formatting element is known by its tag as written, attributes too: HTML keeps three
        // alike (name and attributes) for reopening.
        let tag = if FORMATTING.contains(&name) {
            tag.to_ascii_lowercase()
        } else {
            Vec::new()
        };
        self.open.push((name.to_string(), tag));
    }

    fn end(&mut self, name: &str) {
        for i in (0..self.open.len()).rev() {
            let open = self.open[i].0.as_str();
            if open == name {
                self.close_from(i, Some(name));
                return;
            }
            if SCOPE.contains(&open) {
                break;
            }
        }
        if FORMATTING.contains(&name) {
            // An end tag of a formatting element no longer open: not reopened again.
            if let Some(j) = self
                .reopened
                .iter()
                .rposition(|e| e.as_ref().is_some_and(|(n, _)| n == name))
            {
                self.reopened.remove(j);
            }
        }
    }
}

/// Refuses a document whose tags nest deeper than `MAX_DEPTH`, or whose tags' depths add up to
/// more than `MAX_TAG_LEVELS`, by one linear scan of its tags before the parse, through the
/// model of the parser's stack (`Nesting`).
fn check_depth(bytes: &[u8]) -> Result<(), String> {
    let find = |from: usize, needle: &[u8]| -> Option<usize> {
        bytes[from..]
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
            .map(|at| from + at)
    };
    let mut nesting = Nesting::default();
    let (mut foreign, mut i) = (0usize, 0usize);
    let (mut tags, mut levels) = (0u64, 0u64);
    while let Some(at) = bytes[i..].iter().position(|b| *b == b'<') {
        let lt = i + at;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(lt + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        let name_len = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b':')
            .unwrap_or(bytes.len() - name_start);
        let end = bytes[name_start..]
            .iter()
            .position(|b| *b == b'>')
            .map_or(bytes.len(), |e| name_start + e);
        i = (end + 1).min(bytes.len());
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = bytes[name_start..name_start + name_len].to_ascii_lowercase();
        let name = std::str::from_utf8(&name).unwrap_or_default();
        let is_foreign_root = name == "svg" || name == "math";
        if closing {
            if is_foreign_root {
                foreign = foreign.saturating_sub(1);
            }
            nesting.end(name);
            continue;
        }
        if RAW_TEXT.contains(&name) {
            let mut close = b"</".to_vec();
            close.extend_from_slice(name.as_bytes());
            i = find(i, &close).unwrap_or(bytes.len());
            continue;
        }
        // `<div/>` opens a div, as HTML reads it; in SVG and MathML the slash closes it.
        let self_closing = end > name_start && bytes[end - 1] == b'/';
        if is_foreign_root && !self_closing {
            foreign += 1;
        }
        if VOID.contains(&name) || (foreign > 0 && self_closing) {
            continue;
        }
        nesting.start(name, &bytes[lt..end]);
        tags += 1;
        levels += nesting.depth() as u64;
        if levels > MAX_TAG_LEVELS {
            let (line, _) = place(bytes, lt);
            return Err(format!(
                "line {line}: {tags} tags nested {} deep on average by there, too deep for so many \
                 (the HTML parser's time grows with both; release pages nest about 20 deep); is it \
                 the release page?",
                levels / tags
            ));
        }
        if nesting.depth() > MAX_DEPTH {
            let (line, _) = place(bytes, lt);
            return Err(format!(
                "line {line}: tags nest more than {MAX_DEPTH} deep (browsers stop nesting there, \
                 and release pages nest about 20 deep); is it the release page?"
            ));
        }
    }
    Ok(())
}

/// One step of the walk: an element or text entered, or an element left.
enum Step<N> {
    Enter(N),
    Leave(N),
}

/// The text of the parsed document `html` (the rules of the module's doc).
fn convert(html: &Html) -> String {
    let mut out = Output::default();
    let mut stack = vec![Step::Enter(html.tree.root())];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => match node.value() {
                Node::Text(text) => out.text(text),
                Node::Element(element) => {
                    let name = element.name();
                    if DROPPED.contains(&name) || chrome(element) {
                        continue;
                    }
                    out.open(name);
                    stack.push(Step::Leave(node));
                    stack.extend(node.children().rev().map(Step::Enter));
                }
                Node::Document | Node::Fragment => {
                    stack.extend(node.children().rev().map(Step::Enter));
                }
                _ => {}
            },
            Step::Leave(node) => {
                if let Node::Element(element) = node.value() {
                    out.close(element.name());
                }
            }
        }
    }
    out.finish()
}

/// Whether `element` is the site's chrome by its role, class or id (see `CHROME_ROLES`,
/// `CHROME_NAMES`).
fn chrome(element: &scraper::node::Element) -> bool {
    let words = |attr: &str| {
        element
            .attr(attr)
            .unwrap_or_default()
            .split_ascii_whitespace()
            .map(|w| w.to_ascii_lowercase())
            .collect::<Vec<_>>()
    };
    words("role")
        .iter()
        .any(|w| CHROME_ROLES.contains(&w.as_str()))
        || words("class")
            .iter()
            .chain(&words("id"))
            .any(|w| CHROME_NAMES.contains(&w.as_str()))
}

/// A table being read: its row's cells so far and the cell open in it.
#[derive(Default)]
struct Table {
    /// The cells of the open row, each as its pieces (split where a block inside it ended).
    cells: Vec<Vec<String>>,
    /// The open cell's pieces, when a cell is open.
    cell: Option<Vec<String>>,
}

/// The text being written: finished lines, the line being filled, and the tables open.
#[derive(Default)]
struct Output {
    lines: Vec<String>,
    /// The paragraph being filled outside any cell.
    line: String,
    /// A space is due before the next text (whitespace was seen after text).
    space: bool,
    tables: Vec<Table>,
    /// `<pre>` elements open: their whitespace is kept.
    pre: usize,
}

impl Output {
    /// The buffer text goes to: the open cell's last piece, or the paragraph.
    fn buffer(&mut self) -> &mut String {
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if cell.is_empty() {
                cell.push(String::new());
            }
            return cell.last_mut().expect("a piece");
        }
        &mut self.line
    }

    fn in_cell(&self) -> bool {
        self.tables.last().is_some_and(|t| t.cell.is_some())
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 && !self.in_cell() {
            let mut pieces = text.split('\n');
            if let Some(first) = pieces.next() {
                self.raw(first);
            }
            for piece in pieces {
                // A newline ends the line; one on an empty line leaves a blank line.
                if self.line.trim().is_empty() {
                    self.blank();
                } else {
                    self.end_line();
                }
                self.raw(piece);
            }
            return;
        }
        let mut space = self.space;
        let buffer = self.buffer();
        for c in text.chars() {
            if c.is_whitespace() {
                space = !buffer.is_empty();
            } else {
                if space {
                    buffer.push(' ');
                    space = false;
                }
                buffer.push(c);
            }
        }
        self.space = space;
    }

    /// Text of a `<pre>`, its spaces kept (U+00A0 and tabs as spaces).
    fn raw(&mut self, text: &str) {
        self.space = false;
        self.line.extend(
            text.chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .filter(|c| *c != '\r'),
        );
    }

    /// A block boundary: ends the paragraph's line, or the open cell's piece.
    fn boundary(&mut self) {
        self.space = false;
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if cell.last().is_some_and(|p| !p.is_empty()) {
                cell.push(String::new());
            }
            return;
        }
        self.end_line();
    }

    /// Ends the paragraph's line (nothing when it is empty).
    fn end_line(&mut self) {
        self.space = false;
        let line = std::mem::take(&mut self.line);
        let line = line.trim_end();
        if !line.trim_start().is_empty() {
            self.lines.push(line.to_string());
        }
    }

    /// A blank line (kept once, however many come).
    fn blank(&mut self) {
        self.end_line();
        self.lines.push(String::new());
    }

    fn open(&mut self, name: &str) {
        match name {
            "table" => {
                // A table inside a cell: the outer row's text so far is a line of its own, and
                // the inner table's rows follow it.
                if self.in_cell() {
                    self.flush_row(false);
                }
                self.end_line();
                self.tables.push(Table::default());
            }
            "tr" => {
                self.end_line();
                if let Some(table) = self.tables.last_mut() {
                    table.cells.clear();
                    table.cell = None;
                }
            }
            "td" | "th" => {
                if let Some(table) = self.tables.last_mut() {
                    if let Some(cell) = table.cell.take() {
                        table.cells.push(cell);
                    }
                    table.cell = Some(Vec::new());
                    self.space = false;
                } else {
                    self.boundary();
                }
            }
            "br" => {
                if !self.in_cell() && self.line.trim().is_empty() {
                    self.blank();
                } else if self.pre > 0 && !self.in_cell() {
                    self.end_line();
                } else {
                    self.boundary();
                }
            }
            "hr" => self.blank(),
            "pre" | "listing" | "xmp" | "plaintext" => {
                self.boundary();
                self.pre += 1;
            }
            _ if BLOCKS.contains(&name) => self.boundary(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "table" => {
                if self
                    .tables
                    .last()
                    .is_some_and(|t| !t.cells.is_empty() || t.cell.is_some())
                {
                    self.flush_row(true);
                }
                self.tables.pop();
                if self.tables.is_empty() {
                    self.blank();
                }
            }
            "tr" => self.flush_row(true),
            "td" | "th" => {
                self.space = false;
                if let Some(table) = self.tables.last_mut() {
                    if let Some(cell) = table.cell.take() {
                        table.cells.push(cell);
                    }
                } else {
                    self.boundary();
                }
            }
            "pre" | "listing" | "xmp" | "plaintext" => {
                self.pre = self.pre.saturating_sub(1);
                self.end_line();
            }
            _ if BLOCKS.contains(&name) => self.boundary(),
            _ => {}
        }
    }

    /// Writes the innermost table's row so far as its line (or lines) and empties it; `done`
    /// closes its open cell, else the cell stays open (a table inside it follows).
    fn flush_row(&mut self, done: bool) {
        self.space = false;
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        let mut cells = std::mem::take(&mut table.cells);
        if done {
            cells.extend(table.cell.take());
        } else if let Some(open) = table.cell.as_mut() {
            cells.push(std::mem::take(open));
        }
        let cells: Vec<Vec<String>> = cells
            .into_iter()
            .map(|pieces| {
                pieces
                    .into_iter()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|pieces| !pieces.is_empty())
            .collect();
        match cells.as_slice() {
            [] => {}
            // A row of one cell (a layout table's, a heading's): its blocks are lines.
            [only] => self.lines.extend(only.iter().cloned()),
            _ => {
                let texts: Vec<String> = cells.iter().map(|pieces| pieces.join(" ")).collect();
                self.lines.push(glue(texts));
            }
        }
    }

    fn finish(mut self) -> String {
        self.end_line();
        while !self.tables.is_empty() {
            self.close("table");
        }
        let mut text = String::new();
        let mut blank = true; // no blank line at the start
        for line in &self.lines {
            let line = line.trim_end();
            if line.is_empty() {
                if !blank {
                    text.push('\n');
                }
                blank = true;
            } else {
                text.push_str(line);
                text.push('\n');
                blank = false;
            }
        }
        while text.ends_with("\n\n") {
            text.pop();
        }
        text
    }
}

/// A row's cell texts as its line: currency signs glued to the cell after, closing `)` and `%`
/// to the one before, the rest joined by three spaces.
fn glue(cells: Vec<String>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut sign: Option<String> = None;
    for cell in cells {
        if CURRENCY_SIGNS.contains(&cell.as_str()) {
            let s = sign.take().unwrap_or_default();
            sign = Some(s + &cell);
            continue;
        }
        if CLOSERS.contains(&cell.as_str()) && sign.is_none() {
            if let Some(last) = out.last_mut() {
                last.push_str(&cell);
                continue;
            }
        }
        out.push(sign.take().unwrap_or_default() + &cell);
    }
    out.extend(sign);
    out.join("   ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html.as_bytes()).unwrap().0
    }

    #[test]
    fn dollar_cells_glue_to_the_figure_after_them() {
        let t = text(
            "<table><tr><td>Revenue</td><td>$</td><td>26,044</td><td></td><td>$</td>\
             <td>7,192</td></tr></table>",
        );
        assert_eq!(t, "Revenue   $26,044   $7,192\n");
    }

    #[test]
    fn closing_parenthesis_and_percent_glue_to_the_cell_before() {
        let t = text(
            "<table><tr><td>Other income/(expense), net</td><td>(50</td><td>)</td>\
             <td>(393</td><td>)</td></tr>\
             <tr><td>Gross margin</td><td>45.9</td><td>%</td><td>(1.2</td><td>%)</td></tr>\
             <tr><td>Share</td><td>¥</td><td>1,200</td><td>€</td><td>3</td></tr></table>",
        );
        assert_eq!(
            t,
            "Other income/(expense), net   (50)   (393)\nGross margin   45.9%   (1.2%)\n\
             Share   ¥1,200   €3\n"
        );
    }

    #[test]
    fn colspan_header_cells_are_cells_like_any_other() {
        let t = text(
            "<table><tr><td></td><td colspan=\"3\">Three Months Ended</td></tr>\
             <tr><td></td><td colspan=\"2\">April 28, 2024</td><td colspan=\"2\">April 30, 2023</td></tr>\
             <tr><td>Revenue</td><td>$</td><td>26,044</td><td>$</td><td>7,192</td></tr></table>",
        );
        assert_eq!(
            t,
            "Three Months Ended\nApril 28, 2024   April 30, 2023\nRevenue   $26,044   $7,192\n"
        );
    }

    #[test]
    fn a_table_inside_a_cell_gives_its_rows_their_own_lines() {
        let t = text(
            "<table><tr><td>Statements<table><tr><td>Revenue</td><td>$</td><td>10</td></tr>\
             <tr><td>Net income</td><td>2</td></tr></table>Notes follow</td><td>x</td></tr></table>",
        );
        assert_eq!(
            t,
            "Statements\nRevenue   $10\nNet income   2\nNotes follow   x\n"
        );
    }

    #[test]
    fn a_break_inside_a_cell_is_a_space_in_a_row_of_several_cells() {
        let t = text(
            "<table><tr><td>Net income attributable<br>to shareholders</td><td>1,234</td></tr>\
             <tr><td><div>Total</div><div>assets</div></td><td>9</td></tr></table>",
        );
        assert_eq!(
            t,
            "Net income attributable to shareholders   1,234\nTotal assets   9\n"
        );
    }

    #[test]
    fn blocks_end_lines_and_whitespace_collapses() {
        let t = text(
            "<h1>Apple   reports\n first quarter</h1><p>Revenue&nbsp;of $119.6\u{a0}billion,\
             <b>up</b> 2 percent.</p><div>CUPERTINO &#8212; Apple<sup>&#174;</sup></div>\
             <ul><li>one</li><li>two</li></ul>",
        );
        assert_eq!(
            t,
            "Apple reports first quarter\nRevenue of $119.6 billion,up 2 percent.\n\
             CUPERTINO \u{2014} Apple\u{ae}\none\ntwo\n"
        );
    }

    #[test]
    fn scripts_styles_and_site_chrome_are_dropped() {
        let t = text(
            "<html><head><title>Newsroom</title><style>p { color: red }</style></head><body>\
             <header><a href=/>Home</a></header><nav><ul><li>Products</li></ul></nav>\
             <script>var tracking = 'Revenue 1';</script><noscript>Enable JavaScript</noscript>\
             <p>NVIDIA Announces Results</p><form><button>Subscribe</button></form>\
             <footer>Privacy Policy</footer><div class=\"footer\"><a>Events Calendar</a></div>\
             <div role=navigation>Menu</div><div id=\"Nav\">Investors</div>\
             <div class=\"footer-note\">Footnote kept</div></body></html>",
        );
        assert_eq!(t, "NVIDIA Announces Results\nFootnote kept\n");
    }

    #[test]
    fn blank_lines_collapse_and_no_line_ends_in_a_space() {
        let t = text("<div>a </div><br><br><br><hr><div>b&nbsp;</div><table></table><p>c</p>");
        assert_eq!(t, "a\n\nb\n\nc\n");
    }

    #[test]
    fn pre_keeps_its_spaces() {
        let t = text("<pre>Revenues      14,007     11,945\n\n  Net income   1,200</pre>");
        assert_eq!(
            t,
            "Revenues      14,007     11,945\n\n  Net income   1,200\n"
        );
    }

    #[test]
    fn windows_1252_bytes_read_as_the_page_declares() {
        let mut page =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
              </head><body><p>Apple\x92s revenue \x97 up 2\xa0percent</p></body></html>"
                .to_vec();
        let (t, encoding) = to_text(&page).unwrap();
        assert_eq!(t, "Apple\u{2019}s revenue \u{2014} up 2 percent\n");
        assert_eq!(encoding, "windows-1252");
        // iso-8859-1 is read as windows-1252, as browsers do.
        page = b"<meta charset='ISO-8859-1'><p>caf\xe9 \x93quoted\x94</p>".to_vec();
        assert_eq!(
            to_text(&page).unwrap(),
            (
                "caf\u{e9} \u{201c}quoted\u{201d}\n".to_string(),
                "windows-1252"
            )
        );
        // Undeclared, the same bytes are not UTF-8: refused, not guessed.
        let err = to_text(b"<p>Apple\x92s</p>").unwrap_err();
        assert!(err.contains("line 1: byte 8 (0x92) is not UTF-8"), "{err}");
        assert!(err.contains("declares no charset"), "{err}");
        // Declared UTF-8 but not: refused.
        let err = to_text(b"<meta charset=utf-8>\n<p>caf\xe9</p>").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = to_text(b"<meta charset=klingon><p>x</p>").unwrap_err();
        assert!(err.contains("`klingon`"), "{err}");
    }

    #[test]
    fn a_byte_order_mark_and_an_xml_declaration_say_the_encoding() {
        let t = to_text(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>").unwrap();
        assert_eq!(t, ("caf\u{e9}\n".to_string(), "UTF-8"));
        let t = to_text(b"<?xml version='1.0' encoding='ASCII'?><html><p>R\xe9sum\xe9</p></html>")
            .unwrap();
        assert_eq!(t.0, "R\u{e9}sum\u{e9}\n");
    }

    #[test]
    fn nesting_up_to_the_bound_converts_deeper_is_refused() {
        let page = |depth: usize, tag: &str| {
            format!(
                "<p>top</p>{}deep{}",
                format!("<{tag}>").repeat(depth),
                format!("</{tag}>").repeat(depth)
            )
        };
        assert_eq!(text(&page(MAX_DEPTH - 1, "div")), "top\ndeep\n");
        let started = std::time::Instant::now();
        for deep in [
            page(100_000, "div"),
            page(100_000, "div/"),
            "<table><tr><td>".repeat(50_000),
        ] {
            let err = to_text(deep.as_bytes()).unwrap_err();
            assert!(err.contains("tags nest more than 512 deep"), "{err}");
        }
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        // Elements closed by their next sibling, void ones, comments, scripts and SVG's
        // self-closed shapes are not nesting.
        let flat = format!(
            "{}<svg>{}</svg><script>{}</script><!--{}-->ok",
            "<p>a<li>b<br><td>c<img src=x>".repeat(5_000),
            "<path d='M0'/>".repeat(5_000),
            "<div>".repeat(5_000),
            "<div>".repeat(5_000)
        );
        assert!(text(&flat).ends_with("ok\n"));
        // Old exhibits leave a <font> open in every cell; the cell's end closes it.
        let cells = format!(
            "<table>{}</table>",
            "<tr><td><font size=2>Revenue<td align=right><font size=2>$<td><font size=2>100</tr>"
                .repeat(3_000)
        );
        assert!(text(&cells).contains("Revenue   $100\n"));
        // A <b> left open in every paragraph is reopened in the next, three alike at most...
        let paragraphs = "<p><b>Bold</p>".repeat(3_000);
        assert!(text(&paragraphs).starts_with("Bold\n"));
        // ... but formatting elements that differ pile up, one more in each paragraph: refused.
        let piling: String = (0..3_000)
            .map(|n| format!("<p><font id=f{n}>x</p>"))
            .collect();
        let err = to_text(piling.as_bytes()).unwrap_err();
        assert!(err.contains("tags nest more than 512 deep"), "{err}");
    }

    #[test]
    fn many_tags_each_nested_deep_are_refused_before_the_parse() {
        // (How fast the refusal comes is measured in bench/, not timed here.)
        let page = format!("{}{}", "<div>".repeat(500), "<div>x</div>".repeat(250_000));
        let err = to_text(page.as_bytes()).unwrap_err();
        assert!(err.contains("tags nested 500 deep on average"), "{err}");
        // As many tags 20 deep are read.
        let page = format!("{}{}", "<div>".repeat(19), "<div>x</div>".repeat(250_000));
        assert!(text(&page).starts_with("x\nx\n"));
    }
}
