//! The pages, as maud templates: every text is escaped by maud; the one raw insert is the chart's
//! SVG, which plotters escapes itself.

use super::{Limits, Reply};
use crate::base::project::Project;
use crate::base::sql_string;
use crate::render::chart::{self, ChartSpec};
use crate::render::{columns_text, display_cells, print, Format, QueryResult};
use crate::schema::SqlFile;
use crate::sql::report;
use crate::warehouse::{Bounds, Warehouse};
use anyhow::Result;
use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::collections::{BTreeMap, HashSet};

/// The one stylesheet, inside the binary (nothing is fetched): readable type, tabular figures
/// right-aligned, headers that stay visible over long tables, the chart at the content's width,
/// and a print style that keeps a report's chart and table together.
const CSS: &str = r#"
:root{--ink:#1f2328;--muted:#59636e;--rule:#d8dee4;--head:#f3f5f7;--accent:#0b5cad;--neg:#b3261e}
*{box-sizing:border-box}
body{margin:0 auto;padding:0 1.5rem 3rem;max-width:96rem;color:var(--ink);
 font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
nav{display:flex;gap:1.5rem;align-items:baseline;padding:.8rem 0;border-bottom:1px solid var(--rule);margin-bottom:1rem}
nav .brand{font-weight:700;color:var(--ink);text-decoration:none;margin-right:auto}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:1.6rem;margin:.6rem 0 .2rem;line-height:1.25}
h2{font-size:1.15rem;margin:2rem 0 .5rem;padding-top:.8rem;border-top:1px solid var(--rule)}
p{margin:.4rem 0;max-width:60rem}
.muted{color:var(--muted)}.err{color:var(--neg);white-space:pre-wrap}
.review,table tbody tr td.review{background:#fff4ce}
.scroll{display:inline-block;max-width:100%;vertical-align:top;overflow:auto;max-height:80vh;margin:.6rem 0;border:1px solid var(--rule);border-radius:4px;
 scrollbar-width:auto;scrollbar-color:#8c959f #eef1f4;scrollbar-gutter:auto}
.scroll.full{max-height:none;overflow-y:visible}
.wide{margin:.2rem 0 0;font-size:.85rem;color:var(--muted)}
tr.fail td{background:#fde7e6 !important;color:#8a1c14}tr.fail td:first-child{border-left:4px solid var(--neg)}
tr.residual td{background:#fff3d6 !important;color:#6b4a00}tr.residual td:first-child{border-left:4px solid #d48806}
.status-fail{font-weight:700;color:var(--neg)}.status-residual{font-weight:700;color:#9a6700}
.picker{margin:.4rem 0 .8rem}td.unit,td.short{white-space:nowrap}.picker label{margin-right:.4rem}
table{border-collapse:separate;border-spacing:0;font-size:.9rem;min-width:20rem}
th,td{padding:.3rem .65rem;border-bottom:1px solid var(--rule);vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:var(--head);font-weight:600;z-index:1;vertical-align:bottom}
tbody tr:nth-child(even) td{background:#fafbfc}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums lining-nums}td.num{white-space:nowrap}
td.neg,td.neg a{color:var(--neg)}
table.card{border:1px solid var(--rule);border-radius:4px;margin:.5rem 0}
table.card th{background:var(--head);width:9rem}
ul.reports{list-style:none;padding:0;margin:.5rem 0}
ul.reports li{padding:.55rem 0;border-bottom:1px solid var(--rule)}
ul.reports .title{font-weight:600}ul.reports code{color:var(--muted);font-size:.85rem;margin-left:.5rem}
ul.reports .desc{margin:.15rem 0 0;color:var(--muted);font-size:.9rem}
.chart{margin:1rem 0}.chart svg{display:block;width:100%;height:auto;max-width:60rem}
form{margin:.8rem 0;display:flex;flex-wrap:wrap;gap:.4rem .9rem;align-items:center}
select,input,button,textarea{font:inherit}
textarea{width:100%;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9rem}
button{padding:.25rem .9rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer}
pre.src{background:#f6f8fa;border:1px solid var(--rule);padding:.6rem;overflow-x:auto;font-size:.85rem}
mark{background:#ffe066}.label{text-decoration:underline dotted var(--muted)}
.sep{color:var(--muted)}.run{color:var(--muted)}
.links{margin:.6rem 0}
@media print{
 @page{margin:12mm}
 body{max-width:none;padding:0;font-size:10pt}
 nav,form,details,.links,.noprint{display:none}
 h1{font-size:15pt}h2{break-after:avoid}
 .scroll{max-height:none;overflow:visible;border:0}
 thead th{position:static}
 .chart{break-inside:avoid}.chart svg{max-height:48vh;width:auto;max-width:100%}
 table{font-size:8.5pt}tr{break-inside:avoid}
 a{color:inherit}
}
"#;

/// Which form of a report a request asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Twin {
    Page,
    Csv,
    Json,
}

fn page(title: &str, vintage: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · iijwh" }
                style { (PreEscaped(CSS)) }
            }
            body {
                nav { a.brand href="/" { "iijwh" } a href="/" { "Reports" } a href="/sql" { "SQL" } a href="/checks" { "Checks" } }
                h1 { (title) }
                @if !vintage.is_empty() { p.muted { (vintage) } }
                (body)
            }
        }
    }
}

pub fn error(status: StatusCode, message: &str) -> Markup {
    page(
        &format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        ),
        "",
        html! { p.err { (message) } p { a href="/" { "Back to the reports" } } },
    )
}

fn vintage_line(wh: &Warehouse) -> String {
    wh.vintage_note().map(|(line, _)| line).unwrap_or_default()
}

/// A result as the terminal table shows it: grouping, `%`, negatives marked. Numeric cells that are
/// figures of the vintage (same value, and same period when the row has one) link to their
/// provenance.
fn table(wh: &Warehouse, result: &QueryResult) -> Result<Markup> {
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
fn figure_link(period: &str, value: &str, company: &str) -> String {
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

pub fn index(project: &Project, wh: &Warehouse) -> Result<Reply> {
    let reports = report::all(project)?;
    let releases = wh.query(&report::find_report(project, "releases")?.sql, &[])?;
    let companies = wh.query(
        "SELECT c.company_id, c.name, c.currency, c.unit, count(r.release_id) AS releases, \
         max(r.published_on) AS latest_published FROM companies c JOIN releases r USING (company_id) \
         GROUP BY ALL ORDER BY c.company_id",
        &[],
    )?;
    let company_rows = columns_text(&companies)?;
    let body = html! {
        h2 { "Companies" }
        div.scroll { table.companies {
            thead { tr { th { "company" } th { "id" } th { "currency" } th { "unit" } th.num { "releases" } th { "latest published" } } }
            tbody { @for ri in 0..companies.num_rows() {
                @let cell = |ci: usize| company_rows[ci][ri].clone().unwrap_or_default();
                tr { td { a href={ "/companies/" (encode(&cell(0))) } { (cell(1)) } } td { code { (cell(0)) } }
                    td { (cell(2)) } td { (cell(3)) } td.num { (cell(4)) } td { (cell(5)) } }
            } }
        } }
        h2 { "Reports" }
        ul.reports {
            @for r in &reports {
                @let params: Vec<String> = report::params(r)?.iter().map(|p| p.name.clone()).collect();
                li {
                    a.title href={ "/reports/" (r.name) } { (r.get("title").unwrap_or(&r.name)) }
                    code { (r.name) }
                    @if let Some(kind) = r.get("chart").and_then(|c| c.split_whitespace().next()) { span.muted { " · " (kind) " chart" } }
                    @if !params.is_empty() { span.muted { " · parameters: " (params.join(", ")) } }
                    p.desc { (r.get("description").unwrap_or("")) }
                }
            }
        }
        h2 { "Releases" }
        (table(wh, &releases)?)
        h2 { "Checks" }
        (checks_table(wh, false, None)?)
        p { a href="/checks" { "All rules with their descriptions" } }
    };
    Ok(Reply::Html(page("iijwh", &vintage_line(wh), body)))
}

pub fn report(
    wh: &Warehouse,
    r: &SqlFile,
    given: &BTreeMap<String, String>,
    twin: Twin,
    token: &str,
) -> Result<Reply> {
    // The company picker's `?company=ID`, unless the report declares a `company` parameter of
    // its own (its form then picks the company).
    let declares_company = report::params(r)?.iter().any(|p| p.name == "company");
    let mut given = given.clone();
    let picked = if declares_company {
        None
    } else {
        given.remove("company").filter(|c| !c.trim().is_empty())
    };
    let args: Vec<String> = given.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let params = report::bind(r, &args, |sql| wh.column_values(sql))?;
    // A report written for one company answers for it unless the picker or its `company`
    // parameter says otherwise (or no such company is loaded); else the session's company.
    let written_for = report::company(r).filter(|c| wh.company_id(c).ok().flatten().is_some());
    if let Some(company) = picked.as_deref().or(written_for) {
        wh.set_vintage(&crate::warehouse::Vintage {
            company: Some(company.to_string()),
            ..Default::default()
        })?;
    }
    wh.pick_company(&params)?;
    let result = wh.query(&r.sql, &params)?;
    let mut buf = Vec::new();
    match twin {
        Twin::Csv => {
            print(&result, Format::Csv, &mut buf)?;
            return Ok(Reply::Text(
                "text/csv; charset=utf-8",
                String::from_utf8(buf)?,
            ));
        }
        Twin::Json => {
            print(&result, Format::Json, &mut buf)?;
            return Ok(Reply::Text("application/json", String::from_utf8(buf)?));
        }
        Twin::Page => {}
    }
    let vintage = vintage_line(wh);
    let title = r.get("title").unwrap_or(&r.name).to_string();
    let mut note = None;
    let svg = match r.get("chart") {
        Some(spec) => {
            let spec: ChartSpec = spec.parse().map_err(anyhow::Error::msg)?;
            let data = chart::dressed(wh, &result, &spec, &title, &params)?;
            note = data.note.clone();
            Some(chart::svg(&data)?)
        }
        None => None,
    };
    let picker = if declares_company || crate::render::spans_companies(&result) {
        None
    } else {
        Some(company_picker(
            wh,
            &format!("/reports/{}", r.name),
            &params,
        )?)
    };
    let query: String = picked
        .iter()
        .map(|c| ("company".to_string(), c.clone()))
        .chain(params.iter().cloned())
        .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
        .collect::<Vec<_>>()
        .join("&");
    let suffix = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let declared = report::params(r)?;
    let mut form = Vec::new();
    for p in &declared {
        let current = params
            .iter()
            .find(|(k, _)| *k == p.name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let choices = match report::values_query(r, &p.name)? {
            Some(sql) => Some(wh.column_values(&sql)?),
            None => None,
        };
        form.push((p.clone(), current, choices));
    }
    let body = html! {
        p { (r.get("description").unwrap_or("")) }
        @if let Some(picker) = &picker { (picker) }
        @if !form.is_empty() {
            form method="get" action={ "/reports/" (r.name) } {
                @if let Some(c) = &picked { input type="hidden" name="company" value=(c); }
                @for (p, current, choices) in &form {
                    label { (p.name) " " }
                    @match choices {
                        Some(options) => {
                            select name=(p.name) {
                                @for o in options { option value=(o) selected[*o == *current] { (o) } }
                            }
                        }
                        None => { input name=(p.name) value=(current); }
                    }
                    " "
                }
                button type="submit" { "Show" }
            }
        }
        @if let Some(note) = &note { p.err.spread { (note) } }
        @if let Some(svg) = &svg { div.chart { (PreEscaped(svg)) } }
        (table(wh, &result)?)
        p.links {
            a href={ "/reports/" (r.name) ".csv" (suffix) } { "CSV" } " · "
            a href={ "/reports/" (r.name) ".json" (suffix) } { "JSON" } " · "
            a href={ "/sql?sql=" (encode(r.statement())) "&token=" (token) } { "SQL" }
        }
        details { summary { "SQL" } pre { (r.sql) } }
    };
    Ok(Reply::Html(page(&title, &vintage, body)))
}

/// The session's company and every loaded one: (id, name, is the session's).
fn companies(wh: &Warehouse) -> Result<Vec<(String, String, bool)>> {
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
fn company_picker(wh: &Warehouse, action: &str, keep: &[(String, String)]) -> Result<Markup> {
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

/// Provenance: the vintage's figures with a value (and period), with section, label, printed form,
/// placement, note, formula, and the lines of the release text that print them, highlighted.
pub fn figures(wh: &Warehouse, given: &BTreeMap<String, String>) -> Result<Reply> {
    let Some(value) = given.get("value") else {
        anyhow::bail!("/figures needs ?value=NUMBER (and &period=PERIOD)");
    };
    if value.parse::<f64>().is_err() {
        anyhow::bail!("value {value:?} is not a number");
    }
    // The company whose page linked here (a report cell, a company page's grid).
    if let Some(company) = given.get("company").filter(|c| !c.is_empty()) {
        wh.set_vintage(&crate::warehouse::Vintage {
            company: Some(company.clone()),
            ..Default::default()
        })?;
    }
    let mut sql = format!(
        "SELECT release_id, table_name, period, as_of, item, basis, scope, measure, comparison, value, unit, \
         section, label, printed, placement, derived, note FROM figures WHERE in_vintage AND value = {value}::DECIMAL(18,6)"
    );
    if let Some(period) = given.get("period") {
        sql.push_str(&format!(" AND period = {}", sql_string(period)));
    }
    sql.push_str(" ORDER BY table_name, section, label");
    let result = wh.query(&sql, &[])?;
    let cols = columns_text(&result)?;
    let names = result.column_names();
    let col = |name: &str, row: usize| -> String {
        names
            .iter()
            .position(|n| n == name)
            .and_then(|i| cols[i][row].clone())
            .unwrap_or_default()
    };
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut cards = Vec::new();
    for row in 0..result.num_rows() {
        let release = col("release_id", row);
        let printed = col("printed", row);
        let label = col("label", row);
        if !texts.contains_key(&release) {
            let text = wh
                .column_values(&format!(
                    "SELECT source_text FROM release_sources WHERE release_id = {}",
                    sql_string(&release)
                ))?
                .into_iter()
                .next()
                .unwrap_or_default();
            texts.insert(release.clone(), text);
        }
        let lines = printing_lines(&texts[&release], &printed, &label, &col("section", row));
        cards.push((row, printed, label, lines));
    }
    let fields = [
        "release_id",
        "table_name",
        "period",
        "as_of",
        "item",
        "basis",
        "scope",
        "measure",
        "comparison",
        "value",
        "unit",
        "section",
        "label",
        "printed",
        "placement",
        "derived",
        "note",
    ];
    let body = html! {
        p { (result.num_rows()) " printed occurrence(s) in the vintage of value " (crate::render::figure_text(value, ""))
            @if let Some(p) = given.get("period") { " for " (p) } }
        @for (row, printed, label, lines) in &cards {
            h2 { (col("section", *row)) " — " (label) }
            table.card { tbody { @for f in fields { @let v = shown_field(f, &col(f, *row), &col("unit", *row)); @if !v.is_empty() { tr { th { (f) } @if f == "value" { td.num { (v) } } @else { td { (v) } } } } } } }
            @if lines.is_empty() && printed.is_empty() {
                p.muted { "Not printed: derived from printed figures (see the formula above)." }
            } @else if lines.is_empty() {
                p.muted { "No line of the release text prints " code { (printed) } " as a number of its own." }
            } @else {
                p { "Release text " (col("release_id", *row)) ", lines that print " code { (printed) }
                    ", the ones naming the row (" (label) ") first:" }
                pre.src { @for (n, l, context) in lines {
                    (format!("{n:>4}  ")) @if *context { span.muted { (l) } } @else { (highlight(l, printed, label)) } "\n"
                } }
            }
        }
    };
    Ok(Reply::Html(page("Provenance", &vintage_line(wh), body)))
}

/// A provenance field as a reader expects it: the value as the tables print it, with its unit.
fn shown_field(field: &str, raw: &str, unit: &str) -> String {
    match field {
        "value" if !raw.is_empty() => crate::render::figure_text(raw, unit),
        _ => raw.to_string(),
    }
}

/// The lines of a release text that print `printed` as a token of its own (see `printed::hits`),
/// at most 12: first those naming the row (its label on the line, or across the line break
/// before it: that line comes along, unmarked), then those nearest its section's heading (a
/// slide's heading may come after its body in the text), then those where it stands apart
/// (not split out of run-together digits), then in text order. (line number, line, is context).
fn printing_lines(
    text: &str,
    printed: &str,
    label: &str,
    section: &str,
) -> Vec<(usize, String, bool)> {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (label, section) = (squash(label), squash(section));
    let lines: Vec<&str> = text.lines().collect();
    let headings: Vec<usize> = if section.is_empty() {
        Vec::new()
    } else {
        (0..lines.len())
            .filter(|&i| squash(lines[i]).contains(&section))
            .collect()
    };
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let hits = super::printed::hits(line, printed);
        if hits.is_empty() {
            continue;
        }
        let on_line = !label.is_empty() && squash(line).contains(&label);
        let across = !label.is_empty()
            && !on_line
            && i > 0
            && squash(&format!("{} {line}", lines[i - 1])).contains(&label);
        let alone = hits.iter().any(|h| h.2 == super::printed::Standing::Alone);
        let distance = headings
            .iter()
            .map(|&h| h.abs_diff(i))
            .min()
            .unwrap_or(usize::MAX);
        found.push(((!(on_line || across), distance, !alone, i), across));
    }
    found.sort();
    let mut shown = Vec::new();
    for ((.., i), across) in found.into_iter().take(12) {
        if across {
            shown.push((i, lines[i - 1].to_string(), true));
        }
        shown.push((i + 1, lines[i].to_string(), false));
    }
    shown
}

/// A line with the printed form marked where it stands as a token, the row's label set apart,
/// and any run of run-together digits holding the form split into its numbers (`3,293 · 3,248`)
/// so that it does not read as printing the figure whole.
fn highlight(line: &str, printed: &str, label: &str) -> Markup {
    use super::printed::{hits, Standing};
    let hits = hits(line, printed);
    let mut cuts: Vec<usize> = vec![0, line.len()];
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut seps: Vec<usize> = Vec::new();
    for (s, e, how) in &hits {
        marks.push((*s, *e));
        cuts.extend([*s, *e]);
        if let Standing::Run(pieces) = how {
            for &(a, b) in pieces {
                cuts.extend([a, b]);
                if a != pieces[0].0 {
                    seps.push(a);
                }
            }
            runs.push((pieces[0].0, pieces[pieces.len() - 1].1));
        }
    }
    let mut labels: Vec<(usize, usize)> = Vec::new();
    let wanted = label.trim().to_ascii_lowercase();
    if !wanted.is_empty() {
        let lower = line.to_ascii_lowercase();
        for (s, _) in lower.match_indices(&wanted) {
            labels.push((s, s + wanted.len()));
            cuts.extend([s, s + wanted.len()]);
        }
    }
    cuts.retain(|&c| line.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let within = |spans: &[(usize, usize)], a: usize| spans.iter().any(|&(s, e)| s <= a && a < e);
    let parts: Vec<(bool, bool, bool, bool, &str)> = cuts
        .windows(2)
        .map(|w| {
            let a = w[0];
            (
                seps.contains(&a),
                within(&marks, a),
                within(&labels, a),
                within(&runs, a),
                &line[a..w[1]],
            )
        })
        .collect();
    html! {
        @for (sep, marked, named, run, text) in parts {
            @if sep { span.sep title="run-together digits, split here" { "\u{2009}·\u{2009}" } }
            @if marked { mark { (text) } }
            @else if named { span.label { (text) } }
            @else if run { span.run { (text) } }
            @else { (text) }
        }
        @if !runs.is_empty() { span.muted { "   ← a chart's digits run together, split" } }
    }
}

/// Ad-hoc SQL under the query sandbox, bounded (see `Warehouse::query_bounded`); DuckDB's error
/// on bad SQL (400). It runs only when `run` (the request carried the server's token); otherwise
/// the form shows the SQL, ready to run.
pub fn sql(
    wh: &Warehouse,
    text: &str,
    run: bool,
    limits: Limits,
    token: &str,
    abandoned: &super::Abandoned,
) -> Reply {
    let vintage = vintage_line(wh);
    let form = |sql: &str| {
        html! {
            form method="post" action="/sql" {
                textarea name="sql" rows=((sql.lines().count() + 1).clamp(6, 40)) { (sql) }
                input type="hidden" name="token" value=(token);
                br; button type="submit" { "Run" }
                span.muted { " read-only; one query, at most " (limits.max_rows) " rows and " (limits.timeout.as_secs()) " s" }
            }
        }
    };
    if text.trim().is_empty() {
        return Reply::Html(page(
            "SQL",
            &vintage,
            form("SELECT * FROM figures WHERE printed = '14,007'"),
        ));
    }
    if !run {
        return Reply::Html(page(
            "SQL",
            &vintage,
            html! {
                (form(text))
                p.muted { "Press Run to run it: SQL from a link runs only from this server's own pages." }
            },
        ));
    }
    let bounds = Bounds {
        max_rows: limits.max_rows,
        max_bytes: limits.max_bytes,
        timeout: limits.timeout,
    };
    let outcome = wh.query_bounded(text, bounds, &|| abandoned.is_set());
    if abandoned.is_set() {
        eprintln!("/sql: the client left; its query was stopped");
    }
    let answered = |b: &crate::warehouse::Bounded| -> Result<(Markup, bool, Vec<String>)> {
        let notes = company_notes(wh, text, b.result.num_rows() == 0)?;
        Ok((table(wh, &b.result)?, b.more, notes))
    };
    match outcome.and_then(|b| answered(&b)) {
        Ok((markup, more, notes)) => Reply::Html(page(
            "SQL",
            &vintage,
            html! {
                (form(text))
                @for n in &notes { p.muted.company-note { (n) } }
                @if more { p.err { "More than " (limits.max_rows) " rows: the first " (limits.max_rows + 1) " are shown; add a LIMIT." } }
                (markup)
            },
        )),
        Err(e) => Reply::Error(StatusCode::BAD_REQUEST, crate::base::error_message(&e)),
    }
}

/// With several companies loaded, an ad-hoc statement over the per-company views says which
/// company it answered for (the newest release's), and an empty answer which companies have
/// rows there: as `iijwh query` says on stderr.
fn company_notes(wh: &Warehouse, text: &str, empty: bool) -> Result<Vec<String>> {
    let tables = crate::sql::scope::per_company_relations(text);
    let companies: std::collections::HashSet<&str> = wh
        .manifest()
        .releases
        .iter()
        .map(|r| r.company.as_str())
        .collect();
    if tables.is_empty() || companies.len() < 2 {
        return Ok(Vec::new());
    }
    let row = wh
        .column_values("SELECT company_id || chr(9) || company FROM vintage_company")?
        .into_iter()
        .next()
        .unwrap_or_default();
    let (id, name) = row.split_once('\t').unwrap_or((row.as_str(), ""));
    let mut notes = vec![format!(
        "Answered for company {id} ({name}), the newest release's: {} show one company at a time.",
        tables.join(", ")
    )];
    if empty {
        if let Some(sql) = crate::sql::scope::companies_with_rows_sql(&tables) {
            let with_rows = wh.column_values(&sql)?;
            notes.push(format!(
                "No rows for {id}; companies with rows in {}: {}.",
                tables.join(", "),
                match with_rows.is_empty() {
                    true => "none".to_string(),
                    false => with_rows.join(", "),
                }
            ));
        }
    }
    Ok(notes)
}

pub fn checks(wh: &Warehouse) -> Result<Reply> {
    let body = html! {
        p { "The data rules of schema/checks and their outcome when this warehouse was built. "
            "`iijwh check` lists the offending figures." }
        (checks_table(wh, true, None)?)
    };
    Ok(Reply::Html(page("Checks", &vintage_line(wh), body)))
}

/// The check rules, every one in view (no scroll box of its own): a failed rule's row red, a
/// residual one's amber, a passing one plain; `described` adds the tolerance and description.
/// With a `company`, a rule's offending rows are that company's (its releases' rows, and rows
/// that name no release), and a rule with none of them passes for it.
fn checks_table(wh: &Warehouse, described: bool, company: Option<&str>) -> Result<Markup> {
    let (status, rows_col) = match company {
        None => ("c.status", "c.offending_rows"),
        Some(_) => ("CASE WHEN n = 0 THEN 'pass' ELSE c.status END", "n"),
    };
    let from = match company {
        None => "check_results c".to_string(),
        Some(id) => format!(
            "(SELECT c.*, (SELECT count(*) FROM rows r WHERE r.rule = c.rule AND (r.release_id IS NULL \
             OR r.release_id IN (SELECT release_id FROM releases WHERE company_id = {}))) AS n \
             FROM check_results c) c",
            sql_string(id)
        ),
    };
    // Each offending row's release (the rules' details: a JSON array of rows).
    let with = match company {
        None => "WITH",
        Some(_) => {
            "WITH rows AS (SELECT rule, json_extract_string(unnest(json_extract(details, '$[*]')), \
             '$.release_id') AS release_id FROM check_results WHERE details IS NOT NULL),"
        }
    };
    let rows = wh.column_values(&format!(
        "{with} shown AS (SELECT c.rule, {status} AS status, \
         {rows_col} AS offending_rows, c.tolerance, c.description FROM {from}) \
         SELECT concat_ws(chr(9), rule, status, offending_rows::VARCHAR, coalesce(tolerance::VARCHAR, ''), \
         coalesce(description, '')) FROM shown \
         ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'residual' THEN 1 ELSE 2 END, rule"
    ))?;
    let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.splitn(5, '\t').collect()).collect();
    let count = |s: &str| rows.iter().filter(|r| r.get(1) == Some(&s)).count();
    Ok(html! {
        p.check-summary { (rows.len()) " rules: "
            span.status-fail[count("fail") > 0] { (count("fail")) " fail" } ", "
            span.status-residual[count("residual") > 0] { (count("residual")) " residual" } ", "
            (count("pass")) " pass" }
        div.scroll.full { table.checks {
            thead { tr { th { "rule" } th { "status" } th.num { "offending rows" }
                @if described { th { "tolerance" } th { "description" } } } }
            tbody { @for r in &rows {
                @let status = r.get(1).copied().unwrap_or("");
                tr class=(status) {
                    td { code { (r.first().copied().unwrap_or("")) } }
                    td class={ "status-" (status) } { (status) }
                    td.num { (r.get(2).copied().unwrap_or("")) }
                    @if described { td { (r.get(3).copied().unwrap_or("")) } td { (r.get(4).copied().unwrap_or("")) } }
                }
            } }
        } }
    })
}

/// The draft of a release as a page: certain rows, rows for review, unplaced numbers, each with
/// its line of the text linked.
pub fn draft(project: &Project, id: &str) -> Result<Reply> {
    let d = crate::release::draft::draft(&project.data, &project.reference_dir(), id)?;
    let certain = d
        .rows
        .iter()
        .filter(|r| r.certainty == crate::release::draft::Certainty::Certain)
        .count();
    let link = |line: usize| format!("/drafts/{}/source#L{line}", encode(id));
    let body = html! {
        p { "What " code { "iijwh release draft " (id) } " proposes from the release text: "
            (d.rows.len()) " rows (" (certain) " certain, " (d.rows.len() - certain) " for review); "
            (d.unplaced.len()) " of the text's " (d.numbers) " numbers unplaced. Nothing is written "
            "here: run the command to write the rows into the release's CSVs." }
        @if !d.company.is_empty() {
            h2 { "The company, as the text prints it" }
            div.scroll { table {
                thead { tr { th { "field" } th { "printed" } th { "the record" } th { "" } } }
                tbody { @for f in &d.company {
                    tr { td { (f.field) } td { a href=(link(f.line)) { (f.printed) } } td { (f.record) }
                        @if f.verdict.starts_with("differs") { td.review { (f.verdict) } } @else { td { (f.verdict) } } }
                } }
            } }
        }
        @for g in crate::release::draft::grid::grids(&d) {
            h2 { (g.section) }
            p.muted { "As the statement prints it: each figure links to its line; "
                span.review { "marked ?" } " for review (its row below says why)." }
            div.scroll { table.grid {
                thead { tr { th { "label" } th { "concept" } @for p in &g.periods { th.num { (p) } } } }
                tbody { @for r in &g.rows {
                    tr { td { (r.label) } td { code { (r.item) } }
                        @for c in &r.cells { @match c {
                            Some(c) => { @if c.certain { td.num { a href=(link(c.line)) { (c.printed) } } }
                                @else { td.num.review { a href=(link(c.line)) { (c.printed) " ?" } } } }
                            None => { td {} }
                        } } }
                } }
            } }
        }
        @for (title, which) in [("Certain", crate::release::draft::Certainty::Certain), ("For review", crate::release::draft::Certainty::Review)] {
            h2 { (title) }
            div.scroll { table {
                thead { tr { th { "line" } th { "table" } th { "period" } th { "item" } th { "comparison" }
                    th.num { "value" } th { "unit" } th { "printed" } th { "label" } th { "how" } } }
                tbody { @for r in d.rows.iter().filter(|r| r.certainty == which) {
                    tr { td { a href=(link(r.line)) { (r.line) } } td { (r.table) } td { (r.period) }
                        td { (r.item) } td { (r.comparison) } td.num { (r.value) } td { (r.unit) }
                        td { (r.printed) } td { (r.label) } td { (r.how.join("; ")) } }
                } }
            } }
        }
        h2 { "Unplaced numbers" }
        div.scroll { table {
            thead { tr { th { "line" } th { "printed" } th { "context" } th { "why" } } }
            tbody { @for u in &d.unplaced {
                tr { td { a href=(link(u.line)) { (u.line) } } td { (u.printed) } td { (u.context) } td { (u.why) } }
            } }
        } }
    };
    Ok(Reply::Html(page(&format!("Draft of {id}"), "", body)))
}

/// A release's source text, one anchored line each (`#L12`).
pub fn draft_source(project: &Project, id: &str) -> Result<Reply> {
    // Through the release's reader, as the load and the draft read it: its guards hold here too.
    let folder = crate::release::ReleaseFolder::named(&project.data, id)?;
    let meta = folder.metadata()?;
    let (_, text) = folder.source(&meta)?;
    // A release added from its HTML page keeps the page as its document of record: the text
    // here is that page's, converted (the page itself is not served).
    let document = meta.get("document_file");
    let body = html! {
        p { a href=(format!("/drafts/{}", encode(id))) { "Back to the draft" } }
        @if let Some(file) = &document {
            p.document-of-record {
                "Document of record: " code { (file) } " (the release as published, in the \
                release folder); the text below is converted from it."
            }
        }
        div.scroll { table {
            tbody { @for (i, line) in text.lines().enumerate() {
                tr id=(format!("L{}", i + 1)) { td.num { (i + 1) } td { code { (line) } } }
            } }
        } }
    };
    Ok(Reply::Html(page(&format!("Text of {id}"), "", body)))
}
