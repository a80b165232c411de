//! The pages, as maud templates: every text is escaped by maud; the one raw insert is the chart's
//! SVG, which plotters escapes itself. One file per page kind:
//! - `index`: the front page (companies, reports, releases, checks);
//! - `report`: a report as a page, with its form, company picker, chart and table (and its
//!   `.csv`/`.json` twins);
//! - `company`: `/companies/ID`, a company's record, releases, statement grids and checks;
//! - `provenance`: `/figures`, the lines of a release's text that print a figure;
//! - `sql`: the ad-hoc SQL form and its answer;
//! - `checks`: the data rules and their outcome;
//! - `draft`: a release's draft and its numbered text;
//! - `parts`: what several pages share (a result as a table with provenance links, the company
//!   picker, percent-encoding); `style`: the stylesheet.
//!
//! Who may call it: `web` (its routes and its worker) calls the page functions re-exported here;
//! the page kinds call `parts`, `style` and the layout below, never one another's pages.

mod checks;
mod company;
mod draft;
mod index;
mod parts;
mod provenance;
mod report;
mod sql;
mod style;

pub use checks::checks;
pub use company::company;
pub use draft::{draft, draft_source};
pub use index::index;
pub use provenance::figures;
pub use report::report;
pub use sql::sql;

use crate::warehouse::Warehouse;
use axum::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use style::CSS;

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
