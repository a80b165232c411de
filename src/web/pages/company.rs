//! `/companies/ID`: a company's record, releases, statement grids and checks.

use super::checks::checks_table;
use super::parts::{companies, encode, figure_link, table};
use super::{page, vintage_line};
use crate::base::sql_string;
use crate::warehouse::Warehouse;
use crate::web::Reply;
use anyhow::Result;
use maud::html;

/// A company's calendar in words: when its fiscal year starts and ends, and which year names it.
pub fn calendar_words(start_month: u32, named_by: &str, year_end: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let start_month = start_month.clamp(1, 12);
    let start = MONTHS[(start_month - 1) as usize];
    let end = MONTHS[((start_month + 10) % 12) as usize];
    let ends = if year_end.is_empty() {
        format!("ends at the end of {end}")
    } else {
        format!("ends on the {year_end}")
    };
    // Fiscal 2025 as an example: the calendar years it runs across.
    let (named, first) = match named_by {
        "end_year" => (
            "the calendar year it ends in",
            if start_month == 1 { 2025 } else { 2024 },
        ),
        _ => ("the calendar year it starts in", 2025),
    };
    let example = if start_month == 1 {
        "fiscal 2025 is calendar 2025".to_string()
    } else {
        format!("fiscal 2025 runs {start} {first} to {end} {}", first + 1)
    };
    let quarters = if year_end.is_empty() {
        "Its quarters are three months each from its start."
    } else {
        "Its quarters follow its 52/53-week calendar."
    };
    format!("The fiscal year starts in {start} and {ends}; it is named by {named} ({example}). {quarters}")
}

