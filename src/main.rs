//! iijwh's entry point: restore the default SIGPIPE action, then parse and dispatch (cmd::cli).

use std::process::ExitCode;

/// mimalloc for the whole process, DuckDB's C++ included (feature `override`): the load spends
/// a fifth of its CPU in glibc's malloc and free on DuckDB's many small, short-lived allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // SAFETY: process-wide settings made before any thread starts.
    unsafe {
        // A closed stdout (`iijwh query ... | head`) ends iijwh quietly, as it ends cat, head or
        // the DuckDB shell: Rust ignores SIGPIPE and would turn it into errors and println! panics.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        // No transparent huge pages: mimalloc asks for them, and for a process that lives
        // milliseconds they only add memory (the load: 84 MiB instead of 134).
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    iijwh::cmd::cli::run(iijwh::cmd::cli::duckdb_spellings(std::env::args_os()))
}
