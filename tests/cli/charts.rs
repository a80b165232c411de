//! Charts: every report that declares one renders to SVG with what a reader looks for (title, axis
//! units, the categories in order, one legend entry per series, the printed totals), a PNG
//! renders, and the terminal draws the same figures.

use crate::common::{project_root, Sandbox};

/// The reports that declare a chart, with their declaration.
fn declared() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(project_root().join("queries")).unwrap() {
        let path = entry.unwrap().path();
        // queries/spark/ holds hand ports for Spark, no reports.
        if path.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if let Some(line) = text.lines().find_map(|l| l.strip_prefix("-- chart: ")) {
            out.push((
                path.file_stem().unwrap().to_string_lossy().to_string(),
                line.to_string(),
            ));
        }
    }
    out.sort();
    out
}

/// The visible text of an SVG's <text> elements, in document order.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..t.find("</text>")?];
            Some(body.trim().replace("&amp;", "&"))
        })
        .collect()
}

/// The data the chart embeds in <desc id="iijwh-chart-data">.
fn data(svg: &str) -> serde_json::Value {
    let start = svg.find("<desc id=\"iijwh-chart-data\">").unwrap() + 28;
    let end = start + svg[start..].find("</desc>").unwrap();
    let json = svg[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap()
}

#[test]
fn every_declared_chart_renders_what_a_reader_needs() {
    let sb = Sandbox::new();
    let charts = declared();
    // The trends, mix, margins, KPIs, targets, cash flow and income trend all have one.
    for name in [
        "trend_revenue",
        "revenue_mix",
        "margins",
        "connectivity_kpis",
        "targets_vs_results",
        "cash_flow_ebitda",
        "income_trend",
        "growth",
    ] {
        assert!(
            charts.iter().any(|(n, _)| n == name),
            "{name} declares no chart"
        );
    }
    for (name, spec) in &charts {
        let file = sb.dir.path().join(format!("{name}.svg"));
        sb.ok(&["chart", name, "-o", file.to_str().unwrap()]);
        let svg = std::fs::read_to_string(&file).unwrap();
        let text = texts(&svg);
        let rows = crate::common::parse_csv(&sb.ok(&["query", name, "--format", "csv"]));
        let title = std::fs::read_to_string(project_root().join(format!("queries/{name}.sql")))
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("-- title: ").map(str::to_string))
            .unwrap();
        // The title names the company (a chart of one company's figures).
        // (the concept too when the report has a `concept` parameter).
        let concept = if name == "concept_trend" {
            ": total_revenues"
        } else {
            ""
        };
        assert!(
            text.contains(&format!(
                "{title}{concept} — Internet Initiative Japan Inc."
            )),
            "{name}: title {title:?} with the company in {text:?}"
        );
        // Categories in the report's order (time order for quarters), each once on the axis.
        let x = spec
            .split_whitespace()
            .find_map(|w| w.strip_prefix("x="))
            .unwrap();
        let positions: Vec<usize> = rows
            .iter()
            .map(|r| {
                text.iter()
                    .position(|t| *t == r[x])
                    .unwrap_or_else(|| panic!("{name}: {} missing", r[x]))
            })
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{name}: categories out of order"
        );
        // One legend entry per series, and as many points as the report has values.
        let d = data(&svg);
        let series = d["series"].as_array().unwrap();
        let y: Vec<&str> = spec
            .split_whitespace()
            .filter_map(|w| w.strip_prefix("y=").or_else(|| w.strip_prefix("y2=")))
            .flat_map(|l| l.split(','))
            .collect();
        assert_eq!(series.len(), y.len(), "{name}");
        for (s, col) in series.iter().zip(&y) {
            assert_eq!(s["name"], *col);
            // The legend says the column, or for a report of any concept, which concept.
            let legend = if name == "concept_trend" {
                "total_revenues"
            } else {
                col
            };
            assert_eq!(s["label"], legend, "{name}");
            assert!(
                text.iter().any(|t| t.starts_with(legend)),
                "{name}: legend {legend} in {text:?}"
            );
            let values = s["values"].as_array().unwrap();
            let missing = d["missing"].as_array().map_or(0, Vec::len);
            assert_eq!(values.len(), rows.len() + missing, "{name}.{col}: points");
            let non_null = rows.iter().filter(|r| !r[*col].is_empty()).count();
            assert_eq!(
                values.iter().filter(|v| !v.is_null()).count(),
                non_null,
                "{name}.{col}"
            );
        }
        // Axis titles with units; the footer names the release and the vintage.
        assert!(
            text.iter().any(|t| t == "JPY million" || t == "%"),
            "{name}: unit in {text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("release iij-2q06 (published 2006-11-02), vintage latest")),
            "{name}: footer"
        );
    }
}

