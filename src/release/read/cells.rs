//! A line of release text as a row: its label and its number cells. Three spellings of a row:
//! cells set apart by runs of spaces or tabs (tables converted from HTML, fixed-width ASCII), by
//! single spaces (text flattened from PDF), or one to a line (joined by `table`). A cell is a
//! printed number as companies print them: `$26,044`, `(64)`, `$(1.23)`, `78.4%`, `¥5,080`, a
//! dash for nil, `N/M`. A label may itself hold numbers (`$0.00001 par value: 50,400,000 shares
//! authorized`): where runs of spaces set the cells apart, only the trailing chunks are cells.

use regex::Regex;
use std::sync::LazyLock;

/// One printed cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// As printed (`$26,044`, `(64)`, `—`).
    pub printed: String,
    /// Its exact decimal (`26044`, `-64`, `0` for a nil dash); `None` for `N/M`, `n/a`.
    pub value: Option<String>,
    /// Byte range in its line.
    pub start: usize,
    pub end: usize,
    /// 1-based line of the text it is printed on, set by `table` (a row of cells one to a
    /// line, or a transposed table, holds cells of several lines); 0 from `row`: the line read.
    pub line: usize,
}

/// A line read as a row: the label before its cells (empty when it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct RowText {
    pub label: String,
    pub cells: Vec<Cell>,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[$¥€£]\s?)?(\()?(?:[$¥€£]\s?)?([+\-−△▲]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\))?(%)?$",
    )
    .expect("regex")
});

/// The exact decimal of a printed cell, `None` when it is not a number. A dash alone is nil.
pub fn value_of(printed: &str) -> Option<String> {
    let p = printed.trim();
    if matches!(
        p,
        "-" | "—" | "–" | "－" | "--" | "$-" | "$—" | "$ —" | "$ -" | "$–"
    ) {
        return Some("0".to_string());
    }
    // A negative percentage printed `(1%)` is `(1)%`.
    let moved;
    let p = match p.strip_suffix("%)") {
        Some(inner) if p.starts_with('(') => {
            moved = format!("{inner})%");
            moved.as_str()
        }
        _ => p,
    };
    let c = NUMBER.captures(p)?;
    let negative_paren = c.get(1).is_some();
    if negative_paren != c.get(5).is_some() {
        return None; // `(64` or `64)`: half a cell
    }
    let sign = c.get(2).map_or("", |m| m.as_str());
    let negative = negative_paren || matches!(sign, "-" | "−" | "△" | "▲");
    let mut v = c[3].replace(',', "");
    if let Some(frac) = c.get(4) {
        v.push_str(frac.as_str());
    }
    // Leading zeros of a whole part are not part of the value.
    let trimmed = v.trim_start_matches('0');
    let mut v = if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    };
    if negative && v.chars().any(|ch| ('1'..='9').contains(&ch)) {
        v.insert(0, '-');
    }
    Some(v)
}

/// Is this printed text a cell: a number, a nil dash, or a not-meaningful mark?
pub fn is_cell(printed: &str) -> bool {
    let p = printed.trim();
    value_of(p).is_some() || not_meaningful(p)
}

fn not_meaningful(p: &str) -> bool {
    matches!(
        p.to_ascii_lowercase().as_str(),
        "n/m" | "nm" | "n/a" | "na" | "n.m." | "*" | "**"
    )
}

/// Does a number cell look like a year (`2024`), as a header prints it?
pub fn is_year(printed: &str) -> bool {
    let p = printed.trim();
    p.len() == 4
        && p.bytes().all(|b| b.is_ascii_digit())
        && (p.starts_with("19") || p.starts_with("20"))
}

/// Chunks of a line set apart by runs of two or more spaces or by tabs, with their byte ranges;
/// one chunk when the line has no such run.
pub fn chunks(line: &str) -> Vec<(usize, &str)> {
    static GAP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\t|\s{2,}").expect("regex"));
    let mut out = Vec::new();
    let mut at = 0;
    for m in GAP.find_iter(line) {
        if !line[at..m.start()].trim().is_empty() {
            out.push((at, &line[at..m.start()]));
        }
        at = m.end();
    }
    if !line[at..].trim().is_empty() {
        out.push((at, &line[at..]));
    }
    out.into_iter()
        .map(|(s, c)| {
            let lead = c.len() - c.trim_start().len();
            (s + lead, c.trim())
        })
        .collect()
}

/// Words of a chunk with their byte offsets within it.
fn words(chunk: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in chunk.char_indices() {
        match (ch.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &chunk[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &chunk[s..]));
    }
    out
}

