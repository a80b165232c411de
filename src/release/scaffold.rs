//! Scaffolding a new release folder (`iijwh release new`): release.toml with the source text's
//! SHA-256, the text, and one CSV per table with its header from the schema. An HTML document
//! (`.htm`, `.html`) is converted to the text (`release::document`) and kept beside it as the
//! document of record, with its own SHA-256. The release names its
//! company; a company new to the warehouse gets its record (data/companies/ID.toml) from the flags,
//! never from another company. What the flags leave unset is read from the release's text
//! (`release::propose`): each such field is written with a comment naming its line and printed
//! words, for review; what the text leaves open is refused with the flags that decide it. The
//! period (`--period`, or read from the text when left out) is checked against the company's
//! calendar.

use crate::base::project::Project;
use crate::base::{hex, StagedDir};
use crate::release::calendar::{month_name, parse_year_end, YEAR_END_FORMS};
pub use crate::release::company::NewCompany;
use crate::release::company::{calendar_of, read_company_record};
use crate::release::document;
use crate::release::propose::{self, Proposal, Reading};
use crate::release::{release_table, Units};
use crate::schema::Catalog;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What the new release is.
pub struct NewRelease<'a> {
    pub id: &'a str,
    /// The period it reports; None: read from the text.
    pub period: Option<&'a str>,
    pub published_on: &'a str,
    pub source: &'a Path,
    /// company_id; default: the only company of data/companies/
    pub company: Option<String>,
    /// For a company new to the warehouse: its record.
    pub new_company: NewCompany,
    pub title: Option<String>,
    /// Where the release was published: its provenance, checked by the schema (http(s)://).
    pub source_url: Option<String>,
}

