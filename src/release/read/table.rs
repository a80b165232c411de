//! Lines to tables: the table model of a release text. A table is a header block (column heads
//! over one or several lines: durations "Three Months Ended", dates "April 28, 2024" or a date
//! line over a year line, fiscal labels "Q3 FY25", `As of`, change columns "Q/Q", "% Change"),
//! then rows (a label and its cells, `cells`), section lines ("Operating expenses:") and labels
//! wrapped over two lines between them. Above the header: the statement's title and its scale
//! line ("(In millions, except per share data)"). A blank line, prose, or the next header ends it.
//! Three layouts besides one row to a line: cells one to a line (a label line, then its cells,
//! joined when exactly as many as the heads); results summaries printed transposed in PDF text
//! (periods as rows, concepts as columns: read into the ordinary form); notes of one figure per
//! date under such a summary. A statement continued on the next page keeps its title.
//! Nothing here knows a calendar or a concept: heads are words and dates as printed.

use super::cells::{self, Cell, RowText};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// What one column head says, as printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Head {
    /// Months the column's period lasts ("Three Months Ended", "Thirteen Weeks Ended": 3);
    /// `None` for a date with no duration (a balance sheet's).
    pub months: Option<u32>,
    /// The day the column ends, when its head prints one.
    pub end: Option<NaiveDate>,
    /// A fiscal label the head prints (`Q3 FY25` → quarter 3 of fiscal year 2025).
    pub fiscal: Option<(u32, i32)>,
    /// The head as printed, for notes.
    pub printed: String,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line of the text.
    pub line: usize,
    /// Label as printed (a wrapped label joined with a space).
    pub label: String,
    /// The section line above it ("Operating expenses"), if any.
    pub section: String,
    pub cells: Vec<Cell>,
}

/// A table of the text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The statement's title ("CONDENSED CONSOLIDATED STATEMENTS OF INCOME").
    pub title: String,
    /// The scale line as printed ("(In millions, except per share data)"), if any.
    pub scale: String,
    /// Level columns, in order.
    pub heads: Vec<Head>,
    /// Change columns after them ("Q/Q", "Y/Y", "% Change"), as printed.
    pub changes: Vec<String>,
    /// Lines of the header block.
    pub header_lines: Vec<usize>,
    pub rows: Vec<Row>,
    /// Cells the layout prints but the model places in no row and column, with why (a
    /// transposed table's year-on-year changes, its dashes).
    pub left: Vec<(Cell, String)>,
    /// Printed with periods as rows and concepts as columns (PDF results summaries), read here
    /// into the ordinary form: heads are the printed rows' dates, rows the printed columns.
    pub transposed: bool,
}

static MONTH: &str = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b({MONTH})\.?\s+(\d{{1,2}}),?(?:\s+((?:19|20)\d\d)\b)?"
    ))
    .expect("regex")
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:(three|six|nine|twelve|3|6|9|12)[- ]months?|",
        r"(twelve|thirteen|fourteen|twenty[- ]six|twenty[- ]seven|thirty[- ]nine|forty|fifty[- ]two|fifty[- ]three|12|13|14|26|27|39|40|52|53)[- ]weeks?|",
        r"((?:fiscal\s+)?years?|quarters?)\s+ended)\b"
    ))
    .expect("regex")
});
static FISCAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Q([1-4])\s*(?:FY|F)\s*'?(\d{2}|\d{4})|([1-4])Q\s*'?(\d{2}|\d{4}))\b")
        .expect("regex")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(?:19|20)\d\d\b").expect("regex"));
static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\bQ/Q\b|\bY/Y\b|\bYoY\b|\bQoQ\b|%\s*change\b|\bchange\b|\bvariance\b|%\s*chg\b|\bincrease\s*\(decrease\)|\bup/down\b)").expect("regex")
});
/// Words a header line may hold besides its heads.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:ended|ending|as\s+of|as\s+at|at|unaudited|audited|and|for\s+the|of|the|fiscal|in|period|periods|to|from|through)\b|[(),.:$%\-–—/]").expect("regex")
});
static SCALE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in|amounts\s+in|dollars\s+in|\$\s*in)\s+(thousands|millions|billions)\b|\b(thousands|millions|billions)\s+of\s+(?:dollars|yen|u\.s\.\s*dollars|euros?)\b").expect("regex")
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)statements?\s+of|balance\s+sheets?|cash\s+flows?|financial\s+position|results|highlights|summary|segment|reconciliation|income|operations").expect("regex")
});

/// What a header line holds, in print order: durations (months), dates, years, fiscal labels,
/// change heads; `None` when the line is not a header line.
#[derive(Debug, Default)]
struct HeaderLine {
    durations: Vec<(usize, u32)>,
    dates: Vec<(usize, u32, u32, Option<i32>, String)>,
    years: Vec<i32>,
    fiscal: Vec<(u32, i32, String)>,
    changes: Vec<String>,
    as_of: bool,
    /// Words before the heads (`ASSETS   November 2, 2024   February 3, 2024`): the table's
    /// first section.
    lead: String,
}

