//! Results summaries flattened from PDF with periods as rows and concepts as columns (MGC's
//! section 1), and the notes of one figure per date under them: read into the ordinary form.

use super::*;

/// The units a transposed table's units line prints, one per column, in order.
pub(super) fn column_units(text: &str) -> Option<Vec<String>> {
    static UNIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*((?:thousands|millions|billions)\s+of\s+(?:yen|u\.s\.\s+dollars|dollars|euros?)|yen|%|dollars|shares)\b?").expect("regex")
    });
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.trim().is_empty() {
        let m = UNIT.captures(rest)?;
        out.push(m[1].split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &rest[m.get(0)?.end()..];
    }
    (!out.is_empty()).then_some(out)
}

/// Column heads naming concepts, flattened from PDF into one run of words ("Net sales
/// Operating profit Ordinary profit Profit attributable to owners of parent"): a capital
/// letter starts each. Words after a `/` continue their head ("Ordinary profit/total assets").
pub(super) fn concept_heads(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        match out.last_mut() {
            Some(last) if !w.starts_with(|c: char| c.is_uppercase()) => {
                last.push(' ');
                last.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
    }
    out
}

/// A results summary printed transposed, as Japanese summaries flattened from PDF print it
/// (MGC, section 1): concept heads over a few lines, then a units line led by "Fiscal year
/// ended" or "As of" (`Fiscal year ended Millions of yen % Millions of yen % ...`), then one
/// row per period (`March 31, 2026 738,243 (4.6) 45,293 (10.9) ...`). Read at the units line
/// `u` into the ordinary form: a head per printed row, a row per concept column. A `%` column
/// after an amount, when the heads name fewer concepts than there are columns, is that amount's
/// year-on-year change: left, with why; so is a dash (nil or not applicable: not said). Strict:
/// the heads, the units and every row's cells must agree in number.
pub(super) fn transposed(lines: &[&str], u: usize) -> Option<(Table, usize)> {
    static LEAD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(fiscal\s+years?\s+ended|years?\s+ended|as\s+of)\b").expect("regex")
    });
    static ROW: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^\s*({MONTH})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b"
        ))
        .expect("regex")
    });
    static NUMBERED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(?:\(\d+\)|\d+\.)\s").expect("regex"));
    let lead = LEAD.captures(lines[u])?;
    let units = column_units(&lines[u][lead.get(0)?.end()..])?;
    let months = if lead[1].to_ascii_lowercase().starts_with("as") {
        None
    } else {
        Some(12)
    };
    // Concept heads: the lines above, up to a blank line, a numbered title or a row.
    let mut top = u;
    while top > 0 {
        let l = lines[top - 1];
        if l.trim().is_empty() || NUMBERED.is_match(l) || cells::row(l).is_some() {
            break;
        }
        top -= 1;
    }
    if top == u {
        return None;
    }
    let heads_text: Vec<&str> = lines[top..u].iter().map(|l| l.trim()).collect();
    let concepts = concept_heads(&heads_text.join(" "));
    // Which columns are concepts, which are the change of the one before.
    let change: Vec<bool> = if concepts.len() == units.len() {
        vec![false; units.len()]
    } else {
        let c: Vec<bool> = (0..units.len())
            .map(|k| units[k] == "%" && k > 0 && units[k - 1] != "%")
            .collect();
        if c.iter().filter(|x| !**x).count() != concepts.len() {
            return None;
        }
        c
    };
    let mut table = Table {
        title: numbered_title_above(lines, top).unwrap_or_else(|| title_above(lines, top)),
        scale: String::new(),
        header_lines: (top + 1..=u + 1).collect(),
        transposed: true,
        ..Table::default()
    };
    let mut columns: Vec<Vec<Cell>> = vec![Vec::new(); units.len()];
    let mut j = u + 1;
    while j < lines.len() {
        let Some(m) = ROW.captures(lines[j]) else {
            break;
        };
        let at = m.get(0)?.end();
        let Some(r) = cells::row(&lines[j][at..]) else {
            break;
        };
        if !r.label.is_empty() || r.cells.len() != units.len() {
            break;
        }
        let end =
            NaiveDate::from_ymd_opt(m[3].parse().ok()?, month_number(&m[1])?, m[2].parse().ok()?)?;
        // The row's date is its period: no figure.
        let date = m.get(1)?.start();
        table.left.push((
            Cell {
                printed: lines[j][date..at].trim().to_string(),
                value: None,
                start: date,
                end: at,
                line: j + 1,
            },
            "the date of a row of a transposed table: its period".into(),
        ));
        table.heads.push(Head {
            months,
            end: Some(end),
            fiscal: None,
            printed: format!("{} {}", lead[1].trim(), m[0].trim()),
        });
        for (k, mut c) in r.cells.into_iter().enumerate() {
            c.start += at;
            c.end += at;
            c.line = j + 1;
            columns[k].push(c);
        }
        j += 1;
    }
    if table.heads.len() < 2 {
        return None;
    }
    let mut concept = concepts.iter();
    for (k, cells) in columns.into_iter().enumerate() {
        if change[k] {
            for c in cells {
                table
                    .left
                    .push((c, "a year-on-year change (%) of the column before".into()));
            }
            continue;
        }
        let label = concept.next()?.clone();
        let mut kept = Vec::new();
        for c in cells {
            if c.value.as_deref() == Some("0") && !c.printed.bytes().any(|b| b.is_ascii_digit()) {
                // A placeholder dash must not become a nil.
                let why =
                    "a dash in a summary table: nil or not applicable, the layout does not say";
                table.left.push((c.clone(), why.into()));
                kept.push(Cell { value: None, ..c });
            } else {
                kept.push(c);
            }
        }
        table.rows.push(Row {
            line: u + 1,
            label,
            section: units[k].clone(),
            cells: kept,
        });
    }
    Some((table, j))
}

