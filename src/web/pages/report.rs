//! `/reports/NAME`: a report as a page (its form, company picker, chart and table), and its
//! `.csv`/`.json` twins.

use super::parts::{company_picker, encode, table};
use super::{page, vintage_line, Twin};
use crate::render::chart::{self, ChartSpec};
use crate::render::{print, Format};
use crate::schema::SqlFile;
use crate::sql::report;
use crate::warehouse::Warehouse;
use crate::web::Reply;
use anyhow::Result;
use maud::{html, PreEscaped};
use std::collections::BTreeMap;

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
    // A report written for one company answers for it unless the picker or its `company`
    // parameter says otherwise (or no such company is loaded); else the session's company.
    // Set before its parameters are checked: their allowed values are that company's periods.
    let written_for = report::company(r).filter(|c| wh.company_id(c).ok().flatten().is_some());
    if let Some(company) = picked.as_deref().or(written_for) {
        wh.set_vintage(&crate::warehouse::Vintage {
            company: Some(company.to_string()),
            ..Default::default()
        })?;
    }
    let args: Vec<String> = given.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let params = report::bind(r, &args, |sql| wh.column_values(sql))?;
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
    // A result of several companies (the peer table) is every company's vintage, not the
    // session company's, as its chart's footer says.
    let vintage = if crate::render::spans_companies(&result) {
        wh.vintage_note_all().unwrap_or_default()
    } else {
        vintage_line(wh)
    };
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
