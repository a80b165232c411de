//! `/`: the companies, the reports, the releases and the checks.

use super::checks::checks_table;
use super::parts::{encode, table};
use super::{page, vintage_line};
use crate::base::project::Project;
use crate::render::columns_text;
use crate::sql::report;
use crate::warehouse::Warehouse;
use crate::web::Reply;
use anyhow::Result;
use maud::html;

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
