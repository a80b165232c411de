//! Drafting a release's figure rows from its text (`iijwh release draft`): tables whose header
//! names periods (`1Q08 1Q07 YoY % change`) and sentences that state a figure with its change
//! ("Revenues totaled JPY16,328 million, an increase of 19.2% from 1Q07") become rows of the fact
//! CSVs. Labels map to the company's concepts through what earlier releases printed (their
//! provenance is the dictionary), then the concepts' own labels and the standard concepts' labels
//! and aliases, then close matches (proposed for review, never as certain). Every proposed value
//! reads back from its printed form; the draft's own totals, parts and stated growth rates are
//! checked, which ties a row (raising a close match) or flags it. Every number of the text is
//! either proposed or listed as unplaced.

mod tables;

use crate::release::calendar::Calendar;
use crate::release::company::read_company_record;
use crate::release::ReleaseFolder;
use crate::schema::Catalog;
use anyhow::{bail, Context, Result};
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::LazyLock;

/// How sure the draft is of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    Certain,
    Review,
}

impl Certainty {
    pub fn word(self) -> &'static str {
        match self {
            Certainty::Certain => "certain",
            Certainty::Review => "review",
        }
    }
}

/// One proposed figure row.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub table: String,
    /// A period label, or a balance-sheet date (ISO).
    pub period: String,
    /// The period's first and last day (the date alone for a balance sheet), when known.
    pub start: String,
    pub end: String,
    pub item: String,
    pub comparison: String,
    pub value: String,
    pub unit: String,
    pub section: String,
    pub label: String,
    pub printed: String,
    pub placement: &'static str,
    pub certainty: Certainty,
    /// How it was found, and what tied or flagged it.
    pub how: Vec<String>,
    /// Line of source.txt (1-based).
    pub line: usize,
}

/// A number of the text no row takes.
#[derive(Debug, Clone)]
pub struct Unplaced {
    pub line: usize,
    pub printed: String,
    pub context: String,
    pub why: String,
}

#[derive(Debug, Default)]
pub struct Draft {
    pub rows: Vec<DraftRow>,
    pub unplaced: Vec<Unplaced>,
    /// Numbers in the text (the source audit's tokens): every one is in `rows` or `unplaced`.
    pub numbers: usize,
    /// Period headings of other periods than the release's: stated figures are then for review.
    pub headings: Vec<String>,
    /// Concepts new to the company the draft proposes (concepts.csv).
    pub concepts: Vec<tables::NewConcept>,
}

/// Where a label was seen before, or what it is the label of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Meaning {
    table: String,
    concept: String,
}

/// What the draft knows of the company: labels to meanings, concepts' parts.
#[derive(Default)]
struct Knowledge {
    /// normalized label -> meanings printed under it by earlier releases
    printed: HashMap<String, HashSet<Meaning>>,
    /// normalized label -> concepts it is the label or an alias of (tables not known)
    named: HashMap<String, HashSet<String>>,
    /// concept -> tables it may live in
    tables: HashMap<String, Vec<String>>,
    /// total -> signed parts, as the newest definition gives them
    components: HashMap<String, Vec<(i32, String)>>,
    /// standard concept -> the company's own concept that is it (IIJ's sga_rd is sga)
    own: HashMap<String, String>,
    /// (table, normalized label) -> the concepts the newest earlier release printing that label
    /// in that table printed under it, in its order (the n-th "Other" of a cash-flow statement)
    order: HashMap<(String, String), Vec<String>>,
}

const FACT_TABLES: [(&str, &str); 4] = [
    ("revenue_lines", "line"),
    ("income_items", "item"),
    ("cash_flows", "item"),
    ("kpis", "item"),
];

fn normalize(label: &str) -> String {
    static FOOTNOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\(\d{1,2}\)|\(footnote \d+\)").expect("regex"));
    let cut = FOOTNOTE.replace_all(label, " ");
    let words: Vec<&str> = cut
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ").to_lowercase().replace('’', "'")
}

/// A signed term of a concept's components (`+connectivity`, `-total_costs`).
static TERM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[+-]?[a-z0-9_]+").expect("regex"));
static PERIOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[1-4]Q\d{2}|[12]H\d{2}|FY\d{4}|FY\d{2})\b").expect("regex"));
/// A printed number: 1,234  (238)  17.4%  +5.6%  △12  140.1 (億円 follows)
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(△▲+\-]?\d(?:[\d,]*\d)?(?:\.\d+)?%?\)?").expect("regex"));
static UNIT_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\s*([A-Z]{3}) in (.*?)\b(thousands|millions|billions)\s*\)|\(\s*([A-Z]{3}) (thousand|million|billion)s?\s*\)|\b([A-Z]{3}) in (thousands|millions|billions)\b|(?i:\bunits?:\s*(thousands|millions|billions)\s+of\s+(yen|u\.s\.\s*dollars|dollars|euros?)\b)").expect("regex")
});
static STATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<label>[A-Z][A-Za-z&/' ]{1,60}?)(?:\s+(?:totaled|totalled|was|were|of|amounted to))?\s+",
        r"(?P<cur>[A-Z]{3})\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>thousand|million|billion)\b"
    ))
    .expect("regex")
});
static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?P<dir>increase|decrease|rise|decline|growth) of (?P<pct>\d+(?:\.\d+)?%)|\((?P<sign>[+-])(?P<pct2>\d+(?:\.\d+)?%))",
        r"\s+(?:from|compared to|compared with|over|on)\s+(?P<base>[1-4]Q\d{2}|[12]H\d{2}|FY\d{2,4}|the initial targets?)"
    ))
    .expect("regex")
});

