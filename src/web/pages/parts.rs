//! What several pages share: a result as a table whose figures link to their provenance, the
//! company picker, percent-encoding.

use crate::base::sql_string;
use crate::render::{columns_text, display_cells, figure_digits, period_column, QueryResult};
use crate::warehouse::Warehouse;
use anyhow::Result;
use maud::{html, Markup};
use std::collections::{HashMap, HashSet};

/// A result as the terminal table shows it: grouping, `%`, negatives marked. Numeric cells that are
/// figures of the vintage link to their provenance (see `Provenance`).
pub(super) fn table(wh: &Warehouse, result: &QueryResult) -> Result<Markup> {
    let shown = display_cells(result)?;
    let raw = columns_text(result)?;
    let links = Provenance::of(wh, result, &raw)?;
    Ok(html! {
        div.scroll { table {
            thead { tr { @for (ci, h) in shown.headers.iter().enumerate() { th.num[shown.numeric[ci]] { (header_text(h)) } } } }
            tbody {
                @for (ri, row) in shown.rows.iter().enumerate() {
                    tr {
                        @for (ci, cell) in row.iter().enumerate() {
                            @if shown.numeric[ci] {
                                td.num.neg[cell.starts_with('-')] {
                                    @if let Some(href) = links.link(&raw, ri, raw[ci][ri].as_deref()) {
                                        a href=(href) { (cell) }
                                    } @else { (cell) }
                                }
                            } @else {
                                td.short[cell.chars().count() <= 24] { (shorten(cell)) }
                            }
                        }
                    }
                }
            }
        } }
        p.muted { (result.num_rows()) " rows" }
    })
}

/// Every company's figures with their `newest` mark (each figure key's newest printing in its
/// company), where the figures view reads them: its `in_vintage` is `newest` of the session's
/// company alone, and a page of several companies' figures needs each one's.
pub(super) const EVERY_COMPANY_FIGURES: &str =
    "latest_or_computed('latest.figures', 'vintage_figures')";

/// Which cells of a result are figures with a provenance page: a figure of the row's company
/// (the loaded company its `company_id` or `company` column names, as a peer table's rows do;
/// else the session's) with the cell's
/// value, and the row's period when it has one, as that company's newest printing of it (what
/// `/figures?company=` shows: its `in_vintage` rows).
struct Provenance {
    /// Each row's company id (empty with no company loaded).
    companies: Vec<String>,
    period_col: Option<usize>,
    /// (company, period, value) of every linkable figure; values as the cells print them (see
    /// `columns_text`): `14007.0`, not the stored `14007.000000`.
    known: HashSet<(String, String, String)>,
    /// (company, value), for a result with no period column.
    values: HashSet<(String, String)>,
}

impl Provenance {
    fn of(wh: &Warehouse, result: &QueryResult, raw: &[Vec<Option<String>>]) -> Result<Provenance> {
        let names = result.column_names();
        let company_col = ["company_id", "company"]
            .iter()
            .find_map(|c| names.iter().position(|n| n == c));
        let (session, _) = wh.session_company()?;
        let companies: Vec<String> = match company_col {
            None => vec![session; result.num_rows()],
            Some(col) => {
                // A company column holds ids or names, as the reports print them; one that names
                // no loaded company (group_structure's subsidiaries) is of the page's company.
                let mut ids: HashMap<String, String> = HashMap::new();
                for row in wh.column_values("SELECT company_id || chr(9) || name FROM companies")? {
                    if let Some((id, name)) = row.split_once('\t') {
                        ids.insert(id.to_string(), id.to_string());
                        ids.insert(name.to_string(), id.to_string());
                    }
                }
                raw[col]
                    .iter()
                    .map(|c| {
                        c.as_ref()
                            .and_then(|c| ids.get(c))
                            .unwrap_or(&session)
                            .clone()
                    })
                    .collect()
            }
        };
        let mut wanted: Vec<&String> = companies.iter().filter(|c| !c.is_empty()).collect();
        wanted.sort();
        wanted.dedup();
        let mut known = HashSet::new();
        if !wanted.is_empty() {
            let list: Vec<String> = wanted.iter().map(|c| sql_string(c)).collect();
            for row in wh.column_values(&format!(
                "SELECT DISTINCT concat_ws(chr(9), company_id, coalesce(period, ''), value::VARCHAR) \
                 FROM {EVERY_COMPANY_FIGURES} WHERE newest AND value IS NOT NULL AND company_id IN ({})",
                list.join(", ")
            ))? {
                let mut f = row.splitn(3, '\t');
                if let (Some(c), Some(p), Some(v)) = (f.next(), f.next(), f.next()) {
                    known.insert((c.to_string(), p.to_string(), figure_digits(v)));
                }
            }
        }
        let values = known
            .iter()
            .map(|(c, _, v)| (c.clone(), v.clone()))
            .collect();
        Ok(Provenance {
            companies,
            period_col: period_column(&names),
            known,
            values,
        })
    }

