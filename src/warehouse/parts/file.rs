//! A part file written again: the companies a load made, encoded, and those it takes as they
//! were, copied from the live generation's file. A row group that holds only companies taken as
//! they were, and that the writer would cut the same way now, is copied as its encoded bytes
//! (Parquet's `append_column`), not decoded and encoded again: adding a release to one of a
//! part's ~10 companies at 100,000 releases re-encoded ~120,000 `figures` rows for ~12,000 of
//! its own (RESULTS 0s). The copy is the bytes the encoder would make of the same rows (the
//! encoding of a row group depends only on its rows, written a company at a time, and the
//! writer's properties), so a part written by an incremental load is byte for byte the one a
//! full load writes (tests/cli/incremental.rs).
//!
//! Who may call it: `warehouse::build` (writing a part), `crate::load` (naming the rows).

use super::{CompanyRows, COMPANY_ROWS};
use crate::warehouse::parquet::Writer;
use anyhow::{Context, Result};
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::compute_leaves;
use parquet::column::writer::ColumnCloseResult;
use parquet::file::metadata::{ColumnChunkMetaData, PageIndexPolicy};
use parquet::file::statistics::Statistics;
use std::path::{Path, PathBuf};

/// The live generation's file of a part, opened to take companies from: its footer, and where
/// each company's rows are.
pub struct LivePart {
    path: PathBuf,
    file: std::fs::File,
    meta: ArrowReaderMetadata,
    /// The file's companies in its order: name, rows, row group (None: no rows) and the row
    /// its rows start at in that group.
    companies: Vec<(String, usize, Option<usize>, usize)>,
    /// The companies (indices into `companies`) with rows of each row group, in order.
    groups: Vec<Vec<usize>>,
}

impl LivePart {
    /// Open the part file at `path`, its footer and page index read; its rows when asked for.
    pub fn open(path: &Path) -> Result<LivePart> {
        let context = || format!("reading {}", path.display());
        let file = std::fs::File::open(path).with_context(context)?;
        let meta = ArrowReaderMetadata::load(
            &file,
            // Everything the writer put in the footer, to copy it as it was.
            ArrowReaderOptions::new()
                .with_page_index_policy(PageIndexPolicy::Optional)
                .with_encoding_stats_as_mask(false),
        )
        .with_context(context)?;
        let group_rows: Vec<usize> = meta
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows() as usize)
            .collect();
        let mut companies = Vec::new();
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); group_rows.len()];
        // Companies fill row groups whole, in order (see `encode`).
        let (mut group, mut at) = (0, 0);
        for (company, n) in super::company_rows_of(meta.metadata().file_metadata(), path)? {
            if n == 0 {
                companies.push((company, 0, None, 0));
                continue;
            }
            while group < group_rows.len() && at == group_rows[group] {
                (group, at) = (group + 1, 0);
            }
            if group == group_rows.len() || at + n > group_rows[group] {
                anyhow::bail!(
                    "{}: {COMPANY_ROWS} does not match its row groups at `{company}={n}`",
                    path.display()
                );
            }
            groups[group].push(companies.len());
            companies.push((company, n, Some(group), at));
            at += n;
        }
        Ok(LivePart {
            path: path.to_path_buf(),
            file,
            meta,
            companies,
            groups,
        })
    }

    /// The rows of each of the file's companies that `keep` says to take, as they are.
    pub fn kept<'a>(&'a self, keep: impl Fn(&String) -> bool) -> Vec<(String, Rows<'a>)> {
        self.companies
            .iter()
            .enumerate()
            .filter(|(_, (c, ..))| keep(c))
            .map(|(i, (c, ..))| (c.clone(), Rows::Live(self, i)))
            .collect()
    }

    /// Every company's rows, decoded, in the file's order.
    pub fn every_company(&self) -> Result<Vec<CompanyRows>> {
        let decoded = (0..self.groups.len())
            .map(|g| self.decode(g))
            .collect::<Result<Vec<_>>>()?;
        Ok(self
            .companies
            .iter()
            .map(|(company, n, group, at)| {
                let rows = match group {
                    Some(g) => decoded[*g].slice(*at, *n),
                    None => RecordBatch::new_empty(self.meta.schema().clone()),
                };
                (company.clone(), rows)
            })
            .collect())
    }

    /// The decoded rows of row group `group`.
    fn decode(&self, group: usize) -> Result<RecordBatch> {
        let context = || format!("reading {}", self.path.display());
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
            self.file.try_clone().with_context(context)?,
            self.meta.clone(),
        )
        .with_row_groups(vec![group])
        .with_batch_size(self.meta.metadata().row_group(group).num_rows() as usize)
        .build()
        .with_context(context)?;
        let batches = reader
            .collect::<std::result::Result<Vec<_>, _>>()
            .with_context(context)?;
        Ok(arrow::compute::concat_batches(
            self.meta.schema(),
            &batches,
        )?)
    }

    /// Whether its row groups can be copied into a file of `schema`: the same columns, and its
    /// page index read (a copy without it would not be the file the writer makes).
    fn copyable(&self, schema: &parquet::schema::types::SchemaDescriptor) -> bool {
        let metadata = self.meta.metadata();
        metadata.file_metadata().schema_descr() == schema
            && metadata.column_index().is_some()
            && metadata.offset_index().is_some()
    }

    /// Row group `group` as its encoded column chunks, appended to `to`.
    fn copy_group(
        &self,
        group: usize,
        to: &mut parquet::file::writer::SerializedRowGroupWriter<'_, Vec<u8>>,
    ) -> Result<()> {
        let metadata = self.meta.metadata();
        let row_group = metadata.row_group(group);
        for (c, chunk) in row_group.columns().iter().enumerate() {
            let close = ColumnCloseResult {
                bytes_written: chunk.compressed_size() as u64,
                rows_written: row_group.num_rows() as u64,
                metadata: as_written(chunk)?,
                bloom_filter: None,
                column_index: metadata.column_index().map(|i| i[group][c].clone()),
                offset_index: metadata.offset_index().map(|i| i[group][c].clone()),
            };
            to.append_column(&self.file, close)
                .with_context(|| format!("copying from {}", self.path.display()))?;
        }
        Ok(())
    }
}

