//! The DuckDB shell's habits for people who script it: the `line`, `list`, `html` and `latex`
//! modes, and the options its dot-commands set (`.headers`, `.nullvalue`, `.maxrows`,
//! `.maxwidth`), applied to every mode that shows cells to people.

use super::{columns_text, display_cells, new_table, print as print_plain, Format, QueryResult};
use anyhow::Result;
use comfy_table::CellAlignment;
use std::io::Write;

/// What `.headers`, `.nullvalue`, `.maxrows` and `.maxwidth` set.
#[derive(Debug, Clone)]
pub struct Options {
    pub headers: bool,
    pub null: String,
    /// Rows shown at most; the rest elided in the middle, as DuckDB's box mode does.
    pub max_rows: Option<usize>,
    /// Table width in columns (default: the terminal's).
    pub max_width: Option<u16>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            headers: true,
            null: "NULL".to_string(),
            max_rows: None,
            max_width: None,
        }
    }
}

impl Options {
    fn is_default(&self) -> bool {
        self.headers && self.null == "NULL" && self.max_rows.is_none() && self.max_width.is_none()
    }
}

/// Print `result` in `format` with the shell's options.
pub fn print(
    result: &QueryResult,
    format: Format,
    opts: &Options,
    out: &mut dyn Write,
) -> Result<()> {
    // Machine formats never change with the shell's options; the people formats only when set.
    let machine = matches!(
        format,
        Format::Json | Format::Ndjson | Format::Chart | Format::Parquet | Format::Xlsx
    );
    let people = matches!(format, Format::Table | Format::Csv | Format::Markdown);
    if machine || (people && opts.is_default()) {
        return print_plain(result, format, out);
    }
    let shown = display_cells(result)?;
    let raw = columns_text(result)?;
    let total = shown.rows.len();
    // Which rows to show: all, or the first and last halves of max_rows.
    let keep: Vec<Option<usize>> = match opts.max_rows {
        Some(m) if total > m => {
            let head = m.div_ceil(2);
            let tail = m - head;
            (0..head)
                .map(Some)
                .chain(std::iter::once(None))
                .chain((total - tail..total).map(Some))
                .collect()
        }
        _ => (0..total).map(Some).collect(),
    };
    let cell = |ri: usize, ci: usize, people: bool| -> String {
        match &raw[ci][ri] {
            None => opts.null.clone(),
            Some(_) if people => shown.rows[ri][ci].clone(),
            Some(v) => v.clone(),
        }
    };
    let footer = || {
        if keep.len() < total || keep.contains(&None) {
            format!("{total} rows ({} shown)", keep.iter().flatten().count())
        } else {
            format!("({total} row{})", if total == 1 { "" } else { "s" })
        }
    };
    match format {
        Format::Table => {
            let mut table = new_table(&shown.headers);
            if let Some(w) = opts.max_width {
                table
                    .set_width(w)
                    .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
            }
            for k in &keep {
                match k {
                    Some(ri) => {
                        table.add_row((0..shown.headers.len()).map(|ci| cell(*ri, ci, true)));
                    }
                    None => {
                        table.add_row(shown.headers.iter().map(|_| "·".to_string()));
                    }
                }
            }
            for (ci, numeric) in shown.numeric.iter().enumerate() {
                if let Some(col) = table.column_mut(ci) {
                    col.set_cell_alignment(if *numeric {
                        CellAlignment::Right
                    } else {
                        CellAlignment::Left
                    });
                }
            }
            writeln!(out, "{table}")?;
            writeln!(out, "{}", footer())?;
        }
        Format::Csv | Format::List | Format::Markdown => {
            let sep = match format {
                Format::Csv => ",",
                Format::List => "|",
                _ => " | ",
            };
            let quote = |s: String| -> String {
                if format == Format::Csv && (s.contains(',') || s.contains('"') || s.contains('\n'))
                {
                    format!("\"{}\"", s.replace('"', "\"\""))
                } else {
                    s
                }
            };
            let (open, close) = if format == Format::Markdown {
                ("| ", " |")
            } else {
                ("", "")
            };
            if opts.headers {
                let h: Vec<String> = shown.headers.iter().cloned().map(quote).collect();
                writeln!(out, "{open}{}{close}", h.join(sep))?;
                if format == Format::Markdown {
                    let rule: Vec<&str> = shown
                        .numeric
                        .iter()
                        .map(|n| if *n { "---:" } else { "---" })
                        .collect();
                    writeln!(out, "| {} |", rule.join(" | "))?;
                }
            }
            for k in &keep {
                let Some(ri) = k else {
                    writeln!(out, "…")?;
                    continue;
                };
                let people = format != Format::Csv;
                let row: Vec<String> = (0..shown.headers.len())
                    .map(|ci| quote(cell(*ri, ci, people)))
                    .collect();
                writeln!(out, "{open}{}{close}", row.join(sep))?;
            }
        }
        Format::Line => {
            let width = shown
                .headers
                .iter()
                .map(|h| h.chars().count())
                .max()
                .unwrap_or(0);
            for (i, k) in keep.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let Some(ri) = k else {
                    writeln!(out, "…")?;
                    continue;
                };
                for (ci, h) in shown.headers.iter().enumerate() {
                    writeln!(out, "{h:>width$} = {}", cell(*ri, ci, true))?;
                }
            }
        }
        Format::Html => {
            let esc = |s: &str| {
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
            };
            writeln!(out, "<table>")?;
            if opts.headers {
                let h: Vec<String> = shown
                    .headers
                    .iter()
                    .map(|h| format!("<th>{}</th>", esc(h)))
                    .collect();
                writeln!(out, "<tr>{}</tr>", h.join(""))?;
            }
            for k in keep.iter().flatten() {
                let r: Vec<String> = (0..shown.headers.len())
                    .map(|ci| format!("<td>{}</td>", esc(&cell(*k, ci, true))))
                    .collect();
                writeln!(out, "<tr>{}</tr>", r.join(""))?;
            }
            writeln!(out, "</table>")?;
        }
        Format::Latex => {
            let esc = |s: &str| {
                s.chars()
                    .map(|c| match c {
                        '&' | '%' | '$' | '#' | '_' | '{' | '}' => format!("\\{c}"),
                        c => c.to_string(),
                    })
                    .collect::<String>()
            };
            let align: String = shown
                .numeric
                .iter()
                .map(|n| if *n { 'r' } else { 'l' })
                .collect();
            writeln!(
                out,
                "\\begin{{tabular}}{{|{}|}}",
                align
                    .chars()
                    .map(String::from)
                    .collect::<Vec<_>>()
                    .join("|")
            )?;
            writeln!(out, "\\hline")?;
            if opts.headers {
                let h: Vec<String> = shown.headers.iter().map(|h| esc(h)).collect();
                writeln!(out, "{} \\\\", h.join(" & "))?;
                writeln!(out, "\\hline")?;
            }
            for k in keep.iter().flatten() {
                let r: Vec<String> = (0..shown.headers.len())
                    .map(|ci| esc(&cell(*k, ci, true)))
                    .collect();
                writeln!(out, "{} \\\\", r.join(" & "))?;
            }
            writeln!(out, "\\hline")?;
            writeln!(out, "\\end{{tabular}}")?;
        }
        Format::Json | Format::Ndjson | Format::Chart | Format::Parquet | Format::Xlsx => {
            print_plain(result, format, out)?
        }
    }
    Ok(())
}
