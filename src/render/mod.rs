//! Output formats for query results. Table and markdown are for people (thousands separators,
//! right-aligned numbers, `%` on ratio columns, years and ids ungrouped); csv, json and ndjson carry
//! the raw values, but for a ratio computed in floating point, which every output rounds to the
//! precision its column prints (`columns_text`). The percent-column rule (`is_percent`) lives here
//! once for every output, export's manifest included.
//!
//! Who may call it: load, export, repl and cmd. It imports the warehouse's `QueryResult` only.

pub mod chart;
pub mod files;
pub mod shell;

pub use crate::base::group_thousands;
pub use crate::warehouse::QueryResult;
use anyhow::Result;
use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::DataType;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use comfy_table::{presets, Cell, CellAlignment, Color, ContentArrangement, Table};
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Boxed table for people (DuckDB's `box`/`duckbox`)
    #[value(alias = "box", alias = "duckbox")]
    Table,
    Csv,
    Json,
    Ndjson,
    Markdown,
    /// One `column = value` line per cell, rows apart (DuckDB's `line`)
    Line,
    /// Values separated by `|` (DuckDB's `list`)
    List,
    /// An HTML table
    Html,
    /// A LaTeX tabular
    Latex,
    /// A Parquet file (with -o FILE)
    Parquet,
    /// An Excel workbook (with -o FILE): numbers as numbers, units in the header
    Xlsx,
    /// The report's chart, drawn in the terminal (`query --format chart`).
    Chart,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        <Format as clap::ValueEnum>::from_str(s, true).map_err(|_| {
            format!("unknown format `{s}`: use table (box), csv, json, ndjson, markdown, line, list, html, latex or chart")
        })
    }
}

pub fn print(result: &QueryResult, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Table => print_table(result, out),
        Format::Markdown => print_markdown(result, out),
        Format::Csv => print_csv(result, out),
        Format::Json => print_json(result, out, false),
        Format::Ndjson => print_json(result, out, true),
        Format::Line | Format::List | Format::Html | Format::Latex => {
            shell::print(result, format, &shell::Options::default(), out)
        }
        Format::Parquet | Format::Xlsx => anyhow::bail!(
            "--format {} writes a file: give it with -o FILE",
            format!("{format:?}").to_lowercase()
        ),
        Format::Chart => anyhow::bail!(
            "the chart format draws a report's declared chart: `iijwh query REPORT --format chart` or `iijwh chart`"
        ),
    }
}

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric()
}

/// Ratio columns by naming convention: `..._pct`, `..._ratio`, `..._margin_pct` are in percent:
/// the table prints them with `%`, export's manifest gives them the unit `%`. The one place the
/// rule lives.
pub fn is_percent(name: &str) -> bool {
    name.ends_with("_pct") || name.ends_with("_ratio") || name.ends_with('%')
}

/// The unit of a column by naming convention: percent columns `%`, `*_gbps` Gbps, `*_contracts`
/// contracts; anything else is an amount in the release's unit (`default`).
pub fn unit_of<'a>(column: &str, default: &'a str) -> &'a str {
    if is_percent(column) {
        "%"
    } else if column.ends_with("_gbps") {
        "Gbps"
    } else if column.ends_with("_contracts") {
        "contracts"
    } else {
        default
    }
}

/// The unit a result's amounts are in: its own `unit` column when every row has the same one
/// (a report of another company than the session's, a concept in KPIs), else `default` (the
/// vintage's unit); `mixed units` when the rows' units differ, so no axis claims one unit for all.
pub fn amounts_unit(result: &QueryResult, default: &str) -> String {
    let Ok(columns) = columns_text(result) else {
        return default.to_string();
    };
    let Some(at) = result
        .schema
        .fields()
        .iter()
        .position(|f| f.name() == "unit")
    else {
        return default.to_string();
    };
    let mut units: Vec<&str> = columns[at].iter().flatten().map(String::as_str).collect();
    units.sort_unstable();
    units.dedup();
    match units.as_slice() {
        [] => default.to_string(),
        [one] => one.to_string(),
        _ => "mixed units".to_string(),
    }
}

/// The column naming each row's period, as the reports call it (`period`, `quarter`, a peer
/// table's `latest_quarter`), if any: what a row's figures are of.
pub fn period_column(names: &[String]) -> Option<usize> {
    names
        .iter()
        .position(|n| matches!(n.as_str(), "period" | "quarter" | "latest_quarter"))
}