/// A column chunk's metadata as its writer made it: read back, its statistics lose the flag
/// that has the writer repeat a signed column's minimum and maximum in the deprecated fields.
fn as_written(chunk: &ColumnChunkMetaData) -> Result<ColumnChunkMetaData> {
    let Some(statistics) = chunk.statistics() else {
        return Ok(chunk.clone());
    };
    let signed = chunk.column_descr().sort_order().is_signed();
    macro_rules! flagged {
        ($($kind:ident),*) => {
            match statistics.clone() {
                $(Statistics::$kind(s) => {
                    Statistics::$kind(s.with_backwards_compatible_min_max(signed))
                })*
            }
        };
    }
    let statistics = flagged!(
        Boolean,
        Int32,
        Int64,
        Int96,
        Float,
        Double,
        ByteArray,
        FixedLenByteArray
    );
    Ok(chunk
        .clone()
        .into_builder()
        .set_statistics(statistics)
        .build()?)
}

/// One company's rows of a part being written.
pub enum Rows<'a> {
    /// In memory (made by this load, or read back), encoded by the write.
    Batch(RecordBatch),
    /// Company `i` of a live part file, taken as it is.
    Live(&'a LivePart, usize),
}

impl Rows<'_> {
    fn len(&self) -> usize {
        match self {
            Rows::Batch(batch) => batch.num_rows(),
            Rows::Live(live, i) => live.companies[*i].1,
        }
    }
}

/// A part's companies after a load: those taken as they were (`kept`) and those it made, in
/// company order.
pub fn merged<'a>(
    kept: Vec<(String, Rows<'a>)>,
    made: Vec<CompanyRows>,
) -> Vec<(String, Rows<'a>)> {
    let mut rows: std::collections::BTreeMap<String, Rows<'a>> = kept.into_iter().collect();
    rows.extend(made.into_iter().map(|(c, b)| (c, Rows::Batch(b))));
    rows.into_iter().collect()
}