/// A token of the text: a number at a byte range of a line.
#[derive(Debug, Clone)]
struct Token {
    line: usize,
    start: usize,
    end: usize,
    text: String,
}

/// The numbers of a line, period labels left out (their digits are no numbers). A number glued
/// to a word (`Expense(3)`, `FY2007(2)`) is a footnote marker.
fn numbers_of(line_no: usize, line: &str) -> Vec<(Token, bool)> {
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

/// The value a printed number stands for, as the fact tables store it (DECIMAL(18,6)): none when
/// it has more decimals than that.
pub fn printed_value(printed: &str) -> Option<String> {
    let t = printed.trim();
    let negative =
        t.starts_with('(') || t.starts_with('-') || t.starts_with('△') || t.starts_with('▲');
    let digits: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    if int.is_empty() || frac.len() > 6 || frac.contains('.') {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut v = if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    };
    if negative && v.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        v.insert(0, '-');
    }
    Some(v)
}

fn as_f64(v: &str) -> f64 {
    v.parse().unwrap_or(f64::NAN)
}

/// Read the release folder and everything earlier releases of its company say; draft its rows.
pub fn draft(data: &Path, reference: &Path, release_id: &str) -> Result<Draft> {
    let folder = ReleaseFolder::named(data, release_id).with_context(|| {
        format!("no release `{release_id}` to draft (run `iijwh release new` first)")
    })?;
    let meta = folder.metadata()?;
    let get = |k: &str| {
        meta.table
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let company_id = get("company_id");
    let period = get("fiscal_period");
    let published = meta.get("published_on").unwrap_or_default();
    let record = data.join("companies").join(format!("{company_id}.toml"));
    let (calendar, _name, company_unit) = read_company_record(&record)?;
    let unit = meta
        .table
        .get("unit")
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or(company_unit);
    let (source, text) = folder.source(&meta)?;
    if text.contains('\0') {
        bail!(
            "{}: a binary file, not a release text; save the release as UTF-8 text",
            source.display()
        );
    }
    if text.trim().is_empty() {
        bail!(
            "{}: the release text is empty; put the release's text in it first",
            source.display()
        );
    }
    let knowledge = knowledge(data, reference, &company_id, release_id, &published)?;
    // Statement tables first (their heads pin periods by date); then the rest of the text,
    // line by line, with the cells the tables took already used.
    let mut statements = Draft::default();
    let mut reading = tables::Reading::default();
    let taken = tables::draft_tables(
        &text,
        &knowledge,
        &calendar,
        &unit,
        &mut statements,
        &mut reading,
    );
    let mut d = read_text(
        &text,
        &knowledge,
        &calendar,
        &period,
        &unit,
        statements.rows,
        &taken,
    );
    d.concepts = reading.concepts;
    prove(&mut d, &knowledge, &calendar);
    // Every row's period as dates, for review and for comparing with an answer key.
    for r in d.rows.iter_mut().filter(|r| r.end.is_empty()) {
        if let Ok(p) = calendar.period(&r.period) {
            r.start = p.start.to_string();
            r.end = p.end.to_string();
        }
    }
    Ok(d)
}

/// The dictionary: labels earlier releases of the company printed, with the table and concept of
/// each; concept labels (the company's and the standard ones, with aliases); parts of totals.
fn knowledge(
    data: &Path,
    reference: &Path,
    company_id: &str,
    release_id: &str,
    published: &str,
) -> Result<Knowledge> {
    let mut k = Knowledge::default();
    let mut releases: Vec<(String, String, ReleaseFolder)> = Vec::new();
    for entry in std::fs::read_dir(data.join("releases"))?.flatten() {
        let Ok(folder) = ReleaseFolder::at(&entry.path()) else {
            continue;
        };
        let Ok(meta) = folder.metadata() else {
            continue;
        };
        if meta.table.get("company_id").and_then(|v| v.as_str()) != Some(company_id) {
            continue;
        }
        let id = entry.file_name().to_string_lossy().to_string();
        let date = meta.get("published_on").unwrap_or_default();
        releases.push((date, id, folder));
    }
    // Oldest first: a newer definition of a concept replaces an older one.
    releases.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    // A file that cannot be read (missing, or refused by the folder's guards) adds nothing.
    let rows = |text: Result<String>| -> Vec<HashMap<String, String>> {
        let Ok(text) = text else {
            return Vec::new();
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let Ok(h) = r.headers().cloned() else {
            return Vec::new();
        };
        r.records()
            .flatten()
            .map(|rec| {
                h.iter()
                    .map(str::to_string)
                    .zip(rec.iter().map(str::to_string))
                    .collect()
            })
            .collect()
    };
    let mut parents: HashMap<String, String> = HashMap::new();
    for (date, id, folder) in &releases {
        // The release's own concepts count (it may define new lines); its figures do not.
        let own = id == release_id;
        if !own && date.as_str() > published {
            continue;
        }
        for c in rows(folder.read(&folder.dir.join("concepts.csv"))) {
            let concept = c["concept"].clone();
            k.named
                .entry(normalize(&c["label"]))
                .or_default()
                .insert(concept.clone());
            if !c["standard"].is_empty() && c["standard"] != concept {
                k.own.insert(c["standard"].clone(), concept.clone());
            }
            if !c["parent"].is_empty() {
                parents.insert(concept.clone(), c["parent"].clone());
            }
            if c["components"].is_empty() {
                k.components.remove(&concept);
            } else {
                let terms = TERM
                    .find_iter(&c["components"])
                    .map(|m| {
                        let t = m.as_str();
                        let sign = if t.starts_with('-') { -1 } else { 1 };
                        (sign, t.trim_start_matches(['+', '-']).to_string())
                    })
                    .collect();
                k.components.insert(concept.clone(), terms);
            }
            let table = if c["kind"] == "count" || c["dimension"] == "bandwidth" {
                "kpis"
            } else {
                ""
            };
            if !table.is_empty() {
                k.tables.insert(concept, vec![table.to_string()]);
            }
        }
        if own {
            continue;
        }
        let mut order: HashMap<(String, String), Vec<String>> = HashMap::new();
        for (table, col) in FACT_TABLES {
            for r in rows(folder.read(&folder.dir.join(format!("{table}.csv")))) {
                let concepts = order
                    .entry((table.to_string(), normalize(&r["label"])))
                    .or_default();
                if !concepts.contains(&r[col]) {
                    concepts.push(r[col].clone());
                }
                let m = Meaning {
                    table: table.to_string(),
                    concept: r[col].clone(),
                };
                k.printed
                    .entry(normalize(&r["label"]))
                    .or_default()
                    .insert(m);
            }
        }
        // Balance-sheet labels serve statement tables only (their columns are dates).
        for r in rows(folder.read(&folder.dir.join("balance_sheet.csv"))) {
            let concepts = order
                .entry(("balance_sheet".to_string(), normalize(&r["label"])))
                .or_default();
            if !concepts.contains(&r["item"]) {
                concepts.push(r["item"].clone());
            }
        }
        // Oldest first: the newest release printing a label decides its order.
        k.order.extend(order);
    }
    for s in rows(crate::base::read_text_bounded(
        &reference.join("standard_concepts.csv"),
    )) {
        let concept = s["concept"].clone();
        let names = std::iter::once(s["label"].as_str()).chain(s["aliases"].split("; "));
        for name in names.filter(|n| !n.is_empty()) {
            k.named
                .entry(normalize(name))
                .or_default()
                .insert(concept.clone());
        }
        let table = match s["statement"].as_str() {
            "cash_flow" => "cash_flows",
            "balance_sheet" => "balance_sheet",
            "operating" => "kpis",
            _ => "income_items",
        };
        k.tables
            .entry(concept)
            .or_insert_with(|| vec![table.to_string()]);
    }
    // A concept in the revenue hierarchy is a revenue line (total revenues is both).
    let in_revenues = |c: &str| {
        let mut at = c.to_string();
        for _ in 0..10 {
            match parents.get(&at) {
                Some(p) if p == "total_revenues" => return true,
                Some(p) => at = p.clone(),
                None => return false,
            }
        }
        false
    };
    let concepts: Vec<String> = k.named.values().flatten().cloned().collect();
    for c in concepts {
        if in_revenues(&c) {
            k.tables.insert(c, vec!["revenue_lines".to_string()]);
        } else if c == "total_revenues" {
            k.tables
                .insert(c, vec!["revenue_lines".into(), "income_items".into()]);
        } else {
            k.tables
                .entry(c)
                .or_insert_with(|| vec!["income_items".to_string()]);
        }
    }
    Ok(k)
}

/// The meanings of a label: printed before (certain), a concept's label or alias (certain), or a
/// close match (review).
fn meanings(k: &Knowledge, label: &str) -> (Vec<Meaning>, Certainty, String) {
    let key = normalize(label);
    if let Some(m) = k.printed.get(&key) {
        let mut v: Vec<Meaning> = m.iter().cloned().collect();
        v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
        return (
            v,
            Certainty::Certain,
            format!("label {label:?} as earlier releases print it"),
        );
    }
    let with_tables = |concepts: &HashSet<String>| -> Vec<Meaning> {
        let mut v: Vec<Meaning> = concepts
            .iter()
            .flat_map(|c| {
                k.tables
                    .get(c)
                    .cloned()
                    .unwrap_or_else(|| vec!["income_items".into()])
                    .into_iter()
                    .map(move |t| Meaning {
                        table: t,
                        concept: c.clone(),
                    })
            })
            .collect();
        v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
        v
    };
    // A standard concept the company reports as a concept of its own is that concept.
    let own = |c: &HashSet<String>| -> HashSet<String> {
        c.iter()
            .map(|c| k.own.get(c).unwrap_or(c).clone())
            .collect()
    };
    if let Some(c) = k.named.get(&key) {
        return (
            with_tables(&own(c)),
            Certainty::Certain,
            format!("label {label:?} of the concept"),
        );
    }
    // Close matches: printed labels and concept names, best first. A name more than twice as
    // long as the label, or less than half as long, scores under 0.9 (Jaro counts at most the
    // shorter's characters as matching), so it is not scored: scoring costs the product of the
    // lengths, which a long line's label would make the text's size times the dictionary's.
    let key_chars = key.chars().count();
    let mut best: Option<(f64, String, bool)> = None;
    for (name, printed) in k
        .printed
        .keys()
        .map(|n| (n, true))
        .chain(k.named.keys().map(|n| (n, false)))
    {
        let name_chars = name.chars().count();
        if key_chars.max(name_chars) > 2 * key_chars.min(name_chars) {
            continue;
        }
        let score = strsim::jaro_winkler(&key, name);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, name.clone(), printed));
        }
    }
    match best {
        Some((score, name, printed)) if score >= 0.9 => {
            let v = if printed {
                let mut v: Vec<Meaning> = k.printed[&name].iter().cloned().collect();
                v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
                v
            } else {
                with_tables(&own(&k.named[&name]))
            };
            (
                v,
                Certainty::Review,
                format!("close match ({score:.2}) of {label:?} to {name:?}"),
            )
        }
        _ => (Vec::new(), Certainty::Review, String::new()),
    }
}

