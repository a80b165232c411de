//! Company records: data/companies/<id>.toml, one row of table `companies` each, with the fiscal
//! calendar and the defaults (currency, unit) a release of the company takes.

use super::calendar::{month_name, parse_year_end, Calendar, Weeks, YEAR_END_FORMS};
use super::{column_names, line_of, push_row, read_utf8, table, Origin, RawRows, Units, COMPANIES};
use crate::schema::{Catalog, Table};
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

/// Words a reader of a Hive-partitioned export takes for something else than the text in folder
/// `company_id=WORD`: DuckDB reads `null` as NULL and `inf`, `infinity` and `epoch` as dates;
/// readers that infer more types (polars) read `true`, `false` and `nan` as a boolean or a
/// number.
const READ_AS_ANOTHER_VALUE: [&str; 7] =
    ["null", "inf", "infinity", "epoch", "true", "false", "nan"];

/// What is wrong with company id `id`, or None: the one rule for company ids (`release new`,
/// the loader). An id names the company's record, its part files and its folder of a
/// partitioned export, so it must read back as itself from a folder name: a lower-case letter
/// first (no number or date a reader would infer), then lower-case letters, digits, '-' and '_'
/// (nothing a reader decodes: no '%', '=', '/', space or upper case), and none of the words
/// readers take for NULL, a date, a number or a boolean.
pub(crate) fn company_id_problem(id: &str) -> Option<String> {
    let shaped = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b));
    if !shaped {
        return Some(format!(
            "company id `{id}`: a lower-case letter, then lower-case letters, digits, '-' and \
             '_', e.g. acme"
        ));
    }
    READ_AS_ANOTHER_VALUE.contains(&id).then(|| {
        format!(
            "company id `{id}`: readers of a partitioned export (DuckDB, Spark, polars) read \
             folder company_id={id} as something else than the text `{id}` (NULL, a date, a \
             number or a boolean); choose another id, e.g. {id}-co"
        )
    })
}

/// data/companies/<id>.toml, one row of `companies` each: id -> what the loader needs of it.
/// `units` are the reference's (a company's currency and unit are checked against them).
pub(super) fn read_companies(
    dir: &Path,
    catalog: &Catalog,
    units: &Units,
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
        // Each key is checked against the column it fills here, where its line is known: a
        // value the warehouse refused later could not be traced back to this file.
        check_keys(&path, &text, &meta, companies)?;
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
        if let Some(problem) = company_id_problem(&stem) {
            bail!(
                "{}:{}: {problem} (the id is the file's name)",
                path.display(),
                line_of("company_id")
            );
        }
        let company_id = get("company_id").unwrap_or_default();
        if company_id != stem {
            bail!(
                "{}:{}: company_id {company_id:?} must equal the file name `{stem}`",
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
        if let Err(problem) = units.check_currency(&company.currency, &company.unit) {
            let (key, why) = problem.key_and_why();
            bail!("{}:{}: {key} {why}", path.display(), line_of(key));
        }
        let ten_digits = |c: &String| c.len() == 10 && c.bytes().all(|b| b.is_ascii_digit());
        if let Some(cik) = get("sec_cik").filter(|c| !ten_digits(c)) {
            bail!(
                "{}:{}: sec_cik {cik:?}: the SEC's Central Index Key is ten digits, leading zeros \
                 included (\"0001090633\")",
                path.display(),
                line_of("sec_cik")
            );
        }
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

/// Every key of a company record is a column of `companies`, every column that may not be empty
/// is given, and each value has its column's type: a whole number for an INTEGER column, else a
/// string (`aliases` also takes a list of strings).
fn check_keys(path: &Path, text: &str, meta: &toml::Table, companies: &Table) -> Result<()> {
    let at = |key: &str| format!("{}:{}", path.display(), line_of(text, key));
    for (key, value) in meta {
        let Some(column) = companies.column(key) else {
            bail!(
                "{}: unknown key `{key}`; a company file takes: {}",
                at(key),
                column_names(companies)
            );
        };
        let integer = column.sql_type == "INTEGER";
        let fits = match value {
            toml::Value::Integer(_) => integer,
            toml::Value::String(_) => !integer,
            toml::Value::Array(items) => key == ALIASES && items.iter().all(toml::Value::is_str),
            _ => false,
        };
        if !fits {
            let wanted = if integer {
                "a whole number, without quotes"
            } else if key == ALIASES {
                "a string in quotes, or a list of them"
            } else {
                "a string in quotes"
            };
            bail!(
                "{}: {key} = {value}: column `{key}` ({}) takes {wanted}",
                at(key),
                column.sql_type
            );
        }
    }
    let required: Vec<&str> = companies
        .columns
        .iter()
        .filter(|c| !c.nullable)
        .map(|c| c.name.as_str())
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !meta.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{}: missing key(s) {}; a company file needs: {}",
            path.display(),
            missing.join(", "),
            required.join(", ")
        );
    }
    Ok(())
}

/// The one key of a company record that takes a list (of other names).
const ALIASES: &str = "aliases";

/// The fiscal calendar a company record states, or the key to point at and why it states none
/// that is whole (the message names the key). A 52/53-week calendar adds `fiscal_year_end` (the
/// weekday rule, at the end of the month before the start month) and `week_53_quarter` (1-4,
/// default 4) to the month-based keys.
pub(crate) fn calendar_of(meta: &toml::Table) -> Result<Calendar, (&'static str, String)> {
    const MONTH: &str = "fiscal_year_start_month";
    const NAMED_BY: &str = "fiscal_year_named_by";
    let stated = |key: &str| {
        meta.get(key)
            .map_or_else(|| "missing".into(), |v| format!("= {v}"))
    };
    let start_month = meta
        .get(MONTH)
        .and_then(|v| v.as_integer())
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| {
            let why = "the month (1-12) the fiscal year starts: 4 for a year ending in March";
            (MONTH, format!("{MONTH} {}: {why}", stated(MONTH)))
        })?;
    let named_by_start = match meta.get(NAMED_BY).and_then(|v| v.as_str()) {
        Some("start_year") => true,
        Some("end_year") => false,
        _ => {
            let why =
                "\"start_year\" (FY2006 starts in 2006) or \"end_year\" (FY2006 ends in 2006)";
            return Err((NAMED_BY, format!("{NAMED_BY} {}: {why}", stated(NAMED_BY))));
        }
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

/// The record of a new company, from `release new`'s flags.
#[derive(Default, Debug)]
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
    /// Whether any flag of the record was given.
    pub(crate) fn any(&self) -> bool {
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
