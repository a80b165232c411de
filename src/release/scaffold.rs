//! Scaffolding a new release folder (`iijwh release new`): release.toml with the source text's
//! SHA-256, the text, and one CSV per table with its header from the schema. An HTML document
//! (`.htm`, `.html`) is converted to the text (`release::document`) and kept beside it as the
//! document of record, with its own SHA-256. The release names its
//! company; a company new to the warehouse gets its record (data/companies/ID.toml) from the flags,
//! never from another company. The period is checked against the company's calendar.

use crate::base::project::Project;
use crate::base::{hex, StagedDir};
use crate::release::calendar::{month_name, parse_year_end, YEAR_END_FORMS};
use crate::release::company::{calendar_of, read_company_record};
use crate::release::document;
use crate::release::{release_table, Units};
use crate::schema::Catalog;
use anyhow::{anyhow, bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What the new release is.
pub struct NewRelease<'a> {
    pub id: &'a str,
    pub period: &'a str,
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

/// The record of a new company, from `release new`'s flags.
#[derive(Default)]
pub struct NewCompany {
    pub name: Option<String>,
    pub fiscal_year_start: Option<u32>,
    pub fiscal_year_named_by: Option<String>,
    /// A 52/53-week year's end: "last Sunday of January", "Saturday nearest the end of January".
    pub fiscal_year_end: Option<String>,
    /// Quarter (1-4) with a 53-week year's 14th week; default 4.
    pub week_53_quarter: Option<u32>,
    pub currency: Option<String>,
    pub unit: Option<String>,
    pub ticker: Option<String>,
    pub exchange: Option<String>,
    /// Other names people know it by.
    pub aliases: Vec<String>,
    /// SEC Central Index Key, up to ten digits (written zero-padded to ten).
    pub cik: Option<String>,
    /// Code on its home exchange ("TSE:4182").
    pub local_code: Option<String>,
}

impl NewCompany {
    fn any(&self) -> bool {
        self.name.is_some()
            || self.fiscal_year_start.is_some()
            || self.fiscal_year_named_by.is_some()
            || self.fiscal_year_end.is_some()
            || self.week_53_quarter.is_some()
            || self.currency.is_some()
            || self.unit.is_some()
            || self.ticker.is_some()
            || self.exchange.is_some()
            || !self.aliases.is_empty()
            || self.cik.is_some()
            || self.local_code.is_some()
    }
}

/// The text of a new company's record, or which flags it lacks.
fn company_record(
    project: &Project,
    catalog: &Catalog,
    id: &str,
    new: &NewCompany,
) -> Result<String> {
    let mut missing = Vec::new();
    if new.name.is_none() {
        missing.push("--name (the company name as printed)");
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
        missing.push(
            "--fiscal-year-start MONTH (1-12: 4 for a year ending in March) or --fiscal-year-end \
             RULE (\"last Sunday of January\" for a 52/53-week year)",
        );
    }
    if start_month.is_some_and(|m| m != 1) && new.fiscal_year_named_by.is_none() {
        missing
            .push("--fiscal-year-named-by start_year|end_year (does FY2006 start or end in 2006?)");
    }
    if new.currency.is_none() {
        missing.push("--currency CUR (ISO 4217, e.g. USD)");
    }
    if new.unit.is_none() {
        missing.push("--unit UNIT (its amounts as printed, e.g. \"USD thousand\")");
    }
    if !missing.is_empty() {
        bail!(
            "company `{id}` is new to the warehouse (no data/companies/{id}.toml), and its record \
             is written from the flags, never copied from another company; missing: {}",
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
    Ok(text)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && !id.starts_with('.')
}

/// Write data/releases/ID/ for a new release (and the company's record when it is new); returns
/// the folder.
pub fn scaffold(project: &Project, new: NewRelease) -> Result<PathBuf> {
    let NewRelease {
        id,
        period,
        published_on,
        source,
        company,
        new_company,
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
        Some(company_record(project, &catalog, &company, &new_company)?)
    };
    let (calendar, name) = match &record {
        Some(text) => {
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

    // Written aside and renamed into place: a failure leaves data/ as it was.
    let staged = StagedDir::new(&dir)?;
    let staging = staged.path();
    std::fs::write(staging.join("source.txt"), &text)?;
    let title = title.unwrap_or_else(|| format!("{name} results for {period}"));
    let mut toml_text = format!(
        "# Release metadata, scaffolded by `iijwh release new`; the loader checks source_sha256 against source.txt.\n\
         # currency and unit are the company's ({company}.toml) unless set here.\n\
         release_id = {}\ncompany_id = {}\ntitle = {}\npublished_on = {}\nfiscal_period = {}\n\
         source_file = \"source.txt\"\nsource_sha256 = \"{}\"\n",
        toml_str(id),
        toml_str(&company),
        toml_str(&title),
        published.format("%Y-%m-%d"),
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
    if let Some(text) = record {
        // The record first, created only if absent (never over another's), then the folder.
        std::fs::create_dir_all(&companies_dir)?;
        let tmp = companies_dir.join(format!(".{company}.toml.{}", std::process::id()));
        std::fs::write(&tmp, text)?;
        let placed = std::fs::hard_link(&tmp, &record_path);
        let _ = std::fs::remove_file(&tmp);
        placed.with_context(|| format!("writing {}", record_path.display()))?;
        return staged.commit().inspect_err(|_| {
            let _ = std::fs::remove_file(&record_path);
        });
    }
    staged.commit()
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