/// A change column of a table header: its comparison, or none.
fn change_column(words: &str, periods: &[String], calendar: &Calendar) -> Option<String> {
    let w = words.to_lowercase();
    if !w.contains("change") && !w.contains("yoy") && !w.contains("qoq") {
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
fn segments(line: &str) -> Vec<(usize, &str)> {
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

struct Table {
    section: String,
    unit: String,
    periods: Vec<String>,
    change: Option<String>,
    rows: Vec<usize>,
}

fn read_text(
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
    for (i, line) in text.lines().enumerate() {
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
            line,
            (k, &title),
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
    d.numbers = all.len();
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
fn decide_tables(d: &mut Draft, rows: &[usize]) {
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

/// A figure a sentence states: its label, number and unit, and its stated change.
struct Statement<'a> {
    label: &'a str,
    /// The label as printed through the figure ("Revenues totaled JPY16,328 million").
    printed_label: String,
    num: regex::Match<'a>,
    unit: String,
    /// (token start, printed, value, base: a period or the initial target)
    change: Option<(usize, String, String, Option<String>)>,
}

/// English: "<label> totaled JPY 16,328 million, an increase of 19.2% from 1Q07",
/// "Total revenues JPY 14,007 million (+17.4% compared to 2Q05)"; Japanese headlines:
/// "営業収益（売上高） 140.1億円（前年同四半期比 17.4%増）".
fn statements(line: &str) -> Vec<Statement<'_>> {
    static JAPANESE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?P<label>[^\s・\d（）()]{2,20}(?:（[^）\d]{1,10}）)?)\s*(?P<num>\d[\d,]*(?:\.\d+)?)億円(?:（前年同四半期比\s*(?P<pct>\d+(?:\.\d+)?%)(?P<dir>増|減)）)?").expect("regex")
    });
    let mut out = Vec::new();
    // Where the line's sentences end and its stated changes are, found once for the line (a
    // search from each figure to its sentence's end would read a long line once per figure).
    // A change is the first after its figure, inside its sentence; none crosses a sentence's
    // end or a figure, so one pass over the line finds the same ones as a search per figure.
    let mut ends: Option<Vec<usize>> = None;
    let mut changes: Option<Vec<regex::Captures>> = None;
    for c in STATED.captures_iter(line) {
        let (Some(label), Some(num), Some(cur), Some(scale)) = (
            c.name("label"),
            c.name("num"),
            c.name("cur"),
            c.name("scale"),
        ) else {
            continue;
        };
        let end = (num.end() + 1 + scale.as_str().len()).min(line.len());
        let ends = ends.get_or_insert_with(|| line.match_indices(". ").map(|(i, _)| i).collect());
        let rest_end = ends
            .get(ends.partition_point(|&i| i < num.end()))
            .copied()
            .unwrap_or(line.len());
        let changes = changes.get_or_insert_with(|| CHANGE.captures_iter(line).collect());
        let next = changes.partition_point(|ch| ch.get(0).is_some_and(|m| m.start() < num.end()));
        let change = changes
            .get(next)
            .filter(|ch| ch.get(0).is_some_and(|m| m.end() <= rest_end));
        let change = change.and_then(|ch| {
            let (pct, negative, from) = match (ch.name("pct"), ch.name("pct2")) {
                (Some(p), _) => (
                    p,
                    ch.name("dir")
                        .is_some_and(|d| matches!(d.as_str(), "decrease" | "decline")),
                    p.start(),
                ),
                (_, Some(p)) => {
                    let sign = ch.name("sign")?;
                    (p, sign.as_str() == "-", sign.start())
                }
                _ => return None,
            };
            let mut v = printed_value(pct.as_str())?;
            if negative {
                v.insert(0, '-');
            }
            let base = ch.name("base").map(|b| b.as_str().to_string());
            Some((from, pct.as_str().to_string(), v, base))
        });
        out.push(Statement {
            label: label.as_str().trim(),
            printed_label: line[label.start()..end].trim().to_string(),
            num,
            unit: format!("{} {}", cur.as_str(), scale.as_str()),
            change,
        });
    }
    for c in JAPANESE.captures_iter(line) {
        let (Some(label), Some(num)) = (c.name("label"), c.name("num")) else {
            continue;
        };
        let change = c.name("pct").and_then(|p| {
            let mut v = printed_value(p.as_str())?;
            if c.name("dir").is_some_and(|d| d.as_str() == "減") {
                v.insert(0, '-');
            }
            // 前年同四半期比: on the same quarter a year earlier.
            Some((
                p.start(),
                p.as_str().to_string(),
                v,
                Some("year_ago".to_string()),
            ))
        });
        out.push(Statement {
            label: label.as_str().trim(),
            printed_label: label.as_str().trim().to_string(),
            num,
            unit: "JPY 100 million".to_string(),
            change,
        });
    }
    out
}

/// The comparison a stated change makes from `base`: a year ago, a quarter before, the initial
/// target; none when the base is none of them.
fn comparison_of(calendar: &Calendar, period: &str, base: Option<&str>) -> Option<&'static str> {
    let base = base?;
    if base == "year_ago" {
        return Some("yoy_pct");
    }
    if base.starts_with("the initial target") {
        return Some("vs_initial_target_pct");
    }
    let (a, b) = (calendar.period(period).ok()?, calendar.period(base).ok()?);
    if a.kind == b.kind && a.seq == b.seq && a.fiscal_year == b.fiscal_year + 1 {
        Some("yoy_pct")
    } else if a.kind == "quarter"
        && b.kind == "quarter"
        && a.fiscal_year * 4 + a.seq as i32 == b.fiscal_year * 4 + b.seq as i32 + 1
    {
        Some("qoq_pct")
    } else {
        None
    }
}

