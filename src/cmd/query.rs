//! Usage: iijwh query NAME|FILE|- [-e|-c SQL] [-init FILE] [-cmd SQL ...] [-echo] [-bail] [--param KEY=VALUE ...] [--format table|csv|json|ndjson|markdown]
//!                   [--output FILE] [--no-build] [--allow-external] [--timings]
//!
//! Run a report from queries/ (NAME, `.sql` optional), any SQL file, SQL from stdin (`-`) or inline
//! SQL (`-e`) against the warehouse, which is built first when missing or older than data/.

use crate::base::project::Project;
use crate::render::{print, Format};
use crate::sql::report;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Run a report or SQL against the warehouse
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh query trend_revenue\n  iijwh query growth -p line=connectivity --format csv\n  iijwh query -c \"select * from figures where printed = '14,007'\"\n  iijwh query margins --format xlsx -o margins.xlsx"
)]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Report name in queries/ (e.g. trend_revenue), a SQL file path, or - for stdin
    #[arg(required_unless_present = "execute")]
    report: Option<String>,
    /// Inline SQL to run instead of a report
    #[arg(
        short = 'e',
        visible_short_alias = 'c',
        long = "execute",
        value_name = "SQL",
        conflicts_with = "report"
    )]
    execute: Option<String>,
    /// Output format
    #[arg(short, long, value_enum, default_value = "table")]
    format: Format,
    /// Write the result to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report parameter, repeatable: --param line=connectivity
    #[arg(short, long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// Let SQL read and write files outside the warehouse (COPY, read_csv, ATTACH ...)
    #[arg(long)]
    allow_external: bool,
    /// Query the warehouse as it is, without rebuilding it when data/ changed
    #[arg(long)]
    no_build: bool,
    /// Print the wall time of each phase (opening, vintage, sandbox, statement, printing)
    #[arg(long)]
    timings: bool,
    #[command(flatten)]
    shell: super::ShellArgs,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let mut clock = crate::base::Phases::start();
    let exit = answer(project, &args, &mut clock, true)?;
    clock.lap("print");
    if args.timings {
        clock.print();
    }
    Ok(exit)
}

