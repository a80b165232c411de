//! Drafting a release's figure rows from its text (`iijwh release draft`): tables whose header
//! names periods (`1Q08 1Q07 YoY % change`) and sentences that state a figure with its change
//! ("Revenues totaled JPY16,328 million, an increase of 19.2% from 1Q07") become rows of the fact
//! CSVs. Labels map to the company's concepts through what earlier releases printed (their
//! provenance is the dictionary), then the concepts' own labels and the standard concepts' labels
//! and aliases, then close matches (proposed for review, never as certain). Every proposed value
//! reads back from its printed form; the draft's own totals, parts and stated growth rates are
//! checked, which ties a row (raising a close match) or flags it. Every number of the text is
//! either proposed or listed as unplaced.
//!
//! A results deck's slide text has layouts of its own: charts (`charts`, over `read::slide`)
//! give their series by period, placed by the chart's own sums, unlabeled series identified by
//! the release's arithmetic or their legend (`legend`); bullets of operating measures with their
//! changes on the line below (`bullets`); sentences on a line of business (`business`); rows
//! printed number first under a column head (`glued`). What only layout places is for review.

mod bullets;
mod business;
mod by_column;
mod charts;
mod checks;
pub mod company;
mod compared;
mod glued;
pub mod grid;
mod knowledge;
mod legend;
mod lines;
mod meaning;
mod output;
mod prose;
mod renamed;
mod restated;
mod tables;
mod tied;
mod wrapped;

use checks::*;
use knowledge::*;
use lines::*;
pub use output::{csv_files, report_markdown, write};
use prose::*;

use crate::release::calendar::Calendar;
use crate::release::company::read_company_record;
use crate::release::ReleaseFolder;

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
    /// What the value measures: `amount`, or a ratio of the item (`gross_margin_ratio`,
    /// `pct_of_revenues`), as the fact tables' `measure` column says.
    pub measure: &'static str,
    pub certainty: Certainty,
    /// How it was found, and what tied or flagged it.
    pub how: Vec<String>,
    /// Line of source.txt (1-based).
    pub line: usize,
}

impl DraftRow {
    /// A level a sentence or a bullet states of `m`'s concept in `period`, for review; the rest
    /// (its value, unit, printed form, how it was read) set by the caller.
    fn stated(m: &Meaning, period: &str, section: &str, label: String, line: usize) -> DraftRow {
        DraftRow {
            table: m.table.clone(),
            period: period.to_string(),
            start: String::new(),
            end: String::new(),
            item: m.concept.clone(),
            comparison: "level".to_string(),
            value: String::new(),
            unit: String::new(),
            section: section.to_string(),
            label,
            printed: String::new(),
            placement: "statement",
            measure: "amount",
            certainty: Certainty::Review,
            how: Vec::new(),
            line,
        }
    }
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
    pub concepts: Vec<meaning::NewConcept>,
    /// Restatements the draft proposes for comparatives that differ from an earlier printing,
    /// when the text says why (restatements.csv).
    pub restatements: Vec<restated::NewRestatement>,
    /// What the text prints of its company (identifiers, the quarter's end), against its record.
    pub company: Vec<company::CompanyFact>,
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
    let mut reading = meaning::Reading::default();
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
    // Tables printed column by column: their numbers are among the line reader's unplaced.
    by_column::draft_by_column(&text, &knowledge, &calendar, &unit, &mut d);
    wrapped::draft_wrapped(&text, &knowledge, &period, &mut d);
    compared::draft_compared(&text, &calendar, &mut d);
    // Charts last: the figures the text states elsewhere are what pins their periods.
    charts::draft_charts(&text, &knowledge, &calendar, &unit, &mut d);
    // Changes under a figure no label names, by the levels the charts drafted.
    tied::draft_tied(&text, &knowledge, &calendar, &period, &unit, &mut d);
    tied::draft_bases(&text, &calendar, &mut d);
    d.concepts = reading.concepts;
    let record_table: toml::Table = crate::base::read_text_bounded(&record)
        .ok()
        .and_then(|t| toml::from_str(&t).ok())
        .unwrap_or_default();
    d.company = company::company_facts(&text, &record_table, &calendar, &period);
    d.restatements = restated::propose(&text, &calendar, &reading.restated);
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
        // IIJ 2Q06, lines 37-38: a slide prints a figure's changes on the line below it; a change
        // from 1H05 says the figure is 1H06's, not the release's quarter's.
        let below =
            changes_below("(+21.3% compared to 1H05, +5.6% compared to the initial target)");
        let read: Vec<(&str, Option<&str>)> = below
            .iter()
            .map(|(_, _, v, base)| (v.as_str(), base.as_deref()))
            .collect();
        assert_eq!(
            read,
            [("21.3", Some("1H05")), ("5.6", Some("the initial target"))]
        );
        assert!(changes_below("Revenues rose 5% (+3% from 1Q06)").is_empty());
        assert_eq!(
            period_from_base(&cal, "2Q06", Some("1H05")).as_deref(),
            Some("1H06")
        );
        assert_eq!(period_from_base(&cal, "2Q06", Some("2Q05")), None);
        assert_eq!(
            period_from_base(&cal, "2Q06", Some("the initial target")),
            None
        );
        assert_eq!(comparison_of(&cal, "1Q08", Some("2Q07")), None);
    }
}
