//! The columns of a slide's text: numbers printed one to a line, and how one column's numbers
//! are another's changes or shares.

use super::super::*;
use crate::release::read::cells;

/// A number printed alone on its line (or glued after a row label on its column's first line).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Cell {
    /// 1-based line.
    pub(super) line: usize,
    pub(super) printed: String,
    pub(super) value: String,
    pub(super) pct: bool,
    pub(super) signed: bool,
}

impl Cell {
    pub(super) fn of(line: usize, printed: &str) -> Option<Cell> {
        let p = printed.trim();
        if p.is_empty() || p.contains(char::is_whitespace) || cells::is_year(p) {
            return None;
        }
        let value = cells::value_of(p)?;
        Some(Cell {
            line,
            printed: p.to_string(),
            value,
            pct: p.ends_with('%') || p.ends_with("%)"),
            signed: p.starts_with('+') || p.starts_with('-') || p.starts_with('('),
        })
    }

    pub(super) fn v(&self) -> f64 {
        as_f64(&self.value)
    }

    /// A dash: no figure.
    pub(super) fn nil(&self) -> bool {
        !self.printed.chars().any(|c| c.is_ascii_digit())
    }
}

/// A column of numbers printed one to a line.
#[derive(Debug, Clone)]
pub(super) struct Column {
    /// 0-based lines of its first and last cell.
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) cells: Vec<Cell>,
    /// Words printed before its first number on that line (and the wrapped lines above): the
    /// first row's label.
    pub(super) label: Option<String>,
    /// 0-based first line of that label.
    pub(super) label_from: usize,
}

impl Column {
    pub(super) fn amounts(&self) -> bool {
        self.cells.iter().all(|c| !c.pct)
    }
    pub(super) fn shares(&self) -> bool {
        self.cells.iter().all(|c| c.pct && !c.signed) && self.cells[0].v() == 100.0
    }
    pub(super) fn changes(&self) -> bool {
        self.cells.iter().all(|c| c.pct) && self.cells.iter().any(|c| c.signed)
    }
}

static GLUED_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?P<label>[A-Za-z][A-Za-z&/',() \-]*?)\s+(?P<num>[(+\-]?\d[\d,]*(?:\.\d+)?%?\)?)\s*$",
    )
    .expect("regex")
});

pub(super) fn words_only(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.chars().any(char::is_alphabetic) && !t.chars().any(|c| c.is_ascii_digit())
}

/// The columns of the text: three or more numbers printed alone, one to a line, at most one blank
/// line between two.
pub(super) fn columns(lines: &[&str]) -> Vec<Column> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (first, label, label_from) = match Cell::of(i + 1, lines[i]) {
            Some(c) => (c, None, i),
            None => match GLUED_FIRST.captures(lines[i]) {
                Some(g) => match Cell::of(i + 1, &g["num"]) {
                    Some(c) => {
                        // The label's wrapped lines above, printed without a blank between.
                        let mut from = i;
                        while from > 0 && words_only(lines[from - 1]) {
                            from -= 1;
                        }
                        let mut words: Vec<&str> =
                            lines[from..i].iter().map(|l| l.trim()).collect();
                        words.push(g["label"].trim());
                        (c, Some(words.join(" ")), from)
                    }
                    None => {
                        i += 1;
                        continue;
                    }
                },
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        let mut cells = vec![first];
        let mut last = i;
        let mut j = i + 1;
        loop {
            let k = if lines.get(j).is_some_and(|l| l.trim().is_empty()) {
                j + 1
            } else {
                j
            };
            // One column is of one kind: amounts, or percentages (a dash fits either).
            let kind = cells.iter().find(|c| !c.nil()).map(|c| c.pct);
            match lines.get(k).and_then(|l| Cell::of(k + 1, l)) {
                Some(c) if c.nil() || kind.is_none_or(|p| p == c.pct) => {
                    cells.push(c);
                    last = k;
                    j = k + 1;
                }
                _ => break,
            }
        }
        if cells.len() >= 3 {
            out.push(Column {
                first: i,
                last,
                cells,
                label,
                label_from,
            });
            i = last + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// How far a printed percentage may be from one computed from amounts rounded to units.
pub(super) fn slack(num: f64, den: f64) -> f64 {
    0.05 + 100.0 * 0.5 * (1.0 / den.abs() + num.abs() / (den * den))
}

/// Is `change` (in %) the change from `old` to `new`?
pub(super) fn is_change(change: f64, new: f64, old: f64) -> bool {
    old != 0.0 && (100.0 * (new / old - 1.0) - change).abs() <= slack(new, old)
}

/// Is `share` (in %) `part` of `whole`?
pub(super) fn is_share(share: f64, part: f64, whole: f64) -> bool {
    whole != 0.0 && (100.0 * part / whole - share).abs() <= slack(part, whole)
}

/// The change column `d` read as the change from amount column `old` to `new` in every row.
pub(super) fn changes_between(d: &Column, new: &Column, old: &Column) -> bool {
    let n = d.cells.len();
    if new.cells.len() < n || old.cells.len() < n || new.cells.len() > n + 2 {
        return false;
    }
    let mut any = false;
    for (r, c) in d.cells.iter().enumerate() {
        let (x, y) = (&new.cells[r], &old.cells[r]);
        if c.nil() || x.nil() || y.nil() {
            continue;
        }
        if !is_change(c.v(), x.v(), y.v()) {
            return false;
        }
        any = true;
    }
    any
}

/// Column `p` read as each row's share of the first row of amount column `of`.
pub(super) fn shares_of(p: &Column, of: &Column) -> bool {
    of.cells.len() >= p.cells.len()
        && of.cells[0].v() != 0.0
        && p.cells
            .iter()
            .zip(&of.cells)
            .all(|(s, a)| s.nil() || !a.nil() && is_share(s.v(), a.v(), of.cells[0].v()))
}
