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

mod heads;
mod one_per_line;
mod transposed;

use crate::release::read::cells::{self, Cell, RowText};
use chrono::NaiveDate;
use heads::*;
use one_per_line::*;
use regex::Regex;
use std::sync::LazyLock;
use transposed::*;

/// What one column head says, as printed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Head {
    /// Months the column's period lasts ("Three Months Ended", "Thirteen Weeks Ended": 3);
    /// `None` for a date with no duration (a balance sheet's).
    pub months: Option<u32>,
    /// The day the column ends, when its head prints one.
    pub end: Option<NaiveDate>,
    /// A fiscal label the head prints (`Q3 FY25` → quarter 3 of fiscal year 2025; quarter 0 is
    /// the year, a `TOTAL` under `Fiscal 2014`).
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
    /// Printed with a "% of Revenues" column after each period's (Oracle's statements): those
    /// cells are left, the rest read as usual.
    pub shares: bool,
    /// A count's unit (`thousand units`) when the table is the counted half of a summary that
    /// prints each period as a count and an amount (`CPU Units k   Rev $m`): see `split_measures`.
    pub counted: Option<String>,
}

static SCALE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:in|amounts\s+in|dollars\s+in|\$\s*in)\s+(thousands|millions|billions)\b|\b(thousands|millions|billions)\s+of\s+(?:dollars|yen|u\.s\.\s*dollars|euros?)\b").expect("regex")
});
/// A statement's own name in a title.
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)statements?\s+of|balance\s+sheets?|financial\s+position").expect("regex")
});
static TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)statements?\s+of|balance\s+sheets?|cash\s+flows?|financial\s+position|results|highlights|summary|segment|reconciliation|income|operations|revenues?\s+(?:analysis|information|by)|supplemental").expect("regex")
});

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
            shares: block.iter().any(|h| h.shares > 0),
            ..Table::default()
        };
        // `CPU Units k   Rev $m` under each period's head: each period prints two measures.
        let measures = lines
            .get(i)
            .and_then(|l| sub_heads(l, table.heads.len(), table.changes.len()));
        if measures.is_some() {
            table.header_lines.push(i + 1);
            i += 1;
        }
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
                    if table.shares {
                        common_size_apart(&mut table, &mut r.cells);
                    }
                    let mut label = r.label;
                    // A label starting lower-case continues the line above, unless its first
                    // word is a name that starts so (`iMac`, `iPod`, `eMac`).
                    let first = label.split_whitespace().next().unwrap_or_default();
                    let wrapped = first.chars().next().is_some_and(char::is_lowercase)
                        && !first.chars().skip(1).any(char::is_uppercase);
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
            match measures {
                Some(m) => out.extend(split_measures(table, &m)),
                None => out.push(table),
            }
        }
    }
    out
}

/// The measures a summary prints under each period's head, in order, when `line` repeats them
/// once per head and once per change column (`CPU Units k   Rev $m` three times, then `Units
/// Revenue` twice): two or more, no numbers among them.
fn sub_heads(line: &str, heads: usize, changes: usize) -> Option<Vec<String>> {
    let chunks: Vec<&str> = cells::chunks(line)
        .into_iter()
        .map(|(_, c)| c.trim())
        .collect();
    if heads == 0 || chunks.iter().any(|c| cells::is_cell(c)) {
        return None;
    }
    let m = (2..=3).find(|m| chunks.len() == m * (heads + changes))?;
    let first = &chunks[..m];
    (0..heads)
        .all(|h| chunks[h * m..(h + 1) * m] == *first)
        .then(|| first.iter().map(|c| c.to_string()).collect())
}

