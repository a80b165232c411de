//! Slide text: the charts of a results deck as its PDF's text layer prints them. A bar chart's
//! axis comes out as one line of period labels run together (`2Q062Q051Q054Q04`), and each
//! series' data labels as one run of numbers above it, its legend label glued after it or
//! printed apart (`14,00711,9299,880Total Revenues`). Steps, tested apart:
//!
//! - `runs`: a run of numbers cut into well-formed numbers (every cut, when more than one);
//! - this file: the axis lines and the series lines above each, as a `Chart`;
//! - `settle`: the chart's own arithmetic (a total series is the sum of the others in every
//!   column) choosing the cut of each run and, for a run of more numbers than the axis has
//!   labels, which of them stand under the labels;
//! - `columns`: a column printed apart (its period label alone on a line, its numbers above),
//!   its numbers given to the series by the column's own sum.
//!
//! Nothing here knows a concept or a calendar: labels and periods are text as printed.

mod columns;
mod runs;
mod settle;

pub use columns::{place_columns, Column};
pub use runs::{cuts, split_grouped};
pub use settle::{settle, settle_alike, Placed, Settled};

use super::cells::{value_of, Cell};
use regex::Regex;
use std::sync::LazyLock;

/// One period label of an axis (`2Q06`, `1H06`, `FY2006`).
static PERIOD: &str = r"(?:[1-4]Q|[12]H)\d{2}|FY\d{4}";

/// A chart of the text: its axis and the series printed above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// 1-based line of the axis.
    pub axis_line: usize,
    /// The axis' period labels, in printed order.
    pub periods: Vec<String>,
    pub series: Vec<Series>,
    /// Lines of words alone near the series (from a few lines above the first to the axis): the
    /// legend, its entries glued or wrapped as the PDF prints them, with the chart's titles.
    pub legend: Vec<(usize, String)>,
    /// Columns of periods the axis does not label, printed apart.
    pub columns: Vec<Column>,
}

/// A series line: the numbers printed together and the label on the same line, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub line: usize,
    /// The legend label printed on the line (empty when the legend is apart).
    pub label: String,
    /// Every well-formed cut of the run into as many numbers as the axis has labels; when there
    /// is none, into the fewest more (a chart may print periods its axis does not label).
    pub cuts: Vec<Vec<Cell>>,
    /// Percentages (a ratio series, not a part of any total).
    pub percent: bool,
}

/// The period labels of an axis line, when the line starts with three or more of them (run
/// together or set apart by spaces); the rest of the line is a caption.
pub fn axis(line: &str) -> Option<Vec<String>> {
    static AXIS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"^\s*(?:{PERIOD})(?:\s*(?:{PERIOD})){{2,}}")).expect("regex")
    });
    static ONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(PERIOD).expect("regex"));
    let m = AXIS.find(line)?;
    // `2Q0612` is no axis: a label runs into digits.
    if line[m.end()..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(
        ONE.find_iter(m.as_str())
            .map(|p| p.as_str().to_string())
            .collect(),
    )
}

/// A line starting with a run of numbers: the run's byte range, and the label after it. None
/// when the line holds other numbers (prose, a table row) or no digit.
pub fn series_line(line: &str) -> Option<(usize, usize, String)> {
    let start = line.len() - line.trim_start().len();
    let bytes = line.as_bytes();
    let mut end = start;
    while end < bytes.len() && b"0123456789,.()% ".contains(&bytes[end]) {
        end += 1;
    }
    while end > start && matches!(bytes[end - 1], b' ' | b'(' | b',' | b'.') {
        end -= 1;
    }
    let run = &line[start..end];
    let label = line[end..].trim();
    if !run.bytes().any(|b| b.is_ascii_digit()) || label.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((start, end, label.to_string()))
}

/// The charts of a text: each axis line with the series lines printed since the axis before it.
pub fn charts(text: &str) -> Vec<Chart> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut since = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(periods) = axis(line) else {
            continue;
        };
        let n = periods.len();
        let series: Vec<Series> = (since..i)
            .filter_map(|j| series_of(j + 1, lines[j], n))
            .collect();
        let first = series.first().map_or(i, |s| s.line - 1);
        let legend = (first.saturating_sub(LEGEND_ABOVE).max(since)..i)
            .filter(|&j| is_legend(lines[j]))
            .map(|j| (j + 1, lines[j].trim().to_string()))
            .collect();
        out.push(Chart {
            axis_line: i + 1,
            periods,
            series,
            legend,
            columns: columns::columns(&lines, since, i),
        });
        since = i + 1;
    }
    out
}

/// How far above its first series a chart's legend may be printed, in lines.
const LEGEND_ABOVE: usize = 30;

/// A line of a legend: a few words, no digit, no sentence.
fn is_legend(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty()
        && t.len() <= 80
        && !t.bytes().any(|b| b.is_ascii_digit())
        && !t.ends_with('.')
        && !t.ends_with(',')
}

