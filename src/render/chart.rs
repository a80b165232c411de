//! Charts: a report declares its natural picture in its header (`-- chart: KIND x=COL y=COL,...
//! [y2=COL,...]`), and the same data draws as SVG (plotters), PNG (the SVG rendered by resvg with
//! the machine's fonts) or in a terminal (braille lines from textplots, block bars). Kinds: `line`,
//! `bar` (grouped when several y columns), `stacked_bar`; `y2` columns draw as lines on a second
//! axis (revenue with its margin ratio).

use super::{unit_of, QueryResult};
use crate::warehouse::Warehouse;
use anyhow::{bail, Context, Result};
use arrow::array::{Array, Float64Array};
use arrow::datatypes::DataType;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use plotters::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    Bar,
    StackedBar,
}

/// What a report's `-- chart:` header (or `--kind/--x/--y`) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub x: String,
    pub y: Vec<String>,
    pub y2: Vec<String>,
    /// A column holding each category's printed total, labelled on top of the stack (the sum of
    /// rounded parts can differ from the printed total by a unit).
    pub total: Option<String>,
}

impl std::str::FromStr for ChartSpec {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<ChartSpec, String> {
        let mut words = s.split_whitespace();
        let kind = match words.next() {
            Some("line") => ChartKind::Line,
            Some("bar") => ChartKind::Bar,
            Some("stacked_bar") => ChartKind::StackedBar,
            other => {
                return Err(format!(
                    "unknown chart kind {:?}: use line, bar or stacked_bar",
                    other.unwrap_or("")
                ))
            }
        };
        let (mut x, mut y, mut y2, mut total) = (None, Vec::new(), Vec::new(), None);
        for word in words {
            let list = |v: &str| {
                v.split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            match word.split_once('=') {
                Some(("x", v)) => x = Some(v.to_string()),
                Some(("y", v)) => y = list(v),
                Some(("y2", v)) => y2 = list(v),
                Some(("total", v)) => total = Some(v.to_string()),
                _ => {
                    return Err(format!(
                        "chart: `{word}` is not x=COLUMN, y=COLUMN,... or y2=COLUMN,..."
                    ))
                }
            }
        }
        let x = x.ok_or("chart: x=COLUMN is missing")?;
        if y.is_empty() {
            return Err("chart: y=COLUMN,... is missing".to_string());
        }
        Ok(ChartSpec {
            kind,
            x,
            y,
            y2,
            total,
        })
    }
}

/// One series: a column's values by category, on the first or second axis.
#[derive(Debug, Clone)]
pub struct Series {
    /// The result's column.
    pub name: String,
    /// What the legend calls it: the column, or what a generic column stands for (`dress`).
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub secondary: bool,
}

impl Series {
    /// (category index, value) of the values that are there.
    fn points(&self) -> Vec<(f64, f64)> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i as f64, v)))
            .collect()
    }

    /// The points in runs of neighbouring categories: a line is not drawn across a missing value.
    fn runs(&self) -> Vec<Vec<(f64, f64)>> {
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in self.values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().expect("one run").push((i as f64, *v)),
                None if !runs.last().expect("one run").is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        runs.retain(|r| !r.is_empty());
        runs
    }
}

/// Everything a chart shows, in any output.
#[derive(Debug, Clone)]
pub struct ChartData {
    pub kind: ChartKind,
    pub title: String,
    /// The x categories in the result's order (time order for the reports).
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub y_unit: String,
    pub y2_unit: Option<String>,
    /// Printed totals per category, when the spec names a total column.
    pub totals: Option<Vec<Option<f64>>>,
    /// Release and vintage the figures come from.
    pub footer: String,
    /// Categories that are periods with no row in the result, placed where they fall in time
    /// (`mark_missing`): drawn as gaps, so neighbours are not evenly spaced across them.
    pub gaps: Vec<bool>,
    /// A caution drawn under the plot (`spread_note`: compared periods far apart).
    pub note: Option<String>,
}

/// A result as the chart `spec` draws it, with the vintage's unit and footer.
fn chart_data(
    wh: &Warehouse,
    result: &QueryResult,
    spec: &ChartSpec,
    title: &str,
) -> Result<ChartData> {
    let (mut footer, unit) = wh.vintage_note()?;
    if super::spans_companies(result) {
        footer = wh.vintage_note_all()?;
    }
    let unit = super::amounts_unit(result, &unit);
    ChartData::from_result(result, spec, title, &unit, &format!("iijwh · {footer}"))
}

