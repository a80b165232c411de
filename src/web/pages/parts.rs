//! What several pages share: a result as a table whose figures link to their provenance, the
//! company picker, percent-encoding.

use crate::render::{columns_text, display_cells, QueryResult};
use crate::warehouse::Warehouse;
use anyhow::Result;
use maud::{html, Markup};
use std::collections::HashSet;

/// A result as the terminal table shows it: grouping, `%`, negatives marked. Numeric cells that are
/// figures of the vintage (same value, and same period when the row has one) link to their
/// provenance.
pub(super) fn table(wh: &Warehouse, result: &QueryResult) -> Result<Markup> {
    let shown = display_cells(result)?;
    let raw = columns_text(result)?;
    let known: HashSet<(String, String)> = wh
        .column_values("SELECT DISTINCT coalesce(period, '') || chr(9) || value::VARCHAR FROM figures WHERE in_vintage")?
        .into_iter()
        // As the cells print them (see `columns_text`): `14007.0`, not the stored `14007.000000`.
        .filter_map(|l| {
            l.split_once('\t')
                .map(|(p, v)| (p.to_string(), crate::render::figure_digits(v)))
        })
        .collect();
    let company = session_company(wh)?;
    let period_col = shown
        .headers
        .iter()
        .position(|h| h == "quarter" || h == "period");
    Ok(html! {
        div.scroll { table {
            thead { tr { @for (ci, h) in shown.headers.iter().enumerate() { th.num[shown.numeric[ci]] { (header_text(h)) } } } }
            tbody {
                @for (ri, row) in shown.rows.iter().enumerate() {
                    tr {
                        @for (ci, cell) in row.iter().enumerate() {
                            @if shown.numeric[ci] {
                                td.num.neg[cell.starts_with('-')] {
                                    @let value = raw[ci][ri].clone().unwrap_or_default();
                                    @let period = period_col.and_then(|p| raw[p][ri].clone()).unwrap_or_default();
                                    @if !value.is_empty() && (known.contains(&(period.clone(), value.clone())) || (period_col.is_none() && known.iter().any(|(_, v)| *v == value))) {
                                        a href=(figure_link(&period, &value, &company)) { (cell) }
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

/// The id of the company the session shows.
fn session_company(wh: &Warehouse) -> Result<String> {
    Ok(wh
        .column_values("SELECT company_id FROM vintage_company")?
        .into_iter()
        .next()
        .unwrap_or_default())
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
