//! Scaffolding a new release folder (`iijwh release new`): release.toml with the source text's
//! SHA-256, the text, one CSV per table with its header from the schema, and the release's period
//! in periods.csv when no release defines it yet, taken from the company's own calendar.

use crate::base::project::Project;
use crate::base::{hex, StagedDir};
use crate::release::BUILT_TABLES;
use crate::schema::Catalog;
use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// What the new release is.
pub struct NewRelease<'a> {
    pub id: &'a str,
    pub period: &'a str,
    pub published_on: &'a str,
    pub source: &'a Path,
    pub company: Option<String>,
    pub title: Option<String>,
}

/// What the existing release folders say: (id, company, currency, unit) per release, and the
/// period rows of every periods.csv.
struct Existing {
    releases: Vec<(String, String, String, String)>,
    periods: Vec<csv::StringRecord>,
    period_header: csv::StringRecord,
}

fn existing(releases_dir: &Path) -> Result<Existing> {
    let mut out = Existing {
        releases: Vec::new(),
        periods: Vec::new(),
        period_header: csv::StringRecord::new(),
    };
    let Ok(entries) = std::fs::read_dir(releases_dir) else {
        return Ok(out);
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        if let Ok(text) = crate::base::read_text_bounded(&dir.join("release.toml")) {
            if let Ok(meta) = text.parse::<toml::Table>() {
                let get = |k: &str| {
                    meta.get(k)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                out.releases.push((
                    get("release_id"),
                    get("company"),
                    get("currency"),
                    get("unit"),
                ));
            }
        }
        let path = dir.join("periods.csv");
        if path.is_file() {
            let text = crate::base::read_text_bounded(&path)?;
            let mut reader = csv::Reader::from_reader(std::io::Cursor::new(text.into_bytes()));
            out.period_header = reader.headers()?.clone();
            for record in reader.records() {
                out.periods
                    .push(record.with_context(|| format!("reading {}", path.display()))?);
            }
        }
    }
    Ok(out)
}

/// A period label as releases print it: kind, number within the year, and two- or four-digit year.
fn parse_period(label: &str) -> Option<(&'static str, u32, u32)> {
    let bytes = label.as_bytes();
    if let Some(year) = label.strip_prefix("FY") {
        if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) {
            return Some(("year", 1, year.parse().ok()?));
        }
        return None;
    }
    if bytes.len() != 4 || !bytes[0].is_ascii_digit() || !bytes[2..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let seq = u32::from(bytes[0] - b'0');
    let year: u32 = label[2..].parse().ok()?;
    match bytes[1] {
        b'Q' if (1..=4).contains(&seq) => Some(("quarter", seq, year)),
        b'H' if (1..=2).contains(&seq) => Some(("half", seq, year)),
        _ => None,
    }
}

/// The periods.csv row of a period no release defines yet: the same period of another fiscal year,
/// moved by whole years (the company's own calendar, as its earlier releases print it).
fn derive_period(label: &str, existing: &Existing) -> Result<csv::StringRecord> {
    let Some((kind, seq, year)) = parse_period(label) else {
        bail!("unknown period `{label}`: write it as releases print it, e.g. 3Q06, 1H06 or FY2006");
    };
    let col = |name: &str| existing.period_header.iter().position(|h| h == name);
    let (Some(c_period), Some(c_kind), Some(c_fy), Some(c_seq), Some(c_start), Some(c_end)) = (
        col("period"),
        col("kind"),
        col("fiscal_year"),
        col("seq"),
        col("start_date"),
        col("end_date"),
    ) else {
        bail!("unknown period `{label}`: no periods.csv to take the fiscal calendar from; add its row to the new release's periods.csv");
    };
    let model = existing.periods.iter().find(|r| {
        r.get(c_kind) == Some(kind) && r.get(c_seq).and_then(|s| s.parse::<u32>().ok()) == Some(seq)
    });
    let Some(model) = model else {
        bail!("unknown period `{label}`: no earlier {kind} {seq} to take the fiscal calendar from; add its row to the new release's periods.csv");
    };
    let model_fy: i32 = model.get(c_fy).unwrap_or_default().parse()?;
    // Two-digit labels: the fiscal year nearest the model's with those last two digits.
    let fiscal_year = if kind == "year" {
        year as i32
    } else {
        let century = model_fy - model_fy.rem_euclid(100);
        [century - 100, century, century + 100]
            .into_iter()
            .map(|c| c + year as i32)
            .min_by_key(|fy| (fy - model_fy).abs())
            .unwrap_or(model_fy)
    };
    let shift = |date: &str| -> Result<String> {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d")?;
        let y = d.year() + (fiscal_year - model_fy);
        // A period that ends on the last day of February ends on it in every year.
        let moved = NaiveDate::from_ymd_opt(y, d.month(), d.day())
            .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), d.day() - 1))
            .context("date out of range")?;
        Ok(moved.format("%Y-%m-%d").to_string())
    };
    let mut row: Vec<String> = model.iter().map(str::to_string).collect();
    row[c_period] = label.to_string();
    row[c_fy] = fiscal_year.to_string();
    row[c_start] = shift(&model[c_start])?;
    row[c_end] = shift(&model[c_end])?;
    Ok(csv::StringRecord::from(row))
}

