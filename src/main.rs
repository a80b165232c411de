//! iijwh's entry point: restore the default SIGPIPE action, then parse and dispatch (cmd::cli).

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A closed stdout (`iijwh query ... | head`) ends iijwh quietly, as it ends cat, head or the
    // DuckDB shell: Rust ignores SIGPIPE and would turn it into errors and println! panics.
    // SAFETY: restoring a signal's default action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    iijwh::cmd::cli::run(iijwh::cmd::cli::duckdb_spellings(std::env::args_os()))
}
