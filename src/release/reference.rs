//! The reference tables every company shares, from schema/reference/: the units (every ISO 4217
//! currency at every usual scale and per share, the other units of units.csv, and its counts at
//! every usual scale) and the standard concepts. A unit any company prints is here without a
//! user editing schema/.

use super::{
    csv_error, push_row, read_csv_text, read_utf8, row_of, table, Origin, RawRows,
    STANDARD_CONCEPTS, UNITS,
};
use crate::schema::Catalog;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The reference tables: each `<table>.csv` of schema/reference/ naming a table (standard
/// concepts; units other than currencies), and the currency units: every currency of
/// currencies.csv at every scale of scales.csv, `USD`, `USD thousand`, `JPY 100 million` ...
pub(super) fn read_reference(
    dir: &Path,
    catalog: &Catalog,
    raw: &mut BTreeMap<String, RawRows>,
) -> Result<()> {
    let path = dir.join(format!("{STANDARD_CONCEPTS}.csv"));
    let text = read_utf8(&path)?;
    read_csv_text(&path, &text, table(catalog, STANDARD_CONCEPTS)?, None, raw)?;
    read_units(dir, catalog, raw)
}

fn read_units(dir: &Path, catalog: &Catalog, raw: &mut BTreeMap<String, RawRows>) -> Result<()> {
    let path = dir.join(format!("{UNITS}.csv"));
    let text = read_utf8(&path)?;
    read_csv_text(&path, &text, table(catalog, UNITS)?, None, raw)?;
    let records = |file: &str| -> Result<(PathBuf, Vec<csv::StringRecord>)> {
        let path = dir.join(file);
        let text = read_utf8(&path)?;
        let rows = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| csv_error(&path, &e))?;
        Ok((path, rows))
    };
    let (currencies_file, currencies) = records("currencies.csv")?;
    let (_, scales) = records("scales.csv")?;
    let units = table(catalog, UNITS)?;
    for (line, currency) in currencies.iter().enumerate() {
        let code = currency.get(0).unwrap_or_default();
        for scale in &scales {
            let (word, factor) = (
                scale.get(0).unwrap_or_default(),
                scale.get(1).unwrap_or_default(),
            );
            let unit = if word.is_empty() {
                code.to_string()
            } else {
                format!("{code} {word}")
            };
            let row = row_of(
                units,
                &[
                    ("unit", unit),
                    ("dimension", "currency".into()),
                    ("currency", code.into()),
                    ("base_unit", code.into()),
                    ("factor", factor.into()),
                ],
            );
            let origin = Origin {
                file: currencies_file.clone(),
                line: line as u64 + 2,
            };
            push_row(raw, UNITS, row, origin.clone());
        }
        // Per-share figures (EPS, dividends) in the currency itself: `USD per share`.
        let per_share = format!("{code} per share");
        let row = row_of(
            units,
            &[
                ("unit", per_share.clone()),
                ("dimension", "currency_per_share".into()),
                ("currency", code.into()),
                ("base_unit", per_share),
                ("factor", "1".into()),
            ],
        );
        let origin = Origin {
            file: currencies_file.clone(),
            line: line as u64 + 2,
        };
        push_row(raw, UNITS, row, origin);
    }
    // Counts at every scale people print them in: `million shares`, `thousand employees`,
    // `10 thousand shares` (万株), unless units.csv names that unit itself.
    let (units_file, listed) = records("units.csv")?;
    let named: HashSet<&str> = listed.iter().filter_map(|r| r.get(0)).collect();
    for (line, count) in listed.iter().enumerate() {
        let (base, dimension, factor) = (
            count.get(0).unwrap_or_default(),
            count.get(1).unwrap_or_default(),
            count.get(4).unwrap_or_default(),
        );
        if dimension != "count" || factor != "1" {
            continue;
        }
        for scale in scales
            .iter()
            .filter(|s| !s.get(0).unwrap_or_default().is_empty())
        {
            let unit = format!("{} {base}", scale.get(0).unwrap_or_default());
            if named.contains(unit.as_str()) {
                continue;
            }
            let row = row_of(
                units,
                &[
                    ("unit", unit),
                    ("dimension", "count".into()),
                    ("base_unit", base.into()),
                    ("factor", scale.get(1).unwrap_or_default().into()),
                ],
            );
            let origin = Origin {
                file: units_file.clone(),
                line: line as u64 + 2,
            };
            push_row(raw, UNITS, row, origin);
        }
    }
    Ok(())
}

