//! `/figures`: where a figure comes from, down to the lines of the release text that print it.

use super::parts::{company_picker, encode, figure_link, EVERY_COMPANY_FIGURES};
use super::{page, vintage_line};
use crate::base::sql_string;
use crate::render::columns_text;
use crate::warehouse::Warehouse;
use crate::web::printed::{hits, Standing};
use crate::web::Reply;
use anyhow::Result;
use maud::{html, Markup};
use std::collections::BTreeMap;

/// Provenance: one company's figures with a value (and period) in the vintage (`company`, as the
/// page that linked here names it; else the session's), with section, label, printed form,
/// placement, note, formula, and the lines of the release text that print them, highlighted; a
/// company picker, as on every page of one company, and when the company prints no such figure,
/// the companies that do.
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
    let (company, name) = wh.session_company()?;
    let period_filter = given
        .get("period")
        .map(|p| format!(" AND period = {}", sql_string(p)))
        .unwrap_or_default();
    let mut sql = format!(
        "SELECT release_id, table_name, period, as_of, item, basis, scope, measure, comparison, value, unit, \
         section, label, printed, placement, derived, note FROM figures WHERE in_vintage AND value = {value}::DECIMAL(18,6)"
    );
    sql.push_str(&period_filter);
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
    // None here: which other companies print it, each a link to its own provenance.
    let elsewhere = match result.num_rows() {
        0 => wh.column_values(&format!(
            "SELECT DISTINCT f.company_id || chr(9) || c.name FROM {EVERY_COMPANY_FIGURES} f \
             JOIN companies c USING (company_id) \
             WHERE f.newest AND f.company_id <> {} AND f.value = {value}::DECIMAL(18,6){period_filter} \
             ORDER BY 1",
            sql_string(&company)
        ))?,
        _ => Vec::new(),
    };
    let keep: Vec<(String, String)> = given
        .iter()
        .filter(|(k, _)| *k == "value" || *k == "period")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let body = html! {
        (company_picker(wh, "/figures", &keep)?)
        p.occurrences { (result.num_rows()) " printed occurrence(s) of value " (crate::render::figure_text(value, ""))
            @if let Some(p) = given.get("period") { " for " (p) }
            " in the vintage of " a href={ "/companies/" (encode(&company)) } { (name) } }
        @if !elsewhere.is_empty() {
            p.elsewhere { "Companies that print it: "
                @for (i, other) in elsewhere.iter().enumerate() {
                    @let (id, other_name) = other.split_once('\t').unwrap_or((other.as_str(), ""));
                    @if i > 0 { ", " }
                    a href=(figure_link(given.get("period").map_or("", String::as_str), value, id)) { (other_name) }
                }
            }
        }
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

/// The lines of a release text that print `printed` as a token of its own (see `web::printed::hits`),
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
        let hits = hits(line, printed);
        if hits.is_empty() {
            continue;
        }
        let on_line = !label.is_empty() && squash(line).contains(&label);
        let across = !label.is_empty()
            && !on_line
            && i > 0
            && squash(&format!("{} {line}", lines[i - 1])).contains(&label);
        let alone = hits.iter().any(|h| h.2 == Standing::Alone);
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