/// The line as a row: the label, then the cells that end it. `None` when nothing ends it but
/// text (a title, a section, prose).
pub fn row(line: &str) -> Option<RowText> {
    let chunks = chunks(line);
    let spaced = chunks.len() > 1;
    // Words of the line that may be cells, newest last: where runs of spaces set cells apart,
    // a chunk is all cells or it is the label; in single-spaced text, the trailing words.
    let mut cells: Vec<Cell> = Vec::new();
    let mut label_end = line.len();
    'chunks: for &(start, chunk) in chunks.iter().rev() {
        let ws = words(chunk);
        let all = ws.iter().all(|(_, w)| is_cell(w) || is_currency(w));
        if spaced && !all {
            break;
        }
        for &(off, w) in ws.iter().rev() {
            if is_currency(w) {
                // `$` printed apart from its number: part of the cell after it.
                if let Some(last) = cells.last_mut() {
                    if last.start > start + off && label_end == last.start {
                        label_end = start + off;
                        continue;
                    }
                }
                break 'chunks;
            }
            if !is_cell(w) {
                break 'chunks;
            }
            cells.push(cell(w, start + off, start + off + w.len()));
            label_end = start + off;
        }
    }
    if cells.is_empty() {
        return None;
    }
    cells.reverse();
    let label = line[..label_end].trim().to_string();
    Some(RowText { label, cells })
}

fn is_currency(w: &str) -> bool {
    matches!(w, "$" | "¥" | "€" | "£")
}

fn cell(printed: &str, start: usize, end: usize) -> Cell {
    Cell {
        printed: printed.to_string(),
        value: value_of(printed),
        start,
        end,
        line: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str) -> (String, Vec<Option<String>>) {
        let r = row(line).expect("a row");
        (r.label, r.cells.into_iter().map(|c| c.value).collect())
    }

    #[test]
    fn printed_numbers_read_exactly() {
        assert_eq!(value_of("$26,044").as_deref(), Some("26044"));
        assert_eq!(value_of("(64)").as_deref(), Some("-64"));
        assert_eq!(value_of("(1%)").as_deref(), Some("-1"));
        assert_eq!(value_of("(1.5%)").as_deref(), Some("-1.5"));
        assert_eq!(value_of("$(1.23)").as_deref(), Some("-1.23"));
        assert_eq!(value_of("($1.23)").as_deref(), Some("-1.23"));
        assert_eq!(value_of("5.20").as_deref(), Some("5.20"));
        assert_eq!(value_of("0.82").as_deref(), Some("0.82"));
        assert_eq!(value_of("78.4%").as_deref(), Some("78.4"));
        assert_eq!(value_of("¥5,080").as_deref(), Some("5080"));
        assert_eq!(value_of("—").as_deref(), Some("0"));
        // MGC, PDF text: a full-width dash for nil.
        assert_eq!(value_of("－").as_deref(), Some("0"));
        assert_eq!(value_of("△12").as_deref(), Some("-12"));
        assert_eq!(value_of("(4.6)").as_deref(), Some("-4.6"));
        assert_eq!(value_of("12,34"), None);
        assert_eq!(value_of("(64"), None);
        assert!(is_cell("N/M"));
        assert!(!is_cell("Revenue"));
    }

    #[test]
    fn rows_of_html_tables_fixed_width_and_pdf_text() {
        // NVIDIA, newsroom page: cells joined by three spaces.
        assert_eq!(
            values("Revenue   $26,044   $7,192"),
            (
                "Revenue".into(),
                vec![Some("26044".into()), Some("7192".into())]
            )
        );
        assert_eq!(
            values("Interest expense   (64)   (66)"),
            (
                "Interest expense".into(),
                vec![Some("-64".into()), Some("-66".into())]
            )
        );
        // Apple: numbers inside the label stay in it.
        let (label, cells) = values(
            "Common stock, $0.00001 par value: 50,400,000 shares authorized; 15,460,223 and 15,550,061 shares issued   75,236   73,812",
        );
        assert!(label.ends_with("shares issued"), "{label}");
        assert_eq!(cells.len(), 2);
        // Fixed-width: a `$` apart from its number.
        assert_eq!(
            values("Operating revenues          $   2,847     $  2,582"),
            (
                "Operating revenues".into(),
                vec![Some("2847".into()), Some("2582".into())]
            )
        );
        // PDF text: single spaces.
        assert_eq!(
            values("Net sales 738,243 (4.6) 773,591"),
            (
                "Net sales".into(),
                vec![
                    Some("738243".into()),
                    Some("-4.6".into()),
                    Some("773591".into())
                ]
            )
        );
        // A nil dash and N/M.
        assert_eq!(
            values("Proceeds from sales of marketable securities   149   -   N/M"),
            (
                "Proceeds from sales of marketable securities".into(),
                vec![Some("149".into()), Some("0".into()), None]
            )
        );
        assert!(row("Operating expenses").is_none());
        assert!(row("CONDENSED CONSOLIDATED STATEMENTS OF INCOME").is_none());
        // A row with no label (Buckle's total operating expenses).
        assert_eq!(values("85,588   83,150").0, "");
    }
}