/// Figures stated in sentences, as rows of the release's own period (a text with headings for
/// other periods leaves that for review).
fn stated(
    line_no: usize,
    line: &str,
    (k, section): (&Knowledge, &str),
    period: &str,
    calendar: &Calendar,
    d: &mut Draft,
    used: &mut HashSet<(usize, usize)>,
) {
    for st in statements(line) {
        let (found, mut certainty, mut how) = meanings(k, st.label);
        if found.is_empty() || used.contains(&(line_no, st.num.start())) {
            continue;
        }
        if !d.headings.is_empty() {
            certainty = Certainty::Review;
            // The first few name them; a text of thousands of headings would repeat them all
            // in every row's note.
            let more = match d.headings.len() {
                n if n > 8 => format!(" and {} more", n - 8),
                _ => String::new(),
            };
            how.push_str(&format!(
                "; the text has headings for the periods {}{more}: which one this figure is of, \
                 its printed order does not pin",
                d.headings[..d.headings.len().min(8)].join(", ")
            ));
        }
        let Some(value) = printed_value(st.num.as_str()) else {
            continue;
        };
        let candidates = found
            .iter()
            .map(|m| format!("{}:{}", m.table, m.concept))
            .collect::<Vec<_>>()
            .join("|");
        used.insert((line_no, st.num.start()));
        let row = |comparison: &str, value: String, unit: String, printed: String, how: String| {
            DraftRow {
                table: candidates.clone(),
                period: period.to_string(),
                start: String::new(),
                end: String::new(),
                item: String::new(),
                comparison: comparison.to_string(),
                value,
                unit,
                section: section.to_string(),
                label: st.printed_label.clone(),
                printed,
                placement: "statement",
                certainty,
                how: vec![how],
                line: line_no,
            }
        };
        d.rows.push(row(
            "level",
            value,
            st.unit.clone(),
            st.num.as_str().to_string(),
            format!("stated figure: {how}; the release's period {period}"),
        ));
        if let Some((at, printed, v, base)) = &st.change {
            let Some(comparison) = comparison_of(calendar, period, base.as_deref()) else {
                continue;
            };
            used.insert((line_no, *at));
            let base = base.as_deref().unwrap_or_default();
            d.rows.push(row(
                comparison,
                v.clone(),
                "%".to_string(),
                printed.clone(),
                format!("stated change from {base}: {how}"),
            ));
        }
    }
}