/// The text of a new company's record, or which flags it lacks.
fn company_record(
    project: &Project,
    catalog: &Catalog,
    id: &str,
    new: &NewCompany,
    reading: &Reading,
) -> Result<String> {
    let mut missing: Vec<String> = Vec::new();
    // A flag the text could not stand in for, with why when the text leaves its field open.
    let mut lacks = |flag: &str, field: &str| {
        missing.push(match reading.open.get(field) {
            Some(why) => format!("{flag} (the text leaves it open: {why})"),
            None => flag.to_string(),
        })
    };
    if new.name.is_none() {
        lacks("--name (the company name as printed)", "name");
    }
    // A 52/53-week year end names its month, and so the month the year starts in.
    let year_end = match &new.fiscal_year_end {
        Some(text) => Some(parse_year_end(text).map_err(|why| anyhow!("--{why}"))?),
        None => None,
    };
    let start_month = match (new.fiscal_year_start, year_end) {
        (Some(month), Some(end)) if month != end.month % 12 + 1 => bail!(
            "--fiscal-year-start {month} and --fiscal-year-end {:?} disagree: a year ending in {} \
             starts in {} (--fiscal-year-start {}, or leave it out)",
            new.fiscal_year_end.as_deref().unwrap_or_default(),
            month_name(end.month),
            month_name(end.month % 12 + 1),
            end.month % 12 + 1
        ),
        (Some(month), _) => Some(month),
        (None, end) => end.map(|e| e.month % 12 + 1),
    };
    if let Some(q) = new.week_53_quarter {
        if year_end.is_none() {
            bail!(
                "--week-53-quarter {q} belongs to a 52/53-week calendar: add --fiscal-year-end \
                 ({YEAR_END_FORMS})"
            );
        }
        if !(1..=4).contains(&q) {
            bail!("--week-53-quarter {q}: the quarter (1-4) a 53-week year's 14th week is in");
        }
    }
    if start_month.is_none() {
        lacks(
            "--fiscal-year-start MONTH (1-12: 4 for a year ending in March) or --fiscal-year-end \
             RULE (\"last Sunday of January\" for a 52/53-week year)",
            "fiscal_year_start",
        );
    }
    if start_month.is_some_and(|m| m != 1) && new.fiscal_year_named_by.is_none() {
        lacks(
            "--fiscal-year-named-by start_year|end_year (does FY2006 start or end in 2006?)",
            "fiscal_year_named_by",
        );
    }
    if year_end.is_some()
        && new.week_53_quarter.is_none()
        && reading.open.contains_key("week_53_quarter")
    {
        lacks("--week-53-quarter Q", "week_53_quarter");
    }
    if new.currency.is_none() {
        lacks("--currency CUR (ISO 4217, e.g. USD)", "currency");
    }
    if new.unit.is_none() {
        lacks(
            "--unit UNIT (its amounts as printed, e.g. \"USD thousand\")",
            "unit",
        );
    }
    if !missing.is_empty() {
        bail!(
            "company `{id}` is new to the warehouse (no data/companies/{id}.toml), and its record \
             is written from the flags and what its text prints, never copied from another \
             company; missing: {}",
            missing.join(", ")
        );
    }
    let month = start_month.unwrap_or(1);
    if !(1..=12).contains(&month) {
        bail!("--fiscal-year-start {month}: a month, 1-12");
    }
    let named_by = new.fiscal_year_named_by.as_deref().unwrap_or("end_year");
    if !["start_year", "end_year"].contains(&named_by) {
        bail!("--fiscal-year-named-by {named_by}: start_year or end_year");
    }
    let currency = new.currency.clone().unwrap_or_default();
    let unit = new.unit.clone().unwrap_or_default();
    if let Err(problem) =
        Units::read(&project.reference_dir(), catalog)?.check_currency(&currency, &unit)
    {
        let (flag, why) = problem.key_and_why();
        bail!("--{flag} {why}");
    }
    let mut text = format!(
        "# Company record, written by `iijwh release new`; its releases name it by company_id.\n\
         company_id = {}\nname = {}\nfiscal_year_start_month = {month}\nfiscal_year_named_by = {}\n\
         currency = {}\nunit = {}\n",
        toml_str(id),
        toml_str(new.name.as_deref().unwrap_or_default()),
        toml_str(named_by),
        toml_str(&currency),
        toml_str(&unit),
    );
    if let Some(end) = &new.fiscal_year_end {
        text.push_str(&format!("fiscal_year_end = {}\n", toml_str(end)));
    }
    if let Some(q) = new.week_53_quarter {
        text.push_str(&format!("week_53_quarter = {q}\n"));
    }
    if !new.aliases.is_empty() {
        let names: Vec<String> = new.aliases.iter().map(|a| toml_str(a)).collect();
        text.push_str(&format!("aliases = [{}]\n", names.join(", ")));
    }
    // The record keeps a CIK as EDGAR writes it: ten digits, leading zeros.
    let cik = match &new.cik {
        Some(c) if !c.is_empty() && c.len() <= 10 && c.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{c:0>10}"))
        }
        Some(c) => bail!("--cik {c:?}: the SEC's Central Index Key is one to ten digits"),
        None => None,
    };
    for (key, value) in [
        ("ticker", &new.ticker),
        ("exchange", &new.exchange),
        ("local_code", &new.local_code),
        ("sec_cik", &cik),
    ] {
        if let Some(v) = value {
            text.push_str(&format!("{key} = {}\n", toml_str(v)));
        }
    }
    Ok(with_comments(&text, &reading.proposals))
}