/// Run the statement of `args` and print its answer. With `beside`, the staleness walk of
/// data/ goes on beside the statement (see `super::Freshness`) and is confirmed before anything
/// is printed: a stale warehouse is built again and the statement asked again.
fn answer(
    project: &Project,
    args: &Args,
    clock: &mut crate::base::Phases,
    beside: bool,
) -> Result<ExitCode> {
    if let Some(path) = &args.output {
        project.guard_output_file(path)?;
    }
    // Find the report before building anything, so a typo fails fast.
    let report = match (&args.execute, args.report.as_deref()) {
        (None, Some(name)) if name != "-" => Some(report::find(project, name)?),
        _ => None,
    };
    let sql = match (&args.execute, &report) {
        (Some(sql), _) => sql.clone(),
        (None, Some(r)) => r.sql.clone(),
        (None, None) => crate::base::read_stdin_bounded()?,
    };
    clock.lap("read the SQL");
    // -init and -cmd statements could read anything, or set another company.
    let scripts = args.shell.init.is_some() || !args.shell.cmd.is_empty();
    // A report written for one company answers for it unless --company names another.
    let vintage = args.vintage.for_report(project, report.as_ref());
    let asked = match scripts {
        true => super::Asked::Unknown,
        false => vintage.asked(report.as_ref(), &args.params),
    };
    // Ad-hoc SQL over the stored latest facts alone reads their files without the catalog (see
    // `open_fresh_for`): it needs nothing else of the session (no report parameters, no
    // scripts, no vintage note).
    let direct = report.is_none() && !scripts && args.format != Format::Xlsx;
    let (mut wh, mut freshness) = session(
        project,
        args,
        &vintage,
        (asked, &sql),
        (direct, beside),
        clock,
    )?;
    let params = match &report {
        Some(r) => report::bind(r, &args.params, |sql| wh.column_values(sql))?,
        None => free_params(&args.params)?,
    };
    if report.is_some() {
        wh.pick_company(&params)?;
    }
    // -init and -cmd statements run first, in this session (SET VARIABLE, temp tables ...).
    let first = args.shell.scripts()?;
    for script in &first {
        for stmt in crate::repl::statements::split_statements(script) {
            if args.shell.echo {
                println!("{}", stmt.trim());
            }
            wh.query(stmt, &[])
                .with_context(|| format!("in `{}`", stmt.trim()))?;
        }
    }
    if args.shell.echo {
        println!("{}", sql.trim());
    }
    let result = match wh.query(&sql, &params) {
        // The catalog's session says what is wrong, with its names to suggest.
        Err(_) if wh.is_direct() => {
            (wh, freshness) = session(
                project,
                args,
                &vintage,
                (asked, &sql),
                (false, false),
                clock,
            )?;
            wh.query(&sql, &params)
        }
        result => result,
    };
    clock.lap("run the statement");
    if let Some(why) = freshness.confirm()? {
        clock.lap("check data/ (beside the statement)");
        drop(wh);
        super::rebuild(project, &why)?;
        return answer(project, args, clock, false);
    }
    clock.lap("check data/ (beside the statement)");
    let result = result?;
    if report.is_none() && !scripts {
        let tables = crate::sql::scope::per_company_relations(&sql);
        if !tables.is_empty() && companies_loaded(&wh) > 1 {
            if result.num_rows() == 0 && wh.is_direct() {
                // Who has rows is asked of the catalog: the empty answer is cheap to ask again.
                (wh, _) = session(
                    project,
                    args,
                    &vintage,
                    (asked, &sql),
                    (false, false),
                    clock,
                )?;
            }
            company_notes(
                project,
                &wh,
                args.vintage.company.is_none(),
                &tables,
                result.num_rows() == 0,
            )?;
        }
    }
    if args.format == Format::Chart {
        let (Some(r), None) = (&report, &args.output) else {
            bail!("--format chart draws a report's declared chart in the terminal; for a file or ad-hoc SQL use `iijwh chart`");
        };
        let spec = r
            .get("chart")
            .with_context(|| format!("report `{}` declares no chart", r.name))?;
        let text = super::chart::terminal_chart(
            &wh,
            &result,
            spec,
            r.get("title").unwrap_or(&r.name),
            &params,
        )?;
        std::io::stdout().lock().write_all(text.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    match (args.format, &args.output) {
        (Format::Parquet | Format::Xlsx, Some(path)) => {
            let bytes = match args.format {
                Format::Parquet => crate::render::files::parquet(&result)?,
                _ => crate::render::files::xlsx(
                    &result,
                    &crate::render::amounts_unit(&result, &wh.vintage_note()?.1),
                )?,
            };
            let mut file = project.create_output_file(path)?;
            file.write_all(&bytes)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        (_, Some(path)) => {
            let mut file = std::io::BufWriter::new(project.create_output_file(path)?);
            print(&result, args.format, &mut file)?;
            file.flush()?;
        }
        (_, None) => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            print(&result, args.format, &mut lock)?;
            lock.flush()?;
        }
    }
    // The process ends here: a read-only session has nothing to write back, and tearing down a
    // DuckDB instance (~5-10 ms) costs more than most reports.
    std::mem::forget(wh);
    Ok(ExitCode::SUCCESS)
}

/// The session statement `sql` runs on, asked about `asked` (see `super::open_fresh_for`), and
/// whether its generation is current: confirmed already, or (with `beside`) by the walk going on
/// beside it, for the caller to confirm before it prints.
/// Its vintage is set and, unless `--allow-external`, it is sandboxed.
fn session(
    project: &Project,
    args: &Args,
    vintage: &super::VintageArgs,
    (asked, sql): (super::Asked, &str),
    (direct, beside): (bool, bool),
    clock: &mut crate::base::Phases,
) -> Result<(crate::warehouse::Warehouse, super::Freshness)> {
    let opened = super::open_fresh_for(project, asked, sql, !args.no_build, direct)?;
    let (mut wh, freshness) = match beside {
        true => opened,
        false => (
            super::settled(project, opened)?,
            super::Freshness::current(),
        ),
    };
    clock.lap(match wh.is_direct() {
        true => "open the stored latest files",
        false => "open the warehouse",
    });
    vintage.apply(&wh)?;
    clock.lap("set the vintage");
    if !args.allow_external {
        wh.sandbox()?;
    }
    clock.lap("sandbox");
    Ok((wh, freshness))
}

/// How many companies the warehouse holds releases of.
fn companies_loaded(wh: &crate::warehouse::Warehouse) -> usize {
    wh.manifest().companies_released
}

/// With more than one company loaded, an ad-hoc statement over the per-company views `tables`
/// says on stderr which company it answered for (when `default`, none was named), and an
/// empty answer (`empty`) which companies have rows in those tables.
fn company_notes(
    project: &Project,
    wh: &crate::warehouse::Warehouse,
    default: bool,
    tables: &[&str],
    empty: bool,
) -> Result<()> {
    let (id, name) = match wh.is_direct() {
        // The stored latest files of the newest release's company (see `open_fresh_for`).
        true => {
            let id = wh
                .manifest()
                .newest_company()
                .unwrap_or_default()
                .to_string();
            let record = project.data.join("companies").join(format!("{id}.toml"));
            let name = crate::release::company::read_company_record(&record)
                .map(|(_, name, _)| name)
                .unwrap_or_default();
            (id, name)
        }
        false => wh.session_company()?,
    };
    let company = match name.is_empty() {
        true => format!("company {id}"),
        false => format!("company {id} ({name})"),
    };
    if default {
        crate::base::note(&format!(
            "note: {company}: the newest release's; --company to choose"
        ));
    }
    if !empty {
        return Ok(());
    }
    let Some(sql) = crate::sql::scope::companies_with_rows_sql(tables) else {
        return Ok(());
    };
    let with_rows = wh.column_values(&sql)?;
    crate::base::note(&format!(
        "note: no rows for {company}; companies with rows in {}: {}; --company to choose",
        tables.join(", "),
        match with_rows.is_empty() {
            true => "none".to_string(),
            false => with_rows.join(", "),
        }
    ));
    Ok(())
}

/// `key=value` parameters for SQL without a report header.
fn free_params(given: &[String]) -> Result<Vec<(String, String)>> {
    given
        .iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => bail!("parameter `{a}` must be key=value"),
        })
        .collect()
}