fn months_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase().replace(['-', ' '], "");
    Some(match w.as_str() {
        "three" | "3" | "thirteen" | "13" | "fourteen" | "14" => 3,
        "six" | "6" | "twentysix" | "26" | "twentyseven" | "27" => 6,
        "nine" | "9" | "thirtynine" | "39" | "forty" | "40" => 9,
        "twelve" | "12" | "fiftytwo" | "52" | "fiftythree" | "53" => 12,
        _ => return None,
    })
}

fn month_number(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|m| n.starts_with(m))
        .map(|i| i as u32 + 1)
}

fn fiscal_year(digits: &str) -> Option<i32> {
    let n: i32 = digits.parse().ok()?;
    Some(if digits.len() == 2 { 2000 + n } else { n })
}

/// Read a line as a header line.
fn header_line(line: &str) -> Option<HeaderLine> {
    let mut h = HeaderLine::default();
    let mut rest = line.to_string();
    let blank = |s: &mut String, from: usize, to: usize| {
        s.replace_range(from..to, &" ".repeat(to - from));
    };
    for c in DURATION.captures_iter(line) {
        let m = c.get(0)?;
        let months = match (c.get(1), c.get(2), c.get(3)) {
            (Some(w), _, _) | (_, Some(w), _) => months_of(w.as_str())?,
            (_, _, Some(w)) if w.as_str().to_ascii_lowercase().starts_with("quarter") => 3,
            _ => 12,
        };
        h.durations.push((m.start(), months));
        blank(&mut rest, m.start(), m.end());
    }
    for c in DATE.captures_iter(line) {
        let m = c.get(0)?;
        let month = month_number(&c[1])?;
        let day: u32 = c[2].parse().ok()?;
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        h.dates
            .push((m.start(), month, day, year, m.as_str().trim().to_string()));
        blank(&mut rest, m.start(), m.end());
    }
    for c in FISCAL.captures_iter(&rest.clone()) {
        let m = c.get(0)?;
        let (q, y) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(q), Some(y), _, _) | (_, _, Some(q), Some(y)) => (q.as_str(), y.as_str()),
            _ => continue,
        };
        h.fiscal
            .push((q.parse().ok()?, fiscal_year(y)?, m.as_str().to_string()));
        blank(&mut rest, m.start(), m.end());
    }
    for m in YEAR.find_iter(&rest.clone()) {
        h.years.push(m.as_str().parse().ok()?);
        blank(&mut rest, m.start(), m.end());
    }
    for m in CHANGE.find_iter(&rest.clone()) {
        h.changes.push(m.as_str().to_string());
        blank(&mut rest, m.start(), m.end());
    }
    static AS_OF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bas\s+(?:of|at)\b").expect("regex"));
    static FOOTNOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\(\d{1,2}\)|\*+").expect("regex"));
    h.as_of = AS_OF.is_match(line);
    let rest = FOOTNOTE.replace_all(&rest, " ");
    let left = NOISE.replace_all(&rest, " ");
    let found = h.durations.len() + h.dates.len() + h.years.len() + h.fiscal.len();
    if found == 0 {
        return None;
    }
    if left.trim().is_empty() {
        return Some(h);
    }
    // Words before two or more dates are the table's first section, not a row.
    let first = left.find(|c: char| !c.is_whitespace()).unwrap_or(0);
    let last = left.trim_end().len();
    let first_head = h.dates.iter().map(|d| d.0).min().unwrap_or(usize::MAX);
    if h.dates.len() >= 2 && last <= first_head && first < first_head {
        h.lead = left[first..last].trim().to_string();
        return Some(h);
    }
    None
}