/// The record with each field read from the text under a comment: its line and printed words.
fn with_comments(record: &str, proposals: &[Proposal]) -> String {
    let mut out = String::new();
    for line in record.lines() {
        let key = line.split(" = ").next().unwrap_or_default();
        if let Some(p) = proposals.iter().find(|p| p.field == key) {
            out.push_str(&proposal_comment(p));
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `# proposed from the release text, line 14 ("..."): review; why`.
fn proposal_comment(p: &Proposal) -> String {
    let mut printed: String = p.printed.chars().take(160).collect();
    if printed.len() < p.printed.len() {
        printed.push_str("...");
    }
    let why = if p.why.is_empty() {
        String::new()
    } else {
        format!(" {}.", p.why)
    };
    format!(
        "# proposed from the release text, line {} ({printed:?}): review.{why}\n",
        p.line
    )
}

/// The flags' record, its unset fields filled from the text's proposals (the flags win). A unit
/// the reference does not know is left open rather than proposed.
fn fill_from_text(
    new: &mut NewCompany,
    reading: &mut Reading,
    project: &Project,
    catalog: &Catalog,
) -> Result<()> {
    let units = Units::read(&project.reference_dir(), catalog)?;
    let currency = new
        .currency
        .clone()
        .or_else(|| reading.get("currency").map(|p| p.value.clone()));
    if let (Some(cur), Some(unit)) = (currency, reading.get("unit").map(|p| p.value.clone())) {
        if let Err(problem) = units.check_currency(&cur, &unit) {
            let (_, why) = problem.key_and_why();
            reading.proposals.retain(|p| p.field != "unit");
            reading.open.insert("unit", format!("read as {why}"));
        }
    }
    for p in &reading.proposals {
        let v = Some(p.value.clone());
        match p.field {
            "name" => new.name = new.name.take().or(v),
            "ticker" => new.ticker = new.ticker.take().or(v),
            "exchange" => new.exchange = new.exchange.take().or(v),
            "local_code" => new.local_code = new.local_code.take().or(v),
            "sec_cik" => new.cik = new.cik.take().or(v),
            "currency" => new.currency = new.currency.take().or(v),
            "unit" => new.unit = new.unit.take().or(v),
            "fiscal_year_end" => new.fiscal_year_end = new.fiscal_year_end.take().or(v),
            "fiscal_year_named_by" => {
                new.fiscal_year_named_by = new.fiscal_year_named_by.take().or(v)
            }
            "fiscal_year_start_month" => {
                new.fiscal_year_start = new.fiscal_year_start.or(p.value.parse().ok())
            }
            "week_53_quarter" => new.week_53_quarter = new.week_53_quarter.or(p.value.parse().ok()),
            _ => {}
        }
    }
    Ok(())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && !id.starts_with('.')
}

/// What `release new` wrote: the folder, and the fields it read from the text (for review).
pub struct Scaffolded {
    pub dir: PathBuf,
    pub proposals: Vec<Proposal>,
    /// Where the text disagrees with the flags.
    pub warnings: Vec<String>,
}

/// Write data/releases/ID/ for a new release (and the company's record when it is new).
pub fn scaffold(project: &Project, new: NewRelease) -> Result<Scaffolded> {
    let NewRelease {
        id,
        period,
        published_on,
        source,
        company,
        mut new_company,
        title,
        source_url,
    } = new;
    if !valid_id(id) {
        bail!("release id `{id}`: use lower-case letters, digits, '-', '_' and '.', e.g. iij-3q06");
    }
    let releases_dir = project.data.join("releases");
    let dir = releases_dir.join(id);
    if dir.exists() {
        bail!(
            "release `{id}` exists already ({}); choose a new id",
            dir.display()
        );
    }
    let published = parse_iso_date(published_on).with_context(|| {
        format!("--published-on `{published_on}` is not a date; write it as YYYY-MM-DD")
    })?;
    if published > chrono::Local::now().date_naive() {
        bail!("--published-on {published_on} is in the future; a release is added once published");
    }
    if let Some(url) = &source_url {
        // The schema's rule (releases.source_url), said before anything is written.
        let scheme = url.split_once("://").map(|(s, _)| s);
        if !matches!(scheme, Some("http" | "https")) || url.chars().any(char::is_whitespace) {
            bail!("--source-url `{url}` is not a web address; write it as https://...");
        }
    }
    let companies_dir = project.data.join("companies");
    let catalog = Catalog::of(project)?;
    let company = match company {
        Some(c) => c,
        None => {
            let mut ids: Vec<String> = std::fs::read_dir(&companies_dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .filter_map(|e| {
                            let p = e.path();
                            if p.extension()? != "toml" {
                                return None;
                            }
                            Some(p.file_stem()?.to_string_lossy().to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            ids.sort();
            match ids.as_slice() {
                [one] => one.clone(),
                [] => bail!("no company yet: pass --company ID with the new company's flags"),
                many => bail!(
                    "the warehouse holds companies {}: pass --company ID",
                    many.join(", ")
                ),
            }
        }
    };
    if let Some(problem) = super::company::company_id_problem(&company) {
        bail!("{problem}");
    }
    // Read (bounded: a file over the bound is refused by its size, before reading) and, for an
    // HTML document, converted, all before anything is written.
    let bytes = crate::base::read_bounded(source)?;
    let (text, of_record) = match document::kind_of(source) {
        Some(_) => {
            let doc = document::to_text(source, &bytes)?;
            (doc.text, Some((doc.kind.record_name(), bytes)))
        }
        None => {
            let text = String::from_utf8(bytes).map_err(|_| {
                anyhow!(
                    "{}: not UTF-8 text; save the release text as UTF-8",
                    source.display()
                )
            })?;
            (text, None)
        }
    };

    let record_path = companies_dir.join(format!("{company}.toml"));
    let record = if record_path.is_file() {
        if new_company.any() {
            bail!(
                "company `{company}` exists ({}): its name, calendar, currency and unit are its \
                 record's; edit that file rather than passing them here",
                record_path.display()
            );
        }
        None
    } else {
        // What the flags leave unset, read from the text (the flags win).
        let mut reading = propose::read_company(&text, &new_company, period);
        fill_from_text(&mut new_company, &mut reading, project, &catalog)?;
        let record = company_record(project, &catalog, &company, &new_company, &reading)?;
        Some((record, reading))
    };
    let (calendar, name) = match &record {
        Some((text, _)) => {
            let meta: toml::Table = text.parse()?;
            let calendar =
                calendar_of(&meta).map_err(|(_, why)| anyhow!("the new record: {why}"))?;
            let name = meta["name"].as_str().unwrap_or_default().to_string();
            (calendar, name)
        }
        None => {
            let (calendar, name, _) = read_company_record(&record_path)?;
            (calendar, name)
        }
    };
    let mut proposals: Vec<Proposal> = record
        .as_ref()
        .map(|(_, r)| r.proposals.clone())
        .unwrap_or_default();
    let period: String = match period {
        Some(p) => p.to_string(),
        None => {
            let facts = match &record {
                Some((_, r)) => r.facts.clone(),
                None => propose::facts::facts(&text),
            };
            let p = propose::read_period(&facts, &calendar).map_err(|why| {
                anyhow!(
                    "--period is missing and the text does not name it ({why}); pass --period \
                     LABEL ({})",
                    crate::release::calendar::FORMS
                )
            })?;
            // A period not over when the release came out is a forward-looking mention
            // ("FY2006 revenues" in the safe-harbor text), not the one it reports.
            let ends = calendar.period(&p.value).map(|q| q.end).ok();
            if let Some(end) = ends.filter(|end| *end > published) {
                bail!(
                    "--period is missing, and the period the text names first, {} (line {}: \
                     {:?}), ends {end}, after --published-on {published}: it is not the period \
                     the release reports; pass --period LABEL",
                    p.value,
                    p.line,
                    p.printed
                );
            }
            let label = p.value.clone();
            proposals.push(p);
            label
        }
    };
    let period = period.as_str();
    let the_period = calendar
        .period(period)
        .map_err(|why| anyhow!("--period {why}"))?;
    // A results release reports a period that is over: one dated before the period ends is a
    // mistyped date (or period), and would load as a release that predates its own figures.
    if published < the_period.end {
        // What a release published that day reports at most: the last quarter ended by then.
        let holding = calendar.period(&calendar.quarter_of(published)).ok();
        let ended = holding.and_then(|q| {
            if q.end == published {
                return Some(q);
            }
            calendar
                .period(&calendar.quarter_of(q.start.pred_opt()?))
                .ok()
        });
        bail!(
            "--published-on {published} is before {period} ends ({}, in {company}'s calendar: {}): \
             a release reporting {period} is published after the period; correct the date or the \
             period{}",
            the_period.end,
            calendar.describe(),
            ended.map_or_else(String::new, |q| format!(
                " (the last quarter ended by then is {}, on {})",
                q.label, q.end
            ))
        );
    }
    // Written aside and renamed into place: a failure leaves data/ as it was.
    let staged = StagedDir::new(&dir)?;
    let staging = staged.path();
    std::fs::write(staging.join("source.txt"), &text)?;
    let title = title.unwrap_or_else(|| format!("{name} results for {period}"));
    let mut toml_text = format!(
        "# Release metadata, scaffolded by `iijwh release new`; the loader checks source_sha256 against source.txt.\n\
         # currency and unit are the company's ({company}.toml) unless set here.\n\
         release_id = {}\ncompany_id = {}\ntitle = {}\npublished_on = {}\n{}fiscal_period = {}\n\
         source_file = \"source.txt\"\nsource_sha256 = \"{}\"\n",
        toml_str(id),
        toml_str(&company),
        toml_str(&title),
        published.format("%Y-%m-%d"),
        proposals
            .iter()
            .find(|p| p.field == "fiscal_period")
            .map(proposal_comment)
            .unwrap_or_default(),
        toml_str(period),
        hex(&Sha256::digest(text.as_bytes()))
    );
    if let Some(url) = &source_url {
        toml_text.push_str(&format!("source_url = {}\n", toml_str(url)));
    }
    if let Some((file, bytes)) = &of_record {
        // The document as published, kept as the document of record; source.txt is its text.
        std::fs::write(staging.join(file), bytes)?;
        toml_text.push_str(&format!(
            "# source.txt is the text of {file}, the document as published ({}).\n\
             document_file = {}\ndocument_sha256 = \"{}\"\n",
            toml_str(&source.file_name().unwrap_or_default().to_string_lossy()),
            toml_str(file),
            hex(&Sha256::digest(bytes))
        ));
    }
    std::fs::write(staging.join("release.toml"), toml_text)?;
    for table in catalog.tables.iter().filter(|t| release_table(t)) {
        let header: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| *c != "release_id")
            .collect();
        let mut w = csv::Writer::from_path(staging.join(format!("{}.csv", table.name)))?;
        w.write_record(&header)?;
        w.flush()?;
    }
    let warnings = record
        .as_ref()
        .map(|(_, r)| r.warnings.clone())
        .unwrap_or_default();
    let done = |dir: PathBuf| Scaffolded {
        dir,
        proposals,
        warnings,
    };
    if let Some((text, _)) = record {
        // The record first, created only if absent (never over another's), then the folder.
        std::fs::create_dir_all(&companies_dir)?;
        let tmp = companies_dir.join(format!(".{company}.toml.{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        let placed = std::fs::hard_link(&tmp, &record_path);
        let _ = std::fs::remove_file(&tmp);
        placed.with_context(|| format!("writing {}", record_path.display()))?;
        return staged
            .commit()
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&record_path);
            })
            .map(done);
    }
    staged.commit().map(done)
}

/// A date written exactly as YYYY-MM-DD (four-digit year from 1900): chrono alone reads `07-02-08`
/// as the year 7, which TOML cannot hold as a date.
fn parse_iso_date(s: &str) -> Result<NaiveDate> {
    let shaped = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| shaped && d.year() >= 1900);
    date.context("not a date of the form YYYY-MM-DD")
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}
