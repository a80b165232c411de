//! Company records: data/companies/<id>.toml, one row of table `companies` each, with the fiscal
//! calendar and the defaults (currency, unit) a release of the company takes.

use super::calendar::{month_name, parse_year_end, Calendar, Weeks, YEAR_END_FORMS};
use super::{column_names, line_of, push_row, read_utf8, table, Origin, RawRows, COMPANIES};
use crate::schema::Catalog;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A company as the loader needs it: its calendar and its defaults for a release.
#[derive(Debug, Clone)]
pub struct Company {
    pub calendar: Calendar,
    pub currency: String,
    pub unit: String,
    pub file: PathBuf,
}

/// data/companies/<id>.toml, one row of `companies` each: id -> what the loader needs of it.
pub(super) fn read_companies(
    dir: &Path,
    catalog: &Catalog,
    raw: &mut BTreeMap<String, RawRows>,
) -> Result<BTreeMap<String, Company>> {
    let companies = table(catalog, COMPANIES)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| {
            format!(
                "no companies folder at {}: the data folder holds companies/<company-id>.toml, one \
                 per company (`iijwh release new --company` writes one)",
                dir.display()
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = BTreeMap::new();
    for path in files {
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = read_utf8(&path)?;
        let meta: toml::Table = text
            .parse()
            .map_err(|e| anyhow!("{}: invalid TOML: {e}", path.display()))?;
        let line_of = |key: &str| line_of(&text, key);
        for key in meta.keys() {
            if companies.column(key).is_none() {
                bail!(
                    "{}:{}: unknown key `{key}`; a company file takes: {}",
                    path.display(),
                    line_of(key),
                    column_names(companies)
                );
            }
        }
        let get = |key: &str| -> Option<String> {
            meta.get(key).map(|v| match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            })
        };
        if get("company_id").as_deref() != Some(stem.as_str()) {
            bail!(
                "{}:{}: company_id must equal the file name `{stem}`",
                path.display(),
                line_of("company_id")
            );
        }
        let calendar = calendar_of(&meta)
            .map_err(|(key, why)| anyhow!("{}:{}: {why}", path.display(), line_of(key)))?;
        let company = Company {
            calendar,
            currency: get("currency").unwrap_or_default(),
            unit: get("unit").unwrap_or_default(),
            file: path.clone(),
        };
        let row = companies.columns.iter().map(|c| get(&c.name)).collect();
        push_row(
            raw,
            COMPANIES,
            row,
            Origin {
                file: path.clone(),
                line: 1,
            },
        );
        out.insert(stem, company);
    }
    Ok(out)
}

/// The fiscal calendar a company record states, or the key to point at and why it states none
/// that is whole. A 52/53-week calendar adds `fiscal_year_end` (the weekday rule, at the end of the
/// month before the start month) and `week_53_quarter` (1-4, default 4) to the month-based keys.
pub(crate) fn calendar_of(meta: &toml::Table) -> Result<Calendar, (&'static str, String)> {
    let start_month = meta
        .get("fiscal_year_start_month")
        .and_then(|v| v.as_integer())
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| (1..=12).contains(m));
    let named_by_start = match meta.get("fiscal_year_named_by").and_then(|v| v.as_str()) {
        Some("start_year") => Some(true),
        Some("end_year") => Some(false),
        _ => None,
    };
    let (Some(start_month), Some(named_by_start)) = (start_month, named_by_start) else {
        return Err((
            "fiscal_year",
            "the fiscal calendar needs fiscal_year_start_month (1-12) and fiscal_year_named_by \
             (\"start_year\": FY2006 starts in 2006, or \"end_year\")"
                .to_string(),
        ));
    };
    let q53 = meta.get("week_53_quarter");
    let Some(year_end) = meta.get("fiscal_year_end") else {
        if q53.is_some() {
            return Err((
                "week_53_quarter",
                format!(
                    "week_53_quarter belongs to a 52/53-week calendar: add fiscal_year_end \
                     ({YEAR_END_FORMS}) or remove it"
                ),
            ));
        }
        return Ok(Calendar::months(start_month, named_by_start));
    };
    let year_end = year_end
        .as_str()
        .ok_or_else(|| format!("fiscal_year_end {year_end} is not text; write {YEAR_END_FORMS}"))
        .and_then(parse_year_end)
        .map_err(|why| ("fiscal_year_end", why))?;
    // The week rule moves the nominal year's end, so both keys must name the same year.
    if year_end.month % 12 + 1 != start_month {
        return Err((
            "fiscal_year_end",
            format!(
                "fiscal_year_end {:?} ends the year in {}, so it starts in {}: \
                 fiscal_year_start_month = {} (not {start_month})",
                meta["fiscal_year_end"].as_str().unwrap_or_default(),
                month_name(year_end.month),
                month_name(year_end.month % 12 + 1),
                year_end.month % 12 + 1
            ),
        ));
    }
    let week_53_quarter = match q53 {
        None => 4,
        Some(v) => v
            .as_integer()
            .and_then(|q| u32::try_from(q).ok())
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(|| {
                (
                    "week_53_quarter",
                    format!(
                        "week_53_quarter {v}: the quarter (1-4) a 53-week year's 14th week is in"
                    ),
                )
            })?,
    };
    Ok(Calendar {
        start_month,
        named_by_start,
        weeks: Some(Weeks {
            weekday: year_end.weekday,
            nearest: year_end.nearest,
            week_53_quarter,
        }),
    })
}

/// A company's calendar, name and unit, read from its record (for `release new` and `release
/// draft`, which read one company, not all of data/).
pub(crate) fn read_company_record(path: &Path) -> Result<(Calendar, String, String)> {
    let text = crate::base::read_text_bounded(path)?;
    let meta: toml::Table = text
        .parse()
        .map_err(|e| anyhow::anyhow!("{}: invalid TOML: {e}", path.display()))?;
    let calendar = calendar_of(&meta).map_err(|(key, why)| {
        anyhow!("{}:{}: {why}", path.display(), super::line_of(&text, key))
    })?;
    let name = meta
        .get("name")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let unit = meta
        .get("unit")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    Ok((calendar, name.to_string(), unit.to_string()))
}