/// The units of the reference tables (schema/reference/), each with its currency when it is an
/// amount of money: what a company's currency and unit are checked against.
pub struct Units {
    /// unit -> its ISO 4217 currency (None: not an amount of money)
    currency_of: HashMap<String, Option<String>>,
    currencies: HashSet<String>,
    dimensions: HashSet<String>,
}

/// What is wrong with a company's currency and unit (see `Units::check_currency`): which of the
/// two, and why.
#[derive(Debug)]
pub enum CurrencyProblem {
    Currency(String),
    Unit(String),
}

impl CurrencyProblem {
    /// The key (of a company record or release.toml, and the flag of `release new`) that is
    /// wrong, and why.
    pub fn key_and_why(self) -> (&'static str, String) {
        match self {
            CurrencyProblem::Currency(why) => ("currency", why),
            CurrencyProblem::Unit(why) => ("unit", why),
        }
    }
}

impl Units {
    /// The units of the reference tables in `reference` (schema/reference/).
    pub fn read(reference: &Path, catalog: &Catalog) -> Result<Units> {
        let mut raw = BTreeMap::new();
        read_units(reference, catalog, &mut raw)?;
        Units::of(catalog, raw.get(UNITS).unwrap_or(&RawRows::default()))
    }

    /// The units of table `units`' rows as read.
    pub(super) fn of(catalog: &Catalog, rows: &RawRows) -> Result<Units> {
        let units = table(catalog, UNITS)?;
        let at = |name: &str| units.columns.iter().position(|c| c.name == name);
        let (Some(unit), Some(currency), Some(dimension)) =
            (at("unit"), at("currency"), at("dimension"))
        else {
            anyhow::bail!("table {UNITS} has no unit, currency or dimension column");
        };
        let mut out = Units {
            currency_of: HashMap::new(),
            currencies: HashSet::new(),
            dimensions: HashSet::new(),
        };
        for row in &rows.values {
            if let Some(u) = &row[unit] {
                out.currency_of.insert(u.clone(), row[currency].clone());
            }
            out.currencies.extend(row[currency].clone());
            out.dimensions.extend(row[dimension].clone());
        }
        Ok(out)
    }

    /// Whether some unit measures `dimension` (currency, count, bandwidth ...).
    fn has_dimension(&self, dimension: &str) -> bool {
        self.dimensions.contains(dimension)
    }

    fn dimension_names(&self) -> String {
        let mut names: Vec<&str> = self.dimensions.iter().map(String::as_str).collect();
        names.sort();
        names.join(", ")
    }

    /// Why `dimension` is no dimension of a unit, if it is not.
    pub fn dimension_problem(&self, dimension: &str) -> Option<String> {
        (!self.has_dimension(dimension)).then(|| {
            format!(
                "{dimension:?} is not the dimension of any unit of schema/reference/; one of: {}",
                self.dimension_names()
            )
        })
    }

    /// The one rule of a company's currency and unit (its record's, checked by the load, and
    /// `release new`'s flags): the currency an ISO 4217 code of currencies.csv, the unit one of
    /// the reference's and an amount in that currency.
    pub fn check_currency(&self, currency: &str, unit: &str) -> Result<(), CurrencyProblem> {
        let known = |c: &str| self.currencies.contains(c);
        if !known(currency) {
            let upper = currency.to_ascii_uppercase();
            return Err(CurrencyProblem::Currency(if known(&upper) {
                format!("{currency:?} is not an ISO 4217 code: write it in capitals, {upper:?}")
            } else {
                format!(
                    "{currency:?} is not an ISO 4217 currency (schema/reference/currencies.csv): \
                     three capital letters, e.g. USD, EUR, JPY"
                )
            }));
        }
        let scaled = format!(
            "a currency with a scale: \"{currency}\", \"{currency} thousand\", \
             \"{currency} million\", \"{currency} billion\""
        );
        match self.currency_of.get(unit) {
            None => Err(CurrencyProblem::Unit(format!(
                "{unit:?} is not a unit of schema/reference/ ({scaled}; or one of units.csv)"
            ))),
            Some(of) if of.as_deref() != Some(currency) => Err(CurrencyProblem::Unit(format!(
                "{unit:?} is not an amount in {currency} ({scaled})"
            ))),
            Some(_) => Ok(()),
        }
    }
}
