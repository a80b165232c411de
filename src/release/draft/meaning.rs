//! What a statement's row means: which statement a table is (by its title), and each row's
//! concept: the one earlier releases of the company printed under that label in that statement
//! (the n-th "Other" is the n-th concept printed as "Other"), else the standard concept of that
//! statement with that label or alias, else a new concept of the company named after the label,
//! proposed for concepts.csv. Aliases two labels of one table share go to the total that ties.

use super::{normalize, Knowledge};
use crate::release::read::table::Table;
use crate::release::read::{proof, units};
use std::collections::{HashMap, HashSet};

/// A concept the draft proposes for the company (a row of concepts.csv).
#[derive(Debug, Clone)]
pub struct NewConcept {
    pub concept: String,
    pub label: String,
    pub parent: String,
    pub components: String,
    pub kind: &'static str,
    pub dimension: &'static str,
    pub sort_order: usize,
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Statement {
    Income,
    Balance,
    CashFlow,
}

impl Statement {
    pub(super) fn table(self) -> &'static str {
        match self {
            Statement::Income => "income_items",
            Statement::Balance => "balance_sheet",
            Statement::CashFlow => "cash_flows",
        }
    }

    pub(super) fn prefix(self) -> &'static str {
        match self {
            Statement::Income => "is_",
            Statement::Balance => "bs_",
            Statement::CashFlow => "cf_",
        }
    }

    /// Tables of the concepts a statement may print: a cash-flow statement starts from net
    /// income, an income statement's revenue lines are revenue lines.
    pub(super) fn allows(self, table: &str) -> bool {
        match self {
            Statement::Income => matches!(table, "income_items" | "revenue_lines"),
            Statement::Balance => table == "balance_sheet",
            Statement::CashFlow => matches!(table, "cash_flows" | "income_items"),
        }
    }
}

/// Which statement a table is, by its title; none for the rest (reconciliations, footnote tables).
pub(super) fn statement_of(t: &Table) -> Option<Statement> {
    let title = t.title.to_lowercase();
    if title.contains("non-gaap")
        || title.contains("reconciliation")
        || title.contains("non-consolidated")
    {
        return None;
    }
    if title.contains("cash flow") {
        Some(Statement::CashFlow)
    } else if title.contains("balance sheet")
        || title.contains("financial position")
        || title.contains("financial condition")
    {
        Some(Statement::Balance)
    } else if title.contains("income")
        || title.contains("operations")
        || title.contains("earnings")
        || title.contains("revenue")
    {
        Some(Statement::Income)
    } else if title.contains("segment")
        || t.rows
            .iter()
            .take(3)
            .any(|r| r.section.to_lowercase().contains("segment"))
    {
        // Segment tables ("Segment and Disaggregated Revenue Information" under "SELECTED
        // CORPORATE DATA"): lines of the income statement, by segment.
        Some(Statement::Income)
    } else {
        None
    }
}

/// A concept code from a label: lower-case words joined by `_`.
pub(super) fn slug(label: &str) -> String {
    let mut s = String::new();
    for ch in label.to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            s.push(ch);
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
        if s.len() >= 48 {
            break;
        }
    }
    let s = s.trim_end_matches('_').to_string();
    match s.chars().next() {
        Some(c) if c.is_ascii_lowercase() => s,
        Some(_) => format!("c_{s}"),
        None => "unlabelled".to_string(),
    }
}

/// What a row means: its table, its concept, whether the label is known, and how it was found.
pub(super) struct Meaning {
    pub(super) table: String,
    pub(super) concept: String,
    pub(super) known: bool,
    pub(super) how: String,
}

/// A figure printed again with another value than an earlier release printed.
#[derive(Debug, Clone)]
pub struct Restated {
    pub table: String,
    pub concept: String,
    pub period: String,
    pub release: String,
    /// The figure's unit: a stock split's sentence covers share counts and per-share amounts.
    pub unit: String,
}

/// The state of the draft's reading of statements: concepts it proposed so far.
#[derive(Default)]
pub struct Reading {
    pub restated: Vec<Restated>,
    /// (table, normalized label, n-th printing) -> concept proposed for it
    proposed: HashMap<(String, String, usize), String>,
    /// concepts proposed, by code
    codes: HashSet<String>,
    pub concepts: Vec<NewConcept>,
}

impl Reading {
    /// Take back the concept proposed for the n-th printing of `label` in `table`: the row
    /// turned out to be a concept the company has.
    pub(super) fn forget(&mut self, table: &str, label: &str, nth: usize) {
        let at = (table.to_string(), normalize(label), nth);
        if let Some(c) = self.proposed.remove(&at) {
            self.codes.remove(&c);
        }
    }
}

