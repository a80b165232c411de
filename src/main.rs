//! iijwh's entry point: restore the default SIGPIPE action, then parse and dispatch (cmd::cli).

use std::io::Write;
use std::process::ExitCode;

/// mimalloc for the whole process, DuckDB's C++ included (feature `override`): the load spends
/// a fifth of its CPU in glibc's malloc and free on DuckDB's many small, short-lived allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // SAFETY: process-wide settings made before any thread starts.
    unsafe {
        // A closed stdout (`iijwh query ... | head`) ends iijwh quietly, as it ends cat, head or
        // the DuckDB shell: Rust ignores SIGPIPE and would turn it into errors and println! panics.
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        // No transparent huge pages, also where the system gives them unasked (mimalloc is built
        // not to ask, feature no_thp): for a process that lives milliseconds they only add
        // memory (the load: 84 MiB instead of 134).
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let code = iijwh::cmd::cli::run(iijwh::cmd::cli::duckdb_spellings(std::env::args_os()));
    // Every command's work is done here: its files written and synced, its DuckDB sessions closed
    // or left to the process (read-only ones), its buffered writers dropped. What a normal exit
    // would add is teardown, mostly mimalloc returning every page it holds to the OS (hundreds of
    // madvise calls): ~6 ms after a load. Only standard output still needs flushing.
    let _ = std::io::stdout().flush();
    // SAFETY: _exit ends the process at once; nothing after this point has work to do. The
    // commands return SUCCESS or FAILURE only (clap exits by itself on usage errors).
    unsafe { libc::_exit(if code == ExitCode::SUCCESS { 0 } else { 1 }) }
}
