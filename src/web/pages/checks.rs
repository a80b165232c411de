//! `/checks`: the data rules and their outcome; the rules' table is also the index's and a
//! company page's.

use super::{page, vintage_line};
use crate::base::sql_string;
use crate::warehouse::Warehouse;
use crate::web::Reply;
use anyhow::Result;
use maud::{html, Markup};

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
pub(super) fn checks_table(
    wh: &Warehouse,
    described: bool,
    company: Option<&str>,
) -> Result<Markup> {
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
