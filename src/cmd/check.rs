//! Usage: iijwh check [RULE ...] [--format FORMAT]
//!
//! Run the data rules in schema/checks/ against the warehouse: a table of rules with pass, residual
//! or FAIL, then the offending figures of each rule that does not pass. Exits 1 when any rule fails.

use crate::base::project::Project;
use crate::render::{new_table, print, Format};
use crate::sql::rules::{load_rules, run_rules, Status};
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
    args.vintage.apply(&wh)?;
    // The load's times of the rules, so the slowest start first here too.
    let outcomes = run_rules(&wh, rules, &wh.manifest().rule_millis)?;

    let mut table = new_table(&["rule", "status", "rows", "tolerance", "description"]);
    for o in &outcomes {
        table.add_row([
            o.rule.name.clone(),
            o.status.as_str().to_string(),
            o.rows.num_rows().to_string(),
            o.rule.get("tolerance").unwrap_or("0").to_string(),
            o.rule.get("description").unwrap_or("").to_string(),
        ]);
    }
    println!("{table}");
    let mut stdout = std::io::stdout().lock();
    for o in outcomes.iter().filter(|o| o.status != Status::Pass) {
        println!(
            "\n{} ({}): {}",
            o.rule.name,
            o.status.as_str(),
            o.rule.get("description").unwrap_or("")
        );
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