/// Whether a result's rows are of several companies (a `company` or `company_id` column with more
/// than one value): its chart's footer then names the vintage of every company, not one.
pub fn spans_companies(result: &QueryResult) -> bool {
    let Ok(columns) = columns_text(result) else {
        return false;
    };
    result
        .schema
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| f.name() == "company" || f.name() == "company_id")
        .any(|(at, _)| {
            let mut seen = columns[at].iter().flatten();
            seen.next()
                .is_some_and(|first| seen.any(|other| other != first))
        })
}

/// One stored figure as the tables print it, with its unit: `14007.0` in `JPY million` is
/// `14,007 JPY million`, `13.5` in `%` is `13.5%`, `-238.0` is `-238`.
pub fn figure_text(value: &str, unit: &str) -> String {
    let value = &figure_digits(value);
    let whole = value.split_once('.').map_or(value.as_str(), |(int, frac)| {
        if frac.bytes().all(|b| b == b'0') {
            int
        } else {
            value
        }
    });
    let grouped = group_thousands(whole);
    match unit {
        "" => grouped,
        "%" => format!("{grouped}%"),
        unit => format!("{grouped} {unit}"),
    }
}

/// Raw text of every cell, column by column (NULL as `None`). A ratio computed in SQL as a
/// floating-point number (a `_pct`/`_ratio` column, see `is_percent`) is rounded to the precision
/// its column prints (`float_decimals`): `78.35201965903855` is `78.4`, as every output shows it.
pub fn columns_text(result: &QueryResult) -> Result<Vec<Vec<Option<String>>>> {
    let opts = FormatOptions::default();
    let fields = result.schema.fields();
    let mut cols: Vec<Vec<Option<String>>> = vec![Vec::new(); fields.len()];
    for batch in &result.batches {
        for (ci, array) in batch.columns().iter().enumerate() {
            let f = ArrayFormatter::try_new(array.as_ref(), &opts)?;
            let exact = is_exact_figure(array.data_type());
            for ri in 0..array.len() {
                let valid = array.logical_nulls().is_none_or(|n| n.is_valid(ri));
                cols[ci].push(valid.then(|| {
                    let text = f.value(ri).to_string();
                    if exact {
                        figure_digits(&text)
                    } else {
                        text
                    }
                }));
            }
        }
    }
    for (ci, field) in fields.iter().enumerate() {
        if is_float(field.data_type()) && is_percent(field.name()) {
            let decimals = float_decimals(&cols[ci], 1).max(1);
            round_column(&mut cols[ci], decimals);
        }
    }
    Ok(cols)
}

fn is_float(t: &DataType) -> bool {
    matches!(t, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

/// The decimals a floating-point column prints: the most any of its values has when written
/// shortest, counting only values of at most 3 decimals (those a release prints or SQL rounded;
/// `0.1 + 0.2` does not count), and `default` when none has a short form.
pub fn float_decimals(column: &[Option<String>], default: usize) -> usize {
    column
        .iter()
        .flatten()
        .filter(|v| !v.contains(['e', 'E']))
        .filter_map(|v| v.split_once('.').map(|(_, f)| f.len()).or(Some(0)))
        .filter(|d| *d <= 3)
        .max()
        .unwrap_or(default)
}

/// Round each number of a column to `decimals` places (`-0.0` prints `0.0`); text that is not a
/// finite number (`inf`, `NaN`) stays as it is.
fn round_column(column: &mut [Option<String>], decimals: usize) {
    for v in column.iter_mut().flatten() {
        if let Ok(x) = v.parse::<f64>() {
            if x.is_finite() {
                let text = format!("{x:.decimals$}");
                *v = match text.strip_prefix('-') {
                    Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
                    _ => text,
                };
            }
        }
    }
}

/// Integer columns that name things or years, not quantities: printed without thousands
/// separators (`fiscal_year` 2025, not `2,025`; a `sec_cik`, a `seq`, a month).
pub fn is_identifier(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "year", "id", "seq", "month", "cik", "code", "quarter", "number", "no",
    ]
    .iter()
    .any(|w| name == *w || name.ends_with(&format!("_{w}")) || name.starts_with(&format!("{w}_")))
}

/// Whether a column holds figures at the warehouse's exact scale (DECIMAL with 6 decimals or
/// more: every decimal a release prints, kept exactly), which print with the decimals they have.
fn is_exact_figure(t: &DataType) -> bool {
    matches!(t, DataType::Decimal128(_, s) | DataType::Decimal256(_, s) if *s >= 6)
}

/// A figure's digits without the stored scale's trailing zeros, keeping at least one decimal:
/// `14007.000000` is `14007.0`, `0.890000` is `0.89`, `3.875000` is `3.875` (the `printed`
/// column keeps the release's own form, `¥12.50`).
pub fn figure_digits(text: &str) -> String {
    match text.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            format!("{int}.{}", if frac.is_empty() { "0" } else { frac })
        }
        None => text.to_string(),
    }
}