/// A note under a results summary, PDF text (MGC section 1): `Note: Comprehensive income`
/// or `Reference: Equity`, then one line per date with one amount, its scale spelt out (`March
/// 31, 2026 ¥5,080 million [(89.5)%]`, `As of March 31, 2026 ¥646,417 million`); the first date
/// may share the label's line. Read as a table of one row, a head per date: `As of` dates are
/// instants; other dates are the periods of the table above when its heads end on those very
/// dates (the note restates its rows), else no table. A bracketed change is left, with why.
pub(super) fn dated_note(
    lines: &[&str],
    i: usize,
    above: Option<&Table>,
) -> Option<(Table, usize)> {
    static NOTE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:\*\s*)?(?:Note|Notes|Reference)\s*:\s*(.+)$").expect("regex")
    });
    static DATED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r"^\s*((?i:as\s+of)\s+)?({MONTH})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\s+([¥$€£]\s?\(?[\d,]+(?:\.\d+)?\)?)\s+(thousand|million|billion)s?\b\s*(.*?)\s*$"
        ))
        .expect("regex")
    });
    let note = NOTE.captures(lines[i])?;
    let body = note.get(1)?;
    // The label runs to the first date (or the line's end).
    let first_date = DATE
        .find_iter(body.as_str())
        .find(|m| DATED.is_match(&body.as_str()[m.start()..]))
        .map(|m| body.start() + m.start());
    let label_end = first_date.unwrap_or(lines[i].len());
    let mut label = lines[i][body.start()..label_end].trim().to_string();
    if label.to_ascii_lowercase().ends_with(" as of") {
        label.truncate(label.len() - 6);
    }
    if label.is_empty() {
        return None;
    }
    let mut dated: Vec<(usize, usize)> = Vec::new(); // (line index, byte offset of the date)
    if let Some(at) = first_date {
        dated.push((i, at));
    }
    let mut j = i + 1;
    while j < lines.len() && DATED.is_match(lines[j]) {
        dated.push((j, 0));
        j += 1;
    }
    if dated.len() < 2 {
        return None;
    }
    let mut table = Table {
        title: numbered_title_above(lines, i).unwrap_or_else(|| title_above(lines, i)),
        header_lines: vec![i + 1],
        transposed: true,
        ..Table::default()
    };
    let mut cells = Vec::new();
    let mut scale = String::new();
    for &(l, off) in &dated {
        let text = &lines[l][off..];
        let m = DATED.captures(text)?;
        let end =
            NaiveDate::from_ymd_opt(m[4].parse().ok()?, month_number(&m[2])?, m[3].parse().ok()?)?;
        let as_of = m.get(1).is_some() || label.to_ascii_lowercase().ends_with("as of");
        let months = if as_of {
            None
        } else {
            // The periods of the table above that end on this date, all of one length.
            let a = above?;
            let same: Vec<Option<u32>> = a
                .heads
                .iter()
                .filter(|h| h.end == Some(end))
                .map(|h| h.months)
                .collect();
            match same.as_slice() {
                [m, rest @ ..] if m.is_some() && rest.iter().all(|r| r == m) => *m,
                _ => return None,
            }
        };
        let word = m[6].to_ascii_lowercase();
        if !scale.is_empty() && scale != word {
            return None;
        }
        scale = word;
        table.heads.push(Head {
            months,
            end: Some(end),
            fiscal: None,
            printed: text[..m.get(5)?.start()].trim().to_string(),
        });
        let amount = m.get(5)?;
        cells.push(Cell {
            printed: amount.as_str().to_string(),
            value: cells::value_of(amount.as_str()),
            start: off + amount.start(),
            end: off + amount.end(),
            line: l + 1,
        });
        let date = m.get(2)?.start();
        table.left.push((
            Cell {
                printed: text[date..amount.start()].trim().to_string(),
                value: None,
                start: off + date,
                end: off + amount.start(),
                line: l + 1,
            },
            "the date of a note's figure: its period".into(),
        ));
        if let Some(rest) = m.get(7).filter(|r| !r.as_str().is_empty()) {
            table.left.push((
                Cell {
                    printed: rest.as_str().to_string(),
                    value: None,
                    start: off + rest.start(),
                    end: off + rest.end(),
                    line: l + 1,
                },
                "a change printed beside a note's figure".into(),
            ));
        }
    }
    if cells.iter().any(|c| c.value.is_none()) {
        return None;
    }
    table.scale = format!("(In {scale}s)");
    table.rows.push(Row {
        line: i + 1,
        label,
        section: String::new(),
        cells,
    });
    Some((table, j))
}

/// The numbered title (`(1) Summary of consolidated income statement`) a transposed table is
/// printed under: the nearest above, within a page of lines, not past a numbered section
/// (`2. Dividends`). A second table under one title (MGC's EPS and ratios under (1)) has no
/// title line of its own.
pub(super) fn numbered_title_above(lines: &[&str], top: usize) -> Option<String> {
    static SUB: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\(\d{1,2}\)\s+\S").expect("regex"));
    static SECTION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*\d{1,2}\.\s+\S").expect("regex"));
    for l in lines[top.saturating_sub(30)..top].iter().rev() {
        if SUB.is_match(l) {
            return Some(l.trim().to_string());
        }
        if SECTION.is_match(l) {
            return None;
        }
    }
    None
}
