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
use std::collections::{BTreeMap, HashSet};
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

/// Every unit of the reference tables in `reference` (schema/reference/).
pub fn known_units(reference: &Path, catalog: &Catalog) -> Result<HashSet<String>> {
    let mut raw = BTreeMap::new();
    read_units(reference, catalog, &mut raw)?;
    Ok(raw
        .remove(UNITS)
        .unwrap_or_default()
        .values
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect())
}