/// Every company's row count of a part, in order: the footer's `COMPANY_ROWS`.
pub fn company_rows(rows: &[(String, Rows)]) -> String {
    rows.iter()
        .map(|(c, r)| format!("{c}={}", r.len()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The bytes of a part file of `schema` holding `rows`, company by company in the order given,
/// in row groups of whole companies: a row group ends after the company that brings it to
/// `group_rows` rows or more (see `parts::row_group_rows`). A row group of the live file that
/// this would make again, the same companies taken as they were, is copied as it is.
pub fn encode(
    schema: &SchemaRef,
    rows: &[(String, Rows)],
    metadata: &[(String, String)],
    group_rows: usize,
) -> Result<Encoded> {
    let (mut file, factory) = Writer::new(schema.clone(), metadata)?.into_row_groups()?;
    let with_rows: Vec<&Rows> = rows
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.len() > 0)
        .collect();
    let mut open: Option<(Vec<parquet::arrow::arrow_writer::ArrowColumnWriter>, usize)> = None;
    // The last row group of a live file decoded: its companies are asked for in turn.
    let mut decoded: Option<(*const LivePart, usize, RecordBatch)> = None;
    let (mut k, mut total, mut copied) = (0, 0, 0);
    while k < with_rows.len() {
        if open.is_none() {
            if let Some((live, group)) = copied_whole(&with_rows[k..], group_rows) {
                if live.copyable(file.schema_descr()) {
                    let mut to = file.next_row_group()?;
                    live.copy_group(group, &mut to)?;
                    to.close()?;
                    k += live.groups[group].len();
                    total += live.meta.metadata().row_group(group).num_rows() as usize;
                    copied += 1;
                    continue;
                }
            }
        }
        let batch = match with_rows[k] {
            Rows::Batch(batch) => batch.clone(),
            Rows::Live(live, i) => {
                let (_, n, group, at) = &live.companies[*i];
                let group = group.context("a company without rows")?;
                let same =
                    matches!(&decoded, Some((l, g, _)) if std::ptr::eq(*l, *live) && *g == group);
                if !same {
                    decoded = Some((*live as *const LivePart, group, live.decode(group)?));
                }
                let (_, _, all) = decoded.as_ref().context("decoded")?;
                all.slice(*at, *n)
            }
        };
        // Rows read back from a part file carry the schema as stored; the columns are the same.
        let batch = RecordBatch::try_new(schema.clone(), batch.columns().to_vec())?;
        let (writers, in_group) = match &mut open {
            Some(open) => open,
            None => open.insert((
                factory.create_column_writers(file.flushed_row_groups().len())?,
                0,
            )),
        };
        let mut columns = writers.iter_mut();
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field.as_ref(), column)? {
                columns
                    .next()
                    .context("a column without its writer")?
                    .write(&leaf)?;
            }
        }
        *in_group += batch.num_rows();
        total += batch.num_rows();
        k += 1;
        if *in_group >= group_rows {
            close_group(&mut file, open.take())?;
        }
    }
    close_group(&mut file, open.take())?;
    let groups = file.flushed_row_groups().len();
    Ok(Encoded {
        bytes: file.into_inner()?,
        rows: total,
        copied,
        groups,
    })
}

/// A part file's bytes, its rows, its row groups and how many of them were copied as they were.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub rows: usize,
    pub copied: usize,
    pub groups: usize,
}

/// Write the row group whose columns `open` encoded, if any.
fn close_group(
    file: &mut parquet::file::writer::SerializedFileWriter<Vec<u8>>,
    open: Option<(Vec<parquet::arrow::arrow_writer::ArrowColumnWriter>, usize)>,
) -> Result<()> {
    let Some((writers, _)) = open else {
        return Ok(());
    };
    let mut to = file.next_row_group()?;
    for writer in writers {
        writer.close()?.append_to_row_group(&mut to)?;
    }
    to.close()?;
    Ok(())
}