/// The one concept (the company's or a standard one) of this statement whose label or alias is
/// `key`, with its table.
pub(super) fn named_concept(k: &Knowledge, st: Statement, key: &str) -> Option<(String, String)> {
    let found = k.named.get(key)?;
    let mut fits: Vec<(&str, &String)> = found
        .iter()
        .filter_map(|c| {
            let tables = k.tables.get(c)?;
            let t = if tables.iter().any(|t| t == st.table()) {
                st.table()
            } else {
                tables.iter().find(|t| st.allows(t))?.as_str()
            };
            Some((t, c))
        })
        .collect();
    fits.sort();
    (fits.len() == 1).then(|| (fits[0].0.to_string(), fits[0].1.clone()))
}

/// Was `key` printed by an earlier release in a table this statement holds?
pub(super) fn printed_before(k: &Knowledge, st: Statement, key: &str) -> bool {
    [
        "income_items",
        "revenue_lines",
        "balance_sheet",
        "cash_flows",
    ]
    .iter()
    .any(|t| st.allows(t) && k.order.contains_key(&(t.to_string(), key.to_string())))
}

/// Rows of one table whose different labels name one concept by alias (AMD's "Cost of sales"
/// and "Total cost of sales", both aliases of cost_of_revenues): the total of a tie whose parts
/// hold the others keeps it; the others, or all when no such total is printed, do not take it.
pub(super) fn alias_clashes(
    k: &Knowledge,
    st: Statement,
    t: &Table,
    values: &[Vec<Option<String>>],
    ties: &[proof::Tie],
) -> HashSet<usize> {
    let mut by_concept: HashMap<String, Vec<usize>> = HashMap::new();
    for (ri, row) in t.rows.iter().enumerate() {
        let key = normalize(&row.label);
        // Rows that take no concept (no label, cells that fit no head, percentages) clash with
        // none: AMD's "Gross margin" (an alias of gross_profit) is a percentage.
        let first = row.cells.first().map_or("", |c| c.printed.as_str());
        let percent = units::measure(&row.label, &row.section, first) == units::Measure::Percent
            || (t.transposed && row.section == "%");
        if row.label.is_empty() || values[ri].is_empty() || percent || printed_before(k, st, &key) {
            continue;
        }
        if let Some((_, c)) = named_concept(k, st, &key) {
            by_concept.entry(c).or_default().push(ri);
        }
    }
    let label = |r: usize| normalize(&t.rows[r].label);
    let mut out = HashSet::new();
    for rows in by_concept.values() {
        let labels: HashSet<String> = rows.iter().map(|&r| label(r)).collect();
        if labels.len() < 2 {
            continue;
        }
        let winner = rows.iter().copied().find(|&w| {
            ties.iter().any(|tie| {
                tie.total == w
                    && rows
                        .iter()
                        .all(|&o| label(o) == label(w) || tie.parts.iter().any(|(_, p)| *p == o))
            })
        });
        for &r in rows {
            if winner.is_none_or(|w| label(w) != label(r)) {
                out.insert(r);
            }
        }
    }
    out
}

pub(super) fn meaning(
    k: &Knowledge,
    reading: &mut Reading,
    st: Statement,
    label: &str,
    measure: units::Measure,
    nth: usize,
    alias_ok: bool,
) -> Meaning {
    let key = normalize(label);
    let own = |c: &str| k.own.get(c).cloned().unwrap_or_else(|| c.to_string());
    // A percentage (a margin, a return, a ratio printed with `%`) is a KPI of the company: the
    // one earlier releases printed under that label, else a new one.
    if measure == units::Measure::Percent {
        let at = ("kpis".to_string(), key.clone());
        if let Some(v) = k.order.get(&at) {
            let concept = v.get(nth).or(v.last()).cloned().unwrap_or_default();
            return Meaning {
                table: "kpis".into(),
                concept: concept.clone(),
                known: true,
                how: format!("percentage \"{label}\" printed by an earlier release as {concept}"),
            };
        }
        return proposed(k, reading, "kpis", "kpi_", label, &key, nth);
    }
    // Basic and diluted: earnings per share or share counts, as the row's measure says.
    let first = key.split_whitespace().next().unwrap_or_default();
    if matches!(first, "basic" | "diluted") && key.split_whitespace().count() <= 3 {
        let concept = match (measure, first) {
            (units::Measure::PerShare, "basic") => Some("eps_basic"),
            (units::Measure::PerShare, _) => Some("eps_diluted"),
            (units::Measure::Shares, "basic") => Some("shares_basic"),
            (units::Measure::Shares, _) => Some("shares_diluted"),
            _ => None,
        };
        if let Some(c) = concept {
            return Meaning {
                table: "income_items".into(),
                concept: own(c),
                known: true,
                how: format!("\"{label}\" under a per-share or share-count heading: {c}"),
            };
        }
    }
    // Printed by an earlier release in a table this statement holds: the n-th such printing.
    for table in [
        "income_items",
        "revenue_lines",
        "balance_sheet",
        "cash_flows",
    ] {
        if !st.allows(table) {
            continue;
        }
        if let Some(v) = k.order.get(&(table.to_string(), key.clone())) {
            let concept = v.get(nth).or(v.last()).cloned().unwrap_or_default();
            return Meaning {
                table: table.to_string(),
                concept: concept.clone(),
                known: true,
                how: format!("label \"{label}\" printed by an earlier release as {concept}"),
            };
        }
    }
    // A concept (the company's or a standard one) of this statement with that label or alias.
    if let Some((t, c)) = named_concept(k, st, &key).filter(|_| nth == 0 && alias_ok) {
        return Meaning {
            table: t,
            concept: own(&c),
            known: true,
            how: format!("label \"{label}\" of the concept {c}"),
        };
    }
    // New to the company: a concept named after the label, once per printing.
    proposed(k, reading, st.table(), st.prefix(), label, &key, nth)
}