/// `chart_data` with what every chart says besides its figures (`chart::dress`): the company and
/// concept in the title, missing periods as gaps, far-apart peers noted.
pub fn dressed(
    wh: &Warehouse,
    result: &QueryResult,
    spec: &ChartSpec,
    title: &str,
    params: &[(String, String)],
) -> Result<ChartData> {
    let mut data = chart_data(wh, result, spec, title)?;
    let company = wh
        .column_values("SELECT company FROM vintage_company")?
        .into_iter()
        .next();
    dress(
        &mut data,
        result,
        spec,
        params,
        company
            .as_deref()
            .filter(|_| !super::spans_companies(result)),
        // The periods of the kind a category is, in time order: where gaps go.
        |category| {
            wh.column_values(&format!(
                "SELECT period FROM periods WHERE kind = (SELECT kind FROM periods WHERE period = {}) \
                 ORDER BY start_date, end_date",
                crate::base::sql_string(category)
            ))
        },
    )?;
    Ok(data)
}

/// What every chart of a report says besides its figures: the title with the concept and the
/// company (`title_for`; `company` None for a chart across companies), periods the result skips
/// placed as gaps (`periods_of(category)`: every period of that category's kind in time order,
/// empty when it is no period), and a note when compared periods end far apart.
pub fn dress(
    data: &mut ChartData,
    result: &QueryResult,
    spec: &ChartSpec,
    params: &[(String, String)],
    company: Option<&str>,
    periods_of: impl Fn(&str) -> Result<Vec<String>>,
) -> Result<()> {
    data.title = title_for(&data.title, params, company);
    // A report of any concept names its figures `value`: the legend says which concept they are.
    if let Some(concept) = concept_of(params) {
        for s in data.series.iter_mut().filter(|s| s.name == "value") {
            s.label = concept.to_string();
        }
    }
    if let Some(first) = data.categories.first().cloned() {
        let ordered = periods_of(&first)?;
        if !ordered.is_empty() {
            data.mark_missing(&ordered);
        }
    }
    data.note = spread_note(result, &spec.x);
    Ok(())
}

/// A chart's title that says whose figures and which concept: the report's title, the `concept`
/// parameter when it has one, and the company (none for a chart across companies).
pub fn title_for(title: &str, params: &[(String, String)], company: Option<&str>) -> String {
    let mut out = title.to_string();
    if let Some(concept) = concept_of(params) {
        out.push_str(&format!(": {concept}"));
    }
    if let Some(company) = company.filter(|c| !c.is_empty()) {
        out.push_str(&format!(" — {company}"));
    }
    out
}

