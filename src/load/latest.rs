//! The latest vintage a load stores: `latest/TABLE/part-XX.parquet` of the parts it rewrites.

use super::{live_file, part_rows, PartReleases, Reused};
use crate::warehouse::build::Generation;
use crate::warehouse::manifest::TableEntry;
use crate::warehouse::parts::{self, part_of, rows_of, text_column, CompanyRows};
use crate::warehouse::{LatestParts, Warehouse, LATEST};
use anyhow::{Context, Result};
use std::collections::BTreeSet;

/// The latest vintage of every company the load read, computed on its session (the vintage_*
/// views with variable every_company, see schema/views/12_latest.sql), written as the files of
/// the parts it rewrites of `latest/TABLE/` (every part file of a table it writes holds each
/// of its companies, with no rows too); the other parts' files are the live generation's,
/// linked with their parts, and so are the rows of the companies a rewritten part takes as they
/// were (`reused`). Returns the tables and the newest release's company (what the catalog's
/// views of schema `latest` need), and each file written.
pub(super) fn store_latest_vintage(
    wh: &Warehouse,
    generation: &mut Generation,
    (made, reused, touched_parts): (&[&String], &Reused, &BTreeSet<String>),
    releases: &PartReleases,
) -> Result<(LatestParts, Vec<TableEntry>)> {
    wh.set_variable("every_company", "true")?;
    let tables = wh.column_values(&format!(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = '{LATEST}' \
         AND database_name = current_database() ORDER BY table_name"
    ))?;
    // Two sessions take the tables in turn, each writing its parts' files (`figures`, the
    // largest, is about half the work: ~150 ms a part at 100,000 releases); the files are
    // recorded in table order after.
    let other = wh.try_clone()?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let shared: &Generation = generation;
    let work = |session: &Warehouse| -> Result<Vec<(usize, Vec<TableEntry>)>> {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(table) = tables.get(i) else {
                return Ok(done);
            };
            let files = latest_of_table(
                session,
                shared,
                table,
                (made, reused, touched_parts),
                releases,
            )?;
            done.push((i, files));
        }
    };
    let work = &work;
    let (mine, theirs) = std::thread::scope(|scope| {
        let theirs = scope.spawn(move || work(&other));
        (work(wh), theirs.join())
    });
    let theirs = theirs.map_err(|_| anyhow::anyhow!("storing the latest vintage failed"))??;
    let mut by_table: Vec<(usize, Vec<TableEntry>)> = mine?.into_iter().chain(theirs).collect();
    by_table.sort_by_key(|(i, _)| *i);
    let mut files = Vec::new();
    for (_, entries) in by_table {
        for entry in entries {
            generation.record_part(&entry)?;
            files.push(entry);
        }
    }
    wh.set_variable("every_company", "false")?;
    let newest = wh
        .manifest()
        .newest_company()
        .map(str::to_string)
        .context("the generation has no release")?;
    Ok((
        LatestParts {
            tables,
            newest_company: newest,
        },
        files,
    ))
}

/// The latest vintage of `table` of the companies the load read, on `session`, written as the
/// files of the parts it rewrites (see `store_latest_vintage`), not yet recorded.
fn latest_of_table(
    session: &Warehouse,
    generation: &Generation,
    table: &str,
    (made, reused, touched_parts): (&[&String], &Reused, &BTreeSet<String>),
    releases: &PartReleases,
) -> Result<Vec<TableEntry>> {
    let rows = session
        // In one order whatever the plan, so a company's rows are the same whichever load
        // wrote them (an incremental one or `load --full`).
        .query(
            &format!("SELECT * FROM \"vintage_{table}\" ORDER BY ALL"),
            &[],
        )
        .with_context(|| format!("computing the latest vintage of {table}"))?;
    let batch = rows.single_batch()?;
    let companies: Vec<Option<String>> = text_column(&batch, "company_id")?
        .iter()
        .map(|c| c.map(str::to_string))
        .collect();
    let folder = format!("{}/{table}", parts::LATEST_DIR);
    let mut files = Vec::new();
    for part in touched_parts {
        let mine = made
            .iter()
            .filter(|c| part_of(c) == *part)
            .map(|c| Ok((c.to_string(), rows_of(&batch, &companies, c)?)))
            .collect::<Result<Vec<CompanyRows>>>()?;
        let live = live_file(generation, &folder, part, reused)?;
        let rows = part_rows(live.as_ref(), reused, mine);
        if rows.is_empty() {
            continue;
        }
        let metadata = releases.metadata(&rows);
        files.push(generation.encode_part(&folder, part, &batch.schema(), &rows, &metadata)?);
    }
    Ok(files)
}
