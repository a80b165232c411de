//! The one Parquet writer: every Parquet file iijwh writes (warehouse and export) goes through here,
//! so all of them carry the same conventions: ZSTD, statistics, schema comments and provenance.

use anyhow::{Context, Result};
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::Path;

/// Write `batch` to `path` and fsync it; returns the file's SHA-256.
pub fn write(path: &Path, batch: &RecordBatch, metadata: &[(String, String)]) -> Result<String> {
    let sha256 = write_unsynced(path, batch, metadata)?;
    File::open(path)?.sync_all()?;
    Ok(sha256)
}

/// Write `batch` to `path` without waiting for the disk; returns the file's SHA-256. The caller
/// syncs the file before anything refers to it (the load: on a thread of their own, while the
/// rules run; see `build::Generation::sync_in_background`).
pub fn write_unsynced(
    path: &Path,
    batch: &RecordBatch,
    metadata: &[(String, String)],
) -> Result<String> {
    // Encoded in memory, so the checksum is of the bytes written, without reading them back.
    let bytes = encode(batch, metadata)?;
    std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(crate::base::hex(&Sha256::digest(&bytes)))
}

/// The bytes of a ZSTD Parquet file holding `batch`, with the schema's descriptions and
/// `metadata` in its footer.
pub fn encode(batch: &RecordBatch, metadata: &[(String, String)]) -> Result<Vec<u8>> {
    let mut writer = Writer::new(batch.schema(), metadata)?;
    writer.write(batch)?;
    writer.finish()
}

/// A Parquet file written a batch at a time (see `encode`), so a table larger than memory
/// allows is written piece by piece.
pub struct Writer(ArrowWriter<Vec<u8>>);

impl Writer {
    pub fn new(
        schema: arrow::datatypes::SchemaRef,
        metadata: &[(String, String)],
    ) -> Result<Writer> {
        let columns: serde_json::Map<String, serde_json::Value> = schema
            .fields()
            .iter()
            .map(|f| {
                let desc = f.metadata().get("description").cloned().unwrap_or_default();
                (f.name().clone(), serde_json::Value::String(desc))
            })
            .collect();
        let mut kv: Vec<KeyValue> = metadata
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
            .collect();
        kv.push(KeyValue::new(
            "iijwh.column_descriptions".to_string(),
            serde_json::Value::Object(columns).to_string(),
        ));
        if let Some(desc) = schema.metadata().get("description") {
            kv.push(KeyValue::new(
                "iijwh.table_description".to_string(),
                desc.clone(),
            ));
        }
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
            .set_statistics_enabled(EnabledStatistics::Page)
            .set_created_by(format!("iijwh {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(kv))
            .build();
        Ok(Writer(ArrowWriter::try_new(
            Vec::new(),
            schema,
            Some(props),
        )?))
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        Ok(self.0.write(batch)?)
    }

    /// End the row group being written: the rows after this start a new one, with statistics
    /// of their own (a company part's companies, see `warehouse::parts`).
    pub fn end_row_group(&mut self) -> Result<()> {
        Ok(self.0.flush()?)
    }

    /// The file's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        Ok(self.0.into_inner()?)
    }

    /// The writer's lower layer, for a file written a row group at a time, some of them copied
    /// as encoded from another file (see `parts::file`), with the same properties and footer.
    pub fn into_row_groups(self) -> Result<RowGroups> {
        Ok(self.0.into_serialized_writer()?)
    }
}

/// A Parquet file written a row group at a time (see `Writer::into_row_groups`).
pub type RowGroups = (
    parquet::file::writer::SerializedFileWriter<Vec<u8>>,
    parquet::arrow::arrow_writer::ArrowRowGroupWriterFactory,
);

/// Write `bytes` (a file `Writer` made) to `path` and sync it; returns its SHA-256.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<String> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
    File::open(path)?.sync_all()?;
    Ok(crate::base::hex(&Sha256::digest(bytes)))
}