/// A line as a series of a chart of `n` periods: its cuts into `n` numbers, else into the
/// fewest more (up to a few).
fn series_of(line_no: usize, line: &str, n: usize) -> Option<Series> {
    let (start, end, label) = series_line(line)?;
    let run = &line[start..end];
    let found = (n..=n + 3).map(|m| cuts(run, m)).find(|c| !c.is_empty())?;
    let cell = |(a, b): (usize, usize)| {
        let printed = &run[a..b];
        Cell {
            printed: printed.to_string(),
            // `(1.2%)`: the sign of a ratio is its parentheses, the `%` the series'.
            value: value_of(&printed.replace([' ', '%'], "")),
            start: start + a,
            end: start + b,
            line: line_no,
        }
    };
    Some(Series {
        line: line_no,
        label,
        percent: run.contains('%'),
        cuts: found
            .into_iter()
            .map(|c| c.into_iter().map(cell).collect())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_period_labels_run_together_or_spaced() {
        assert_eq!(
            axis("2Q062Q051Q054Q043Q042Q041Q04Revenues (JPY million)").unwrap(),
            ["2Q06", "2Q05", "1Q05", "4Q04", "3Q04", "2Q04", "1Q04"]
        );
        assert_eq!(axis(" 1Q04 2Q04 3Q04 4Q04").unwrap().len(), 4);
        assert_eq!(axis("1Q05 2Q05").map(|a| a.len()), None);
        assert_eq!(axis("2Q05 due to an increase in revenues"), None);
        assert_eq!(axis("1Q062Q063Q0612"), None);
    }

    #[test]
    fn series_lines_are_a_run_and_a_label() {
        let line = "14,00711,9299,88012,25410,26110,5128,675Total Revenues";
        let (s, e, label) = series_line(line).unwrap();
        assert_eq!(
            (&line[s..e], label.as_str()),
            ("14,00711,9299,88012,25410,26110,5128,675", "Total Revenues")
        );
        let line = "14.6%13.5 %11.7%Gross Margin Ration (%)";
        let (s, e, label) = series_line(line).unwrap();
        assert_eq!(
            (&line[s..e], label.as_str()),
            ("14.6%13.5 %11.7%", "Gross Margin Ration (%)")
        );
        assert_eq!(series_line(" 2,8632,613").unwrap().2, "");
        assert!(series_line("2Q05 due to an increase in revenues").is_none());
        assert!(series_line("- Total revenues JPY 14,007 million").is_none());
        assert!(series_line("(JPY million)").is_none());
    }

    /// IIJ 2Q06 slide text, lines 397-428: a connectivity revenue chart, its series above the
    /// axis; one run prints two periods the axis does not label.
    pub(super) const CONNECTIVITY: &str = "2,6872,6032,5802,6952,7472,8412,7812,8322,918Dedicated Access Services\n\n13.0 %\n\n14.6%13.5 %13.9 %14.4 %14.0 %13.2 %11.7%Gross Margin Ration (%)\n\n6,1565,7675,7675,8605,6665,5085,450Total Revenues\n\n606682699718727740752Dial-up Access Services\n\n1,9061,4591,3881,3221,2761,2201,187Value-added Services\n957930933979882716592Other Revenues\n\n2Q062Q051Q054Q043Q042Q041Q04Revenues (JPY million)\n";

    #[test]
    fn a_chart_is_its_axis_and_the_series_above_it() {
        let found = charts(CONNECTIVITY);
        assert_eq!(found.len(), 1);
        let c = &found[0];
        assert_eq!(c.axis_line, 14);
        assert_eq!(c.periods.len(), 7);
        let labels: Vec<&str> = c.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Dedicated Access Services",
                "Gross Margin Ration (%)",
                "Total Revenues",
                "Dial-up Access Services",
                "Value-added Services",
                "Other Revenues"
            ]
        );
        // Nine numbers under seven labels: cut in nine, the one way.
        assert_eq!(c.series[0].cuts.len(), 1);
        assert_eq!(c.series[0].cuts[0].len(), 9);
        assert!(c.series[1].percent);
        let dialup = &c.series[3].cuts[0];
        assert_eq!(dialup[0].value.as_deref(), Some("606"));
        assert_eq!((dialup[0].line, dialup[0].start, dialup[0].end), (9, 0, 3));
        assert_eq!(c.series[1].cuts[0][1].value.as_deref(), Some("13.5"));
        assert!(c.legend.is_empty());
        // IIJ 2Q06, lines 291-297: a legend printed apart from its series, glued and wrapped.
        let text = "Systems Integration\n 0\n(JPY million) Operating Income Net Income (Loss) Operating\n\nMargin Ratio\n811507247656410282(100)\n2Q062Q051Q054Q043Q042Q041Q04\n";
        let c = &charts(text)[0];
        let legend: Vec<&str> = c.legend.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            legend,
            [
                "Systems Integration",
                "(JPY million) Operating Income Net Income (Loss) Operating",
                "Margin Ratio"
            ]
        );
    }
}