/// A summary printing each period as a count and an amount (Apple's 2004 data summary: `CPU
/// Units k   Rev $m` under each quarter) read as one table per measure, the amounts first: each
/// with the same heads and change columns, its own scale (`$m`: millions) or count unit (`Units
/// k`: thousand units), and each row's cells of that measure. A row printing one cell a period
/// (`Total Apple   $1,909   $1,545   $2,014`) is the amounts'.
fn split_measures(table: Table, measures: &[String]) -> Vec<Table> {
    static COUNT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bunits?\b(?:\s+(k|m|thousands?|millions?)\b)?").expect("regex")
    });
    let (n, c, m) = (table.heads.len(), table.changes.len(), measures.len());
    let scale = |s: &str| match s.to_ascii_lowercase().chars().next() {
        Some('k') | Some('t') => "thousand ",
        Some('m') => "million ",
        _ => "",
    };
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&i| COUNT.is_match(&measures[i]));
    order
        .into_iter()
        .map(|k| {
            let counted = COUNT
                .captures(&measures[k])
                .map(|cap| format!("{}units", cap.get(1).map_or("", |w| scale(w.as_str()))));
            let amount_scale = if measures[k].to_ascii_lowercase().ends_with('m') {
                "(in millions)".to_string()
            } else {
                table.scale.clone()
            };
            let rows = table
                .rows
                .iter()
                .filter_map(|r| {
                    let cells = if r.cells.len() == m * (n + c) {
                        (0..n + c).map(|j| r.cells[j * m + k].clone()).collect()
                    } else if counted.is_none() && (r.cells.len() == n || r.cells.len() == n + c) {
                        r.cells.clone()
                    } else {
                        return None;
                    };
                    Some(Row { cells, ..r.clone() })
                })
                .collect();
            // A quarter's label (`Q3'04`) heads three months: the table is read as a statement's.
            let heads = table
                .heads
                .iter()
                .map(|h| Head {
                    months: h.months.or(h.fiscal.filter(|f| f.0 > 0).map(|_| 3)),
                    ..h.clone()
                })
                .collect();
            Table {
                title: table.title.clone(),
                scale: if counted.is_some() {
                    String::new()
                } else {
                    amount_scale
                },
                heads,
                rows,
                counted,
                ..table.clone()
            }
        })
        .collect()
}

