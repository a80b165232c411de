//! The references a foreign key cannot say, because they go through a row's release to its
//! company (declared in the DDL by a column comment, see `Table::columns_noting`): a period label
//! names a period of the company's calendar (the rows of table `periods` are derived here), a
//! balance sheet date the end of one, and an item a concept of the company or a standard one.

use super::{
    file_column, push_row, row_of, table, Company, Origin, RawRows, CONCEPTS, CONCEPT_REFERENCE,
    PERIODS, PERIOD_END_REFERENCE, PERIOD_REFERENCE, STANDARD_CONCEPTS,
};
use crate::schema::Catalog;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Every cell of a column noting `note` (a column comment's reference, e.g. `(periods.period)`),
/// with its table, column, origin and the company of its row's release: rows of releases of no
/// known company are the load's other checks' to report.
fn each_noted_cell<'a>(
    catalog: &'a Catalog,
    companies: &'a BTreeMap<String, Company>,
    releases: &'a HashMap<String, (String, String)>,
    raw: &'a BTreeMap<String, RawRows>,
    note: &str,
    mut f: impl FnMut(&'a crate::schema::Table, usize, &'a str, &'a Origin, &'a str, &'a Company),
) {
    for t in &catalog.tables {
        let columns = t.columns_noting(note);
        let Some(rid) = t.columns.iter().position(|c| c.name == "release_id") else {
            continue;
        };
        let Some(rows) = raw.get(&t.name).filter(|_| !columns.is_empty()) else {
            continue;
        };
        for (row, origin) in rows.values.iter().zip(&rows.origins) {
            let Some((company_id, _)) = row[rid].as_ref().and_then(|id| releases.get(id)) else {
                continue;
            };
            let Some(company) = companies.get(company_id) else {
                continue;
            };
            for &ci in &columns {
                if let Some(cell) = row[ci].as_deref() {
                    f(t, ci, cell, origin, company_id, company);
                }
            }
        }
    }
}

/// Each period label the rows use, in the calendar of the company of the row's release: rows of
/// table `periods`. A label that names no period is an error at its file, line and column.
pub(super) fn derive_periods(
    catalog: &Catalog,
    companies: &BTreeMap<String, Company>,
    releases: &HashMap<String, (String, String)>,
    raw: &mut BTreeMap<String, RawRows>,
) -> Result<()> {
    let mut derived: BTreeMap<(String, String), (super::calendar::Period, Origin)> =
        BTreeMap::new();
    let mut problems = Vec::new();
    each_noted_cell(
        catalog,
        companies,
        releases,
        raw,
        PERIOD_REFERENCE,
        |t, ci, label, origin, company_id, company| {
            let key = (company_id.to_string(), label.to_string());
            if derived.contains_key(&key) {
                return;
            }
            match company.calendar.period(label) {
                Ok(period) => {
                    derived.insert(key, (period, origin.clone()));
                }
                Err(why) => problems.push(format!(
                    "{origin}:{}: column `{}`: {why}",
                    file_column(t, ci),
                    t.columns[ci].name
                )),
            }
        },
    );
    crate::base::refuse_listing(&problems, "row(s) name an unknown period label")?;
    // Every quarter, half and year of each company's fiscal years from its first to its last, so
    // the period arithmetic (the quarter before, the year holding a balance sheet date) finds
    // periods no row names; a (kind, year, number) a label already names is not named twice.
    // company -> (first fiscal year, last, the (kind, year, number) its labels name, an origin)
    type Span = (i32, i32, HashSet<(&'static str, i32, u32)>, Origin);
    let mut spans: BTreeMap<String, Span> = BTreeMap::new();
    for ((company_id, _), (p, origin)) in &derived {
        let span = spans
            .entry(company_id.clone())
            .or_insert_with(|| (p.fiscal_year, p.fiscal_year, HashSet::new(), origin.clone()));
        span.0 = span.0.min(p.fiscal_year);
        span.1 = span.1.max(p.fiscal_year);
        span.2.insert((p.kind, p.fiscal_year, p.seq));
    }
    for (company_id, (first, last, named, origin)) in spans {
        let Some(company) = companies.get(&company_id) else {
            continue;
        };
        for fy in first..=last {
            let yy = fy.rem_euclid(100);
            let labels = (1..=4)
                .map(|q| ("quarter", q, format!("{q}Q{yy:02}")))
                .chain((1..=2).map(|h| ("half", h, format!("{h}H{yy:02}"))))
                .chain(std::iter::once(("year", 1, format!("FY{fy}"))));
            for (kind, seq, label) in labels {
                if named.contains(&(kind, fy, seq)) {
                    continue;
                }
                // A two-digit label names a year of 1950-2049 only.
                if let Ok(p) = company.calendar.period(&label) {
                    if p.fiscal_year == fy {
                        derived.insert((company_id.clone(), label), (p, origin.clone()));
                    }
                }
            }
        }
    }
    let periods = table(catalog, PERIODS)?;
    for ((company_id, _), (p, origin)) in derived {
        let row = row_of(
            periods,
            &[
                ("company_id", company_id),
                ("period", p.label),
                ("kind", p.kind.to_string()),
                ("fiscal_year", p.fiscal_year.to_string()),
                ("seq", p.seq.to_string()),
                ("start_date", p.start.to_string()),
                ("end_date", p.end.to_string()),
            ],
        );
        push_row(raw, PERIODS, row, origin);
    }
    Ok(())
}

/// Every item a row names (a column noting `(concepts.concept)`) is a standard concept or one its
/// company defines in the concepts.csv of one of its releases (before it, as a rule; after it when
/// a quarter is backfilled: view release_concepts reads it against the earliest definition then).
pub(super) fn check_concepts(
    catalog: &Catalog,
    releases: &HashMap<String, (String, String)>,
    raw: &BTreeMap<String, RawRows>,
) -> Result<()> {
    let column = |t: &str, c: &str| -> Result<usize> {
        table(catalog, t)?
            .columns
            .iter()
            .position(|col| col.name == c)
            .with_context(|| format!("table {t} has no column {c}"))
    };
    let empty = RawRows::default();
    let rows = |t: &str| raw.get(t).unwrap_or(&empty);
    let std_at = column(STANDARD_CONCEPTS, "concept")?;
    let standard: HashSet<&str> = rows(STANDARD_CONCEPTS)
        .values
        .iter()
        .filter_map(|r| r[std_at].as_deref())
        .collect();
    // (company, concept) of each definition
    let (rid_at, concept_at) = (
        column(CONCEPTS, "release_id")?,
        column(CONCEPTS, "concept")?,
    );
    let mut defined: HashSet<(&str, &str)> = HashSet::new();
    for r in &rows(CONCEPTS).values {
        let (Some(rid), Some(concept)) = (r[rid_at].as_deref(), r[concept_at].as_deref()) else {
            continue;
        };
        if let Some((company, _)) = releases.get(rid) {
            defined.insert((company.as_str(), concept));
        }
    }
    let mut problems = Vec::new();
    for t in &catalog.tables {
        let columns = t.columns_noting(CONCEPT_REFERENCE);
        let Some(rid) = t.columns.iter().position(|c| c.name == "release_id") else {
            continue;
        };
        if columns.is_empty() {
            continue;
        }
        let table_rows = rows(&t.name);
        for (row, origin) in table_rows.values.iter().zip(&table_rows.origins) {
            let Some(id) = row[rid].as_deref() else {
                continue;
            };
            let Some((company, _)) = releases.get(id) else {
                continue;
            };
            for &ci in &columns {
                let Some(value) = row[ci].as_deref() else {
                    continue;
                };
                let known =
                    standard.contains(value) || defined.contains(&(company.as_str(), value));
                if !known {
                    problems.push(format!(
                        "{origin}:{}: column `{}`: {value:?} is not a concept of company `{company}` \
                         (none of its releases' concepts.csv defines it) nor a standard \
                         concept; define it in this release's concepts.csv or use a standard \
                         concept: {}",
                        file_column(t, ci),
                        t.columns[ci].name,
                        {
                            let mut names: Vec<&str> = standard.iter().copied().collect();
                            names.sort();
                            names.join(", ")
                        }
                    ));
                }
            }
        }
    }
    crate::base::refuse_listing(&problems, "row(s) name an unknown concept")
}

/// Every date a row notes as a period end (a column noting `(periods.end_date)`: a balance
/// sheet's date) is the last day of a quarter of its company's calendar. A balance sheet is
/// drawn up at a period end, so a date that is none is a typo, or a calendar that is not the
/// company's (a 52/53-week year read as whole months): an error at its file, line and column,
/// naming the nearest period end.
pub(super) fn check_period_ends(
    catalog: &Catalog,
    companies: &BTreeMap<String, Company>,
    releases: &HashMap<String, (String, String)>,
    raw: &BTreeMap<String, RawRows>,
) -> Result<()> {
    let mut problems = Vec::new();
    // (company, date) -> the period end nearest it; balance sheets repeat few dates.
    let mut nearest: HashMap<(&str, NaiveDate), Option<super::calendar::Period>> = HashMap::new();
    each_noted_cell(
        catalog,
        companies,
        releases,
        raw,
        PERIOD_END_REFERENCE,
        |t, ci, cell, origin, company_id, company| {
            // A cell that is no date is reported when the rows are typed.
            let Ok(day) = NaiveDate::parse_from_str(cell, "%Y-%m-%d") else {
                return;
            };
            let near = nearest
                .entry((company_id, day))
                .or_insert_with(|| company.calendar.nearest_quarter_end(day));
            let Some(near) = near.as_ref().filter(|p| p.end != day) else {
                return;
            };
            problems.push(format!(
                "{origin}:{}: column `{}`: {day} is no period end of company `{company_id}` \
                 ({}); the nearest is {}, the end of {}. A balance sheet is dated at a period \
                 end: correct the date, or the company's calendar in {}",
                file_column(t, ci),
                t.columns[ci].name,
                company.calendar.describe(),
                near.end,
                near.label,
                company.file.display()
            ));
        },
    );
    crate::base::refuse_listing(&problems, "row(s) date a balance sheet at no period end")
}