/// `/companies/ID`: a company's record, calendar, identifiers, releases, its latest statements
/// as grids of concept by period (each figure linked to its provenance), and the checks.
pub fn company(wh: &Warehouse, id: &str) -> Result<Reply> {
    let Some(found) = wh.company_id(id)? else {
        let known: Vec<String> = companies(wh)?.into_iter().map(|c| c.0).collect();
        anyhow::bail!(
            "no company `{id}` in the warehouse; companies: {}",
            known.join(", ")
        );
    };
    wh.set_vintage(&crate::warehouse::Vintage {
        company: Some(found.clone()),
        ..Default::default()
    })?;
    let record = wh.column_values(&format!(
        "SELECT concat_ws(chr(9), name, fiscal_year_start_month::VARCHAR, fiscal_year_named_by, \
         coalesce(fiscal_year_end, ''), coalesce(week_53_quarter::VARCHAR, ''), currency, unit, \
         coalesce(ticker, ''), coalesce(exchange, ''), coalesce(local_code, ''), coalesce(sec_cik, ''), \
         coalesce(replace(aliases, ';', ','), '')) FROM companies WHERE company_id = {}",
        sql_string(&found)
    ))?;
    let record = record.first().cloned().unwrap_or_default();
    let f: Vec<&str> = record.split('\t').collect();
    let field = |i: usize| f.get(i).copied().unwrap_or("").to_string();
    let calendar = calendar_words(field(1).parse().unwrap_or(1), &field(2), &field(3));
    let releases = wh.query(
        &format!(
            "SELECT release_id, fiscal_period, published_on, title, unit FROM releases \
             WHERE company_id = {} ORDER BY published_on, release_id",
            sql_string(&found)
        ),
        &[],
    )?;
    let grids = statement_grids(wh)?;
    let identifiers: Vec<(&str, String)> = [
        ("id", found.clone()),
        ("ticker", field(7)),
        ("exchange", field(8)),
        ("local code", field(9)),
        ("SEC CIK", field(10)),
        ("aliases", field(11)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let all = companies(wh)?;
    let body = html! {
        p.picker { "Companies: "
            @for (i, (cid, name, _)) in all.iter().enumerate() {
                @if i > 0 { " · " }
                @if *cid == found { strong { (name) } } @else { a href={ "/companies/" (encode(cid)) } { (name) } }
            }
        }
        table.card { tbody {
            tr { th { "name" } td { (field(0)) } }
            tr { th { "calendar" } td { (calendar) } }
            @if !field(4).is_empty() { tr { th { "53-week years" } td { "the extra week falls in quarter " (field(4)) } } }
            tr { th { "currency" } td { (field(5)) } }
            tr { th { "unit" } td { (field(6)) } }
            @for (k, v) in &identifiers { tr { th { (k) } td { (v) } } }
        } }
        h2 { "Releases" }
        (table(wh, &releases)?)
        @for g in &grids {
            h2 { (g.title) }
            p.muted { "The newest printing of each figure in the vintage, latest " (g.periods.len()) " periods; each figure links to where the release prints it." }
            div.scroll { table.grid {
                thead { tr { th { "concept" } th { "label" } th { "unit" } @for p in &g.periods { th.num { (p) } } } }
                tbody { @for row in &g.rows {
                    tr { td { code { (row.concept) } } td { (row.label) } td.unit { (row.unit) }
                        @for (ci, cell) in row.cells.iter().enumerate() {
                            @match cell {
                                Some(v) => {
                                    @let period = if g.dated { String::new() } else { g.periods[ci].clone() };
                                    td.num.neg[v.starts_with('-')] { a href=(figure_link(&period, v, &found)) { (grid_figure(v, &row.unit)) } }
                                }
                                None => { td.num.muted { "–" } }
                            }
                        }
                    }
                } }
            } }
        }
        @if grids.is_empty() { p.muted { "No statement figures of this company in the vintage." } }
        h2 { "Checks" }
        p.muted { "The data rules of the warehouse, with this company's offending rows: a rule none of \
            whose rows is of its releases passes for it. " a href="/checks" { "Every company's" } }
        (checks_table(wh, false, Some(&found))?)
    };
    Ok(Reply::Html(page(&field(0), &vintage_line(wh), body)))
}

/// A figure in a statement grid: grouped, a percentage with its `%` and at least the one
/// decimal releases print (`6.0%`, not `6%`).
fn grid_figure(value: &str, unit: &str) -> String {
    if unit != "%" {
        return crate::render::figure_text(value, "");
    }
    let digits = crate::render::figure_digits(value);
    format!("{}%", crate::render::group_thousands(&digits))
}

/// One statement of a company as concept by period.
struct Grid {
    title: String,
    /// Balance sheet: columns are dates (figures keyed by as_of, not period).
    dated: bool,
    periods: Vec<String>,
    rows: Vec<GridRow>,
}

struct GridRow {
    concept: String,
    label: String,
    unit: String,
    cells: Vec<Option<String>>,
}

/// The session company's statements from the figures view: actual, consolidated levels, the
/// latest 8 periods (or balance-sheet dates) of each.
fn statement_grids(wh: &Warehouse) -> Result<Vec<Grid>> {
    const SHOWN: usize = 8;
    let rows = wh.column_values(
        "SELECT concat_ws(chr(9), f.table_name, f.item || CASE WHEN f.measure IN ('amount', 'count', 'bandwidth') \
         THEN '' ELSE ' (' || f.measure || ')' END, min(f.label), any_value(f.unit), \
         coalesce(f.period, f.as_of::VARCHAR), coalesce(p.end_date, f.as_of)::VARCHAR, \
         coalesce(p.start_date, f.as_of)::VARCHAR, max(f.value)::VARCHAR) \
         FROM figures f LEFT JOIN periods p ON p.period = f.period \
         WHERE f.in_vintage AND f.comparison = 'level' \
           AND f.table_name IN ('income_items', 'revenue_lines', 'cash_flows', 'balance_sheet', 'kpis') \
           AND coalesce(f.basis, 'actual') = 'actual' AND coalesce(f.scope, 'consolidated') = 'consolidated' \
         GROUP BY f.table_name, f.item, f.measure, f.period, f.as_of, p.end_date, p.start_date \
         ORDER BY f.table_name, f.item, f.measure",
    )?;
    let titles = [
        ("income_items", "Income statement"),
        ("revenue_lines", "Revenues by line"),
        ("cash_flows", "Cash flows"),
        ("balance_sheet", "Balance sheet"),
        ("kpis", "Operating figures (KPIs)"),
    ];
    let mut grids = Vec::new();
    for (table, title) in titles {
        let facts: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.split('\t').collect::<Vec<_>>())
            .filter(|f| f.len() == 8 && f[0] == table)
            .collect();
        if facts.is_empty() {
            continue;
        }
        // Columns: periods by end date, then start date descending (a quarter before the half
        // and the year that end with it), the latest SHOWN.
        let mut columns: Vec<(&str, &str, &str)> =
            facts.iter().map(|f| (f[5], f[6], f[4])).collect();
        columns.sort_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(a.1)).then(a.2.cmp(b.2)));
        columns.dedup();
        let periods: Vec<String> = columns
            .iter()
            .rev()
            .take(SHOWN)
            .rev()
            .map(|c| c.2.to_string())
            .collect();
        let mut grid_rows: Vec<GridRow> = Vec::new();
        for f in &facts {
            let Some(at) = periods.iter().position(|p| p == f[4]) else {
                continue;
            };
            let row = match grid_rows.iter_mut().position(|r| r.concept == f[1]) {
                Some(i) => &mut grid_rows[i],
                None => {
                    grid_rows.push(GridRow {
                        concept: f[1].to_string(),
                        label: f[2].to_string(),
                        unit: f[3].to_string(),
                        cells: vec![None; periods.len()],
                    });
                    grid_rows.last_mut().expect("pushed")
                }
            };
            row.cells[at] = Some(crate::render::figure_digits(f[7]));
        }
        grids.push(Grid {
            title: title.to_string(),
            dated: table == "balance_sheet",
            periods,
            rows: grid_rows,
        });
    }
    Ok(grids)
}
