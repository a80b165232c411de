//! `/drafts/ID`: what `release draft` proposes for a release, and its numbered text.

use super::page;
use super::parts::encode;
use crate::base::project::Project;
use crate::web::Reply;
use anyhow::Result;
use maud::html;

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