/// Cells as people read them: headers, which columns are numeric, and the rows.
pub struct Display {
    pub headers: Vec<String>,
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// Display form of every cell for people (the terminal table's, the web page's).
pub fn display_cells(result: &QueryResult) -> Result<Display> {
    let fields = result.schema.fields();
    let headers = result.column_names();
    let numeric: Vec<bool> = fields.iter().map(|f| is_numeric(f.data_type())).collect();
    let mut cols = columns_text(result)?;
    let rows = result.num_rows();
    // Floating-point numbers of other columns (an average, a quotient) with digits no release
    // prints (`0.3333333333333333`) print 2 decimals, or the 3 their short values have.
    for (ci, field) in fields.iter().enumerate() {
        if is_float(field.data_type()) && !is_percent(field.name()) {
            let long = cols[ci].iter().flatten().any(|v| {
                !v.contains(['e', 'E']) && v.split_once('.').is_some_and(|(_, f)| f.len() > 3)
            });
            if long {
                let decimals = float_decimals(&cols[ci], 2).max(2);
                round_column(&mut cols[ci], decimals);
            }
        }
    }
    let mut out = vec![Vec::with_capacity(headers.len()); rows];
    for (ci, col) in cols.into_iter().enumerate() {
        let identifier = is_identifier(&headers[ci]) && !is_float(fields[ci].data_type());
        // Amounts stored as exact decimals read better without a `.0` when the column has no fractions;
        // ratio columns keep their printed decimal.
        let whole = numeric[ci]
            && !is_percent(&headers[ci])
            && col.iter().flatten().all(|v| {
                v.split_once('.')
                    .is_none_or(|(_, f)| f.bytes().all(|b| b == b'0'))
            });
        for (ri, cell) in col.into_iter().enumerate() {
            let text = match cell {
                None => "NULL".to_string(),
                Some(v) if numeric[ci] => {
                    let v = if whole {
                        v.split('.').next().unwrap_or(&v).to_string()
                    } else {
                        v
                    };
                    let grouped = if identifier { v } else { group_thousands(&v) };
                    if is_percent(&headers[ci]) {
                        format!("{grouped}%")
                    } else {
                        grouped
                    }
                }
                Some(v) => v,
            };
            out[ri].push(text);
        }
    }
    Ok(Display {
        headers,
        numeric,
        rows: out,
    })
}

/// A table for people, shared by every command that prints one: fits the terminal ($COLUMNS, else
/// the detected width); with no usable width (a pipe, a 0-wide pseudo-terminal) it does not wrap.
pub fn new_table<T: ToString>(headers: &[T]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(headers.iter().map(|h| Cell::new(h.to_string())));
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<u16>().ok())
        .or_else(|| table.width());
    match width {
        Some(w) if w >= 20 => {
            table
                .set_width(w)
                .set_content_arrangement(ContentArrangement::Dynamic);
        }
        _ => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

fn print_table(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let Display {
        headers,
        numeric,
        rows,
    } = display_cells(result)?;
    let mut table = new_table(&headers);
    for row in rows {
        // Negative figures in red (comfy-table styles only when writing to a terminal).
        table.add_row(row.into_iter().zip(&numeric).map(|(text, is_num)| {
            if *is_num && text.starts_with('-') {
                Cell::new(text).fg(Color::Red)
            } else {
                Cell::new(text)
            }
        }));
    }
    for (ci, is_num) in numeric.iter().enumerate() {
        if let Some(col) = table.column_mut(ci) {
            col.set_cell_alignment(if *is_num {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    writeln!(out, "{table}")?;
    let n = result.num_rows();
    writeln!(out, "({n} row{})", if n == 1 { "" } else { "s" })?;
    Ok(())
}

fn print_markdown(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let Display {
        headers,
        numeric,
        rows,
    } = display_cells(result)?;
    let esc = |s: &str| s.replace('|', "\\|");
    writeln!(
        out,
        "| {} |",
        headers
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    let align: Vec<&str> = numeric
        .iter()
        .map(|n| if *n { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", align.join(" | "))?;
    for row in rows {
        writeln!(
            out,
            "| {} |",
            row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

fn print_csv(result: &QueryResult, out: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(result.schema.fields().iter().map(|f| f.name()))?;
    let cols = columns_text(result)?;
    for ri in 0..result.num_rows() {
        w.write_record(cols.iter().map(|c| c[ri].as_deref().unwrap_or("")))?;
    }
    w.flush()?;
    Ok(())
}

fn json_value(array: &ArrayRef, f: &ArrayFormatter, ri: usize) -> serde_json::Value {
    use serde_json::Value;
    if array.is_null(ri) {
        return Value::Null;
    }
    let mut text = f.value(ri).to_string();
    if is_exact_figure(array.data_type()) {
        text = figure_digits(&text);
    }
    match array.data_type() {
        DataType::Boolean => Value::Bool(
            array
                .as_any()
                .downcast_ref::<BooleanArray>()
                .is_some_and(|a| a.value(ri)),
        ),
        // Exact: the decimal's digits become the JSON number's digits (arbitrary precision).
        t if t.is_numeric() => text
            .parse::<serde_json::Number>()
            .map_or(Value::String(text), Value::Number),
        _ => Value::String(text),
    }
}

fn print_json(result: &QueryResult, out: &mut dyn Write, lines: bool) -> Result<()> {
    let names = result.column_names();
    let opts = FormatOptions::default();
    let mut objects = Vec::new();
    for batch in &result.batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|a| ArrayFormatter::try_new(a.as_ref(), &opts))
            .collect::<Result<Vec<_>, _>>()?;
        for ri in 0..batch.num_rows() {
            let obj: serde_json::Map<String, serde_json::Value> = names
                .iter()
                .zip(batch.columns().iter().zip(&formatters))
                .map(|(n, (a, f))| (n.clone(), json_value(a, f, ri)))
                .collect();
            if lines {
                writeln!(out, "{}", serde_json::Value::Object(obj))?;
            } else {
                objects.push(serde_json::Value::Object(obj));
            }
        }
    }
    if !lines {
        writeln!(out, "{}", serde_json::to_string_pretty(&objects)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{float_decimals, group_thousands, is_identifier, period_column, round_column};

    #[test]
    fn floats_round_to_the_precision_their_column_prints() {
        let col = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        let mut c = col(&["78.35201965903855", "5.8"]);
        assert_eq!(float_decimals(&c, 1), 1);
        round_column(&mut c, 1);
        assert_eq!(c, col(&["78.4", "5.8"]));
        let mut c = col(&["12.35", "0.30000000000000004"]);
        let decimals = float_decimals(&c, 1);
        round_column(&mut c, decimals);
        assert_eq!(c, col(&["12.35", "0.30"]));
        let mut c = col(&["-0.04", "inf"]);
        round_column(&mut c, 1);
        assert_eq!(c, col(&["0.0", "inf"]));
    }

    #[test]
    fn years_and_ids_are_identifiers() {
        for name in [
            "fiscal_year",
            "year",
            "seq",
            "company_id",
            "sec_cik",
            "fiscal_year_start_month",
        ] {
            assert!(is_identifier(name), "{name}");
        }
        for name in ["total_revenues", "offending_rows", "value", "yearly_total"] {
            assert!(!is_identifier(name), "{name}");
        }
    }

    #[test]
    fn a_row_period_is_its_period_quarter_or_latest_quarter() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            period_column(&names(&["company", "latest_quarter", "quarter_end"])),
            Some(1)
        );
        assert_eq!(period_column(&names(&["quarter", "amount"])), Some(0));
        assert_eq!(period_column(&names(&["release_id", "period"])), Some(1));
        assert_eq!(
            period_column(&names(&["fiscal_period", "quarter_end"])),
            None
        );
    }

    #[test]
    fn groups_the_integer_part_only() {
        assert_eq!(group_thousands("14007"), "14,007");
        assert_eq!(group_thousands("-29680.0"), "-29,680.0");
        assert_eq!(group_thousands("428000"), "428,000");
        assert_eq!(group_thousands("253.2"), "253.2");
        assert_eq!(group_thousands("1234567.89"), "1,234,567.89");
        assert_eq!(group_thousands("n/a"), "n/a");
    }
}
