//! The data rules' outcomes shared out by company: each rule's rows split by the company of
//! their release (a company's share is kept in its part's rule outcomes, so a load that takes a
//! company as it was takes its outcomes too), and check_results merged from every company's.
//!
//! Who may call it: the rest of `crate::load`.

use crate::render::{print, Format};
use crate::schema::Table;
use crate::sql::rules::{status_of, Outcome, Status};
use crate::warehouse::parts::{rows_of, text_column};
use crate::warehouse::QueryResult;
use anyhow::{Context, Result};
use arrow::array::{Array, ArrayRef, Int32Array, StringArray};
use arrow::record_batch::RecordBatch;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// A rule's outcome on one company's rows.
#[derive(Clone)]
pub(super) struct Share {
    pub status: Status,
    pub rows: i32,
    /// The offending rows as JSON (None when it passes).
    pub details: Option<String>,
}

/// Where the rows of a rule that name no release go (see `outcomes_by_company`): not a company
/// id (those are file names of data/companies, and never empty).
pub(super) const WAREHOUSE_SHARE: &str = "";

pub(super) const PASSED: Share = Share {
    status: Status::Pass,
    rows: 0,
    details: None,
};

/// Each rule's rows split by the company of their release (`release_company`): per company, one
/// share per rule, in the rules' order. Every row a rule returns names its release.
pub(super) fn outcomes_by_company(
    outcomes: &[Outcome],
    release_company: &HashMap<String, String>,
) -> Result<BTreeMap<String, Vec<Share>>> {
    let mut by: BTreeMap<String, Vec<Share>> = BTreeMap::new();
    for (i, o) in outcomes.iter().enumerate() {
        if o.rows.num_rows() == 0 {
            continue;
        }
        let batch = o.rows.single_batch()?;
        let companies: Vec<Option<String>> = match batch.column_by_name("release_id") {
            Some(c) => {
                let ids = c
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .context("release_id is not text")?;
                ids.iter()
                    .map(|r| r.and_then(|r| release_company.get(r).cloned()))
                    .collect()
            }
            None => vec![None; batch.num_rows()],
        };
        // Rows that name no release of the load (a rule without a release_id column) are the
        // warehouse's, not a company's: checked on what each load reads, kept in no part.
        let companies: Vec<Option<String>> = companies
            .into_iter()
            .map(|c| Some(c.unwrap_or_else(|| WAREHOUSE_SHARE.to_string())))
            .collect();
        let names: BTreeSet<&String> = companies.iter().flatten().collect();
        for company in names {
            let rows = rows_of(&batch, &companies, company)?;
            let result = QueryResult {
                schema: o.rows.schema.clone(),
                batches: vec![rows],
            };
            let mut details = Vec::new();
            print(&result, Format::Json, &mut details)?;
            let shares = by
                .entry(company.clone())
                .or_insert_with(|| vec![PASSED; outcomes.len()]);
            shares[i] = Share {
                status: status_of(&result),
                rows: result.num_rows() as i32,
                details: Some(String::from_utf8(details)?),
            };
        }
    }
    Ok(by)
}

/// check_results' rows: one a rule (`outcomes` give the rules, in order), with `shares`, one a
/// rule (all passing when empty).
pub(super) fn check_results_batch(
    table: &Table,
    outcomes: &[Outcome],
    shares: &[Share],
) -> Result<RecordBatch> {
    let share = |i: usize| shares.get(i).unwrap_or(&PASSED);
    let text = |f: &dyn Fn(usize, &Outcome) -> Option<String>| -> ArrayRef {
        Arc::new(
            outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| f(i, o))
                .collect::<StringArray>(),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        text(&|_, o| Some(o.rule.name.clone())),
        text(&|_, o| Some(o.rule.get("description").unwrap_or("").to_string())),
        text(&|_, o| Some(o.rule.get("tolerance").unwrap_or("0").to_string())),
        text(&|i, _| Some(share(i).status.code().to_string())),
        Arc::new(
            (0..outcomes.len())
                .map(|i| Some(share(i).rows))
                .collect::<Int32Array>(),
        ),
        text(&|i, _| share(i).details.clone()),
    ];
    Ok(RecordBatch::try_new(table.schema.clone(), columns)?)
}

/// Whether every rule of a part's rule outcomes (check_results' columns) passed without rows.
pub(super) fn all_passed(batch: &RecordBatch) -> Result<bool> {
    let statuses = text_column(batch, "status")?;
    let rows = batch
        .column_by_name("offending_rows")
        .and_then(|c| c.as_any().downcast_ref::<Int32Array>())
        .context("rule outcomes without an offending_rows column")?;
    let details = text_column(batch, "details")?;
    Ok((0..batch.num_rows()).all(|i| {
        statuses.value(i) == Status::Pass.code() && rows.value(i) == 0 && details.is_null(i)
    }))
}

/// check_results of the whole warehouse from every part's share (`parts`, batches of
/// check_results' columns, in company order): per rule, the worst status, the rows summed, the
/// offending rows of every company in one JSON array. Also each rule's status.
pub(super) fn merge_check_results(
    table: &Table,
    outcomes: &[Outcome],
    parts: &[RecordBatch],
) -> Result<(RecordBatch, Vec<(String, Status)>)> {
    let rank = |s: Status| match s {
        Status::Pass => 0,
        Status::Residual => 1,
        Status::Fail => 2,
    };
    let mut merged = vec![PASSED; outcomes.len()];
    let mut details: Vec<Vec<serde_json::Value>> = vec![Vec::new(); outcomes.len()];
    for part in parts {
        let (rules, statuses) = (text_column(part, "rule")?, text_column(part, "status")?);
        let rows = part
            .column_by_name("offending_rows")
            .and_then(|c| c.as_any().downcast_ref::<Int32Array>())
            .context("check results without an offending_rows column")?;
        let texts = text_column(part, "details")?;
        for row in 0..part.num_rows() {
            let Some(i) = outcomes
                .iter()
                .position(|o| o.rule.name == rules.value(row))
            else {
                continue;
            };
            let status = match statuses.value(row) {
                "fail" => Status::Fail,
                "residual" => Status::Residual,
                _ => Status::Pass,
            };
            if rank(status) > rank(merged[i].status) {
                merged[i].status = status;
            }
            merged[i].rows += rows.value(row);
            if !texts.is_null(row) {
                let found: Vec<serde_json::Value> = serde_json::from_str(texts.value(row))
                    .context("a part's rule outcomes are not JSON")?;
                details[i].extend(found);
            }
        }
    }
    for (share, found) in merged.iter_mut().zip(details) {
        if !found.is_empty() {
            share.details = Some(format!("{}\n", serde_json::to_string_pretty(&found)?));
        }
    }
    let statuses = outcomes
        .iter()
        .zip(&merged)
        .map(|(o, s)| (o.rule.name.clone(), s.status))
        .collect();
    Ok((check_results_batch(table, outcomes, &merged)?, statuses))
}