/// The draft's own checks: a total against its parts, a stated growth rate against its levels.
fn prove(d: &mut Draft, k: &Knowledge, calendar: &Calendar) {
    // Statement rows take the section of the table-less text they are in.
    for r in d.rows.iter_mut().filter(|r| r.section.is_empty()) {
        r.section = "Highlights".to_string();
    }
    // The rows a check looks up, indexed once (a search of all rows per row is quadratic): the
    // first level row of each (period, item, unit), and of each item's periods by kind, number
    // and year (for a year-ago base) and by quarter count (for a quarter-before base).
    let mut levels: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let mut year_ago: HashMap<(&str, &str, u32, i32), usize> = HashMap::new();
    let mut quarter_before: HashMap<(&str, i32), usize> = HashMap::new();
    for (i, x) in d.rows.iter().enumerate() {
        if x.comparison != "level" {
            continue;
        }
        levels.entry((&x.period, &x.item, &x.unit)).or_insert(i);
        if x.unit == "%" {
            continue;
        }
        if let Ok(b) = calendar.period(&x.period) {
            year_ago
                .entry((&x.item, b.kind, b.seq, b.fiscal_year))
                .or_insert(i);
            if b.kind == "quarter" {
                quarter_before
                    .entry((&x.item, b.fiscal_year * 4 + b.seq as i32))
                    .or_insert(i);
            }
        }
    }
    let level = |period: &str, item: &str, unit: &str| levels.get(&(period, item, unit)).copied();
    let mut marks: Vec<(usize, Result<String, String>)> = Vec::new();
    for (i, r) in d.rows.iter().enumerate() {
        if r.comparison == "level" {
            if let Some(parts) = k.components.get(&r.item) {
                let found: Vec<Option<usize>> = parts
                    .iter()
                    .map(|(_, p)| level(&r.period, p, &r.unit))
                    .collect();
                if found.iter().all(Option::is_some) {
                    let sum: f64 = parts
                        .iter()
                        .zip(&found)
                        .map(|((s, _), j)| *s as f64 * j.map_or(0.0, |j| as_f64(&d.rows[j].value)))
                        .sum();
                    let ok = (sum - as_f64(&r.value)).abs() <= 1.0 + 1e-9;
                    let what = format!("parts of {} sum to {sum}", r.item);
                    marks.push((i, if ok { Ok(what) } else { Err(what) }));
                    for j in found.into_iter().flatten() {
                        marks.push((
                            j,
                            if ok {
                                Ok(format!("a part of {} that sums", r.item))
                            } else {
                                Err(format!("a part of {} that does not sum", r.item))
                            },
                        ));
                    }
                }
            }
        }
        if r.comparison == "yoy_pct" || r.comparison == "qoq_pct" {
            let Ok(p) = calendar.period(&r.period) else {
                continue;
            };
            let base = if r.comparison == "yoy_pct" {
                year_ago.get(&(r.item.as_str(), p.kind, p.seq, p.fiscal_year - 1))
            } else {
                quarter_before.get(&(r.item.as_str(), p.fiscal_year * 4 + p.seq as i32 - 1))
            }
            .map(|&j| &d.rows[j]);
            let current = base
                .and_then(|b| level(&r.period, &r.item, &b.unit))
                .map(|j| as_f64(&d.rows[j].value));
            if let (Some(b), Some(c)) = (base, current) {
                let b = as_f64(&b.value);
                let lo = ((c - 0.5) / (b + 0.5) - 1.0) * 100.0;
                let hi = ((c + 0.5) / (b - 0.5) - 1.0) * 100.0;
                let stated = as_f64(&r.value);
                let (lo, hi) = (lo.min(hi), lo.max(hi));
                let ok = stated >= lo - 0.05 && stated <= hi + 0.05;
                let what = format!(
                    "stated {stated}% vs {:.1}% from the levels",
                    (c / b - 1.0) * 100.0
                );
                marks.push((i, if ok { Ok(what) } else { Err(what) }));
            }
        }
    }
    for (i, mark) in marks {
        let r = &mut d.rows[i];
        match mark {
            Ok(why) => {
                if r.certainty == Certainty::Review && why.starts_with("parts") {
                    r.certainty = Certainty::Certain;
                }
                let why = format!("tied: {why}");
                if !r.how.contains(&why) {
                    r.how.push(why);
                }
            }
            Err(why) => {
                r.certainty = Certainty::Review;
                r.how.push(format!("FLAGGED: {why}"));
            }
        }
    }
    // One row per key: a figure found twice (a sentence and a table) keeps both only in different
    // sections; an exact repeat is dropped.
    let mut seen = HashSet::new();
    d.rows.retain(|r| {
        !r.table.is_empty()
            && !r.item.is_empty()
            && seen.insert((
                r.table.clone(),
                r.section.clone(),
                r.label.clone(),
                r.period.clone(),
                r.item.clone(),
                r.comparison.clone(),
                r.unit.clone(),
            ))
    });
}

