//! Rows a table printed column by column prints across its columns on one line, number first
//! and glued (`18.4%Gross Margin 3,818 17.5% +27.3%`): which number is the old figure and which
//! the new, by the row's change and its shares of the table's first row.

use super::super::*;
use super::columns::{is_change, is_share, words_only, Cell};
use super::labels::concept_of;
use super::{Placed, Row, Table};

/// A number of a row printed across the columns, glued to its neighbours or not.
static NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(+\-]?\d{1,3}(?:,\d{3})*(?:\.\d+)?%?\)?").expect("regex"));
static ACROSS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<pre>(?:[(+\-]?\d[\d,]*(?:\.\d+)?%?\)?)*)(?P<label>[A-Za-z][A-Za-z&/',() \-]*?)\s+(?P<post>[(+\-]?\d[\d,.%()+\-\s]*?)\s*$")
        .expect("regex")
});

/// The rows printed across the columns of table `t` on lines `from..to` (0-based).
pub(super) fn across_rows(
    lines: &[&str],
    from: usize,
    to: usize,
    k: &Knowledge,
    t: &Table,
) -> Vec<(Row, Placed)> {
    let mut placed = Vec::new();
    let mut j = from;
    while j < to {
        let (joined, next) = match lines.get(j + 1) {
            Some(l)
                if words_only(l).then_some(()).is_none()
                    && lines[j].trim_end().ends_with(char::is_alphabetic)
                    && l.trim_start().starts_with(char::is_alphabetic) =>
            {
                (format!("{} {}", lines[j].trim_end(), l.trim()), true)
            }
            _ => (lines[j].to_string(), false),
        };
        let Some(c) = ACROSS.captures(&joined) else {
            j += 1;
            continue;
        };
        let Some((table, concept)) = concept_of(k, c["label"].trim()) else {
            j += 1;
            continue;
        };
        // Each number's line: past the first line's end, the next line's.
        let split = lines[j].trim_end().len();
        let cells: Vec<Cell> = ["pre", "post"]
            .iter()
            .filter_map(|g| c.name(g))
            .flat_map(|g| {
                NUM.find_iter(g.as_str())
                    .map(move |m| (g.start() + m.start(), m.as_str()))
            })
            .filter_map(|(at, p)| Cell::of(if next && at > split { j + 2 } else { j + 1 }, p))
            .collect();
        let amounts: Vec<&Cell> = cells.iter().filter(|c| !c.pct).collect();
        let news: Vec<&Cell> = amounts.iter().copied().chain(&t.extra_new).collect();
        let found: Vec<(&Cell, &Cell, &Cell)> = amounts
            .iter()
            .flat_map(|a| news.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| a != b)
            .flat_map(|(a, b)| {
                cells
                    .iter()
                    .filter(|c| c.pct && c.signed)
                    .map(move |ch| (a, b, ch))
            })
            .filter(|(a, b, ch)| is_change(ch.v(), b.v(), a.v()))
            .filter(|(a, b, _)| {
                cells
                    .iter()
                    .filter(|c| c.pct && !c.signed)
                    .all(|s| is_share(s.v(), a.v(), t.y_whole) != is_share(s.v(), b.v(), t.x_whole))
            })
            .collect();
        if let [(a, b, ch)] = found[..] {
            let row = || Row {
                label: c["label"].trim().to_string(),
                table: table.clone(),
                concept: concept.clone(),
            };
            let why = format!(
                "{}; a row printed across the columns (line {}): its change {} is from \
                     {} to {}, and its shares say which is which",
                t.base,
                j + 1,
                ch.printed,
                a.printed,
                b.printed
            );
            placed.push((
                row(),
                (
                    a.clone(),
                    t.old.clone(),
                    "level".into(),
                    "amount",
                    t.unit.clone(),
                    why.clone(),
                ),
            ));
            placed.push((
                row(),
                (
                    b.clone(),
                    t.new.clone(),
                    "level".into(),
                    "amount",
                    t.unit.clone(),
                    why.clone(),
                ),
            ));
            placed.push((
                row(),
                (
                    (*ch).clone(),
                    t.new.clone(),
                    t.comparison.into(),
                    "amount",
                    "%".into(),
                    why.clone(),
                ),
            ));
            for s in cells.iter().filter(|c| c.pct && !c.signed) {
                let (period, of) = if is_share(s.v(), a.v(), t.y_whole) {
                    (&t.old, a)
                } else {
                    (&t.new, b)
                };
                placed.push((
                    row(),
                    (
                        s.clone(),
                        period.clone(),
                        "level".into(),
                        "pct_of_revenues",
                        "%".into(),
                        format!(
                            "{why}; {} is {}'s share of the first row",
                            s.printed, of.printed
                        ),
                    ),
                ));
            }
        }
        j += if next { 2 } else { 1 };
    }
    placed
}
