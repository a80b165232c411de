//! The subcommands, one thin file each, opening with its usage: parse the arguments, call the
//! features below (load, export, repl, sql, render) and print. Shared here: the vintage options,
//! opening a fresh warehouse (rebuilding a stale one first) and the one error format.
//!
//! Who may call it: main.rs only.

pub mod chart;
pub mod check;
pub mod cli;
pub mod diff;
pub mod export;
pub mod generate;
pub mod load;
pub mod query;
pub mod release;
pub mod repl;
pub mod reports;
pub mod serve;
pub mod watch;

use crate::base::project::Project;
use crate::warehouse::staleness::{staleness, staleness_for_company};
use crate::warehouse::{Reads, Vintage, Warehouse};
use std::process::ExitCode;

/// `--as-of`, `--release` and `--company`: the vintage a command answers from.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct VintageArgs {
    /// Answer as of this date: releases published after it are left out (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", conflicts_with = "release", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Answer as of this release: releases published after it are left out
    #[arg(long, value_name = "ID")]
    pub release: Option<String>,
    /// Company whose figures the views show (default: that of the newest release)
    #[arg(long, value_name = "NAME")]
    pub company: Option<String>,
}

impl VintageArgs {
    /// The company a statement is asked about (see `Asked`): by name, a report's `company`
    /// parameter among `params` (KEY=VALUE), else `--company`, or the default one, as of
    /// `--as-of`; with `--release` (whose date any company's release could move), not known.
    pub fn asked<'a>(
        &'a self,
        report: Option<&crate::schema::SqlFile>,
        params: &'a [String],
    ) -> Asked<'a> {
        match (self.named(report, params), &self.release) {
            (_, Some(_)) => Asked::Unknown,
            (Some(name), None) => Asked::Company(name, self.as_of),
            (None, None) => Asked::Default(self.as_of),
        }
    }

    fn named<'a>(
        &'a self,
        report: Option<&crate::schema::SqlFile>,
        params: &'a [String],
    ) -> Option<&'a str> {
        let declared = report
            .and_then(|r| crate::sql::report::params(r).ok())
            .is_some_and(|ps| ps.iter().any(|p| p.name == "company"));
        let param = params
            .iter()
            .filter_map(|p| p.split_once('='))
            .find(|(k, v)| declared && *k == "company" && !v.is_empty())
            .map(|(_, v)| v);
        param.or(self.company.as_deref())
    }

    /// This vintage for `report`: one written for a company (`report::company`, an id) answers
    /// for it unless `--company` names another (its `company` parameter is picked later, and
    /// wins); when data/ holds no such company, for the session's, as a report without it.
    pub fn for_report(
        &self,
        project: &Project,
        report: Option<&crate::schema::SqlFile>,
    ) -> VintageArgs {
        let mut vintage = self.clone();
        if vintage.company.is_none() {
            vintage.company = report
                .and_then(crate::sql::report::company)
                .filter(|id| {
                    project
                        .data
                        .join("companies")
                        .join(format!("{id}.toml"))
                        .is_file()
                })
                .map(str::to_string);
        }
        vintage
    }

    /// Set this vintage on a session.
    pub fn apply(&self, wh: &Warehouse) -> anyhow::Result<()> {
        wh.set_vintage(&Vintage {
            as_of: self.as_of,
            release: self.release.clone(),
            company: self.company.clone(),
        })
    }
}

/// The DuckDB shell's start-up flags, shared by `repl` and `query`: `-init FILE`, `-cmd SQL`,
/// `-bail`, `-echo` (one dash or two).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ShellArgs {
    /// Run FILE's statements (and, in the REPL, dot-commands) first
    #[arg(long, value_name = "FILE")]
    pub init: Option<std::path::PathBuf>,
    /// Run SQL first (repeatable)
    #[arg(long = "cmd", value_name = "SQL")]
    pub cmd: Vec<String>,
    /// Stop at the first failing statement, with exit status 1
    #[arg(long)]
    pub bail: bool,
    /// Print each command before running it
    #[arg(long)]
    pub echo: bool,
}