/// The column heads of a header block.
fn heads(lines: &[HeaderLine], printed: &[&str]) -> (Vec<Head>, Vec<String>) {
    let durations: Vec<u32> = lines
        .iter()
        .flat_map(|l| l.durations.iter().map(|d| d.1))
        .collect();
    let dates: Vec<&(usize, u32, u32, Option<i32>, String)> =
        lines.iter().flat_map(|l| l.dates.iter()).collect();
    let years: Vec<i32> = lines.iter().flat_map(|l| l.years.iter().copied()).collect();
    let fiscal: Vec<&(u32, i32, String)> = lines.iter().flat_map(|l| l.fiscal.iter()).collect();
    let changes: Vec<String> = lines
        .iter()
        .flat_map(|l| l.changes.iter().cloned())
        .collect();
    let text = printed.join(" / ");
    let n = if !dates.is_empty() && dates.iter().all(|d| d.3.is_some()) {
        dates.len()
    } else if !years.is_empty() {
        years.len()
    } else if !fiscal.is_empty() {
        fiscal.len()
    } else {
        dates.len()
    };
    if n == 0 {
        return (Vec::new(), changes);
    }
    let group = |count: usize, i: usize| -> Option<usize> {
        (count > 0 && n % count == 0).then(|| i / (n / count))
    };
    let ends: Vec<Option<NaiveDate>> = (0..n)
        .map(|i| {
            if dates.len() == n {
                let d = dates[i];
                let year = d.3.or_else(|| (years.len() == n).then(|| years[i]));
                year.and_then(|y| NaiveDate::from_ymd_opt(y, d.1, d.2))
            } else if let Some(g) = group(dates.len(), i) {
                let d = dates[g];
                let year = d.3.or_else(|| (years.len() == n).then(|| years[i]));
                year.and_then(|y| NaiveDate::from_ymd_opt(y, d.1, d.2))
            } else {
                None
            }
        })
        .collect();
    let runs = duration_runs(&ends, durations.len());
    let mut out = Vec::new();
    for i in 0..n {
        let end = ends[i];
        let months = group(durations.len(), i)
            .or_else(|| runs.as_ref().map(|r| r[i]))
            .map(|g| durations[g]);
        let fiscal = (fiscal.len() == n).then(|| (fiscal[i].0, fiscal[i].1));
        out.push(Head {
            months,
            end,
            fiscal,
            printed: text.clone(),
        });
    }
    (out, changes)
}

/// Which duration heads each column when the columns do not split evenly among them (AMD's
/// "Three Months Ended" over three dates, "Six Months Ended" over two, every head on a line of
/// its own): each duration's columns run from the latest date back, so a column dated after the
/// one before it starts the next duration. `None` unless the runs are exactly as many as the
/// durations.
fn duration_runs(ends: &[Option<NaiveDate>], durations: usize) -> Option<Vec<usize>> {
    if durations < 2 || ends.len().is_multiple_of(durations) {
        return None;
    }
    let mut run = 0;
    let mut out = Vec::with_capacity(ends.len());
    for (i, end) in ends.iter().enumerate() {
        let end = (*end)?;
        if i > 0 && end > ends[i - 1]? {
            run += 1;
        }
        out.push(run);
    }
    (run + 1 == durations).then_some(out)
}

