//! `/sql`: the ad-hoc SQL form and its bounded answer.

use super::parts::table;
use super::{page, vintage_line};
use crate::warehouse::{Bounds, Warehouse};
use crate::web::{Limits, Reply};
use anyhow::Result;
use axum::http::StatusCode;
use maud::{html, Markup};

/// Ad-hoc SQL under the query sandbox, bounded (see `Warehouse::query_bounded`); DuckDB's error
/// on bad SQL (400). It runs only when `run` (the request carried the server's token); otherwise
/// the form shows the SQL, ready to run.
pub fn sql(
    wh: &Warehouse,
    text: &str,
    run: bool,
    limits: Limits,
    token: &str,
    abandoned: &crate::web::Abandoned,
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
    if tables.is_empty() || wh.manifest().companies_released < 2 {
        return Ok(Vec::new());
    }
    let (id, name) = wh.session_company()?;
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