/// The report's `concept` parameter, when it has one: the concept its figures are of.
fn concept_of(params: &[(String, String)]) -> Option<&str> {
    params
        .iter()
        .find(|(k, v)| k == "concept" && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// When a result compares periods that end far apart (a peer chart of one company's 2006
/// quarter and another's 2024 one): a note naming them, else None. It reads a date column
/// named `*_end` (`quarter_end`) and labels rows by the chart's x column and a period column
/// (`latest_quarter`, `period`, `quarter`) when there is one.
pub fn spread_note(result: &QueryResult, x: &str) -> Option<String> {
    let columns = super::columns_text(result).ok()?;
    let names = result.column_names();
    let end = names.iter().position(|n| n.ends_with("_end"))?;
    let label = names.iter().position(|n| n == x);
    let period = super::period_column(&names);
    let mut dated: Vec<(chrono::NaiveDate, String)> = Vec::new();
    for (row, end_date) in columns[end].iter().enumerate() {
        let Some(date) = end_date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            continue;
        };
        let who = label
            .and_then(|l| columns[l][row].clone())
            .unwrap_or_default();
        let what = period
            .and_then(|p| columns[p][row].clone())
            .unwrap_or_default();
        dated.push((date, format!("{who} {what}").trim().to_string()));
    }
    dated.sort();
    let (first, last) = (dated.first()?, dated.last()?);
    let days = (last.0 - first.0).num_days();
    // A quarter is ~91 days: ends more than a quarter apart are not the same time.
    (days > 92).then(|| {
        format!(
            "Compared periods end {} apart: {} ends {}, {} ends {}",
            if days >= 730 {
                format!("{} years", days / 365)
            } else {
                format!("{days} days")
            },
            first.1,
            first.0,
            last.1,
            last.0
        )
    })
}

impl ChartData {
    /// Pick the spec's columns out of a result. `default_unit` is the release's unit of amounts.
    pub fn from_result(
        result: &QueryResult,
        spec: &ChartSpec,
        title: &str,
        default_unit: &str,
        footer: &str,
    ) -> Result<ChartData> {
        let names: Vec<&str> = result
            .schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        let index = |col: &str| {
            names.iter().position(|n| *n == col).with_context(|| {
                format!(
                    "chart column `{col}` is not in the result; columns: {}",
                    names.join(", ")
                )
            })
        };
        let xi = index(&spec.x)?;
        let opts = FormatOptions::default();
        let mut categories = Vec::new();
        for batch in &result.batches {
            let f = ArrayFormatter::try_new(batch.column(xi).as_ref(), &opts)?;
            for r in 0..batch.num_rows() {
                categories.push(f.value(r).to_string());
            }
        }
        let numbers = |col: &str| -> Result<Vec<Option<f64>>> {
            let ci = index(col)?;
            let mut values = Vec::with_capacity(categories.len());
            for batch in &result.batches {
                let array = batch.column(ci);
                if !array.data_type().is_numeric() {
                    bail!(
                        "chart column `{col}` is {}, not a number",
                        array.data_type()
                    );
                }
                let floats = arrow_cast::cast(array, &DataType::Float64)?;
                let floats = floats
                    .as_any()
                    .downcast_ref::<Float64Array>()
                    .context("numeric column")?;
                values
                    .extend((0..floats.len()).map(|r| floats.is_valid(r).then(|| floats.value(r))));
            }
            Ok(values)
        };
        let mut series = Vec::new();
        for (cols, secondary) in [(&spec.y, false), (&spec.y2, true)] {
            for col in cols {
                series.push(Series {
                    name: col.clone(),
                    label: col.clone(),
                    values: numbers(col)?,
                    secondary,
                });
            }
        }
        let totals = spec.total.as_deref().map(numbers).transpose()?;
        let unit = |cols: &[String]| -> String {
            let mut units: Vec<&str> = cols.iter().map(|c| unit_of(c, default_unit)).collect();
            units.dedup();
            units.join(", ")
        };
        let gaps = vec![false; categories.len()];
        Ok(ChartData {
            kind: spec.kind,
            title: title.to_string(),
            categories,
            series,
            y_unit: unit(&spec.y),
            y2_unit: (!spec.y2.is_empty()).then(|| unit(&spec.y2)),
            totals,
            footer: footer.to_string(),
            gaps,
            note: None,
        })
    }

    /// Place the categories in `ordered` (every period of their kind, in time order): periods
    /// between the first and the last category that the result has no row for become gaps with
    /// no values. Nothing changes when a category is not in `ordered` (not periods).
    pub fn mark_missing(&mut self, ordered: &[String]) {
        let at: Option<Vec<usize>> = self
            .categories
            .iter()
            .map(|c| ordered.iter().position(|o| o == c))
            .collect();
        let Some(at) = at else { return };
        let (Some(&first), Some(&last)) = (at.iter().min(), at.iter().max()) else {
            return;
        };
        // Only a result in time order is respread (a report sorted by value is left as it is).
        if at.windows(2).any(|w| w[0] >= w[1]) || last - first + 1 == at.len() {
            return;
        }
        let span: Vec<String> = ordered[first..=last].to_vec();
        let spread = |values: &[Option<f64>]| -> Vec<Option<f64>> {
            let mut out = vec![None; span.len()];
            for (k, i) in at.iter().enumerate() {
                out[i - first] = values.get(k).copied().flatten();
            }
            out
        };
        for s in &mut self.series {
            s.values = spread(&s.values);
        }
        if let Some(t) = &self.totals {
            self.totals = Some(spread(t));
        }
        self.gaps = (first..=last).map(|i| !at.contains(&i)).collect();
        self.categories = span;
    }

    fn primary(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(|s| !s.secondary)
    }

    fn secondary(&self) -> impl Iterator<Item = &Series> {
        self.series.iter().filter(|s| s.secondary)
    }

    /// Lowest and highest value the first axis must show (stacks summed, zero included).
    fn primary_range(&self) -> (f64, f64) {
        let mut lo: f64 = 0.0;
        let mut hi: f64 = 0.0;
        for i in 0..self.categories.len() {
            if self.kind == ChartKind::StackedBar {
                let (mut pos, mut neg) = (0.0, 0.0);
                for s in self.primary() {
                    match s.values[i] {
                        Some(v) if v >= 0.0 => pos += v,
                        Some(v) => neg += v,
                        None => {}
                    }
                }
                hi = hi.max(pos);
                lo = lo.min(neg);
            } else {
                for v in self.primary().filter_map(|s| s.values[i]) {
                    hi = hi.max(v);
                    lo = lo.min(v);
                }
            }
        }
        pad(lo, hi)
    }

    fn secondary_range(&self) -> (f64, f64) {
        let values: Vec<f64> = self
            .secondary()
            .flat_map(|s| s.values.iter().flatten().copied())
            .collect();
        let lo = values.iter().copied().fold(0.0, f64::min);
        let hi = values.iter().copied().fold(0.0, f64::max);
        pad(lo, hi)
    }
}

fn pad(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).max(1e-9);
    let lo = if lo < 0.0 { lo - span * 0.08 } else { lo };
    (lo, hi + span * 0.08)
}

