//! Usage: iijwh serve [--port 8080] [--host 127.0.0.1]
//!
//! A read-only web page over the warehouse: reports with their parameter forms, charts and tables
//! (and .csv/.json twins), provenance of every figure, ad-hoc SQL under the query sandbox, and the
//! data rules. Binds 127.0.0.1 unless --host says otherwise; never writes; answers only requests
//! naming it as their Host, and runs SQL only from its own form (see `crate::web`). A load while
//! it runs is picked up by the next request.

use crate::base::project::Project;
use crate::web::{self, Limits};
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::time::Duration;

/// Serve the reports, charts, SQL and provenance as a local read-only web page
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  iijwh serve                      then open http://127.0.0.1:8080/\n  iijwh serve --port 0             any free port (printed)"
)]
pub struct Args {
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to bind; the default keeps the page on this machine
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Stop after this many seconds (for tests and demos; default: run until Ctrl-C)
    #[arg(long, value_name = "SECONDS")]
    exit_after: Option<u64>,
    /// Rows an ad-hoc SQL statement may show
    #[arg(long, default_value_t = 1000)]
    max_rows: usize,
    /// Seconds an ad-hoc SQL statement may run
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// MiB of memory one request's DuckDB may use
    #[arg(long, value_name = "MIB", default_value_t = 1024)]
    max_memory: u64,
}

pub fn run(project: &Project, args: Args) -> Result<ExitCode> {
    // The page reads what `load` built and never builds itself: say so at once when there is
    // nothing to read, and warn when data/ changed since the last load.
    drop(crate::warehouse::Warehouse::open(project)?);
    if let Some(why) = crate::warehouse::staleness::staleness(project)? {
        eprintln!("warning: serving the warehouse as it is ({why}); run `iijwh load` to update it");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the server")?;
    let limits = Limits {
        max_rows: args.max_rows,
        timeout: Duration::from_secs(args.timeout),
        memory_mib: args.max_memory,
        ..Limits::default()
    };
    let exit_after = args.exit_after;
    runtime.block_on(web::serve(
        project.clone(),
        &args.host,
        args.port,
        limits,
        |addr| println!("serving http://{addr}/ (Ctrl-C to stop)"),
        async move {
            match exit_after {
                Some(secs) => tokio::time::sleep(Duration::from_secs(secs)).await,
                None => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        },
    ))?;
    Ok(ExitCode::SUCCESS)
}