/// The CSV text of each table the draft fills, with the schema's header (release_id left out).
pub fn csv_files(d: &Draft, catalog: &Catalog) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let tables: Vec<&str> = {
        let mut t: Vec<&str> = d.rows.iter().map(|r| r.table.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    for name in tables {
        let table = catalog
            .table(name)
            .with_context(|| format!("schema has no table {name}"))?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| *c != "release_id")
            .collect();
        w.write_record(&header)?;
        for r in d.rows.iter().filter(|r| r.table == name) {
            let note = format!("draft {}: {}", r.certainty.word(), r.how.join("; "));
            let cell = |c: &str| -> String {
                match c {
                    "period" | "as_of" => r.period.clone(),
                    "line" | "item" => r.item.clone(),
                    "measure" => "amount".into(),
                    "basis" => "actual".into(),
                    "scope" => "consolidated".into(),
                    "comparison" => r.comparison.clone(),
                    "value" => r.value.clone(),
                    "unit" => r.unit.clone(),
                    "section" => r.section.clone(),
                    "label" => r.label.clone(),
                    "printed" => r.printed.clone(),
                    "placement" => r.placement.to_string(),
                    "note" => note.clone(),
                    _ => String::new(),
                }
            };
            w.write_record(header.iter().map(|c| cell(c)))?;
        }
        out.push((name.to_string(), String::from_utf8(w.into_inner()?)?));
    }
    if !d.concepts.is_empty() {
        out.push(("concepts".to_string(), concepts_csv(d, catalog)?));
    }
    Ok(out)
}

