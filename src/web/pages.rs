//! The pages, as maud templates: every text is escaped by maud; the one raw insert is the chart's
//! SVG, which plotters escapes itself.

use super::{Limits, Reply};
use crate::base::project::Project;
use crate::base::sql_string;
use crate::render::chart::{self, ChartData, ChartSpec};
use crate::render::{columns_text, display_cells, print, Format, QueryResult};
use crate::schema::SqlFile;
use crate::sql::report;
use crate::warehouse::Warehouse;
use anyhow::Result;
use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::collections::{BTreeMap, HashSet};

const CSS: &str = "body{font-family:sans-serif;margin:1.5em 2em;color:#222;max-width:80em}\
table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ccc;padding:.25em .6em}\
th{background:#f2f2f2}td.num{text-align:right;font-variant-numeric:tabular-nums}td.neg{color:#b00}\
nav a{margin-right:1em}pre.src{background:#fafafa;border:1px solid #ddd;padding:.5em;overflow-x:auto}\
mark{background:#ffe066}.err{color:#b00;white-space:pre-wrap}.muted{color:#666}form{margin:.8em 0}\
textarea{width:100%;font-family:monospace}";

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
                nav { a href="/" { "Reports" } a href="/sql" { "SQL" } a href="/checks" { "Checks" } }
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
        .filter_map(|l| l.split_once('\t').map(|(p, v)| (p.to_string(), v.to_string())))
        .collect();
    let period_col = shown
        .headers
        .iter()
        .position(|h| h == "quarter" || h == "period");
    Ok(html! {
        table {
            thead { tr { @for h in &shown.headers { th { (h) } } } }
            tbody {
                @for (ri, row) in shown.rows.iter().enumerate() {
                    tr {
                        @for (ci, cell) in row.iter().enumerate() {
                            @if shown.numeric[ci] {
                                td.num.neg[cell.starts_with('-')] {
                                    @let value = raw[ci][ri].clone().unwrap_or_default();
                                    @let period = period_col.and_then(|p| raw[p][ri].clone()).unwrap_or_default();
                                    @if !value.is_empty() && (known.contains(&(period.clone(), value.clone())) || (period_col.is_none() && known.iter().any(|(_, v)| *v == value))) {
                                        a href=(figure_link(&period, &value)) { (cell) }
                                    } @else { (cell) }
                                }
                            } @else {
                                td { (cell) }
                            }
                        }
                    }
                }
            }
        }
        p.muted { (result.num_rows()) " rows" }
    })
}