    /// The provenance page of the cell `value` of row `row`, if it is a figure.
    fn link(&self, raw: &[Vec<Option<String>>], row: usize, value: Option<&str>) -> Option<String> {
        let company = self.companies.get(row).filter(|c| !c.is_empty())?;
        let value = value.filter(|v| !v.is_empty())?.to_string();
        let period = self
            .period_col
            .and_then(|p| raw[p][row].clone())
            .unwrap_or_default();
        let found = match self.period_col {
            Some(_) => self
                .known
                .contains(&(company.clone(), period.clone(), value.clone())),
            None => self.values.contains(&(company.clone(), value.clone())),
        };
        found.then(|| figure_link(&period, &value, company))
    }
}

/// A column's name as a header: it may break after an underscore (`value_added_<wbr>and_other`),
/// so a table of long names is as narrow as its figures.
fn header_text(name: &str) -> Markup {
    html! { @for part in name.split_inclusive('_') { (part) wbr; } }
}

/// A text cell as a page shows it: at most 2,000 characters, the rest elided (a page is for
/// reading; the .csv and .json twins carry every character).
fn shorten(cell: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 2000;
    match cell.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &cell[..at]).into(),
        None => cell.into(),
    }
}

/// A figure's provenance page, of the company the page shows (`company`, empty: the session's).
pub(super) fn figure_link(period: &str, value: &str, company: &str) -> String {
    let mut url = format!("/figures?value={}", encode(value));
    if !period.is_empty() {
        url.push_str(&format!("&period={}", encode(period)));
    }
    if !company.is_empty() {
        url.push_str(&format!("&company={}", encode(company)));
    }
    url
}

/// Percent-encoding for a query-string value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The session's company and every loaded one: (id, name, is the session's).
pub(super) fn companies(wh: &Warehouse) -> Result<Vec<(String, String, bool)>> {
    let rows = wh.column_values(
        "SELECT c.company_id || chr(9) || c.name || chr(9) || \
         (c.company_id = (SELECT company_id FROM vintage_company))::VARCHAR \
         FROM companies c WHERE c.company_id IN (SELECT company_id FROM releases) ORDER BY c.company_id",
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let mut f = r.split('\t');
            Some((
                f.next()?.to_string(),
                f.next()?.to_string(),
                f.next()? == "true",
            ))
        })
        .collect())
}

/// A form that shows the page for another company (`?company=ID`), keeping the other
/// parameters; the session's company is selected; a link to the company's page beside it.
pub(super) fn company_picker(
    wh: &Warehouse,
    action: &str,
    keep: &[(String, String)],
) -> Result<Markup> {
    let all = companies(wh)?;
    let current = all
        .iter()
        .find(|c| c.2)
        .map(|c| c.0.clone())
        .unwrap_or_default();
    Ok(html! {
        form.picker method="get" action=(action) {
            label for="company" { "Company" }
            select #company name="company" {
                @for (id, name, shown) in &all { option value=(id) selected[*shown] { (name) " (" (id) ")" } }
            }
            @for (k, v) in keep { input type="hidden" name=(k) value=(v); }
            button type="submit" { "Show" }
            @if !current.is_empty() { a href={ "/companies/" (encode(&current)) } { "About this company" } }
        }
    })
}
