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
    let schema = batch.schema();
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
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut writer = ArrowWriter::try_new(file, schema, Some(props))?;
    writer.write(batch)?;
    let file = writer.into_inner()?;
    file.sync_all()?;
    let bytes = std::fs::read(path)?;
    Ok(crate::base::hex(&Sha256::digest(&bytes)))
}