/// `14007` -> `14,007`; `5.8` -> `5.8`: the table's grouping, for axis labels.
fn grouped(v: f64) -> String {
    let text = if v.fract().abs() < 1e-9 || v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    super::group_thousands(&text)
}

/// The palette: distinguishable, and readable in print.
const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Width of a chart, and height of its plot (title, axes and bars) in pixels.
const WIDTH: u32 = 960;
const PLOT_HEIGHT: u32 = 520;
/// The legend's rows below the plot, and the footer under them.
const LEGEND_ROW: u32 = 22;
const FOOTER: u32 = 30;
/// The height of a note's line (`ChartData::note`) above the footer.
const NOTE: i32 = 22;
/// Where the legend's first item starts: under the plot's left axis.
const LEGEND_LEFT: i32 = 92;
/// Legend text size, and a generous width per character of it (sans-serif at 13 px averages
/// ~7 px; 7.8 leaves room for wide letters, so items never run into each other).
const LEGEND_FONT: u32 = 13;
const LEGEND_CHAR: f64 = 7.8;

/// One legend entry: its colour, whether it is a line (else a box), and its text.
struct LegendItem {
    color: RGBColor,
    line: bool,
    text: String,
}

fn legend_items(data: &ChartData) -> Vec<LegendItem> {
    let primary = data.primary().count();
    let mut items: Vec<LegendItem> = data
        .primary()
        .enumerate()
        .map(|(k, s)| LegendItem {
            color: COLORS[k % COLORS.len()],
            line: data.kind == ChartKind::Line,
            text: s.label.clone(),
        })
        .collect();
    items.extend(data.secondary().enumerate().map(|(k, s)| LegendItem {
        color: COLORS[(primary + k) % COLORS.len()],
        line: true,
        text: format!("{} (right axis)", s.label),
    }));
    items
}

/// Each legend item's place (x, row), laid out left to right and wrapped to the chart's width.
fn legend_layout(items: &[LegendItem]) -> Vec<(i32, u32)> {
    let mut places = Vec::with_capacity(items.len());
    let (mut x, mut row) = (LEGEND_LEFT, 0);
    for item in items {
        let width = legend_width(item);
        if x > LEGEND_LEFT && x + width > WIDTH as i32 - 12 {
            x = LEGEND_LEFT;
            row += 1;
        }
        places.push((x, row));
        x += width + 22;
    }
    places
}

/// A legend item's width: its swatch, a gap and its text.
fn legend_width(item: &LegendItem) -> i32 {
    22 + (item.text.chars().count() as f64 * LEGEND_CHAR).ceil() as i32
}

