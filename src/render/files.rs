//! Query results as files for other tools: Parquet through the warehouse's own writer (DECIMAL,
//! DATE, ZSTD), and xlsx for spreadsheets (numbers as numbers, the unit in each column's header).

use super::{columns_text, unit_of, QueryResult};
use anyhow::{Context, Result};
use arrow::array::Array;
use arrow::datatypes::DataType;

/// The result as one ZSTD Parquet file.
pub fn parquet(result: &QueryResult) -> Result<Vec<u8>> {
    crate::warehouse::parquet::encode(
        &result.single_batch()?,
        &[("iijwh.query_result".to_string(), "true".to_string())],
    )
}

/// Write the result as an xlsx sheet: a bold header row naming each column with its unit
/// (`total_revenues (JPY million)`, `gross_margin_ratio (%)`), numbers as numbers.
pub fn xlsx(result: &QueryResult, default_unit: &str) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text = columns_text(result)?;
    for (ci, field) in result.schema.fields().iter().enumerate() {
        let numeric = field.data_type().is_numeric();
        let header = if numeric {
            format!("{} ({})", field.name(), unit_of(field.name(), default_unit))
        } else {
            field.name().clone()
        };
        sheet.write_string_with_format(0, ci as u16, header, &bold)?;
        let mut row = 1u32;
        for batch in &result.batches {
            let array = batch.column(ci);
            let floats = if numeric {
                Some(arrow_cast::cast(array, &DataType::Float64)?)
            } else {
                None
            };
            for r in 0..array.len() {
                if array.is_valid(r) {
                    match &floats {
                        Some(f) => {
                            let v = f
                                .as_any()
                                .downcast_ref::<arrow::array::Float64Array>()
                                .context("numeric column")?
                                .value(r);
                            sheet.write_number(row, ci as u16, v)?;
                        }
                        None => {
                            let cell = text[ci][row as usize - 1].clone().unwrap_or_default();
                            sheet.write_string(row, ci as u16, cell)?;
                        }
                    }
                }
                row += 1;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}