#[test]
fn trend_chart_shows_the_printed_totals_and_the_margin_axis() {
    let sb = Sandbox::new();
    let file = sb.dir.path().join("trend.svg");
    sb.ok(&["chart", "trend_revenue", "-o", file.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&file).unwrap();
    let text = texts(&svg);
    // Printed totals on the stacks: 2Q06 is 14,007 and 2Q04 10,512 (the sum of its rounded lines
    // would be 10,513).
    assert!(text.contains(&"14,007".to_string()), "{text:?}");
    assert!(text.contains(&"10,512".to_string()) && !text.contains(&"10,513".to_string()));
    let quarters: Vec<&String> = text
        .iter()
        .filter(|t| t.len() == 4 && t.as_bytes()[1] == b'Q')
        .collect();
    assert_eq!(
        quarters,
        ["1Q04", "2Q04", "3Q04", "4Q04", "1Q05", "2Q05", "3Q05", "4Q05", "1Q06", "2Q06"]
    );
    assert!(text.contains(&"JPY million".to_string()) && text.contains(&"%".to_string()));
    assert!(text.contains(&"gross_margin_ratio (right axis)".to_string()));
    let d = data(&svg);
    assert_eq!(d["series"][0]["values"][9], 3293.0);
    assert_eq!(d["unit_right"], "%");
    // Negatives sit below the zero line: income trend's 1Q04 operating loss.
    let file = sb.dir.path().join("income.svg");
    sb.ok(&["chart", "income_trend", "-o", file.to_str().unwrap()]);
    let d = data(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(d["series"][0]["values"][0], -100.0);
}

#[test]
fn png_and_terminal_charts() {
    let sb = Sandbox::new();
    let png = sb.dir.path().join("margins.png");
    sb.ok(&["chart", "margins", "-o", png.to_str().unwrap()]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        bytes.len() > 10_000,
        "a blank PNG is small: {} bytes",
        bytes.len()
    );
    // Without -o and with stdout not a terminal: the SVG.
    let out = sb.ok(&["chart", "trend_revenue"]);
    assert!(
        out.starts_with("<svg") || out.contains("<svg"),
        "{}",
        &out[..80.min(out.len())]
    );
    // In a terminal: bars with the printed totals, fitting $COLUMNS, no colour with NO_COLOR.
    let bin = assert_cmd::cargo::cargo_bin("iijwh");
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} chart trend_revenue", bin.display()),
            "/dev/null",
        ])
        .current_dir(project_root())
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .env("COLUMNS", "90")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("2Q06"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains('█') && line.trim_end().ends_with("14,007"),
        "{line}"
    );
    assert!(
        text.lines().all(|l| l.chars().count() <= 90),
        "fits 90 columns:\n{text}"
    );
    assert!(!text.contains('\u{1b}'), "NO_COLOR: no escape codes");
    // Piped (`query --format chart | less`): the same bars, no escape codes either.
    let piped = sb.ok(&["query", "trend_revenue", "--format", "chart"]);
    assert!(piped.contains('█') && piped.contains("14,007"), "{piped}");
    assert!(!piped.contains('\u{1b}'), "piped: no escape codes");
    // Ad-hoc SQL with --kind/--x/--y.
    let svg = sb.dir.path().join("bw.svg");
    sb.ok(&[
        "chart", "-e",
        "SELECT period, value FROM kpis k JOIN periods p USING (period) WHERE item = 'contracted_bandwidth' AND comparison = 'level' AND section LIKE 'Results%' AND label LIKE 'Total Contracted%' ORDER BY p.start_date",
        "--kind", "line", "--x", "period", "--y", "value", "-o", svg.to_str().unwrap(),
    ]);
    let d = data(&std::fs::read_to_string(&svg).unwrap());
    assert_eq!(d["categories"].as_array().unwrap().len(), 10);
    assert_eq!(d["series"][0]["values"][9], 253.2);
    // Bad requests: a clear error.
    let err = sb.fails(&["chart", "group_structure"]);
    assert!(err.contains("declares no chart"), "{err}");
    let err = sb.fails(&[
        "chart",
        "margins",
        "-o",
        sb.dir.path().join("x.gif").to_str().unwrap(),
    ]);
    assert!(err.contains(".svg or .png"), "{err}");
}

/// An element's box in SVG pixels: (left, top, right, bottom).
type Box2 = (f64, f64, f64, f64);

fn overlaps(a: Box2, b: Box2) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// The value of attribute `name` of one SVG element's text.
fn attr(element: &str, name: &str) -> Option<f64> {
    let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
    element[start..start + element[start..].find('"')?]
        .parse()
        .ok()
}

