//! One module per subcommand, each opening with its usage.

pub mod check;
pub mod load;
pub mod query;
pub mod reports;

use std::process::ExitCode;

/// Print an error with its causes, one paragraph, and return the failure exit code.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    ExitCode::FAILURE
}
