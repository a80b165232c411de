//! Usage: iijwh chart REPORT [-p KEY=VALUE ...] [-o FILE.svg|FILE.png] [--as-of DATE | --release ID]
//!        iijwh chart -e SQL --kind line|bar|stacked_bar --x COLUMN --y COL,... [--y2 COL,...]
//!
//! Draw a report's chart (its `-- chart:` header) or ad-hoc SQL's: SVG or PNG to a file; without
//! -o, in the terminal (braille lines, block bars, fitting its width, no colour with NO_COLOR) or,
//! when stdout is not a terminal, the SVG on stdout. The footer names the release and vintage.

use crate::base::project::Project;
use crate::render::chart::{self, ChartSpec};
use crate::render::QueryResult;
use crate::sql::report;
use crate::warehouse::Warehouse;
use anyhow::{bail, Context, Result};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Draw a report's chart (SVG, PNG or in the terminal)
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh chart trend_revenue -o trend.svg\n  iijwh chart margins -o margins.png\n  iijwh chart growth -p line=connectivity\n  iijwh chart -e \"select period, value from kpis where item = 'contracted_bandwidth'\" --kind line --x period --y value"
)]
pub struct Args {
    /// Report name in queries/ (e.g. trend_revenue)
    #[arg(required_unless_present = "execute")]
    report: Option<String>,
    /// Inline SQL to chart instead of a report (needs --kind, --x and --y)
    #[arg(
        short = 'e',
        long = "execute",
        value_name = "SQL",
        conflicts_with = "report"
    )]
    execute: Option<String>,
    /// Report parameter, repeatable: --param line=connectivity
    #[arg(short, long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// Write the chart to FILE: .svg or .png
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Chart kind, overriding the report's: line, bar or stacked_bar
    #[arg(long)]
    kind: Option<String>,
    /// Column of the categories (x axis)
    #[arg(long)]
    x: Option<String>,
    /// Columns drawn on the left axis, comma-separated
    #[arg(long)]
    y: Option<String>,
    /// Columns drawn as lines on a right axis, comma-separated
    #[arg(long)]
    y2: Option<String>,
    #[command(flatten)]
    vintage: super::VintageArgs,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    if let Some(path) = &args.output {
        project.guard_output_file(path)?;
    }
    let report = match &args.report {
        Some(name) => Some(report::find(project, name)?),
        None => None,
    };
    let declared = report.as_ref().and_then(|r| r.get("chart"));
    let spec = match (&args.kind, &args.x, &args.y, declared) {
        (None, None, None, Some(header)) => header.parse::<ChartSpec>().map_err(anyhow::Error::msg)?,
        (Some(kind), Some(x), Some(y), _) => {
            let y2 = args.y2.as_deref().map(|v| format!(" y2={v}")).unwrap_or_default();
            format!("{kind} x={x} y={y}{y2}").parse::<ChartSpec>().map_err(anyhow::Error::msg)?
        }
        (None, None, None, None) => match &report {
            Some(r) => bail!(
                "report `{}` declares no chart; pass --kind, --x and --y, or see `iijwh reports` for the reports that do",
                r.name
            ),
            None => bail!("ad-hoc SQL needs --kind, --x and --y"),
        },
        _ => bail!("--kind, --x and --y go together"),
    };
    let vintage = args.vintage.for_report(project, report.as_ref());
    let asked = vintage.asked(report.as_ref(), &args.params);
    let statement = report.as_ref().map(|r| &r.sql).or(args.execute.as_ref());
    let opened = super::open_fresh_for(project, asked, statement.map_or("", |s| s), true, false)?;
    let mut wh = super::settled(project, opened)?;
    vintage.apply(&wh)?;
    wh.sandbox()?;
    let (sql, params, title) = match (&report, &args.execute) {
        (Some(r), _) => (
            r.sql.clone(),
            report::bind(r, &args.params, |sql| wh.column_values(sql))?,
            r.get("title").unwrap_or(&r.name).to_string(),
        ),
        (None, Some(sql)) => (sql.clone(), Vec::new(), "Ad-hoc query".to_string()),
        (None, None) => bail!("name a report or pass -e SQL"),
    };
    wh.pick_company(&params)?;
    let result = wh.query(&sql, &params)?;
    let data = chart::dressed(&wh, &result, &spec, &title, &params)?;
    match &args.output {
        Some(path) => {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let svg = chart::svg(&data)?;
            let bytes = match ext {
                "svg" => svg.into_bytes(),
                "png" => chart::png(&svg)?,
                _ => bail!("{}: write the chart to a .svg or .png file", path.display()),
            };
            project
                .create_output_file(path)?
                .write_all(&bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None if std::io::stdout().is_terminal() => {
            print!("{}", chart::terminal(&data, terminal_width(), color()));
        }
        None => std::io::stdout()
            .lock()
            .write_all(chart::svg(&data)?.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// $COLUMNS, else the terminal's width, else 80.
pub fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| comfy_table::Table::new().width().map(usize::from))
        .unwrap_or(80)
}

/// Colour on a terminal, unless NO_COLOR is set (https://no-color.org): piped into `less` or a
/// file, the chart is plain text.
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// A report's declared chart (`spec`) drawn for the terminal (`query --format chart`).
pub fn terminal_chart(
    wh: &Warehouse,
    result: &QueryResult,
    spec: &str,
    title: &str,
    params: &[(String, String)],
) -> Result<String> {
    let spec: ChartSpec = spec.parse().map_err(anyhow::Error::msg)?;
    let data = chart::dressed(wh, result, &spec, title, params)?;
    Ok(chart::terminal(&data, terminal_width(), color()))
}