/// The SVG's shapes: rects and circles with their boxes and fill, and texts with their box
/// (from x, y, font size and a generous 0.62 em a character) and content.
struct Shapes {
    rects: Vec<(Box2, String)>,
    circles: Vec<Box2>,
    texts: Vec<(Box2, String)>,
}

fn shapes(svg: &str) -> Shapes {
    let mut out = Shapes {
        rects: Vec::new(),
        circles: Vec::new(),
        texts: Vec::new(),
    };
    for piece in svg.split('<').skip(1) {
        let Some(end) = piece.find('>') else { continue };
        let element = &piece[..end];
        if element.starts_with("rect ") {
            let (Some(x), Some(y), Some(w), Some(h)) = (
                attr(element, "x"),
                attr(element, "y"),
                attr(element, "width"),
                attr(element, "height"),
            ) else {
                continue;
            };
            let fill = element
                .split(" fill=\"")
                .nth(1)
                .and_then(|f| f.split('"').next())
                .unwrap_or("")
                .to_uppercase();
            out.rects.push(((x, y, x + w, y + h), fill));
        } else if element.starts_with("circle ") {
            let (Some(x), Some(y), Some(r)) =
                (attr(element, "cx"), attr(element, "cy"), attr(element, "r"))
            else {
                continue;
            };
            out.circles.push((x - r, y - r, x + r, y + r));
        } else if element.starts_with("text ") {
            let (Some(x), Some(y)) = (attr(element, "x"), attr(element, "y")) else {
                continue;
            };
            let size = attr(element, "font-size").unwrap_or(12.0);
            let content = piece[end + 1..].trim().replace("&amp;", "&");
            let width = content.chars().count() as f64 * size * 0.62;
            let left = if element.contains("text-anchor=\"end\"") {
                x - width
            } else if element.contains("text-anchor=\"middle\"") {
                x - width / 2.0
            } else {
                x
            };
            // plotters writes the top of the text at y (dy="0.76em").
            out.texts.push(((left, y, left + width, y + size), content));
        }
    }
    out
}

/// Every declared chart: the legend's box (its entries and their swatches) touches no bar, no
/// point and no value label, and no two value labels overlap.
#[test]
fn legends_and_value_labels_hide_no_figure() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    for (name, _) in declared() {
        let file = sb.dir.path().join(format!("{name}-geometry.svg"));
        sb.ok(&["chart", &name, "-o", file.to_str().unwrap()]);
        let svg = std::fs::read_to_string(&file).unwrap();
        let d = data(&svg);
        let names: Vec<String> = d["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                // What the legend says: the column, or the concept it stands for.
                let n = s["label"].as_str().unwrap().to_string();
                if s["axis"] == "right" {
                    format!("{n} (right axis)")
                } else {
                    n
                }
            })
            .collect();
        let shapes = shapes(&svg);
        let entries: Vec<Box2> = shapes
            .texts
            .iter()
            .filter(|(_, t)| names.contains(t))
            .map(|(b, _)| (b.0 - 24.0, b.1 - 2.0, b.2, b.3 + 2.0))
            .collect();
        assert_eq!(
            entries.len(),
            names.len(),
            "{name}: one legend entry per series"
        );
        let legend = entries.iter().fold(entries[0], |a, b| {
            (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
        });
        // The data: filled rects of the palette outside the legend's swatches, points, and the
        // numbers printed inside the plot (left of the right axis, right of the left one).
        let palette = [
            "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
        ];
        let swatch = |b: &Box2| {
            entries.iter().any(|e| {
                b.0 >= e.0 - 1.0 && b.2 <= e.0 + 20.0 && b.1 >= e.1 - 2.0 && b.3 <= e.3 + 2.0
            })
        };
        let bars: Vec<Box2> = shapes
            .rects
            .iter()
            .filter(|(b, fill)| palette.contains(&fill.as_str()) && !swatch(b))
            .map(|(b, _)| *b)
            .collect();
        let is_number = |t: &str| {
            !t.is_empty()
                && t.trim_end_matches('%')
                    .replace([',', '.', '-'], "")
                    .bytes()
                    .all(|b| b.is_ascii_digit())
        };
        let right_axis = if d["unit_right"].is_null() {
            936.0
        } else {
            866.0
        };
        let labels: Vec<Box2> = shapes
            .texts
            .iter()
            .filter(|(b, t)| is_number(t) && b.0 > 95.0 && b.0 < right_axis - 5.0 && b.1 < 515.0)
            .map(|(b, _)| *b)
            .collect();
        assert!(
            !bars.is_empty() || !shapes.circles.is_empty(),
            "{name}: no data drawn"
        );
        for b in bars.iter().chain(&shapes.circles).chain(&labels) {
            assert!(
                !overlaps(*b, legend),
                "{name}: the legend {legend:?} covers {b:?}"
            );
        }
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                assert!(
                    !overlaps(*a, *b),
                    "{name}: value labels {a:?} and {b:?} overlap"
                );
            }
        }
        // The right axis's tick labels carry its unit.
        if d["unit_right"] == "%" {
            assert!(
                shapes
                    .texts
                    .iter()
                    .any(|(b, t)| b.0 > right_axis && t.ends_with('%') && t.len() > 1),
                "{name}: right axis ticks in %"
            );
        }
    }
}