impl ShellArgs {
    /// The -init file's text, then each -cmd, in the order they run.
    pub fn scripts(&self) -> anyhow::Result<Vec<String>> {
        let mut first = Vec::new();
        if let Some(path) = &self.init {
            first.push(crate::base::read_text_bounded(path)?);
        }
        first.extend(self.cmd.iter().cloned());
        Ok(first)
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

/// Open the live generation, building it first when it is missing, damaged or older than data/ or
/// schema/ (and saying why): the staleness check decides, the load builds, the core only opens.
pub fn open_fresh(project: &Project) -> anyhow::Result<Warehouse> {
    settled(project, open_checking(project)?)
}

/// Whether the generation a session opened is current: the staleness walk of data/ (a `stat`
/// per file, ~0.3 s at 20,000 releases), on a thread of its own beside what the session runs,
/// so a statement over every company costs the longer of the two rather than their sum. Nothing
/// may be shown from the session before `confirm` says it is current.
pub struct Freshness(Option<std::thread::JoinHandle<anyhow::Result<Option<String>>>>);

impl Freshness {
    /// Checked already: current.
    pub fn current() -> Freshness {
        Freshness(None)
    }

    /// Why the generation is stale (None: it is current), once the walk is done.
    pub fn confirm(self) -> anyhow::Result<Option<String>> {
        match self.0 {
            None => Ok(None),
            Some(walk) => walk
                .join()
                .map_err(|_| anyhow::anyhow!("the staleness check failed"))?,
        }
    }
}

/// The live generation, opened at once, with the staleness walk going on beside it (see
/// `Freshness`); when there is no live generation to open (missing or damaged), the walk is
/// waited for and the warehouse built first, as `open_fresh` does.
pub fn open_checking(project: &Project) -> anyhow::Result<(Warehouse, Freshness)> {
    let walk = {
        let project = project.clone();
        std::thread::spawn(move || staleness(&project))
    };
    let failed = match Warehouse::open(project) {
        Ok(wh) => return Ok((wh, Freshness(Some(walk)))),
        Err(e) => e.to_string(),
    };
    let why = Freshness(Some(walk)).confirm()?.unwrap_or(failed);
    rebuild(project, &why)?;
    Ok((Warehouse::open(project)?, Freshness::current()))
}

/// The session of `opened` once its generation is known to be current; a stale one is built
/// again (saying why) and opened afresh.
pub fn settled(project: &Project, opened: (Warehouse, Freshness)) -> anyhow::Result<Warehouse> {
    let (wh, freshness) = opened;
    match freshness.confirm()? {
        None => Ok(wh),
        Some(why) => {
            drop(wh);
            rebuild(project, &why)?;
            Warehouse::open(project)
        }
    }
}

/// Build the warehouse from data/ because of `why`, saying so; nothing when a second look finds
/// the live generation current and it opens.
pub fn rebuild(project: &Project, why: &str) -> anyhow::Result<()> {
    // The walk that found it stale is not at hand: `unchanged` walks once more, stamping only
    // what the change journal names when a watcher runs. It may find the generation current
    // after all (what the watcher saw changed left every stamp as it was, say an editor's
    // swap file come and gone, or another load made it current): nothing is built then, unless
    // the generation does not open (damage a walk does not see), when the build walks
    // everything and makes it again.
    let walked = match crate::load::unchanged(project)? {
        crate::load::Live::Unchanged(_) if Warehouse::open(project).is_ok() => return Ok(()),
        crate::load::Live::Unchanged(_) => None,
        crate::load::Live::Changed(walked) => walked.map(|w| *w),
    };
    crate::base::note(&format!(
        "building the warehouse from {} ({why}) ...",
        project.data.display()
    ));
    crate::load::build(project, false, walked)?;
    Ok(())
}

/// Which company a statement is asked about, as far as the command line tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked<'a> {
    /// By name (an id, name or alias), as of a date (None: the latest vintage).
    Company(&'a str, Option<chrono::NaiveDate>),
    /// None named: the session's default, the company of the newest release (as of a date).
    Default(Option<chrono::NaiveDate>),
    /// Anything else (`--release`, -init or -cmd statements).
    Unknown,
}

/// `open_fresh` for statement `sql` asked about `asked`. When the statement reads that
/// company's figures alone (`sql::scope`) and nothing of data/ it could read changed
/// (`staleness_for_company`; for the default company also every release's release.toml, which
/// decide which release is the newest), the live generation answers without the walk of every
/// release folder, and with only the files it can read verified; otherwise `open_checking`
/// opens the live generation with the walk going on beside it: the caller confirms its
/// `Freshness` before it shows anything (`settled` at once, or after the statement ran).
///
/// With `build` false (`--no-build`) data/ is not checked at all, and only the opening is
/// scoped: `Warehouse::open` verifies every file, a one-company statement's only its own.
///
/// With `direct`, a statement over nothing but the stored latest vintage of the fact tables
/// (`sql::scope::reads`) gets a session that reads their files without the
/// catalog (see `Warehouse::open_for_company`), which answers that statement alone: the
/// caller runs nothing else on it, and asks again without `direct` when it fails (the
/// catalog's session then says what is wrong, with its names to suggest).
pub fn open_fresh_for(
    project: &Project,
    asked: Asked,
    sql: &str,
    build: bool,
    direct: bool,
) -> anyhow::Result<(Warehouse, Freshness)> {
    let whole = || match build {
        true => open_checking(project),
        false => Ok((Warehouse::open(project)?, Freshness::current())),
    };
    let (name, as_of) = match asked {
        Asked::Company(name, as_of) => (Some(name), as_of),
        Asked::Default(as_of) => (None, as_of),
        Asked::Unknown => return whole(),
    };
    // The stored files are the latest vintage only.
    let direct = direct && as_of.is_none();
    // data/ is checked beside the opening, for the company named taken for an id (the usual
    // case), or for the newest release's in the manifest.
    let newest = name.is_none();
    let reads = |names: &_| match crate::sql::scope::reads(sql, names) {
        Reads::LatestFiles(_) if !direct => Reads::OneCompany,
        reads => reads,
    };
    let opened = Warehouse::open_for_company(project, (name, as_of), reads, |manifest| {
        let guess = name
            .or_else(|| manifest.newest_company())
            .unwrap_or_default()
            .to_string();
        let stale = build.then(|| staleness_for_company(project, manifest, &guess, newest));
        (guess, stale)
    });
    if let Ok(Some((wh, id, (guess, checked)))) = opened {
        let stale = match checked {
            None => None,
            Some(checked) if guess == id => checked.unwrap_or_else(|e| Some(e.to_string())),
            // An alias, not an id; or a newest release the manifest does not tell apart.
            Some(_) => staleness_for_company(project, wh.manifest(), &id, newest)
                .unwrap_or_else(|e| Some(e.to_string())),
        };
        if stale.is_none() {
            return Ok((wh, Freshness::current()));
        }
    }
    whole()
}

/// Print an error with its causes, one paragraph, and return the failure exit code.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {}", crate::base::error_message(e));
    ExitCode::FAILURE
}