/// Write data/releases/ID/ for a new release; returns the folder.
pub fn scaffold(project: &Project, new: NewRelease) -> Result<PathBuf> {
    let NewRelease {
        id,
        period,
        published_on,
        source,
        company,
        title,
    } = new;
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        || id.starts_with('.')
    {
        bail!("release id `{id}`: use lower-case letters, digits, '-', '_' and '.', e.g. iij-3q06");
    }
    let releases_dir = project.data.join("releases");
    let dir = releases_dir.join(id);
    let existing = existing(&releases_dir)?;
    if dir.exists() || existing.releases.iter().any(|r| r.0 == id) {
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
    let known_period = existing.periods.iter().find(|r| r.get(0) == Some(period));
    let new_period = match known_period {
        Some(_) => None,
        None => Some(derive_period(period, &existing)?),
    };
    // A results release reports a period that is over: one dated before the period ends is a
    // mistyped date (or period), and would load as a release that predates its own figures.
    let end_col = existing.period_header.iter().position(|h| h == "end_date");
    let period_end = end_col
        .and_then(|c| known_period.or(new_period.as_ref())?.get(c))
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if let Some(end) = period_end.filter(|end| published < *end) {
        bail!(
            "--published-on {published} is before {period} ends ({end}): a release reporting \
             {period} is published after the period; correct the date or the period"
        );
    }
    let company = match company {
        Some(c) => c,
        None => {
            let mut companies: Vec<&str> = existing.releases.iter().map(|r| r.1.as_str()).collect();
            companies.sort_unstable();
            companies.dedup();
            match companies.as_slice() {
                [one] => one.to_string(),
                [] => bail!("no release yet to take the company from: pass --company"),
                many => bail!(
                    "the warehouse holds releases of {}: pass --company",
                    many.join(", ")
                ),
            }
        }
    };
    let (currency, unit) = existing
        .releases
        .iter()
        .rev()
        .find(|r| r.1 == company)
        .map(|r| (r.2.clone(), r.3.clone()))
        .unwrap_or_else(|| ("JPY".to_string(), "JPY million".to_string()));
    let text = crate::base::read_bounded(source)?;
    let text = String::from_utf8(text).map_err(|_| {
        anyhow::anyhow!(
            "{}: not UTF-8 text; save the release text as UTF-8",
            source.display()
        )
    })?;
    let catalog = Catalog::of(project)?;

    // Written aside and renamed into place: a failure leaves data/ as it was.
    let staged = StagedDir::new(&dir)?;
    let staging = staged.path();
    std::fs::write(staging.join("source.txt"), &text)?;
    let title = title.unwrap_or_else(|| format!("{company} results for {period}"));
    let toml_text = format!(
        "# Release metadata, scaffolded by `iijwh release new`; the loader checks source_sha256 against source.txt.\n\
         release_id = {}\ncompany = {}\ntitle = {}\npublished_on = {}\nfiscal_period = {}\n\
         currency = {}\nunit = {}\nsource_file = \"source.txt\"\nsource_sha256 = \"{}\"\n",
        toml_str(id),
        toml_str(&company),
        toml_str(&title),
        published.format("%Y-%m-%d"),
        toml_str(period),
        toml_str(&currency),
        toml_str(&unit),
        hex(&Sha256::digest(text.as_bytes()))
    );
    std::fs::write(staging.join("release.toml"), toml_text)?;
    for table in &catalog.tables {
        if BUILT_TABLES.contains(&table.name.as_str()) {
            continue;
        }
        let header: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .filter(|c| *c != "release_id")
            .collect();
        let mut w = csv::Writer::from_path(staging.join(format!("{}.csv", table.name)))?;
        w.write_record(&header)?;
        if table.name == "periods" {
            if let Some(row) = &new_period {
                w.write_record(row)?;
            }
        }
        w.flush()?;
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