/// A chart's title names the concept and the company; a period the result skips is a gap where
/// it falls in time (not an evenly spaced neighbour); a peer chart says when its companies'
/// compared quarters end far apart.
#[test]
fn titles_gaps_and_far_apart_peers() {
    let sb = Sandbox::with_nvidia();
    sb.ok(&["load"]);
    let file = sb.dir.path().join("concept.svg");
    let path = file.to_str().unwrap();
    sb.ok(&[
        "chart",
        "concept_trend",
        "-p",
        "company=nvidia",
        "-p",
        "concept=total_revenues",
        "-o",
        path,
    ]);
    let svg = std::fs::read_to_string(&file).unwrap();
    let text = texts(&svg);
    assert!(
        text.contains(&"Trend of a concept: total_revenues — NVIDIA Corporation".to_string()),
        "{text:?}"
    );
    // Its legend names the concept, not the report's generic `value` column.
    assert_eq!(data(&svg)["series"][0]["label"], "total_revenues");
    assert!(
        text.iter().filter(|t| *t == "total_revenues").count() == 1
            && !text.contains(&"value".to_string()),
        "legend: {text:?}"
    );
    // The terminal draws the same: NVIDIA's quarters between 1Q24 and 1Q25 have no data.
    let terminal = sb.ok(&[
        "query",
        "concept_trend",
        "-p",
        "company=nvidia",
        "--format",
        "chart",
    ]);
    assert!(
        terminal.starts_with("Trend of a concept: total_revenues — NVIDIA Corporation\n")
            && terminal.contains("2Q24  no data")
            && terminal.contains("26,044"),
        "{terminal}"
    );
    let terminal = sb.ok(&[
        "query",
        "concept_trend",
        "-p",
        "company=nvidia",
        "-p",
        "concept=operating_income",
        "--format",
        "chart",
    ]);
    assert!(
        terminal.starts_with("Trend of a concept: operating_income — NVIDIA Corporation\n")
            && terminal.contains("16,909")
            && terminal.contains("█ operating_income")
            && !terminal.contains("█ value"),
        "{terminal}"
    );
    // IIJ's total revenues without 3Q05 and 4Q05: the two quarters are gaps between 2Q05 and
    // 1Q06, marked `no data`, and the line does not run across them.
    sb.ok(&[
        "chart",
        "--company",
        "iij",
        "-e",
        "SELECT r.period, max(r.value) AS total_revenues FROM revenue_lines r JOIN periods p USING (period) \
         WHERE p.kind = 'quarter' AND r.line = 'total_revenues' AND r.measure = 'amount' AND r.comparison = 'level' \
         AND r.period NOT IN ('3Q05', '4Q05') GROUP BY r.period, p.start_date ORDER BY p.start_date",
        "--kind",
        "line",
        "--x",
        "period",
        "--y",
        "total_revenues",
        "-o",
        path,
    ]);
    let svg = std::fs::read_to_string(&file).unwrap();
    let d = data(&svg);
    assert_eq!(d["missing"], serde_json::json!(["3Q05", "4Q05"]));
    let categories = d["categories"].as_array().unwrap();
    let at = |p: &str| categories.iter().position(|c| c == p).unwrap();
    assert_eq!(at("1Q06") - at("2Q05"), 3, "1Q06 three quarters after 2Q05");
    assert!(d["series"][0]["values"][at("3Q05")].is_null());
    assert_eq!(d["series"][0]["values"][at("2Q06")], 14007.0);
    assert_eq!(texts(&svg).iter().filter(|t| *t == "no data").count(), 2);
    // Peers: IIJ's 2Q06 (ends 2006-09-30) against NVIDIA's 1Q25 (ends 2024-04-28).
    sb.ok(&["chart", "peer_comparison", "-o", path]);
    let svg = std::fs::read_to_string(&file).unwrap();
    let note = data(&svg)["note"].as_str().unwrap_or_default().to_string();
    assert!(
        note.starts_with("Compared periods end 17 years apart")
            && note.contains("2Q06 ends 2006-09-30")
            && note.contains("1Q25 ends 2024-04-28"),
        "{note}"
    );
    assert!(texts(&svg).contains(&note), "the note is drawn");
    assert!(
        !texts(&svg)
            .iter()
            .any(|t| t.contains("— NVIDIA") || t.contains("— Internet")),
        "a chart across companies names none of them in its title"
    );
}
