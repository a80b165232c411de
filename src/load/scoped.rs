//! Rules scoped to a release: a rule whose header says `-- scope: release` gives each release
//! rows that depend on that release's own rows alone (source_audit: a printed figure against its
//! release's text), with release_id its first column. An incremental load runs such a rule on
//! the releases it read that are new or changed only, and takes the rows of a company's
//! unchanged releases from the rule outcomes of the part it replaces: the load of one new
//! quarter checks that quarter, not the company's forty.
//!
//! Who may call it: `crate::load`.

use super::plan::Plan;
use super::{Share, PASSED};
use crate::base::sql_string;
use crate::release::DataScan;
use crate::schema::SqlFile;
use crate::sql::rules::Status;
use anyhow::{Context, Result};
use arrow::array::{Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::collections::{BTreeMap, BTreeSet};

/// Whether `rule` is scoped to a release (see the module's doc).
pub fn by_release(rule: &SqlFile) -> bool {
    rule.get("scope") == Some("release")
}

/// For each company the load reads again whose part it replaces, the releases it reads whose
/// files are as that part had them (none when its record changed, or in a full load).
pub fn kept_releases(plan: &Plan, scan: &DataScan) -> BTreeMap<String, BTreeSet<String>> {
    if plan.full.is_some() {
        return BTreeMap::new();
    }
    plan.replaced
        .iter()
        .filter(|old| plan.touched.contains(&old.company_id))
        .filter(|old| scan.companies.get(&old.company_id) == Some(&old.stamp))
        .map(|old| {
            let kept = old
                .releases
                .iter()
                .filter(|(name, stamp)| {
                    plan.read.contains(*name) && scan.releases.get(*name) == Some(stamp)
                })
                .map(|(name, _)| name.clone())
                .collect();
            (old.company_id.clone(), kept)
        })
        .filter(|(_, kept): &(String, BTreeSet<String>)| !kept.is_empty())
        .collect()
}

/// `rules` with each release-scoped one narrowed to the releases read that no company keeps
/// (`kept`); the others as they are. Nothing is narrowed when nothing is kept.
pub fn narrowed(
    rules: Vec<SqlFile>,
    read: &BTreeSet<String>,
    kept: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<SqlFile> {
    if kept.is_empty() {
        return rules;
    }
    let kept: BTreeSet<&String> = kept.values().flatten().collect();
    let fresh: Vec<String> = read
        .iter()
        .filter(|r| !kept.contains(r))
        .map(|r| sql_string(r))
        .collect();
    // DuckDB pushes the filter on the outer query's release_id down to the rule's scans.
    let filter = match fresh.is_empty() {
        true => "FALSE".to_string(),
        false => format!("release_id IN ({})", fresh.join(", ")),
    };
    rules
        .into_iter()
        .map(|mut rule| {
            if by_release(&rule) {
                let body = rule.sql.trim().trim_end_matches(';');
                rule.sql = format!("SELECT * FROM (\n{body}\n) AS narrowed WHERE {filter};\n");
            }
            rule
        })
        .collect()
}

/// A company's share of a release-scoped rule: `new`, its rows over the releases read afresh,
/// with the rows of its `kept` releases from the rule outcomes of the part replaced (`old`,
/// its rows of check_results' columns), in the order one run over all of them gives (by
/// release_id first).
pub fn with_kept(
    rule: &str,
    new: &Share,
    batch: &RecordBatch,
    kept: &BTreeSet<String>,
) -> Result<Share> {
    let column = |name: &str| {
        batch
            .column_by_name(name)
            .and_then(|c| c.as_any().downcast_ref::<StringArray>())
            .with_context(|| format!("a part's rule outcomes have no {name} column"))
    };
    let (rules, details) = (column("rule")?, column("details")?);
    let mut rows: Vec<serde_json::Value> = Vec::new();
    for i in 0..batch.num_rows() {
        if rules.value(i) == rule && !details.is_null(i) {
            let found: Vec<serde_json::Value> = serde_json::from_str(details.value(i))
                .context("a part's rule outcomes are not JSON")?;
            rows.extend(found.into_iter().filter(|row| {
                row.get("release_id")
                    .and_then(|r| r.as_str())
                    .is_some_and(|r| kept.contains(r))
            }));
        }
    }
    if let Some(text) = &new.details {
        let found: Vec<serde_json::Value> =
            serde_json::from_str(text).context("a rule's rows are not JSON")?;
        rows.extend(found);
    }
    if rows.is_empty() {
        return Ok(PASSED);
    }
    // Stable: within a release the rows keep the order its own run gave them.
    let release = |row: &serde_json::Value| {
        row.get("release_id")
            .and_then(|r| r.as_str())
            .map(str::to_string)
    };
    rows.sort_by_key(release);
    let explained = rows
        .iter()
        .all(|row| row.get("explained").is_some_and(|e| !e.is_null()));
    Ok(Share {
        status: if explained {
            Status::Residual
        } else {
            Status::Fail
        },
        rows: rows.len() as i32,
        details: Some(format!("{}\n", serde_json::to_string_pretty(&rows)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, scope: Option<&str>) -> SqlFile {
        SqlFile {
            path: format!("{name}.sql").into(),
            name: name.to_string(),
            header: scope
                .map(|s| vec![("scope".to_string(), s.to_string())])
                .unwrap_or_default(),
            sql: "SELECT release_id FROM figures;\n".to_string(),
        }
    }

    /// Only a release-scoped rule is narrowed, to the releases read that no company keeps, and
    /// only when some release is kept.
    #[test]
    fn a_release_scoped_rule_reads_the_fresh_releases() {
        let read: BTreeSet<String> = ["a-1q20", "a-2q20", "b-1q20"].map(String::from).into();
        let kept = BTreeMap::from([("a".to_string(), BTreeSet::from(["a-1q20".to_string()]))]);
        let rules = narrowed(
            vec![rule("x", Some("release")), rule("y", None)],
            &read,
            &kept,
        );
        assert_eq!(
            rules[0].sql,
            "SELECT * FROM (\nSELECT release_id FROM figures\n) AS narrowed \
             WHERE release_id IN ('a-2q20', 'b-1q20');\n"
        );
        assert_eq!(rules[1].sql, "SELECT release_id FROM figures;\n");
        let all = narrowed(vec![rule("x", Some("release"))], &read, &BTreeMap::new());
        assert_eq!(all[0].sql, "SELECT release_id FROM figures;\n");
        let everything = BTreeMap::from([("a".to_string(), read.clone())]);
        let none = narrowed(vec![rule("x", Some("release"))], &read, &everything);
        assert!(none[0].sql.ends_with("WHERE FALSE;\n"), "{}", none[0].sql);
    }
}