/// A row of a common-size statement prints a percentage after each period's level (`$3,769
/// 33%   $3,769   35%   0%   (1%)`): those are left, the levels and the changes after them
/// stay. A row printing no percentages there (per-share rows) is as it is.
fn common_size_apart(table: &mut Table, cells: &mut Vec<Cell>) {
    let n = table.heads.len();
    let percent = |c: &Cell| c.printed.trim_end_matches(')').ends_with('%');
    if cells.len() < 2 * n || !(0..n).all(|j| percent(&cells[2 * j + 1]) && !percent(&cells[2 * j]))
    {
        return;
    }
    let mut kept = Vec::with_capacity(cells.len() - n);
    for (i, c) in cells.drain(..).enumerate() {
        if i < 2 * n && i % 2 == 1 {
            let why = "a % of revenues column: a ratio the release derives from its levels";
            table.left.push((c, why.to_string()));
        } else {
            kept.push(c);
        }
    }
    *cells = kept;
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
        // A title ending in a footnote marker (`... 4-QUARTERS (1)`) is no row.
        .take_while(|l| {
            cells::row(l).is_none_or(|r| {
                r.cells.len() == 1 && r.cells[0].printed.starts_with('(') && !r.label.is_empty()
            })
        })
        // A scale line is no title, unless the title prints its scale on its own line
        // ("CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (In millions, ...)").
        .filter(|l| {
            !l.is_empty() && (!SCALE.is_match(l) || STATEMENT.is_match(l)) && !PAGE.is_match(l)
        })
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
        // A title that prints its scale on its own line (Apple's 2004 exhibit).
        let apple04 = "UNAUDITED CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS (In millions, except share and per share amounts)\nTHREE MONTHS ENDED   NINE MONTHS ENDED\nJune 26,   June 28,   June 26,   June 28,\n2004   2003   2004   2003\nNet sales   $2,014   $1,545   $5,929   $4,492\n";
        let t = &tables(apple04)[0];
        assert!(t.title.contains("STATEMENTS OF OPERATIONS"), "{}", t.title);
        assert_eq!(t.heads[2].months, Some(9));
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

    #[test]
    fn common_size_columns_are_left_and_change_heads_over_two_lines_count_once() {
        // Oracle Q4 FY2014, lines 31-37 and 67-68: a "% of Revenues" column after each period's.
        let oracle = "CONDENSED CONSOLIDATED STATEMENTS OF OPERATIONS\n($ in millions, except per share data)\nThree Months Ended May 31,   % Increase   % Increase (Decrease)\n2014   % of Revenues   2013   % of Revenues   (Decrease) in US $   in Constant Currency (1)\nREVENUES\nNew software licenses   $3,769   33%   $3,769   35%   0%   (1%)\nServices Revenues   940   8%   975   9%   (4%)   (3%)\nEARNINGS PER SHARE:\nDiluted   $0.80   $0.80\n";
        let t = &tables(oracle)[0];
        assert_eq!(t.heads.len(), 2);
        assert_eq!(t.changes.len(), 2);
        assert_eq!(t.heads[0].end, NaiveDate::from_ymd_opt(2014, 5, 31));
        assert_eq!(t.heads[1].months, Some(3));
        let printed = |r: &Row| {
            r.cells
                .iter()
                .map(|c| c.printed.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(printed(&t.rows[0]), ["$3,769", "$3,769", "0%", "(1%)"]);
        assert_eq!(printed(&t.rows[2]), ["$0.80", "$0.80"]);
        assert_eq!(t.left.len(), 4, "{:?}", t.left);
    }

    #[test]
    fn quarter_labels_under_their_fiscal_years() {
        // Oracle Q4 FY2014, lines 378-383: `Fiscal 2013   Fiscal 2014` over `Q1 .. Q4   TOTAL`.
        let oracle = "SUPPLEMENTAL ANALYSIS OF GAAP REVENUES AND HEADCOUNT (1)\n($ in millions)\nFiscal 2013   Fiscal 2014\nQ1   Q2   Q3   Q4   TOTAL   Q1   Q2   Q3   Q4   TOTAL\nREVENUES\nNew software licenses   $1,371   $2,171   $2,101   $3,769   $9,411   $1,399   $2,121   $2,128   $3,769   $9,416\n";
        let t = &tables(oracle)[0];
        let fiscal: Vec<_> = t.heads.iter().map(|h| h.fiscal.unwrap()).collect();
        assert_eq!(fiscal[0], (1, 2013));
        assert_eq!(fiscal[4], (0, 2013));
        assert_eq!(fiscal[8], (4, 2014));
        assert_eq!(t.heads[9].months, Some(12));
        assert_eq!(t.rows[0].cells[9].value.as_deref(), Some("9416"));
    }

    #[test]
    fn a_summary_of_counts_and_amounts_per_period_is_two_tables() {
        // Apple's Q3 FY2004 data summary (EX-99.2), lines 134-140 and 150.
        let apple = "Apple Computer, Inc.\nQ3\u{2019}04 Unaudited Summary Data\nQ2\u{2019}04 Actual   Q3\u{2019}03 Actual   Q3\u{2019}04 Actual   Sequential Change   Year/Year Change\nCPU Units k   Rev $m   CPU Units k   Rev $m   CPU Units k   Rev $m   Units   Revenue   Units   Revenue\nOperating Segments\nAmericas   361   $881   452   $831   472   $1,018   31%   16%   4%   23%\nOther Music Products (4)   NM   60   NM   12   NM   73   NM   22%   NM   508%\nTotal Apple   $1,909   $1,545   $2,014   6%   30%\n";
        let t = tables(apple);
        assert_eq!(t.len(), 2, "{t:#?}");
        let (amounts, counts) = (&t[0], &t[1]);
        assert_eq!(amounts.heads[2].fiscal, Some((3, 2004)));
        assert_eq!(amounts.scale, "(in millions)");
        assert_eq!(counts.counted.as_deref(), Some("thousand units"));
        let printed = |r: &Row| {
            r.cells
                .iter()
                .map(|c| c.printed.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            printed(&amounts.rows[0]),
            ["$881", "$831", "$1,018", "16%", "23%"]
        );
        assert_eq!(printed(&counts.rows[0]), ["361", "452", "472", "31%", "4%"]);
        assert_eq!(amounts.rows[0].section, "Operating Segments");
        // A row of amounts alone is the amounts'.
        assert_eq!(amounts.rows.len(), 3);
        assert_eq!(counts.rows.len(), 2);
    }
}
