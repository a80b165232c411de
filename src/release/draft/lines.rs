//! The line reader: IIJ-style exhibit tables whose header names fiscal periods (`1Q08 1Q07 YoY %
//! change`), row by row; every number of the text, as tokens, for the unplaced list.

use super::*;

pub(super) static PERIOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[1-4]Q\d{2}|[12]H\d{2}|FY\d{4}|FY\d{2})\b").expect("regex"));
/// A printed number: 1,234  (238)  17.4%  +5.6%  △12  140.1 (億円 follows)
pub(super) static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(△▲+\-]?\d(?:[\d,]*\d)?(?:\.\d+)?%?\)?").expect("regex"));
pub(super) static UNIT_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\s*([A-Z]{3}) in (.*?)\b(thousands|millions|billions)\s*\)|\(\s*([A-Z]{3}) (thousand|million|billion)s?\s*\)|\b([A-Z]{3}) in (thousands|millions|billions)\b|(?i:\bunits?:\s*(thousands|millions|billions)\s+of\s+(yen|u\.s\.\s*dollars|dollars|euros?)\b)").expect("regex")
});

/// A token of the text: a number at a byte range of a line.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) line: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) text: String,
}

/// The numbers of a line, period labels left out (their digits are no numbers). A number glued
/// to a word (`Expense(3)`, `FY2007(2)`) is a footnote marker.
pub(super) fn numbers_of(line_no: usize, line: &str) -> Vec<(Token, bool)> {
    let periods: Vec<(usize, usize)> = PERIOD
        .find_iter(line)
        .map(|m| (m.start(), m.end()))
        .collect();
    // Both in the order of the line: the periods ending before a number are passed once for
    // all, so a line of many periods and numbers costs their sum, not their product.
    let mut next_period = 0;
    NUMBER
        .find_iter(line)
        .filter(|m| {
            while periods
                .get(next_period)
                .is_some_and(|(_, e)| *e <= m.start())
            {
                next_period += 1;
            }
            periods.get(next_period).is_none_or(|(s, _)| *s >= m.end())
        })
        .filter(|m| {
            // Not part of a word: a letter or digit right before or after is a code, not a figure.
            let before = line[..m.start()].chars().next_back();
            let after = line[m.end()..].chars().next();
            let head = &line[..m.start()];
            // Glued to a currency code (JPY16,328) a figure is still a figure.
            let currency =
                head.len() >= 3 && head.bytes().rev().take(3).all(|b| b.is_ascii_uppercase());
            (m.as_str().starts_with('(')
                || currency
                || !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.'))
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
        .map(|m| {
            let before = line[..m.start()].chars().next_back();
            let footnote =
                m.as_str().starts_with('(') && before.is_some_and(|c| c.is_alphanumeric());
            // A closing parenthesis belongs to the number only when it opened one.
            let text = match m.as_str() {
                t if t.ends_with(')') && !t.starts_with('(') => &t[..t.len() - 1],
                t => t,
            };
            (
                Token {
                    line: line_no,
                    start: m.start(),
                    end: m.start() + text.len(),
                    text: text.to_string(),
                },
                footnote,
            )
        })
        .collect()
}

/// A change column of a table header: its comparison, or none.
pub(super) fn change_column(
    words: &str,
    periods: &[String],
    calendar: &Calendar,
) -> Option<String> {
    let w = words.to_lowercase();
    if !w.contains("change") && !w.contains("yoy") && !w.contains("qoq") {
        return None;
    }
    // Two change heads ("Change Change (%)": the absolute, then the percentage): which cell is
    // which the line reader maps one column to does not say; left to review.
    if w.matches("change").count() > 1 {
        return None;
    }
    let pct = w.contains('%');
    let yoy = w.contains("yoy")
        || match periods {
            [a, b, ..] => {
                let (pa, pb) = (calendar.period(a).ok()?, calendar.period(b).ok()?);
                pa.kind == pb.kind
                    && pa.seq == pb.seq
                    && (pa.fiscal_year - pb.fiscal_year).abs() == 1
            }
            _ => false,
        };
    let qoq = w.contains("qoq");
    Some(
        match (qoq && !yoy, pct) {
            (true, true) => "qoq_pct",
            (true, false) => "qoq_abs",
            (false, true) => "yoy_pct",
            (false, false) => "yoy_abs",
        }
        .to_string(),
    )
}

/// A segment of a line: the text between runs of dashes (press-release tables print their rows
/// between rules, several to a line when the text was extracted without its line breaks).
pub(super) fn segments(line: &str) -> Vec<(usize, &str)> {
    static RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"-{4,}|={4,}|\|").expect("regex"));
    let mut out = Vec::new();
    let mut at = 0;
    for m in RULE.find_iter(line) {
        out.push((at, &line[at..m.start()]));
        at = m.end();
    }
    out.push((at, &line[at..]));
    out.into_iter()
        .filter(|(_, s)| !s.trim().is_empty())
        .collect()
}

pub(super) struct Table {
    pub(super) section: String,
    pub(super) unit: String,
    pub(super) periods: Vec<String>,
    pub(super) change: Option<String>,
    pub(super) rows: Vec<usize>,
}

pub(super) fn read_text(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    period: &str,
    unit: &str,
    placed: Vec<DraftRow>,
    taken: &tables::Taken,
) -> Draft {
    // byte ranges of each line's numbers already used: first those inside cells the statement
    // tables took (a cell `$26,044` holds the number `26,044`)
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let mut held: Vec<(usize, usize)> = Vec::new();
    let mut cells_of: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for &(line, start, end) in &taken.cells {
        cells_of.entry(line).or_default().push((start, end));
    }
    let mut all: Vec<(Token, bool)> = Vec::new();
    let mut table: Option<Table> = None;
    let mut tables: Vec<Table> = Vec::new();
    let mut title = String::new();
    let mut table_unit: Option<String> = None;
    // Headings that name a period (`<<1H06 (2006/4-9)>>`): when the text has one for another
    // period than the release's, a stated figure's period is not pinned by the text (slide text
    // in layout order puts headings after their lines), so it is proposed for review.
    static HEADING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\s<\[]*([1-4]Q\d{2}|[12]H\d{2}|FY\d{2,4})\s*(?:\([^)]*\))?[\s>\]]*$")
            .expect("regex")
    });
    let headings: BTreeSet<String> = text
        .lines()
        .filter_map(|l| HEADING.captures(l).map(|c| c[1].to_string()))
        .collect();
    let pinned = headings.iter().all(|h| h == period);
    let mut d = Draft {
        headings: if pinned {
            Vec::new()
        } else {
            headings.into_iter().collect()
        },
        rows: placed,
        ..Draft::default()
    };
    let text_lines: Vec<&str> = text.lines().collect();
    // Numbers the bullets read that are no tokens (a unit glued on): counted with the tokens.
    let mut glued = 0;
    for (i, line) in text_lines.iter().copied().enumerate() {
        let line_no = i + 1;
        let tokens = numbers_of(line_no, line);
        if let Some(cells) = cells_of.get(&line_no) {
            for (t, _) in &tokens {
                if cells.iter().any(|&(s, e)| s <= t.start && t.end <= e) {
                    used.insert((line_no, t.start));
                }
            }
        }
        // Numbers a statement table left, with its reason, are not the line reader's to guess
        // at: held aside while it reads, listed as unplaced after.
        for (t, _) in &tokens {
            if taken.why(line_no, t.start, t.end).is_some() && used.insert((line_no, t.start)) {
                held.push((line_no, t.start));
            }
        }
        all.extend(tokens.iter().cloned());
        // Sentences first: they are prose, which table rows are not.
        stated(
            line_no,
            (line, text_lines.get(i + 1).copied()),
            (k, &title),
            period,
            calendar,
            &mut d,
            &mut used,
        );
        glued += glued::glued_row(i, &text_lines, k, calendar, unit, &mut d, &mut used);
        business::segment_changes(
            i,
            &text_lines,
            k,
            calendar,
            period,
            &title,
            &mut d,
            &mut used,
        );
        glued += bullets::bullet(
            line_no,
            (line, text_lines.get(i + 1).copied()),
            k,
            &title,
            period,
            calendar,
            &mut d,
            &mut used,
        );
        for (offset, seg) in segments(line) {
            // The line's tokens are in order: the segment's are a slice of them, found by halving.
            let end = offset + seg.len();
            let first = tokens.partition_point(|(t, _)| t.start < offset);
            let after = tokens.partition_point(|(t, _)| t.start < end);
            let seg_tokens: Vec<&(Token, bool)> = tokens[first..after]
                .iter()
                .filter(|(t, _)| t.end <= end)
                .collect();
            // `FY25` of `Q1 FY25` names a quarter, not the year: such heads are the statement
            // reader's.
            let periods: Vec<regex::Match> = PERIOD
                .find_iter(seg)
                .filter(|m| {
                    let before = seg[..m.start()].trim_end();
                    !(before.len() >= 2
                        && before.as_bytes()[before.len() - 2] == b'Q'
                        && before.as_bytes()[before.len() - 1].is_ascii_digit())
                })
                .collect();
            let figures: Vec<&Token> = seg_tokens
                .iter()
                .filter(|(_, f)| !f)
                .map(|(t, _)| t)
                .collect();
            if let Some(c) = UNIT_PHRASE.captures(seg) {
                let (cur, scale) = match (c.get(1), c.get(3), c.get(4), c.get(5)) {
                    (Some(cur), Some(s), _, _) => (cur.as_str(), s.as_str().trim_end_matches('s')),
                    (_, _, Some(cur), Some(s)) => (cur.as_str(), s.as_str()),
                    _ => match (c.get(6), c.get(7), c.get(8), c.get(9)) {
                        (Some(cur), Some(s), _, _) => {
                            (cur.as_str(), s.as_str().trim_end_matches('s'))
                        }
                        // `Unit: Billions of yen`, as Japanese summaries print it.
                        (_, _, Some(s), Some(cur)) => {
                            let cur = cur.as_str().to_ascii_lowercase();
                            let code = if cur == "yen" {
                                "JPY"
                            } else if cur.starts_with("euro") {
                                "EUR"
                            } else {
                                "USD"
                            };
                            let scale = match s.as_str().to_ascii_lowercase().as_str() {
                                "thousands" => "thousand",
                                "millions" => "million",
                                _ => "billion",
                            };
                            (code, scale)
                        }
                        _ => continue,
                    },
                };
                table_unit = Some(format!("{cur} {scale}"));
                let inner = c.get(2).map(|m| m.as_str().trim()).unwrap_or_default();
                let outer = UNIT_PHRASE.replace(seg, " ");
                let words = if inner.is_empty() {
                    outer.trim().to_string()
                } else {
                    inner.to_string()
                };
                if !words.is_empty() {
                    title = words;
                }
                continue;
            }
            let header_tail = periods
                .last()
                .map(|m| seg[m.end()..].trim())
                .unwrap_or_default();
            let header_like = header_tail.is_empty()
                || header_tail.len() < 40 && change_column(header_tail, &[], calendar).is_some();
            if !periods.is_empty() && figures.is_empty() && header_like {
                // A header: title words, then period labels, then change columns.
                if let Some(t) = table.take() {
                    tables.push(t);
                }
                let first = periods[0].start();
                let before = seg[..first].trim();
                let after = seg[periods[periods.len() - 1].end()..].trim();
                let labels: Vec<String> = periods.iter().map(|m| m.as_str().to_string()).collect();
                if labels.iter().all(|l| calendar.period(l).is_ok()) {
                    table = Some(Table {
                        section: if before.is_empty() {
                            title.clone()
                        } else {
                            before.to_string()
                        },
                        unit: table_unit.clone().unwrap_or_else(|| unit.to_string()),
                        change: change_column(after, &labels, calendar),
                        periods: labels,
                        rows: Vec::new(),
                    });
                }
                continue;
            }
            let Some(t) = table.as_mut() else {
                if !seg.trim().is_empty() && figures.is_empty() && seg.trim().len() < 80 {
                    title = seg.trim().to_string();
                }
                continue;
            };
            if figures.is_empty() {
                if seg.trim().len() > 2 {
                    tables.push(table.take().expect("a table"));
                    title = seg.trim().to_string();
                }
                continue;
            }
            // A row: its label is the text before its first figure.
            let label_end = figures[0].start - offset;
            let label = seg[..label_end].trim().trim_end_matches(':').trim();
            let label_printed = seg[..label_end].trim();
            if label.is_empty() || figures.iter().any(|f| used.contains(&(f.line, f.start))) {
                continue;
            }
            let (found, certainty, how) = meanings(k, label);
            if found.is_empty() {
                continue; // its numbers stay unplaced, with the reason below
            }
            // Taken as the figures need them: a header of many periods is not copied per row.
            let columns = t
                .periods
                .iter()
                .map(|p| (p, "level"))
                .chain(t.change.iter().map(|c| (&t.periods[0], c.as_str())));
            for (f, (p, comparison)) in figures.iter().zip(columns) {
                let Some(value) = printed_value(&f.text) else {
                    continue;
                };
                let unit = if comparison.ends_with("_pct") {
                    "%".to_string()
                } else {
                    t.unit.clone()
                };
                used.insert((f.line, f.start));
                d.rows.push(DraftRow {
                    table: String::new(),
                    period: p.clone(),
                    start: String::new(),
                    end: String::new(),
                    item: String::new(),
                    comparison: comparison.to_string(),
                    value,
                    unit,
                    section: t.section.clone(),
                    label: label_printed.to_string(),
                    printed: f.text.clone(),
                    placement: "label",
                    measure: "amount",
                    certainty,
                    how: vec![format!("table row: {how}; column {p} {comparison}")],
                    line: f.line,
                });
                t.rows.push(d.rows.len() - 1);
            }
            // Candidates kept per row until the table's majority decides.
            let candidates = found
                .iter()
                .map(|m| format!("{}:{}", m.table, m.concept))
                .collect::<Vec<_>>()
                .join("|");
            for r in d.rows.iter_mut().rev().take_while(|r| r.table.is_empty()) {
                r.table = candidates.clone();
            }
        }
    }
    if let Some(t) = table.take() {
        tables.push(t);
    }
    for t in &tables {
        decide_tables(&mut d, &t.rows);
    }
    // Statements decide alone: income items unless only one table is known.
    let placed: HashSet<usize> = tables.iter().flat_map(|t| t.rows.iter().copied()).collect();
    let loose: Vec<usize> = (0..d.rows.len()).filter(|i| !placed.contains(i)).collect();
    for i in loose {
        decide_tables(&mut d, &[i]);
    }
    d.numbers = all.len() + glued;
    for h in &held {
        used.remove(h);
    }
    // Looked up per unplaced number: indexed once, not searched each time.
    let lines: Vec<&str> = text.lines().collect();
    let table_lines: HashSet<usize> = tables
        .iter()
        .flat_map(|t| t.rows.iter().map(|&r| d.rows[r].line))
        .collect();
    for (t, footnote) in all {
        if used.contains(&(t.line, t.start)) {
            continue;
        }
        let line = lines.get(t.line - 1).copied().unwrap_or_default();
        let from = line[..t.start]
            .char_indices()
            .rev()
            .nth(40)
            .map_or(0, |(i, _)| i);
        let to = line[t.end..]
            .char_indices()
            .nth(40)
            .map_or(line.len(), |(i, _)| t.end + i);
        d.unplaced.push(Unplaced {
            line: t.line,
            printed: t.text.clone(),
            context: line[from..to].trim().to_string(),
            why: if let Some(why) = taken.why(t.line, t.start, t.end) {
                why.to_string()
            } else if footnote {
                "a footnote marker".into()
            } else if table_lines.contains(&t.line) {
                "in a table, but its row label matches no concept of the company".into()
            } else {
                "no table header or stated figure around it names its period and concept".into()
            },
        });
    }
    d
}