/// The live file's row group that the companies `next` start with (each with rows) make whole,
/// when writing them afresh would cut the same row group: they are its companies, taken as they
/// were, in its order; the rows before its last stay under `group_rows`, and it reaches
/// `group_rows` or ends the part.
fn copied_whole<'a>(next: &[&Rows<'a>], group_rows: usize) -> Option<(&'a LivePart, usize)> {
    let Rows::Live(live, first) = next.first()? else {
        return None;
    };
    let group = live.companies[*first].2?;
    let members = &live.groups[group];
    if members.first() != Some(first) || next.len() < members.len() {
        return None;
    }
    let same = members
        .iter()
        .zip(next)
        .all(|(m, r)| matches!(r, Rows::Live(l, i) if std::ptr::eq(*l, *live) && i == m));
    let counts: Vec<usize> = members.iter().map(|&m| live.companies[m].1).collect();
    let before_last: usize = counts[..counts.len() - 1].iter().sum();
    let all: usize = counts.iter().sum();
    let cut = before_last < group_rows && (all >= group_rows || next.len() == members.len());
    (same && cut).then_some((*live, group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("company_id", DataType::Utf8, false),
            Field::new("value", DataType::Int64, true),
        ]))
    }

    /// `n` rows of `company`, values from `from`.
    fn rows(company: &str, n: usize, from: i64) -> CompanyRows {
        let batch = RecordBatch::try_new(
            schema(),
            vec![
                Arc::new(StringArray::from(vec![company; n])),
                Arc::new(Int64Array::from_iter_values(from..from + n as i64)),
            ],
        )
        .unwrap();
        (company.to_string(), batch)
    }

    fn write(dir: &Path, name: &str, rows: &[(String, Rows)]) -> (PathBuf, Encoded) {
        let kv = vec![(COMPANY_ROWS.to_string(), company_rows(rows))];
        let encoded = encode(&schema(), rows, &kv, 4).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, &encoded.bytes).unwrap();
        (path, encoded)
    }

    fn in_memory(made: Vec<CompanyRows>) -> Vec<(String, Rows<'static>)> {
        merged(Vec::new(), made)
    }

    /// A part written again with one company changed copies the row groups of the others that
    /// it would cut the same way, and is byte for byte the file written afresh; what it decodes
    /// (the changed company's row group) reads back as it was.
    #[test]
    fn a_rewritten_part_copies_whole_row_groups_and_equals_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        // Row groups of 4 rows or more: [a b] [c d] [e] (e: 3 rows, the last).
        let first = vec![
            rows("a", 2, 0),
            rows("b", 3, 10),
            rows("c", 1, 20),
            rows("d", 5, 30),
            rows("e", 3, 40),
        ];
        let (path, _) = write(dir.path(), "live.parquet", &in_memory(first.clone()));
        let live = LivePart::open(&path).unwrap();
        assert_eq!(live.meta.metadata().num_row_groups(), 3);

        // b grows: [a b] is cut again, [c d] and [e] are copied.
        let changed = vec![rows("b", 4, 100)];
        let keep = |c: &String| c != "b";
        let again = merged(live.kept(keep), changed.clone());
        let (_, incremental) = write(dir.path(), "incremental.parquet", &again);
        assert_eq!(incremental.copied, 2);
        let mut all = first.clone();
        all[1] = changed[0].clone();
        let (_, fresh) = write(dir.path(), "fresh.parquet", &in_memory(all.clone()));
        assert_eq!(fresh.copied, 0);
        assert_eq!(incremental.bytes, fresh.bytes);
        assert_eq!(incremental.rows, 15);

        // A new company after c: [a b] is copied, [c cc] and [d] are cut anew, and [e], which
        // starts a row group again and ends the part, is copied.
        let added = vec![rows("cc", 3, 200)];
        let again = merged(live.kept(|_| true), added.clone());
        let (_, incremental) = write(dir.path(), "added.parquet", &again);
        let mut all = first.clone();
        all.insert(3, added[0].clone());
        let (_, fresh) = write(dir.path(), "added-fresh.parquet", &in_memory(all));
        assert_eq!(incremental.bytes, fresh.bytes);
        assert_eq!(incremental.copied, 2);

        // The last group is copied only while it stays the last: a company after e joins it.
        let after = vec![rows("f", 1, 300)];
        let again = merged(live.kept(|_| true), after.clone());
        let (path_after, incremental) = write(dir.path(), "after.parquet", &again);
        let mut all = first.clone();
        all.push(after[0].clone());
        let (_, fresh) = write(dir.path(), "after-fresh.parquet", &in_memory(all.clone()));
        assert_eq!(incremental.bytes, fresh.bytes);
        assert_eq!(incremental.copied, 2);

        // What was written reads back company by company as it was given.
        let read = super::super::read_part(&path_after).unwrap();
        assert_eq!(read.len(), all.len());
        for ((c, b), (c2, b2)) in read.iter().zip(&all) {
            assert_eq!(c, c2);
            assert_eq!(b.columns(), b2.columns(), "{c}");
        }
    }
}