fn figure_link(period: &str, value: &str) -> String {
    let mut url = format!("/figures?value={}", encode(value));
    if !period.is_empty() {
        url.push_str(&format!("&period={}", encode(period)));
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

pub fn index(project: &Project, wh: &Warehouse) -> Result<Reply> {
    let reports = report::all(project)?;
    let releases = wh.query(&report::find_report(project, "releases")?.sql, &[])?;
    let checks = wh.query(
        "SELECT rule, status, offending_rows FROM check_results ORDER BY status <> 'fail', rule",
        &[],
    )?;
    let body = html! {
        h2 { "Reports" }
        table {
            thead { tr { th { "report" } th { "title" } th { "parameters" } th { "chart" } } }
            tbody {
                @for r in &reports {
                    tr {
                        td { a href={ "/reports/" (r.name) } { (r.name) } }
                        td { (r.get("title").unwrap_or("")) br; span.muted { (r.get("description").unwrap_or("")) } }
                        td { @for p in report::params(r)? { (p.to_string()) br; } }
                        td { (r.get("chart").map(|c| c.split_whitespace().next().unwrap_or("")).unwrap_or("")) }
                    }
                }
            }
        }
        h2 { "Releases" }
        (table(wh, &releases)?)
        h2 { "Checks" }
        (table(wh, &checks)?)
        p { a href="/checks" { "All rules with their descriptions" } }
    };
    Ok(Reply::Html(page("iijwh", &vintage_line(wh), body)))
}

pub fn report(
    wh: &Warehouse,
    r: &SqlFile,
    given: &BTreeMap<String, String>,
    twin: Twin,
) -> Result<Reply> {
    let args: Vec<String> = given.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let params = report::bind(r, &args, |sql| wh.column_values(sql))?;
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
    let svg = match r.get("chart") {
        Some(spec) => {
            let spec: ChartSpec = spec.parse().map_err(anyhow::Error::msg)?;
            let unit = wh.vintage_note()?.1;
            let data = ChartData::from_result(
                &result,
                &spec,
                &title,
                &unit,
                &format!("iijwh · {vintage}"),
            )?;
            Some(chart::svg(&data)?)
        }
        None => None,
    };
    let query: String = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
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
        @if !form.is_empty() {
            form method="get" action={ "/reports/" (r.name) } {
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
        @if let Some(svg) = &svg { div.chart { (PreEscaped(svg)) } }
        (table(wh, &result)?)
        p {
            a href={ "/reports/" (r.name) ".csv" (suffix) } { "CSV" } " · "
            a href={ "/reports/" (r.name) ".json" (suffix) } { "JSON" } " · "
            a href={ "/sql?sql=" (encode(&r.sql)) } { "SQL" }
        }
        details { summary { "SQL" } pre { (r.sql) } }
    };
    Ok(Reply::Html(page(&title, &vintage, body)))
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
    let mut sql = format!(
        "SELECT release_id, table_name, period, as_of, item, basis, scope, measure, comparison, value, unit, \
         section, label, printed, placement, derived, note FROM figures WHERE in_vintage AND value = {value}::DECIMAL(18,1)"
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
        let text = &texts[&release];
        let lines: Vec<(usize, String)> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                (!printed.is_empty() && l.contains(printed.as_str()))
                    || (!label.is_empty() && l.contains(label.as_str()))
            })
            .map(|(i, l)| (i + 1, l.to_string()))
            .take(12)
            .collect();
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
        p { (result.num_rows()) " printed occurrence(s) in the vintage of value " (value)
            @if let Some(p) = given.get("period") { " for " (p) } }
        @for (row, printed, label, lines) in &cards {
            h2 { (col("section", *row)) " — " (label) }
            table { tbody { @for f in fields { @let v = col(f, *row); @if !v.is_empty() { tr { th { (f) } td { (v) } } } } } }
            @if lines.is_empty() {
                p.muted { "Not printed: derived from printed figures (see the formula above)." }
            } @else {
                p { "Release text " (col("release_id", *row)) ", lines where it is printed:" }
                pre.src { @for (n, l) in lines { (format!("{n:>4}  ")) (highlight(l, printed, label)) "\n" } }
            }
        }
    };
    Ok(Reply::Html(page("Provenance", &vintage_line(wh), body)))
}

/// A line with the printed form and the label marked.
fn highlight(line: &str, printed: &str, label: &str) -> Markup {
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for needle in [printed, label] {
        if needle.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(i) = line[from..].find(needle) {
            marks.push((from + i, from + i + needle.len()));
            from += i + needle.len();
        }
    }
    marks.sort();
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for (s, e) in marks {
        if s < at {
            continue;
        }
        parts.push((false, &line[at..s]));
        parts.push((true, &line[s..e]));
        at = e;
    }
    parts.push((false, &line[at..]));
    html! { @for (marked, text) in parts { @if marked { mark { (text) } } @else { (text) } } }
}

/// Ad-hoc SQL under the query sandbox, capped in rows and time; DuckDB's error on bad SQL (400).
pub fn sql(wh: &Warehouse, text: Option<&str>, limits: Limits) -> Reply {
    let vintage = vintage_line(wh);
    let form = |sql: &str| {
        html! {
            form method="get" action="/sql" {
                textarea name="sql" rows="6" { (sql) }
                br; button type="submit" { "Run" }
                span.muted { " read-only; at most " (limits.max_rows) " rows and " (limits.timeout.as_secs()) " s" }
            }
        }
    };
    let Some(sql) = text.filter(|s| !s.trim().is_empty()) else {
        return Reply::Html(page(
            "SQL",
            &vintage,
            form("SELECT * FROM figures WHERE printed = '14,007'"),
        ));
    };
    let handle = wh.interrupt_handle();
    let (done, timer) = std::sync::mpsc::channel::<()>();
    let timeout = limits.timeout;
    let watchdog = std::thread::spawn(move || {
        if timer.recv_timeout(timeout).is_err() {
            handle.interrupt();
        }
    });
    let capped = format!(
        "SELECT * FROM ({}) LIMIT {}",
        sql.trim().trim_end_matches(';'),
        limits.max_rows + 1
    );
    // A statement that is not a query (COPY, SET ...) runs as written, under the same sandbox.
    let result = wh.query(&capped, &[]).or_else(|_| wh.query(sql, &[]));
    let _ = done.send(());
    let _ = watchdog.join();
    match result.and_then(|r| Ok((table(wh, &r)?, r.num_rows()))) {
        Ok((markup, rows)) => Reply::Html(page(
            "SQL",
            &vintage,
            html! {
                (form(sql))
                @if rows > limits.max_rows { p.err { "More than " (limits.max_rows) " rows: the first " (limits.max_rows + 1) " are shown; add a LIMIT." } }
                (markup)
            },
        )),
        Err(e) => Reply::Error(StatusCode::BAD_REQUEST, crate::base::error_message(&e)),
    }
}

pub fn checks(wh: &Warehouse) -> Result<Reply> {
    let result = wh.query(
        "SELECT rule, status, offending_rows, tolerance, description FROM check_results \
         ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'residual' THEN 1 ELSE 2 END, rule",
        &[],
    )?;
    let body = html! {
        p { "The data rules of schema/checks and their outcome when this warehouse was built. "
            "`iijwh check` lists the offending figures." }
        (table(wh, &result)?)
    };
    Ok(Reply::Html(page("Checks", &vintage_line(wh), body)))
}
