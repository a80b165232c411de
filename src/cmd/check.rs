//! Usage: iijwh check [RULE ...] [--format FORMAT] [--rerun] [--as-of DATE | --release ID] [--company C]
//!
//! The data rules in schema/checks/ against the warehouse: a table of rules with pass, residual
//! or FAIL, then the offending figures of each rule that does not pass. Exits 1 when any rule fails.
//! For the latest vintage the outcomes are those the load stored (check_results): the load ran
//! these rules on this very generation, whose files are checked against their checksums when it
//! opens, and a changed data/ or schema/ is loaded first. `--rerun`, or another vintage, runs the
//! rules again over the whole warehouse, a batch of companies at a time.

use crate::base::project::Project;
use crate::render::{new_table, print, Format};
use crate::sql::rules::{load_rules, run_rules_in_batches, Status};
use anyhow::{bail, Result};
use std::process::ExitCode;

/// Run the reconciliation rules and the source audit
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  iijwh check\n  iijwh check unexplained_changes --format csv")]
pub struct Args {
    #[command(flatten)]
    vintage: super::VintageArgs,
    /// Only these rules (file names in schema/checks without .sql)
    rules: Vec<String>,
    /// Format of the offending rows
    #[arg(short, long, value_enum, default_value = "table")]
    format: Format,
    /// Run the rules again over the whole warehouse instead of reading the outcomes the load
    /// stored for this generation
    #[arg(long)]
    rerun: bool,
}

/// One rule's outcome as this command prints it.
struct Shown {
    name: String,
    status: Status,
    tolerance: String,
    description: String,
    rows: crate::warehouse::QueryResult,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    let mut rules = load_rules(&project.checks_dir())?;
    if !args.rules.is_empty() {
        for wanted in &args.rules {
            if !rules.iter().any(|r| &r.name == wanted) {
                let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
                bail!("no check rule `{wanted}`; rules: {}", names.join(", "));
            }
        }
        rules.retain(|r| args.rules.contains(&r.name));
    }
    let wh = super::open_fresh(project)?;
    let latest = args.vintage.as_of.is_none()
        && args.vintage.release.is_none()
        && args.vintage.company.is_none();
    let outcomes: Vec<Shown> = if latest && !args.rerun {
        stored(&wh, &rules)?
    } else {
        args.vintage.apply(&wh)?;
        // A batch of companies at a time, so memory is a batch's, not the warehouse's.
        let batches = wh.company_batches()?;
        // The load's times of the rules, so the slowest start first here too.
        run_rules_in_batches(&wh, rules, &wh.manifest().rule_millis, &batches)?
            .into_iter()
            .map(|o| Shown {
                name: o.rule.name.clone(),
                status: o.status,
                tolerance: o.rule.get("tolerance").unwrap_or("0").to_string(),
                description: o.rule.get("description").unwrap_or("").to_string(),
                rows: o.rows,
            })
            .collect()
    };

    let mut table = new_table(&["rule", "status", "rows", "tolerance", "description"]);
    for o in &outcomes {
        table.add_row([
            o.name.clone(),
            o.status.as_str().to_string(),
            o.rows.num_rows().to_string(),
            o.tolerance.clone(),
            o.description.clone(),
        ]);
    }
    println!("{table}");
    let mut stdout = std::io::stdout().lock();
    for o in outcomes.iter().filter(|o| o.status != Status::Pass) {
        println!("\n{} ({}): {}", o.name, o.status.as_str(), o.description);
        print(&o.rows, args.format, &mut stdout)?;
    }
    let failed = outcomes.iter().filter(|o| o.status == Status::Fail).count();
    let residual = outcomes
        .iter()
        .filter(|o| o.status == Status::Residual)
        .count();
    println!(
        "\n{} rules: {} pass, {residual} residual, {failed} fail",
        outcomes.len(),
        outcomes.len() - failed - residual
    );
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The outcomes of `rules` as the load stored them in check_results, each rule's offending rows
/// read back from its `details` (a JSON array of objects, one text column per key, in order).
fn stored(
    wh: &crate::warehouse::Warehouse,
    rules: &[crate::schema::SqlFile],
) -> Result<Vec<Shown>> {
    use arrow::array::{ArrayRef, Float64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    let result = wh.query(
        "SELECT rule, status, tolerance, description, coalesce(details, '[]') FROM check_results",
        &[],
    )?;
    let batch = result.single_batch()?;
    let text = |i: usize| -> Result<&StringArray> {
        batch
            .column(i)
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| anyhow::anyhow!("check_results holds a column that is not text"))
    };
    let (names, statuses, tolerances, descriptions, details) =
        (text(0)?, text(1)?, text(2)?, text(3)?, text(4)?);
    let mut shown = Vec::new();
    for rule in rules {
        let Some(i) = (0..batch.num_rows()).find(|&i| names.value(i) == rule.name) else {
            bail!(
                "the load stored no outcome of rule `{}`; run `iijwh check --rerun`",
                rule.name
            );
        };
        let status = match statuses.value(i) {
            "pass" => Status::Pass,
            "residual" => Status::Residual,
            _ => Status::Fail,
        };
        let objects: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(details.value(i))?;
        let mut keys: Vec<String> = Vec::new();
        for object in &objects {
            for key in object.keys() {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
        }
        // A key whose values are all numbers is a number column, printed as `--rerun` prints
        // the rule's numbers; any other is text.
        let numeric = |key: &String| {
            let values = || {
                objects
                    .iter()
                    .filter_map(|o| o.get(key))
                    .filter(|v| !v.is_null())
            };
            values().next().is_some() && values().all(serde_json::Value::is_number)
        };
        let columns: Vec<ArrayRef> = keys
            .iter()
            .map(|key| {
                if numeric(key) {
                    let values: Float64Array = objects
                        .iter()
                        .map(|o| o.get(key).and_then(serde_json::Value::as_f64))
                        .collect();
                    return std::sync::Arc::new(values) as ArrayRef;
                }
                let values: StringArray = objects
                    .iter()
                    .map(|o| match o.get(key) {
                        None | Some(serde_json::Value::Null) => None,
                        Some(serde_json::Value::String(s)) => Some(s.clone()),
                        Some(other) => Some(other.to_string()),
                    })
                    .collect();
                std::sync::Arc::new(values) as ArrayRef
            })
            .collect();
        let schema = std::sync::Arc::new(Schema::new(
            keys.iter()
                .map(|k| {
                    let kind = if numeric(k) {
                        DataType::Float64
                    } else {
                        DataType::Utf8
                    };
                    Field::new(k, kind, true)
                })
                .collect::<Vec<_>>(),
        ));
        let batches = if keys.is_empty() {
            Vec::new()
        } else {
            vec![arrow::record_batch::RecordBatch::try_new(
                schema.clone(),
                columns,
            )?]
        };
        shown.push(Shown {
            name: rule.name.clone(),
            status,
            tolerance: tolerances.value(i).to_string(),
            description: descriptions.value(i).to_string(),
            rows: crate::warehouse::QueryResult { schema, batches },
        });
    }
    Ok(shown)
}