/// The chart as an SVG document: the plot, then the legend in rows of its own below it (never
/// on the data), then the footer.
pub fn svg(data: &ChartData) -> Result<String> {
    let mut out = String::new();
    {
        let items = legend_items(data);
        let rows = legend_layout(&items).last().map_or(0, |(_, r)| r + 1);
        let note = if data.note.is_some() { NOTE as u32 } else { 0 };
        let height = PLOT_HEIGHT + rows * LEGEND_ROW + 8 + FOOTER + note;
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        draw(&root, data).map_err(|e| anyhow::anyhow!("drawing the chart: {e}"))?;
        root.present()
            .map_err(|e| anyhow::anyhow!("drawing the chart: {e}"))?;
    }
    // A title and the data behind the picture, for screen readers and for tools.
    let described = serde_json::json!({
        "kind": format!("{:?}", data.kind),
        "categories": data.categories,
        "series": data.series.iter().map(|s| serde_json::json!({
            "name": s.name, "label": s.label, "axis": if s.secondary { "right" } else { "left" }, "values": s.values,
        })).collect::<Vec<_>>(),
        "unit": data.y_unit, "unit_right": data.y2_unit,
        "missing": data.categories.iter().zip(&data.gaps).filter(|(_, g)| **g).map(|(c, _)| c).collect::<Vec<_>>(),
        "note": data.note,
    });
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    if let Some(end) = out
        .find("<svg")
        .and_then(|at| out[at..].find('>').map(|e| at + e))
    {
        out.insert_str(
            end + 1,
            &format!(
                "\n<title>{}</title>\n<desc id=\"iijwh-chart-data\">{}</desc>",
                escape(&data.title),
                escape(&described.to_string())
            ),
        );
    }
    Ok(out)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    data: &ChartData,
) -> std::result::Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (body, below) = root.split_vertically(PLOT_HEIGHT);
    let items = legend_items(data);
    let places = legend_layout(&items);
    let rows = places.last().map_or(0, |(_, r)| r + 1);
    let (legend, footer) = below.split_vertically(rows * LEGEND_ROW + 8);
    let legend_font = ("sans-serif", LEGEND_FONT).into_font();
    for (item, (x, row)) in items.iter().zip(&places) {
        let y = 4 + (*row * LEGEND_ROW) as i32 + LEGEND_ROW as i32 / 2;
        if item.line {
            legend.draw(&PathElement::new(
                vec![(*x, y), (*x + 16, y)],
                item.color.stroke_width(3),
            ))?;
        } else {
            legend.draw(&Rectangle::new(
                [(*x, y - 6), (*x + 14, y + 6)],
                item.color.filled(),
            ))?;
        }
        legend.draw(&Text::new(
            item.text.clone(),
            (*x + 22, y - LEGEND_FONT as i32 / 2 - 1),
            legend_font.clone(),
        ))?;
    }
    let mut footer_y = 8;
    if let Some(note) = &data.note {
        footer.draw_text(
            note,
            &("sans-serif", 14).into_font().color(&RGBColor(179, 38, 30)),
            (12, footer_y),
        )?;
        footer_y += NOTE;
    }
    footer.draw_text(
        &data.footer,
        &("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
        (12, footer_y),
    )?;
    let n = data.categories.len().max(1);
    let (lo, hi) = data.primary_range();
    let mut builder = ChartBuilder::on(&body);
    builder
        .caption(&data.title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(80);
    if data.y2_unit.is_some() {
        builder.right_y_label_area_size(70);
    }
    let x_range = -0.5f64..(n as f64 - 0.5);
    let (lo2, hi2) = data.secondary_range();
    let mut chart = builder
        .build_cartesian_2d(x_range.clone(), lo..hi)?
        .set_secondary_coord(x_range, lo2..hi2);
    let categories = data.categories.clone();
    let label = move |x: &f64| -> String {
        let i = x.round();
        if (x - i).abs() < 1e-6 && i >= 0.0 {
            categories.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| grouped(*v))
        .y_desc(data.y_unit.as_str())
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    if let Some(unit) = &data.y2_unit {
        // The right axis's unit on every tick label too: a reader should not have to match the
        // axis title to know 20 is 20%.
        let suffix = if unit == "%" { "%" } else { "" };
        chart
            .configure_secondary_axes()
            .y_label_formatter(&|v| format!("{}{suffix}", grouped(*v)))
            .y_desc(unit.as_str())
            .axis_desc_style(("sans-serif", 15))
            .draw()?;
    }
    // The zero line, so negatives read as below it.
    chart.draw_series(LineSeries::new(
        vec![(-0.5, 0.0), (n as f64 - 0.5, 0.0)],
        BLACK.stroke_width(1),
    ))?;

    // Periods with no figure: a grey band and `no data`, so the time axis keeps its spacing.
    let gap_style = ("sans-serif", 12)
        .into_font()
        .color(&RGBColor(110, 110, 110));
    for (i, _) in data.gaps.iter().enumerate().filter(|(_, g)| **g) {
        let x = i as f64;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.45, lo), (x + 0.45, hi)],
            RGBColor(236, 238, 241).filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            "no data".to_string(),
            (x - 0.2, lo + (hi - lo) * 0.5),
            gap_style.clone(),
        )))?;
    }
    let primary: Vec<&Series> = data.primary().collect();
    let groups = primary.len().max(1) as f64;
    let mut base_pos = vec![0.0; data.categories.len()];
    let mut base_neg = vec![0.0; data.categories.len()];
    for (k, s) in primary.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        match data.kind {
            ChartKind::Line => {
                for run in s.runs() {
                    chart.draw_series(LineSeries::new(run, color.stroke_width(2)))?;
                }
                let points = s.points();
                chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))?;
            }
            ChartKind::Bar => {
                let width = 0.8 / groups;
                let bars = s.values.iter().enumerate().filter_map(|(i, v)| {
                    let left = i as f64 - 0.4 + width * k as f64;
                    v.map(|v| Rectangle::new([(left, 0.0), (left + width, v)], color.filled()))
                });
                chart.draw_series(bars)?;
            }
            ChartKind::StackedBar => {
                let mut rects = Vec::new();
                for (i, v) in s.values.iter().enumerate() {
                    let Some(v) = *v else { continue };
                    let base = if v >= 0.0 {
                        &mut base_pos[i]
                    } else {
                        &mut base_neg[i]
                    };
                    rects.push(Rectangle::new(
                        [(i as f64 - 0.35, *base), (i as f64 + 0.35, *base + v)],
                        color.filled(),
                    ));
                    *base += v;
                }
                chart.draw_series(rects)?;
            }
        }
    }
    // Values a reader looks for: each stack's printed total, or each bar's value when there is one
    // series.
    let label_style = ("sans-serif", 12).into_font().color(&RGBColor(40, 40, 40));
    let totals: Vec<Option<f64>> = match (data.kind, primary.len()) {
        // Only printed totals: a sum of rounded parts can be off by a unit.
        (ChartKind::StackedBar, _) => data.totals.clone().unwrap_or_default(),
        (ChartKind::Bar, 1) => primary[0].values.clone(),
        _ => Vec::new(),
    };
    // A label is drawn only where it fits its category's width; when labels would run into each
    // other (many categories), every k-th one is drawn.
    let plot_width = WIDTH as f64 - 80.0 - 24.0 - if data.y2_unit.is_some() { 70.0 } else { 0.0 };
    let slot = plot_width / n as f64;
    let widest = totals
        .iter()
        .flatten()
        .map(|v| grouped(*v).chars().count())
        .max()
        .unwrap_or(0) as f64
        * 7.0;
    let every = ((widest + 6.0) / slot).ceil().max(1.0) as usize;
    chart.draw_series(totals.iter().enumerate().filter_map(|(i, v)| {
        if i % every != 0 {
            return None;
        }
        v.map(|v| {
            let top = if data.kind == ChartKind::StackedBar {
                base_pos[i].max(v)
            } else {
                v.max(0.0)
            };
            Text::new(
                grouped(v),
                (i as f64 - 0.3, top + (hi - lo) * 0.03),
                label_style.clone(),
            )
        })
    }))?;
    for (k, s) in data.secondary().enumerate() {
        let color = COLORS[(primary.len() + k) % COLORS.len()];
        let points = s.points();
        for run in s.runs() {
            chart.draw_secondary_series(LineSeries::new(run, color.stroke_width(2)))?;
        }
        chart.draw_secondary_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))?;
    }
    Ok(())
}