/// Choose each row's table: the one most rows of its draft table can be in (a revenue table's
/// total revenues is a revenue line, a result table's an income item).
pub(super) fn decide_tables(d: &mut Draft, rows: &[usize]) {
    let mut votes: BTreeMap<String, usize> = BTreeMap::new();
    for &r in rows {
        let tables: HashSet<&str> = d.rows[r]
            .table
            .split('|')
            .filter_map(|c| c.split(':').next())
            .collect();
        for t in tables {
            *votes.entry(t.to_string()).or_default() += 1;
        }
    }
    for &r in rows {
        let candidates: Vec<(String, String)> = d.rows[r]
            .table
            .split('|')
            .filter_map(|c| c.split_once(':'))
            .map(|(t, c)| (t.to_string(), c.to_string()))
            .collect();
        let best = candidates
            .iter()
            .max_by_key(|(t, _)| {
                (
                    votes.get(t).copied().unwrap_or(0),
                    std::cmp::Reverse(t.clone()),
                )
            })
            .cloned();
        let concepts: HashSet<&String> = candidates.iter().map(|(_, c)| c).collect();
        let row = &mut d.rows[r];
        if let Some((t, c)) = best {
            if concepts.len() > 1 {
                row.certainty = Certainty::Review;
                row.how
                    .push(format!("the label names several concepts; took {c}"));
            }
            row.table = t;
            row.item = c;
        }
    }
}
