//! Usage: iijwh release list [--format FORMAT]
//!        iijwh release new ID --published-on DATE --source FILE [--period 3Q06] [--company ID]
//!                  [--name NAME] [--fiscal-year-start MONTH] [--fiscal-year-named-by start_year|end_year]
//!                  [--fiscal-year-end "last Sunday of January"] [--week-53-quarter 1-4]
//!                  [--currency CUR] [--unit UNIT] [--ticker T] [--exchange X] [--alias NAME ...]
//!                  [--cik CIK] [--local-code CODE] [--title TEXT] [--source-url URL]
//!
//!        iijwh release draft ID [--report]
//!
//! The releases in the warehouse, the scaffold of the next one, and its draft: `release new` writes
//! data/releases/ID/ with release.toml (the source text's SHA-256 filled in), the source text and
//! one CSV per table with its header from the schema; for a company new to the warehouse, also its
//! record data/companies/ID.toml from the flags and, for what they leave out, from the text
//! (name, ticker, exchange, securities code, CIK, currency, unit, fiscal calendar: each printed
//! and written under a comment with its line, for review; refused, naming the flags, when the text
//! cannot decide a required field). The period, `--period` or else read from the text, is checked
//! against the company's fiscal calendar. `release draft` reads the new release's
//! source.txt and writes the figure rows it can place into its (empty) CSVs, each with a note
//! saying how it was found and how sure, and DRAFT.md listing them and every number it could not
//! place; `--report` prints the draft and writes nothing. Then review the CSVs and run `iijwh load`.
//!
//! `--source` is the release as published: a text (UTF-8), copied as source.txt, or an HTML page
//! (`.htm`/`.html`, an 8-K exhibit or newsroom page, in UTF-8 or the charset it declares),
//! converted to source.txt (one line per table row, cells joined by three spaces; the site's
//! navigation, footer and scripts dropped) and kept beside it as the document of record,
//! source.htm, with `document_file` and `document_sha256` in release.toml. An empty, binary or
//! textless page, one over 32 MiB or nesting tags deeper than 512 (or deep over very many tags) is
//! refused; nothing is written.

