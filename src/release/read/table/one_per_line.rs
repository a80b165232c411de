//! Rows printed one cell to a line (AMD's EDGAR text), joined back into rows.

use super::*;

/// A label line whose cells follow it one to a line (AMD: `Net revenue`, `$`, `11,536`, `$`,
/// `10,253`, ...; a `%` on its own line ends the cell before it): the row, and the line after
/// its last cell. Strict: only when the cells are as many as one of `counts` (the heads, or the
/// heads and change columns); a page number printed after the last row's cells is no cell.
pub(super) fn cells_one_per_line(
    lines: &[&str],
    i: usize,
    counts: &[usize],
) -> Option<(RowText, usize)> {
    let label = lines[i].trim();
    // A label may end in a number of its own (`Common stock, par value $0.01`): then only an
    // exact count of the cells after it makes it a label.
    let own = cells::row(lines[i]);
    if label.is_empty()
        || own.as_ref().is_some_and(|r| r.label.is_empty())
        || counts.iter().all(|&c| c < 2)
    {
        return None;
    }
    let mut found: Vec<Cell> = Vec::new();
    let mut after = Vec::new();
    let mut j = i + 1;
    while j < lines.len() {
        let t = lines[j].trim();
        if matches!(t, "$" | "¥" | "€" | "£") {
            j += 1;
            continue;
        }
        if t == "%" {
            let last = found.last_mut()?;
            if last.printed.ends_with('%') {
                break;
            }
            last.printed.push('%');
            j += 1;
            *after.last_mut()? = j;
            continue;
        }
        match cells::row(lines[j]) {
            Some(r) if r.label.is_empty() && r.cells.len() == 1 => {
                let mut c = r.cells[0].clone();
                c.line = j + 1;
                found.push(c);
                j += 1;
                after.push(j);
            }
            _ => break,
        }
    }
    let mut n = found.len();
    if !counts.contains(&n) {
        let page_number = found
            .last()
            .is_some_and(|c| c.printed.len() <= 3 && c.printed.bytes().all(|b| b.is_ascii_digit()));
        if page_number && own.is_none() && n > 0 && counts.contains(&(n - 1)) {
            n -= 1;
        } else {
            return None;
        }
    }
    found.truncate(n);
    Some((
        RowText {
            label: label.to_string(),
            cells: found,
        },
        after[n - 1],
    ))
}