/// A count a summary prints beside each amount (`CPU Units k` beside `Rev $m`, Apple's units
/// sold by segment): the KPI earlier releases printed under the label, else a new one named
/// after the label and `units` (the label's amount keeps the plain name).
pub(super) fn counted(k: &Knowledge, reading: &mut Reading, label: &str, nth: usize) -> Meaning {
    let key = normalize(label);
    if let Some(v) = k.order.get(&("kpis".to_string(), key.clone())) {
        let concept = v.get(nth).or(v.last()).cloned().unwrap_or_default();
        return Meaning {
            table: "kpis".into(),
            concept: concept.clone(),
            known: true,
            how: format!("count \"{label}\" printed by an earlier release as {concept}"),
        };
    }
    proposed_as(
        k,
        reading,
        "kpis",
        "kpi_",
        &format!("{label} units"),
        label,
        &key,
        nth,
    )
}

/// A line of one part of the company (a region's `Software and cloud revenues` under
/// `AMERICAS`): the concept named after the section and the label, known when an earlier
/// release printed it.
pub(super) fn part_of(
    k: &Knowledge,
    printed_before: &dyn Fn(&str) -> bool,
    reading: &mut Reading,
    table: &str,
    section: &str,
    label: &str,
    nth: usize,
) -> Meaning {
    let name = format!("{section} {label}");
    let concept = slug(&name);
    if printed_before(&concept) {
        return Meaning {
            table: table.to_string(),
            concept: concept.clone(),
            known: true,
            how: format!(
                "\"{label}\" under \"{section}\" printed by an earlier release as {concept}"
            ),
        };
    }
    let key = normalize(&name);
    proposed_as(k, reading, table, "", &name, label, &key, nth)
}

/// A concept new to the company, named after its label (with `prefix` when the name is taken),
/// once per printing (the n-th) of the label in `table`.
fn proposed(
    k: &Knowledge,
    reading: &mut Reading,
    table: &str,
    prefix: &str,
    label: &str,
    key: &str,
    nth: usize,
) -> Meaning {
    proposed_as(k, reading, table, prefix, label, label, key, nth)
}

/// `proposed`, the concept named after `name`.
#[allow(clippy::too_many_arguments)]
fn proposed_as(
    k: &Knowledge,
    reading: &mut Reading,
    table: &str,
    prefix: &str,
    name: &str,
    label: &str,
    key: &str,
    nth: usize,
) -> Meaning {
    let table = table.to_string();
    let at = (table.clone(), key.to_string(), nth);
    if let Some(c) = reading.proposed.get(&at) {
        return Meaning {
            table,
            concept: c.clone(),
            known: false,
            how: format!("label \"{label}\" is new: concept {c} proposed"),
        };
    }
    let base = slug(name);
    let taken = |c: &str| k.tables.contains_key(c) || reading.codes.contains(c);
    let mut concept = base.clone();
    if taken(&concept) {
        concept = format!("{prefix}{base}");
    }
    let mut n = 2;
    while taken(&concept) {
        concept = format!("{prefix}{base}_{n}");
        n += 1;
    }
    reading.codes.insert(concept.clone());
    reading.proposed.insert(at, concept.clone());
    Meaning {
        table,
        concept: concept.clone(),
        known: false,
        how: format!("label \"{label}\" is new: concept {concept} proposed"),
    }
}