/// A label line whose cells follow it one to a line (AMD: `Net revenue`, `$`, `11,536`, `$`,
/// `10,253`, ...; a `%` on its own line ends the cell before it): the row, and the line after
/// its last cell. Strict: only when the cells are as many as one of `counts` (the heads, or the
/// heads and change columns); a page number printed after the last row's cells is no cell.
fn cells_one_per_line(lines: &[&str], i: usize, counts: &[usize]) -> Option<(RowText, usize)> {
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

/// The units a transposed table's units line prints, one per column, in order.
fn column_units(text: &str) -> Option<Vec<String>> {
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
fn concept_heads(text: &str) -> Vec<String> {
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
fn transposed(lines: &[&str], u: usize) -> Option<(Table, usize)> {
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
fn dated_note(lines: &[&str], i: usize, above: Option<&Table>) -> Option<(Table, usize)> {
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
fn numbered_title_above(lines: &[&str], top: usize) -> Option<String> {
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

/// Does a label-only line end the table: prose, or a new statement's title?
fn ends_table(line: &str) -> bool {
    let t = line.trim();
    t.len() > 160 || (t.ends_with('.') && t.split_whitespace().count() > 8)
}

/// The tables of a text.
pub fn tables(text: &str) -> Vec<Table> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Table> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some((t, next)) = transposed(&lines, i) {
            out.push(t);
            i = next;
            continue;
        }
        if let Some((t, next)) = dated_note(&lines, i, out.last()) {
            out.push(t);
            i = next;
            continue;
        }
        // A header block: header lines, `(Unaudited)` and blank-free, one after another.
        let Some(first) = header_line(lines[i]).filter(|_| !is_row_of_numbers(lines[i])) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut block = vec![first];
        let mut printed = vec![lines[i].trim()];
        i += 1;
        while i < lines.len() {
            if let Some(h) = header_line(lines[i]).filter(|_| !is_row_of_numbers(lines[i])) {
                block.push(h);
                printed.push(lines[i].trim());
                i += 1;
            } else {
                break;
            }
        }
        let (heads, changes) = heads(&block, &printed);
        // One date alone (a release's own date under its headline) heads no table.
        let durations = block.iter().any(|h| !h.durations.is_empty());
        if heads.is_empty() || heads.len() < 2 && !durations {
            continue;
        }
        let as_of = block.iter().any(|h| h.as_of);
        let heads = if as_of {
            heads
                .into_iter()
                .map(|h| Head { months: None, ..h })
                .collect()
        } else {
            heads
        };
        let mut table = Table {
            title: title_above(&lines, start),
            scale: scale_above(&lines, start),
            heads,
            changes,
            header_lines: (start + 1..=i).collect(),
            rows: Vec::new(),
            ..Table::default()
        };
        let mut section = block
            .iter()
            .find(|h| !h.lead.is_empty())
            .map(|h| h.lead.trim_end_matches(':').to_string())
            .unwrap_or_default();
        let mut pending: Option<String> = None;
        while i < lines.len() {
            let line = lines[i];
            if line.trim().is_empty()
                || (header_line(line).is_some() && !is_row_of_numbers(line))
                || transposed(&lines, i).is_some()
            {
                break;
            }
            let counts = [table.heads.len(), table.heads.len() + table.changes.len()];
            let (read, next) = match cells_one_per_line(&lines, i, &counts) {
                Some((r, next)) => (Some(r), next),
                None => (cells::row(line), i + 1),
            };
            match read {
                Some(mut r)
                    if !(r.label.is_empty()
                        && r.cells.iter().all(|c| cells::is_year(&c.printed))) =>
                {
                    for c in &mut r.cells {
                        if c.line == 0 {
                            c.line = i + 1;
                        }
                    }
                    let mut label = r.label;
                    let wrapped = label.chars().next().is_some_and(char::is_lowercase);
                    if let Some(p) = pending.take() {
                        if wrapped || label.is_empty() && !p.ends_with(':') {
                            label = format!("{p} {label}").trim().to_string();
                        } else {
                            section = p.trim_end_matches(':').trim().to_string();
                        }
                    }
                    table.rows.push(Row {
                        line: i + 1,
                        label,
                        section: section.clone(),
                        cells: r.cells,
                    });
                    i = next;
                    continue;
                }
                _ => {
                    if ends_table(line) {
                        break;
                    }
                    if let Some(p) = pending.take() {
                        section = p.trim_end_matches(':').trim().to_string();
                    }
                    pending = Some(line.trim().to_string());
                }
            }
            i += 1;
        }
        // A statement continued on the next page repeats its heads under no title of its own.
        if table.title.is_empty() {
            let same = |a: &Table| {
                !a.transposed
                    && a.heads.len() == table.heads.len()
                    && a.heads
                        .iter()
                        .zip(&table.heads)
                        .all(|(x, y)| x.end == y.end && x.months == y.months)
            };
            if let Some(before) = out.last().filter(|a| same(a)) {
                table.title = before.title.clone();
                if table.scale.is_empty() {
                    table.scale = before.scale.clone();
                }
            }
        }
        if !table.rows.is_empty() {
            out.push(table);
        }
    }
    out
}

/// A line that is a row of a table, not a header: a label and cells that are not all years.
fn is_row_of_numbers(line: &str) -> bool {
    cells::row(line).is_some_and(|r| {
        let all_years = r.cells.iter().all(|c| cells::is_year(&c.printed));
        !all_years || (!r.label.is_empty() && !is_header_label(&r.label))
    })
}

/// A label printed before a header's years ("Fiscal Year", "As of December 31,").
fn is_header_label(label: &str) -> bool {
    header_line(label).is_some() || NOISE.replace_all(label, " ").trim().is_empty()
}

/// A page number as PDF text prints it (`- 6 -`).
static PAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^-?\s*\d{1,3}\s*-?$").expect("regex"));

/// The statement title over a header: the nearest title-like line within a few lines above,
/// never past a row of the table before.
fn title_above(lines: &[&str], header: usize) -> String {
    let from = header.saturating_sub(6);
    let above: Vec<&str> = lines[from..header]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| cells::row(l).is_none())
        .filter(|l| !l.is_empty() && !SCALE.is_match(l) && !PAGE.is_match(l))
        .collect();
    above
        .iter()
        .find(|l| TITLE.is_match(l) && l.len() < 160)
        .or_else(|| {
            above
                .iter()
                .find(|l| !l.eq_ignore_ascii_case("(unaudited)"))
        })
        .map(|l| l.to_string())
        .unwrap_or_default()
}

/// The scale line over a header, within a few lines above.
fn scale_above(lines: &[&str], header: usize) -> String {
    let from = header.saturating_sub(6);
    lines[from..header]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| SCALE.is_match(l))
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NVIDIA: &str = "NVIDIA CORPORATION\nCONDENSED CONSOLIDATED STATEMENTS OF INCOME\n(In millions, except per share data)\n(Unaudited)\nThree Months Ended\nApril 28,   April 30,\n2024   2023\nRevenue   $26,044   $7,192\nCost of revenue   5,638   2,544\nGross profit   20,406   4,648\nOperating expenses\nResearch and development   2,720   1,875\nPrincipal payments on property and equipment and\nintangible assets   (40)   (20)\n\nNext";

    #[test]
    fn a_header_over_three_lines_names_durations_and_dates() {
        let t = tables(NVIDIA);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.title, "CONDENSED CONSOLIDATED STATEMENTS OF INCOME");
        assert_eq!(t.scale, "(In millions, except per share data)");
        assert_eq!(t.heads.len(), 2);
        assert_eq!(t.heads[0].months, Some(3));
        assert_eq!(t.heads[0].end, NaiveDate::from_ymd_opt(2024, 4, 28));
        assert_eq!(t.heads[1].end, NaiveDate::from_ymd_opt(2023, 4, 30));
        assert_eq!(t.rows[0].label, "Revenue");
        assert_eq!(t.rows[0].line, 8);
        assert_eq!(t.rows[3].section, "Operating expenses");
        assert_eq!(
            t.rows[4].label,
            "Principal payments on property and equipment and intangible assets"
        );
    }

    #[test]
    fn durations_span_their_dates_and_balance_sheets_are_instants() {
        let buckle = "CONSOLIDATED STATEMENTS OF INCOME\n(Amounts in Thousands Except Per Share Amounts)\nThirteen Weeks Ended   Thirty-Nine Weeks Ended\nNovember 2, 2024   October 28, 2023   November 2, 2024   October 28, 2023\nSALES, Net of returns and allowances   $293,618   $303,457   $838,490   $878,719\n";
        let t = &tables(buckle)[0];
        let months: Vec<Option<u32>> = t.heads.iter().map(|h| h.months).collect();
        assert_eq!(months, vec![Some(3), Some(3), Some(9), Some(9)]);
        assert_eq!(t.heads[3].end, NaiveDate::from_ymd_opt(2023, 10, 28));
        let apple = "CONDENSED CONSOLIDATED BALANCE SHEETS (Unaudited)\n(In millions)\nDecember 30, 2023   September 30, 2023\nASSETS:\nCurrent assets:\nCash and cash equivalents   $40,760   $29,965\n";
        let t = &tables(apple)[0];
        assert_eq!(t.heads[0].months, None);
        let buckle = "CONSOLIDATED BALANCE SHEETS\nASSETS   November 2, 2024   February 3, 2024 (1)   October 28, 2023\nCURRENT ASSETS:\nCash and cash equivalents   $301,958   $268,213   $311,657\n";
        let b = &tables(buckle)[0];
        assert_eq!(b.heads.len(), 3);
        assert_eq!(b.heads[1].end, NaiveDate::from_ymd_opt(2024, 2, 3));
        assert_eq!(b.rows[0].section, "CURRENT ASSETS");
        assert_eq!(t.heads[1].end, NaiveDate::from_ymd_opt(2023, 9, 30));
        assert_eq!(t.rows[0].section, "Current assets");
        // A date over years, as fixed-width exhibits print it.
        let southern = "STATEMENTS OF INCOME\nThree Months Ended December 31,   Year Ended December 31,\n2004   2003   2004   2003\nOperating revenues   $2,847   $2,582   $11,902   $11,251\n";
        let t = &tables(southern)[0];
        assert_eq!(t.heads.len(), 4);
        assert_eq!(t.heads[2].months, Some(12));
        assert_eq!(t.heads[3].end, NaiveDate::from_ymd_opt(2003, 12, 31));
        // Fiscal labels and change columns.
        let fiscal = "Revenue by segment\nQ3 FY25   Q2 FY25   Q3 FY24   Q/Q   Y/Y\nData Center   $30,771   $26,272   $14,514   17%   112%\n";
        let t = &tables(fiscal)[0];
        assert_eq!(t.heads[0].fiscal, Some((3, 2025)));
        assert_eq!(t.changes, vec!["Q/Q".to_string(), "Y/Y".to_string()]);
        assert_eq!(t.rows[0].cells.len(), 5);
    }

    /// AMD 2026Q2, `source.txt` lines 542-601 (statement of operations: every head and cell on
    /// a line of its own; `$` and `%` on their own lines too).
    const AMD_OPERATIONS: &str = "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n(Millions except per share amounts and percentages) (Unaudited)\nThree Months Ended\nSix Months Ended\nJune 27,\n2026\nMarch 28,\n2026\nJune 28,\n2025\nJune 27,\n2026\nJune 28,\n2025\nNet revenue\n$\n11,536\u{a0}\n$\n10,253\u{a0}\n$\n7,685\u{a0}\n$\n21,789\u{a0}\n$\n15,123\u{a0}\nCost of sales\n5,073\u{a0}\n4,576\u{a0}\n4,366\u{a0}\n9,649\u{a0}\n7,817\u{a0}\nAmortization of acquisition-related intangibles\n260\u{a0}\n261\u{a0}\n260\u{a0}\n521\u{a0}\n511\u{a0}\nTotal cost of sales\n5,333\u{a0}\n4,837\u{a0}\n4,626\u{a0}\n10,170\u{a0}\n8,328\u{a0}\nGross profit\n6,203\u{a0}\n5,416\u{a0}\n3,059\u{a0}\n11,619\u{a0}\n6,795\u{a0}\nGross margin\n54\u{a0}\n%\n53\u{a0}\n%\n40\u{a0}\n%\n53\u{a0}\n%\n45\u{a0}\n%\n";

    #[test]
    fn cells_one_to_a_line_are_joined_under_their_heads() {
        let t = tables(AMD_OPERATIONS);
        assert_eq!(t.len(), 1);
        let t = &t[0];
        assert_eq!(t.title, "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS");
        // Three columns under "Three Months Ended", two under "Six Months Ended": the dates run
        // back within each duration.
        let heads: Vec<(Option<u32>, Option<NaiveDate>)> =
            t.heads.iter().map(|h| (h.months, h.end)).collect();
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(
            heads,
            vec![
                (Some(3), d(2026, 6, 27)),
                (Some(3), d(2026, 3, 28)),
                (Some(3), d(2025, 6, 28)),
                (Some(6), d(2026, 6, 27)),
                (Some(6), d(2025, 6, 28)),
            ]
        );
        let revenue = &t.rows[0];
        assert_eq!(revenue.label, "Net revenue");
        let values: Vec<&str> = revenue
            .cells
            .iter()
            .map(|c| c.value.as_deref().unwrap())
            .collect();
        assert_eq!(values, vec!["11536", "10253", "7685", "21789", "15123"]);
        // Each cell keeps its own line (1-based in the excerpt) and its place in it.
        let lines: Vec<usize> = revenue.cells.iter().map(|c| c.line).collect();
        assert_eq!(lines, vec![17, 19, 21, 23, 25]);
        assert_eq!(revenue.cells[0].start, 0);
        assert_eq!(t.rows[1].label, "Cost of sales");
        assert_eq!(t.rows[1].cells.len(), 5);
        // A `%` on its own line belongs to the cell above it.
        let margin = t.rows.iter().find(|r| r.label == "Gross margin").unwrap();
        assert_eq!(margin.cells[0].printed, "54%");
        assert_eq!(margin.cells.len(), 5);
    }

    #[test]
    fn a_page_number_after_the_last_cells_is_no_cell_and_other_counts_are_left_alone() {
        // AMD 2026Q2, lines 752-789: the share counts, page number 8, the balance sheet's heads.
        let amd = "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\nThree Months Ended\nSix Months Ended\nJune 27,\n2026\nMarch 28,\n2026\nJune 28,\n2025\nJune 27,\n2026\nJune 28,\n2025\nShares used in per share calculation\nBasic\n1,632\u{a0}\n1,631\u{a0}\n1,623\u{a0}\n1,631\u{a0}\n1,621\u{a0}\nDiluted\n1,659\u{a0}\n1,650\u{a0}\n1,630\u{a0}\n1,655\u{a0}\n1,628\u{a0}\n8\nADVANCED MICRO DEVICES, INC.\nCONDENSED CONSOLIDATED BALANCE SHEETS\n(Millions)\nJune 27,\n2026\nDecember 27,\n2025\n(Unaudited)\nASSETS\nCurrent assets:\nCash and cash equivalents\n$\n5,086\u{a0}\n$\n5,539\u{a0}\nShort-term investments\n8,025\u{a0}\n5,013\u{a0}\nAccounts receivable, net\n7,281\u{a0}\n6,315\u{a0}\nInventories\n8,468\u{a0}\n7,920\u{a0}\n";
        let t = tables(amd);
        assert_eq!(t.len(), 2);
        let diluted = t[0].rows.iter().find(|r| r.label == "Diluted").unwrap();
        assert_eq!(diluted.label, "Diluted");
        assert_eq!(diluted.section, "Shares used in per share calculation");
        assert_eq!(diluted.cells.len(), 5);
        assert_eq!(diluted.cells[4].value.as_deref(), Some("1628"));
        // The page number stays a line of its own, a row of no label the draft leaves.
        let page = t[0].rows.last().unwrap();
        assert_eq!((page.label.as_str(), page.cells.len()), ("", 1));
        assert_eq!(t[1].title, "CONDENSED CONSOLIDATED BALANCE SHEETS");
        assert_eq!(t[1].heads.len(), 2);
        assert_eq!(t[1].heads[0].months, None);
        assert_eq!(t[1].rows[0].label, "Cash and cash equivalents");
        assert_eq!(t[1].rows[0].section, "Current assets");
        assert_eq!(t[1].rows[0].cells.len(), 2);
        // AMD 2026Q2, lines 846-853: a label ending in a number of its own.
        let bs = "BALANCE SHEETS\nJune 27,\n2026\nDecember 27,\n2025\n1,186\u{a0}\nStockholders' equity:\nCapital stock:\nCommon stock, par value $0.01\n16\u{a0}\n17\u{a0}\nAdditional paid-in capital\n61,373\u{a0}\n";
        let t = tables(bs);
        let stock = t[0]
            .rows
            .iter()
            .find(|r| r.label.starts_with("Common stock"))
            .unwrap();
        assert_eq!(stock.label, "Common stock, par value $0.01");
        assert_eq!(stock.cells.len(), 2);
        // Three cells under two heads: not joined, each line a row of one cell (which the draft
        // leaves: one cell under two heads).
        let odd = "BALANCE SHEETS\nJune 27,\n2026\nDecember 27,\n2025\nInventories\n8,468\n7,920\n7,001\n";
        let t = tables(odd);
        assert_eq!(t[0].rows.len(), 3);
        assert!(t[0].rows.iter().all(|r| r.cells.len() == 1));
    }

    #[test]
    fn transposed_summaries_read_with_periods_as_heads() {
        // MGC FY2026, `source.txt` lines 26-33: section 1 (1), periods as rows.
        let mgc = "(1) Summary of consolidated income statement (Percentages indicate year-on-year changes.) \n Net sales Operating profit Ordinary profit Profit attributable to \nowners of parent \nFiscal year ended Millions of yen % Millions of yen % Millions of yen % Millions of yen % \nMarch 31, 2026 738,243 (4.6) 45,293 (10.9) 51,947 (13.9) (40,318) – \nMarch 31, 2025 773,591 (4.9) 50,851 7.4 60,316 31.0 45,544 17.3 \nNote: Comprehensive income March 31, 2026 ¥5,080 million [(89.5)%] \nMarch 31, 2025 ¥48,229 million [(45.0)%] \n";
        let all = tables(mgc);
        assert_eq!(all.len(), 2);
        let t = &all[0];
        assert!(t.transposed);
        assert!(t
            .title
            .starts_with("(1) Summary of consolidated income statement"));
        assert_eq!(t.heads.len(), 2);
        assert_eq!(t.heads[0].months, Some(12));
        assert_eq!(t.heads[0].end, NaiveDate::from_ymd_opt(2026, 3, 31));
        assert_eq!(t.heads[1].end, NaiveDate::from_ymd_opt(2025, 3, 31));
        let labels: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Net sales",
                "Operating profit",
                "Ordinary profit",
                "Profit attributable to owners of parent"
            ]
        );
        let sales = &t.rows[0];
        assert_eq!(sales.section, "Millions of yen");
        assert_eq!(sales.cells[0].value.as_deref(), Some("738243"));
        assert_eq!(sales.cells[0].line, 5);
        assert_eq!(sales.cells[1].value.as_deref(), Some("773591"));
        assert_eq!(sales.cells[1].line, 6);
        assert_eq!(t.rows[3].cells[0].value.as_deref(), Some("-40318"));
        // The % columns are year-on-year changes: left.
        let changes = t
            .left
            .iter()
            .filter(|(_, why)| why.contains("year-on-year"));
        assert_eq!(changes.count(), 8);
        // So are the rows' dates, their periods.
        let dates: Vec<&str> = t
            .left
            .iter()
            .filter(|(_, why)| why.contains("date"))
            .map(|(c, _)| c.printed.as_str())
            .collect();
        assert_eq!(dates, vec!["March 31, 2026", "March 31, 2025"]);
        // Lines 32-33: a note of one figure per date, the periods of the table above.
        let note = &all[1];
        assert_eq!(note.title, t.title);
        assert_eq!(note.rows[0].label, "Comprehensive income");
        assert_eq!(note.scale, "(In millions)");
        let heads: Vec<(Option<u32>, Option<NaiveDate>)> =
            note.heads.iter().map(|h| (h.months, h.end)).collect();
        assert_eq!(
            heads,
            vec![
                (Some(12), NaiveDate::from_ymd_opt(2026, 3, 31)),
                (Some(12), NaiveDate::from_ymd_opt(2025, 3, 31))
            ]
        );
        let values: Vec<(&str, usize)> = note.rows[0]
            .cells
            .iter()
            .map(|c| (c.value.as_deref().unwrap(), c.line))
            .collect();
        assert_eq!(values, vec![("5080", 7), ("48229", 8)]);
        assert!(note.left.iter().any(|(c, _)| c.printed == "[(89.5)%]"));
        // MGC lines 54-56: `As of` dates are instants, whatever is above.
        let equity = "Reference: Equity \nAs of March 31, 2026 ¥646,417 million \nAs of March 31, 2025 ¥668,222 million \n";
        let t = &tables(equity)[0];
        assert_eq!(t.rows[0].label, "Equity");
        assert_eq!(t.heads[1].months, None);
        assert_eq!(t.rows[0].cells[1].value.as_deref(), Some("668222"));
        // Dates of no length and no table above to give them one: no table.
        let alone = "Note: Comprehensive income March 31, 2026 ¥5,080 million \nMarch 31, 2025 ¥48,229 million \n";
        assert!(tables(alone).is_empty());
        // Lines 34-44: heads wrapped anywhere; a dash in a concept column (diluted EPS) is nil or
        // not applicable: left, with no value.
        let mgc = " \n Basic earnings per \nshare \nDiluted earnings \nper share Return on equity Ordinary \nprofit/total assets \nOperating \nprofit/net sales \nFiscal year ended Yen Yen % % % \nMarch 31, 2026 (207.04) – (6.1) 4.7 6.1 \nMarch 31, 2025 228.93 – 6.9 5.5 6.6 \n";
        let t = &tables(mgc)[0];
        let labels: Vec<&str> = t.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            vec![
                "Basic earnings per share",
                "Diluted earnings per share",
                "Return on equity",
                "Ordinary profit/total assets",
                "Operating profit/net sales"
            ]
        );
        assert_eq!(t.rows[0].cells[0].value.as_deref(), Some("-207.04"));
        assert_eq!(t.rows[1].cells[0].value, None);
        let dashes: Vec<&Cell> = t
            .left
            .iter()
            .filter(|(_, why)| why.contains("dash"))
            .map(|(c, _)| c)
            .collect();
        assert_eq!(dashes.len(), 2);
        assert!(dashes.iter().all(|c| c.printed == "–"));
        // Lines 49-53: (2) financial position, as of dates; four concepts, four columns.
        let mgc = "(2) Consolidated financial position \n Total assets Net assets Equity ratio Net assets per share \nAs of Millions of yen Millions of yen % Yen \nMarch 31, 2026 1,113,040 679,550 58.1 3,319.36 \nMarch 31, 2025 1,119,688 697,375 59.7 3,431.90 \n";
        let t = &tables(mgc)[0];
        assert_eq!(t.heads[0].months, None);
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[2].label, "Equity ratio");
        assert_eq!(t.rows[2].section, "%");
        assert_eq!(t.rows[3].cells[0].value.as_deref(), Some("3319.36"));
        // Heads that do not name as many concepts as the columns: no table.
        let odd = "(9) Summary\n Net sales Operating profit\nFiscal year ended Millions of yen Millions of yen Millions of yen\nMarch 31, 2026 1 2 3\nMarch 31, 2025 4 5 6\n";
        assert!(tables(odd).iter().all(|t| !t.transposed));
    }

    #[test]
    fn pdf_statements_with_as_of_heads_and_continued_pages() {
        // MGC FY2026, lines 213-225 (balance sheet) and 262-271 (its next page, no title).
        let mgc = "1. Consolidated Balance Sheets \n  (Millions of yen) \n As of March 31, 2025 As of March 31, 2026 \nAssets   \nCurrent assets   \nCash and deposits 68,246 68,966 \nNotes and accounts receivable - trade, and contract assets 157,853 149,578 \nMerchandise and finished goods 119,814 110,137 \nWork in process 20,291 22,695 \nRaw materials and supplies 67,421 74,151 \nOther 27,399 26,023 \nAllowance for doubtful accounts △757 △1,062 \nTotal current assets 460,268 450,491 \n \n- 6 - \n \n  (Millions of yen) \n As of March 31, 2025 As of March 31, 2026 \nLiabilities   \nCurrent liabilities   \nNotes and accounts payable - trade 103,087 91,975 \nShort-term borrowings 75,617 64,240 \nCurrent portion of bonds payable 10,000 － \n";
        let t = tables(mgc);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].title, "1. Consolidated Balance Sheets");
        assert_eq!(t[0].heads[1].end, NaiveDate::from_ymd_opt(2026, 3, 31));
        assert_eq!(t[0].heads[1].months, None);
        let allowance = t[0]
            .rows
            .iter()
            .find(|r| r.label.starts_with("Allowance"))
            .unwrap();
        assert_eq!(allowance.cells[1].value.as_deref(), Some("-1062"));
        assert_eq!(t[1].title, "1. Consolidated Balance Sheets");
        let bonds = t[1]
            .rows
            .iter()
            .find(|r| r.label.starts_with("Current portion"))
            .unwrap();
        assert_eq!(bonds.cells[1].value.as_deref(), Some("0"));
        // Lines 316-322: fiscal-year heads split over four lines.
        let t = &tables("2. Consolidated Statements of Income \n  (Millions of yen) \n Fiscal year ended \nMarch 31, 2025 \nFiscal year ended \nMarch 31, 2026 \nNet sales 773,591 738,243 \n")[0];
        assert_eq!(t.heads.len(), 2);
        assert_eq!(t.heads[0].months, Some(12));
        assert_eq!(t.heads[1].end, NaiveDate::from_ymd_opt(2026, 3, 31));
        assert_eq!(t.rows[0].label, "Net sales");
    }
}
