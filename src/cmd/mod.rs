//! One module per subcommand, each opening with its usage.

pub mod check;
pub mod export;
pub mod generate;
pub mod load;
pub mod query;
pub mod repl;
pub mod reports;

use std::process::ExitCode;

/// Print an error with its causes, one paragraph, and return the failure exit code.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {}", message(e));
    ExitCode::FAILURE
}

/// An error with its causes, leaving out DuckDB's generic "Error code 1: Unknown error code".
pub fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !cause.contains("Unknown error code") && !text.contains(&cause) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
    }
    text
}