/// The SVG rendered to PNG with the machine's fonts.
pub fn png(svg: &str) -> Result<Vec<u8>> {
    let mut options = resvg::usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
    // fontdb maps `sans-serif` to Arial, which Linux machines rarely have: take the first sans
    // family that is there.
    let families: Vec<String> = fonts
        .faces()
        .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
        .collect();
    if let Some(sans) = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans"]
        .iter()
        .find(|want| families.iter().any(|f| f == *want))
    {
        fonts.set_sans_serif_family(*sans);
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options).context("reading the chart's SVG")?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).context("allocating the PNG")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().context("encoding the PNG")
}

/// The chart in a terminal `width` columns wide: lines in braille (textplots), bars as rows of
/// blocks, one per category; `color` unless NO_COLOR.
pub fn terminal(data: &ChartData, width: usize, color: bool) -> String {
    let mut out = format!("{}\n", data.title);
    let paint = |k: usize, text: &str| -> String {
        if color {
            let c = COLORS[k % COLORS.len()];
            format!("\x1b[38;2;{};{};{}m{text}\x1b[0m", c.0, c.1, c.2)
        } else {
            text.to_string()
        }
    };
    if data.kind == ChartKind::Line {
        for (k, s) in data.series.iter().enumerate() {
            let points: Vec<(f32, f32)> = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i as f32, v as f32)))
                .collect();
            if points.is_empty() {
                continue;
            }
            let unit = if s.secondary {
                data.y2_unit.as_deref().unwrap_or("")
            } else {
                &data.y_unit
            };
            out.push_str(&paint(k, &format!("{} ({unit})\n", s.label)));
            let cols = (width.saturating_sub(12) * 2).max(32) as u32;
            let shape = textplots::Shape::Lines(&points);
            let mut chart =
                textplots::Chart::new(cols, 40, 0.0, (data.categories.len().max(2) - 1) as f32);
            let labels = data.categories.clone();
            let chart = textplots::LabelBuilder::x_label_format(
                &mut chart,
                textplots::LabelFormat::Custom(Box::new(move |x| {
                    labels
                        .get(x.round().max(0.0) as usize)
                        .cloned()
                        .unwrap_or_default()
                })),
            );
            let chart = textplots::Plot::lineplot(chart, &shape);
            chart.axis();
            chart.figures();
            out.push_str(&paint(k, &chart.to_string()));
        }
    } else {
        // One row per category: the category, a bar per series (stacked: segments), the value.
        let label_width = data
            .categories
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        let primary: Vec<&Series> = data.primary().collect();
        let (lo, hi) = data.primary_range();
        let span = (hi - lo.min(0.0)).max(1e-9);
        let bar_width = width.saturating_sub(label_width + 16).max(10) as f64;
        for (i, category) in data.categories.iter().enumerate() {
            let mut line = format!("{category:<label_width$} ");
            let mut total = 0.0;
            for (k, s) in primary.iter().enumerate() {
                let Some(v) = s.values[i] else { continue };
                let cells = ((v.abs() / span) * bar_width).round() as usize;
                let glyph = if v < 0.0 { "░" } else { "█" };
                line.push_str(&paint(k, &glyph.repeat(cells)));
                if data.kind == ChartKind::Bar && primary.len() > 1 {
                    line.push(' ');
                }
                total += v;
            }
            let printed = data.totals.as_ref().and_then(|t| t[i]);
            let shown = match (data.kind, primary.len(), printed) {
                _ if data.gaps.get(i) == Some(&true) => "no data".to_string(),
                (ChartKind::StackedBar, _, Some(t)) => grouped(t),
                (ChartKind::Bar, 1, _) => grouped(total),
                _ => String::new(),
            };
            out.push_str(&format!("{line} {shown}\n"));
        }
        // The legend, wrapped to the width (colour codes do not take columns).
        let mut row = String::new();
        let mut row_width = 0;
        let entries = primary
            .iter()
            .enumerate()
            .map(|(k, s)| {
                (
                    paint(k, &format!("█ {}", s.label)),
                    s.label.chars().count() + 2,
                )
            })
            .chain(std::iter::once((
                format!("({}; ░ negative)", data.y_unit),
                data.y_unit.chars().count() + 14,
            )));
        for (text, cols) in entries {
            if row_width > 0 && row_width + 2 + cols > width {
                out.push_str(&format!("{row}\n"));
                row.clear();
                row_width = 0;
            }
            if row_width > 0 {
                row.push_str("  ");
                row_width += 2;
            }
            row.push_str(&text);
            row_width += cols;
        }
        out.push_str(&format!("{row}\n"));
    }
    if let Some(note) = &data.note {
        for line in wrap(note, width) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    for line in wrap(&data.footer, width) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Words of `text` in lines of at most `width` columns (a longer word gets a line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}