use crate::base::project::Project;
use crate::release::scaffold::{scaffold, NewCompany, NewRelease};
use crate::render::{print, Format};
use crate::sql::report;
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// List the releases, or scaffold the next one
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh release list\n  iijwh release new iij-3q06 --period 3Q06 --published-on 2007-02-08 --source 3q06.txt"
)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(clap::Subcommand)]
enum Action {
    /// The releases in the warehouse with their figure and restatement counts
    List {
        #[arg(short, long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Scaffold data/releases/ID/ for a new release
    #[command(
        after_help = "Examples:\n  iijwh release new iij-3q06 --period 3Q06 --published-on 2007-02-08 --source 3q06.txt\n  \
                      iijwh release new apple-1q24 --company apple --period 1Q24 --published-on 2024-02-01 \\\n      \
                      --source ex99-1.htm --name \"Apple Inc.\" --fiscal-year-end \"last Saturday of September\" \\\n      \
                      --fiscal-year-named-by end_year --currency USD --unit \"USD million\"\n  \
                      iijwh release new buckle-3q24 --company buckle --published-on 2024-11-22 --source ex99-1.htm\n      \
                      (a new company's record and the period read from the text, each printed for review)\n  \
                      iijwh release new acme-2q06 --company acme --name \"Acme Corp.\" --fiscal-year-start 1 \\\n      \
                      --currency USD --unit \"USD thousand\" --period 2Q06 --published-on 2006-07-25 --source acme.txt"
    )]
    New(Box<NewArgs>),
    /// Propose the figure rows of a new release from its text
    #[command(
        after_help = "Examples:\n  iijwh release draft iij-3q07            write the rows it places, and DRAFT.md\n  \
                      iijwh release draft iij-3q07 --report   print the draft (certain / review / unplaced)"
    )]
    Draft {
        /// Release id (a folder of data/releases/ with release.toml and source.txt)
        id: String,
        /// Print the draft; write nothing
        #[arg(long)]
        report: bool,
        #[arg(short, long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(clap::Args)]
struct NewArgs {
    /// Release id: the folder name, e.g. iij-3q06
    id: String,
    /// Main fiscal period the release reports, as printed (3Q06, 1H06, FY2006); default: the
    /// period the text names ("fiscal 2004 third quarter ended June 26, 2004"), for review
    #[arg(long)]
    period: Option<String>,
    /// Date the release was published (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    published_on: String,
    /// The release as published: a text (UTF-8), copied into the folder as source.txt, or an
    /// HTML page (.htm, .html), whose text becomes source.txt, kept as source.htm
    #[arg(long, value_name = "FILE")]
    source: PathBuf,
    /// Company id (data/companies/ID.toml; default: the only company, when there is one)
    #[arg(long)]
    company: Option<String>,
    /// New company: its name as printed
    #[arg(long)]
    name: Option<String>,
    /// New company: month its fiscal year starts (1-12; 4 for a year ending in March)
    #[arg(long, value_name = "MONTH")]
    fiscal_year_start: Option<u32>,
    /// New company: start_year (FY2006 starts in 2006) or end_year (FY2006 ends in 2006)
    #[arg(long, value_name = "HOW")]
    fiscal_year_named_by: Option<String>,
    /// New company with a 52/53-week year: the day it ends ("last Sunday of January", "Saturday
    /// nearest the end of January"); implies --fiscal-year-start
    #[arg(long, value_name = "RULE")]
    fiscal_year_end: Option<String>,
    /// New company with a 52/53-week year: the quarter (1-4) of a 53-week year's 14th week
    /// (default 4)
    #[arg(long, value_name = "Q")]
    week_53_quarter: Option<u32>,
    /// New company: ISO 4217 reporting currency (USD, EUR, JPY)
    #[arg(long, value_name = "CUR")]
    currency: Option<String>,
    /// New company: unit its amounts are printed in ("USD thousand", "EUR million")
    #[arg(long)]
    unit: Option<String>,
    /// New company: ticker symbol
    #[arg(long)]
    ticker: Option<String>,
    /// New company: exchange of the ticker
    #[arg(long)]
    exchange: Option<String>,
    /// New company: another name people know it by (repeat for several)
    #[arg(long = "alias", value_name = "NAME")]
    aliases: Vec<String>,
    /// New company: its SEC Central Index Key (up to ten digits: 1045810 or 0001045810)
    #[arg(long, value_name = "CIK")]
    cik: Option<String>,
    /// New company: its code on its home exchange ("TSE:4182")
    #[arg(long, value_name = "CODE")]
    local_code: Option<String>,
    /// Title of the release (default: "<company> results for <period>")
    #[arg(long)]
    title: Option<String>,
    /// Where the release was published (http:// or https://), kept as its provenance
    #[arg(long, value_name = "URL")]
    source_url: Option<String>,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    match args.action {
        Action::List { format } => {
            let mut wh = super::open_fresh(project)?;
            wh.sandbox()?;
            let r = report::find(project, "releases")?;
            let result = wh.query(&r.sql, &[])?;
            print(&result, format, &mut std::io::stdout().lock())?;
        }
        Action::Draft { id, report, format } => {
            let d = crate::release::draft::draft(&project.data, &project.reference_dir(), &id)?;
            if report {
                print_draft(&d, format)?;
            } else {
                let dir = crate::release::draft::write(project, &id, &d)?;
                let certain = d
                    .rows
                    .iter()
                    .filter(|r| r.certainty == crate::release::draft::Certainty::Certain)
                    .count();
                if d.rows.is_empty() {
                    eprintln!(
                        "note: no table header or stated figure of the text names a period of the \
                         company's calendar (a header like `3Q07 3Q06 YoY % change`, a sentence like \
                         \"Revenues totaled JPY 14,007 million, an increase of 17.4% from 2Q05\"), so \
                         no row was drafted"
                    );
                }
                println!(
                    "wrote {}: {} rows ({certain} certain, {} for review); {} of the text's {} numbers \
                     unplaced, listed in DRAFT.md",
                    dir.display(),
                    d.rows.len(),
                    d.rows.len() - certain,
                    d.unplaced.len(),
                    d.numbers
                );
            }
        }
        Action::New(new) => {
            let NewArgs {
                id,
                period,
                published_on,
                source,
                company,
                name,
                fiscal_year_start,
                fiscal_year_named_by,
                fiscal_year_end,
                week_53_quarter,
                currency,
                unit,
                ticker,
                exchange,
                aliases,
                cik,
                local_code,
                title,
                source_url,
            } = *new;
            let done = scaffold(
                project,
                NewRelease {
                    id: &id,
                    period: period.as_deref(),
                    published_on: &published_on,
                    source: &source,
                    company,
                    new_company: NewCompany {
                        name,
                        fiscal_year_start,
                        fiscal_year_named_by,
                        fiscal_year_end,
                        week_53_quarter,
                        currency,
                        unit,
                        ticker,
                        exchange,
                        aliases,
                        cik,
                        local_code,
                    },
                    title,
                    source_url,
                },
            )?;
            for w in &done.warnings {
                eprintln!("warning: {w}");
            }
            // What was read from the text rather than given: each with its line, for review.
            for p in &done.proposals {
                let mut printed: String = p.printed.chars().take(100).collect();
                if printed.len() < p.printed.len() {
                    printed.push_str("...");
                }
                println!(
                    "proposed from the text (review): {} = {:?} (line {}: {printed:?}){}",
                    p.field,
                    p.value,
                    p.line,
                    if p.why.is_empty() {
                        String::new()
                    } else {
                        format!("; {}", p.why)
                    }
                );
            }
            println!(
                "wrote {}: draft its rows from the text with `iijwh release draft {id}`, or fill in \
                 its CSV files (headers are the schema's columns); then run `iijwh load`",
                done.dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The draft as two tables: the rows (certain first), then the numbers left unplaced.
fn print_draft(d: &crate::release::draft::Draft, format: Format) -> Result<()> {
    use arrow::array::{ArrayRef, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    let batch = |names: &[&str], rows: Vec<Vec<String>>| -> Result<crate::warehouse::QueryResult> {
        let schema = std::sync::Arc::new(Schema::new(
            names
                .iter()
                .map(|n| Field::new(*n, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        let columns: Vec<ArrayRef> = (0..names.len())
            .map(|i| {
                std::sync::Arc::new(
                    rows.iter()
                        .map(|r| Some(r[i].clone()))
                        .collect::<StringArray>(),
                ) as ArrayRef
            })
            .collect();
        let b = arrow::record_batch::RecordBatch::try_new(schema.clone(), columns)?;
        Ok(crate::warehouse::QueryResult {
            schema,
            batches: vec![b],
        })
    };
    let mut rows: Vec<&crate::release::draft::DraftRow> = d.rows.iter().collect();
    rows.sort_by_key(|r| (r.certainty, r.line));
    let placed = batch(
        &[
            "status",
            "line",
            "table",
            "period",
            "start",
            "end",
            "item",
            "comparison",
            "value",
            "unit",
            "printed",
            "label",
            "how",
        ],
        rows.iter()
            .map(|r| {
                vec![
                    r.certainty.word().to_string(),
                    r.line.to_string(),
                    r.table.clone(),
                    r.period.clone(),
                    r.start.clone(),
                    r.end.clone(),
                    r.item.clone(),
                    r.comparison.clone(),
                    r.value.clone(),
                    r.unit.clone(),
                    r.printed.clone(),
                    r.label.clone(),
                    r.how.join("; "),
                ]
            })
            .collect(),
    )?;
    let unplaced = batch(
        &["status", "line", "printed", "context", "why"],
        d.unplaced
            .iter()
            .map(|u| {
                vec![
                    "unplaced".into(),
                    u.line.to_string(),
                    u.printed.clone(),
                    u.context.clone(),
                    u.why.clone(),
                ]
            })
            .collect(),
    )?;
    // Each statement as its grid (a figure for review marked `?`, its line after `@`): first for
    // people, after the rows and the unplaced numbers for programs reading those.
    let mut grids = Vec::new();
    for g in crate::release::draft::grid::grids(d) {
        let names: Vec<String> = ["label", "concept"]
            .iter()
            .map(|s| s.to_string())
            .chain(g.periods.iter().cloned())
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let rows = g
            .rows
            .iter()
            .map(|r| {
                let cells = r.cells.iter().map(|c| match c {
                    Some(c) => format!(
                        "{}{} @{}",
                        c.printed,
                        if c.certain { "" } else { " ?" },
                        c.line
                    ),
                    None => String::new(),
                });
                [r.label.clone(), r.item.clone()]
                    .into_iter()
                    .chain(cells)
                    .collect()
            })
            .collect();
        grids.push((g.section.clone(), batch(&names, rows)?));
    }
    let company = batch(
        &["field", "printed", "line", "record", "verdict"],
        d.company
            .iter()
            .map(|f| {
                vec![
                    f.field.to_string(),
                    f.printed.clone(),
                    f.line.to_string(),
                    f.record.clone(),
                    f.verdict.to_string(),
                ]
            })
            .collect(),
    )?;
    grids.insert(
        0,
        ("The company, as the text prints it".to_string(), company),
    );
    let mut out = std::io::stdout().lock();
    let people = matches!(format, Format::Table | Format::Markdown | Format::Line);
    let print_grids = |out: &mut std::io::StdoutLock| -> Result<()> {
        for (section, grid) in &grids {
            writeln!(out, "{section}")?;
            print(grid, format, out)?;
            writeln!(out)?;
        }
        Ok(())
    };
    if people {
        print_grids(&mut out)?;
    }
    print(&placed, format, &mut out)?;
    writeln!(out)?;
    print(&unplaced, format, &mut out)?;
    if !people {
        writeln!(out)?;
        print_grids(&mut out)?;
    }
    Ok(())
}
