//! The engine's own start-up, with nothing of iijwh around it: one process opens DuckDB and runs
//! one statement. Built once per DuckDB line (v15/, v20/) so bench/run.py can time both side by
//! side against the bare CLI. Usage: engine-vNN [SQL] [DATABASE-FILE]; phases go to stderr.
//! ENGINE_CONFIG="name=value,..." passes DuckDB settings at open, to look for one that avoids a
//! start-up cost.
use std::time::Instant;

fn main() {
    let start = Instant::now();
    let mut args = std::env::args().skip(1);
    let sql = args.next().unwrap_or_else(|| "select 1".to_string());
    let mut config = duckdb::Config::default();
    for setting in std::env::var("ENGINE_CONFIG")
        .unwrap_or_default()
        .split(',')
    {
        if let Some((name, value)) = setting.split_once('=') {
            config = config.with(name, value).expect("setting");
        }
    }
    let conn = match args.next() {
        Some(file) => duckdb::Connection::open_with_flags(
            file,
            config
                .access_mode(duckdb::AccessMode::ReadOnly)
                .expect("read-only"),
        ),
        None => duckdb::Connection::open_in_memory_with_flags(config),
    }
    .expect("open DuckDB");
    let opened = start.elapsed();
    let mut stmt = conn.prepare(&sql).expect("prepare");
    let mut rows = stmt.query([]).expect("query");
    let mut n = 0;
    while rows.next().expect("row").is_some() {
        n += 1;
    }
    let done = start.elapsed();
    println!("{n}");
    eprintln!(
        "open {:.1} ms, statement {:.1} ms",
        opened.as_secs_f64() * 1e3,
        (done - opened).as_secs_f64() * 1e3
    );
}