/// concepts.csv of the concepts the draft proposes, with the schema's header.
fn concepts_csv(d: &Draft, catalog: &Catalog) -> Result<String> {
    let table = catalog
        .table("concepts")
        .context("schema has no table concepts")?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| *c != "release_id")
        .collect();
    w.write_record(&header)?;
    for c in &d.concepts {
        let cell = |name: &str| -> String {
            match name {
                "concept" => c.concept.clone(),
                "label" => c.label.clone(),
                "parent" => c.parent.clone(),
                "components" => c.components.clone(),
                "kind" => c.kind.to_string(),
                "dimension" => c.dimension.to_string(),
                "sort_order" => c.sort_order.to_string(),
                "note" => c.note.clone(),
                _ => String::new(),
            }
        };
        w.write_record(header.iter().map(|h| cell(h)))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// DRAFT.md: what was placed, with how sure, and every number the draft could not place.
pub fn report_markdown(release_id: &str, d: &Draft) -> String {
    let certain = d
        .rows
        .iter()
        .filter(|r| r.certainty == Certainty::Certain)
        .count();
    let mut s = format!(
        "# Draft of {release_id}\n\nWritten by `iijwh release draft`. The text has {} numbers: {} proposed as rows \
         ({certain} certain, {} for review) and {} unplaced. Review the rows marked `review` \
         in the CSVs (their note says why), place the unplaced numbers by hand, then `iijwh load`.\n\n",
        d.numbers,
        d.numbers - d.unplaced.len(),
        d.rows.len() - certain,
        d.unplaced.len()
    );
    for (title, which) in [
        ("Certain", Certainty::Certain),
        ("For review", Certainty::Review),
    ] {
        s.push_str(&format!("## {title}\n\n| line | table | period | item | comparison | value | printed | label | how |\n| ---: | --- | --- | --- | --- | ---: | --- | --- | --- |\n"));
        for r in d.rows.iter().filter(|r| r.certainty == which) {
            s.push_str(&format!(
                "| source.txt:{} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.line,
                r.table,
                r.period,
                r.item,
                r.comparison,
                r.value,
                md(&r.printed),
                md(&r.label),
                md(&r.how.join("; "))
            ));
        }
        s.push('\n');
    }
    s.push_str(
        "## Unplaced numbers\n\n| line | printed | context | why |\n| ---: | --- | --- | --- |\n",
    );
    for u in &d.unplaced {
        s.push_str(&format!(
            "| source.txt:{} | {} | {} | {} |\n",
            u.line,
            md(&u.printed),
            md(&u.context),
            u.why
        ));
    }
    s
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Write the draft into the release's folder: its rows into the CSVs it fills (each must be
/// absent or hold only its header: typed rows are never replaced) and DRAFT.md. Every file is
/// written aside first and renamed into place only when all are ready.
pub fn write(
    project: &crate::base::project::Project,
    release_id: &str,
    d: &Draft,
) -> Result<std::path::PathBuf> {
    let folder = ReleaseFolder::named(&project.data, release_id)?;
    let dir = folder.dir.clone();
    let catalog = Catalog::of(project)?;
    let mut files = csv_files(d, &catalog)?;
    for (name, _) in &files {
        let path = dir.join(format!("{name}.csv"));
        if std::fs::symlink_metadata(&path).is_ok() {
            let text = folder
                .read(&path)
                .context("the draft replaces only a CSV it can read: nothing was written")?;
            if text.lines().skip(1).any(|l| !l.trim().is_empty()) {
                bail!(
                    "{}: holds rows already; the draft writes only into empty CSVs (move the \
                     file aside, or keep typing it): nothing was written",
                    path.display()
                );
            }
        }
    }
    files = files
        .into_iter()
        .map(|(n, t)| (format!("{n}.csv"), t))
        .collect();
    files.push(("DRAFT.md".to_string(), report_markdown(release_id, d)));
    let pid = std::process::id();
    let mut staged = Vec::new();
    for (name, text) in &files {
        let tmp = dir.join(format!(".{name}.draft-{pid}"));
        // A new file, never one found there: a link planted at that name is not followed.
        let written = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(mut file) => {
                staged.push(tmp.clone());
                std::io::Write::write_all(&mut file, text.as_bytes())
            }
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            for t in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e).with_context(|| format!("writing {}", tmp.display()));
        }
    }
    for ((name, _), tmp) in files.iter().zip(&staged) {
        std::fs::rename(tmp, dir.join(name))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_forms_read_back_as_stored_values() {
        for (p, v) in [
            ("1,234", Some("1234")),
            ("(238)", Some("-238")),
            ("17.4%", Some("17.4")),
            ("+5.6%", Some("5.6")),
            ("△12", Some("-12")),
            ("(40.5%)", Some("-40.5")),
            ("140.1", Some("140.1")),
            ("1.25", Some("1.25")),
            ("$0.89", Some("0.89")),
            ("3.875%", Some("3.875")),
            ("0.1234567", None),
        ] {
            assert_eq!(printed_value(p).as_deref(), v, "{p}");
        }
        let line = "Income before Income Tax Expense(3) 1,017 1,603 (36.5%) in 3Q07 and FY2007";
        let found: Vec<(String, bool)> = numbers_of(1, line)
            .into_iter()
            .map(|(t, f)| (t.text, f))
            .collect();
        assert_eq!(
            found,
            [
                ("(3)".to_string(), true),
                ("1,017".to_string(), false),
                ("1,603".to_string(), false),
                ("(36.5%)".to_string(), false)
            ]
        );
    }

    #[test]
    fn sentences_state_figures_with_their_changes() {
        let cal = Calendar::months(4, true);
        let ja = statements("・営業収益（売上高） 140.1億円（前年同四半期比 17.4%増）");
        assert_eq!(ja.len(), 1);
        assert_eq!(
            (ja[0].label, ja[0].num.as_str(), ja[0].unit.as_str()),
            ("営業収益（売上高）", "140.1", "JPY 100 million")
        );
        let (_, printed, value, base) = ja[0].change.clone().unwrap();
        assert_eq!((printed.as_str(), value.as_str()), ("17.4%", "17.4"));
        assert_eq!(
            comparison_of(&cal, "2Q06", base.as_deref()),
            Some("yoy_pct")
        );
        let en = statements(
            "- Total revenues JPY 26,400 million (+5.6% compared to the initial target)",
        );
        let (_, _, value, base) = en[0].change.clone().unwrap();
        assert_eq!(value, "5.6");
        assert_eq!(
            comparison_of(&cal, "1H06", base.as_deref()),
            Some("vs_initial_target_pct")
        );
        let en = statements("Operating income was JPY411 million, a decrease of 40.5% from 1Q07.");
        let (_, _, value, base) = en[0].change.clone().unwrap();
        assert_eq!((en[0].label, value.as_str()), ("Operating income", "-40.5"));
        assert_eq!(
            comparison_of(&cal, "1Q08", base.as_deref()),
            Some("yoy_pct")
        );
        assert_eq!(comparison_of(&cal, "1Q08", Some("4Q07")), Some("qoq_pct"));
        assert_eq!(comparison_of(&cal, "1Q08", Some("2Q07")), None);
    }
}
