//! A load when nothing it reads has changed: the live generation was built from these very files
//! of data/ and schema/, by this iijwh, and its files are intact. Then the load writes nothing
//! (no generation, no sweep of retired ones) and answers from the live manifest and its stored
//! rule outcomes: a stat per data file and one small Parquet read, no DuckDB.

use super::{walk_after, walk_changed, Walked, CHECK_RESULTS};
use crate::base::project::Project;
use crate::sql::rules::Status;
use crate::warehouse::manifest::{read_manifest, verify_files, Manifest, CURRENT};
use crate::warehouse::staleness::journal_token;
use anyhow::{Context, Result};
use arrow::array::{Array, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use std::path::PathBuf;

/// The live generation, when a load would make it again as it is.
pub struct Unchanged {
    pub generation: PathBuf,
    pub manifest: Manifest,
    /// Each rule's status, as the load that made the generation stored it.
    pub checks: Vec<(String, Status)>,
    /// Whether the change journal vouched for data/ and schema/ (no walk was made).
    pub vouched: bool,
    /// Whether only what the journal named as changed was stamped (see `walk_changed`).
    pub guided: bool,
}

/// What `unchanged` found.
pub enum Live {
    /// Nothing a load reads changed since the live generation was built.
    Unchanged(Box<Unchanged>),
    /// Something did, or there is doubt (no warehouse, a damaged file, another iijwh, rule
    /// outcomes unreadable); with the walk of data/ that told it, when one was made, for the
    /// load to plan by (see `build`).
    Changed(Option<Box<Walked>>),
}

/// Whether a load would make the live generation again as it is.
pub fn unchanged(project: &Project) -> Result<Live> {
    // `current` must be the link a load makes, to a generation of this warehouse: anything else
    // (a folder, a file, a link elsewhere) is for the load to repair.
    let current = project.warehouse.join(CURRENT);
    let is_link = std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink());
    let Ok(generation) = std::fs::canonicalize(&current) else {
        return Ok(Live::Changed(None));
    };
    let home = std::fs::canonicalize(project.warehouse.join("generations")).ok();
    if !is_link || home.is_none_or(|h| generation.parent() != Some(h.as_path())) {
        return Ok(Live::Changed(None));
    }
    let Ok(manifest) = read_manifest(&generation) else {
        return Ok(Live::Changed(None));
    };
    // A change journal that saw nothing change since a walk found this generation current
    // spares the walk (see `crate::journal`); its files are verified all the same.
    let token = journal_token(&generation, &manifest);
    let synced = crate::journal::sync(project, Some(&token));
    if synced.as_ref().is_some_and(|s| s.vouched()) && verify_files(&generation, &manifest).is_ok()
    {
        if let Ok(checks) = stored_checks(&generation, &manifest) {
            return Ok(Live::Unchanged(Box::new(Unchanged {
                generation,
                manifest,
                checks,
                vouched: true,
                guided: false,
            })));
        }
    }
    // The journal names what changed since: only that is stamped.
    let guided = match synced.as_ref().and_then(|s| s.changed()) {
        Some(changed) => walk_changed(project, &manifest, changed, synced.clone())?,
        None => None,
    };
    let walked = match guided {
        Some(walked) => walked,
        None => walk_after(project, synced)?,
    };
    if manifest.build_key.as_deref() != Some(walked.key.as_str())
        || manifest.fingerprint != walked.fingerprint
        || verify_files(&generation, &manifest).is_err()
    {
        let mut walked = walked;
        walked.live = Some((generation, manifest));
        return Ok(Live::Changed(Some(Box::new(walked))));
    }
    let Ok(checks) = stored_checks(&generation, &manifest) else {
        return Ok(Live::Changed(Some(Box::new(walked))));
    };
    if let Some(synced) = &walked.synced {
        synced.record(&token);
    }
    Ok(Live::Unchanged(Box::new(Unchanged {
        generation,
        manifest,
        checks,
        vouched: false,
        guided: walked.named.is_some(),
    })))
}

/// check_results' rule and status columns.
fn stored_checks(
    generation: &std::path::Path,
    manifest: &Manifest,
) -> Result<Vec<(String, Status)>> {
    let entry = manifest
        .tables
        .iter()
        .find(|t| t.name == CHECK_RESULTS)
        .context("no check_results in the manifest")?;
    let file = std::fs::File::open(generation.join(&entry.file))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    let columns = builder.parquet_schema().columns();
    let wanted: Vec<usize> = ["rule", "status"]
        .iter()
        .map(|name| {
            columns
                .iter()
                .position(|c| c.name() == *name)
                .with_context(|| format!("no column {name} in check_results"))
        })
        .collect::<Result<_>>()?;
    let mask = ProjectionMask::leaves(builder.parquet_schema(), wanted);
    let mut out = Vec::new();
    for batch in builder.with_projection(mask).build()? {
        let batch = batch?;
        let text = |name: &str| -> Result<StringArray> {
            let column = batch.column_by_name(name).context("column")?;
            let cast = arrow::compute::cast(column, &arrow::datatypes::DataType::Utf8)?;
            Ok(cast
                .as_any()
                .downcast_ref::<StringArray>()
                .context("text")?
                .clone())
        };
        let (rules, statuses) = (text("rule")?, text("status")?);
        for i in 0..batch.num_rows() {
            if rules.is_null(i) || statuses.is_null(i) {
                anyhow::bail!("a rule outcome without its rule or status");
            }
            let status = [Status::Pass, Status::Residual, Status::Fail]
                .into_iter()
                .find(|s| s.code() == statuses.value(i))
                .context("an unknown status")?;
            out.push((rules.value(i).to_string(), status));
        }
    }
    Ok(out)
}
