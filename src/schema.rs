//! The schema: `schema/` DDL is the single source of truth. DuckDB itself parses it, and the
//! catalog (tables, Arrow schemas, column comments, constraints) is read back from DuckDB.

use crate::project::files_with_ext;
use anyhow::{Context, Result};
use arrow::datatypes::{Field, Schema, SchemaRef};
use duckdb::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug)]
pub struct Catalog {
    pub version: String,
    pub tables: Vec<Table>,
    /// `schema/macros/*.sql` then `schema/views/*.sql`, in that order.
    pub definitions: Vec<SqlFile>,
}

#[derive(Debug, Clone)]
pub struct SqlFile {
    pub path: PathBuf,
    pub sql: String,
}

#[derive(Debug)]
pub struct Table {
    pub name: String,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub schema: SchemaRef,
    pub constraints: Vec<Constraint>,
}

#[derive(Debug)]
pub struct Column {
    pub name: String,
    pub sql_type: String,
    pub nullable: bool,
    pub comment: Option<String>,
}

#[derive(Debug)]
pub enum Constraint {
    Check {
        expression: String,
        columns: Vec<String>,
    },
    Unique {
        columns: Vec<String>,
    },
    ForeignKey {
        columns: Vec<String>,
        table: String,
        ref_columns: Vec<String>,
    },
}

impl Catalog {
    pub fn load(dir: &Path) -> Result<Catalog> {
        let version = std::fs::read_to_string(dir.join("VERSION"))
            .with_context(|| format!("reading {}", dir.join("VERSION").display()))?
            .trim()
            .to_string();
        let conn = crate::warehouse::embedded_duckdb()?;
        for file in read_sql_files(&dir.join("tables"))? {
            conn.execute_batch(&file.sql)
                .with_context(|| format!("schema error in {}", file.path.display()))?;
        }
        let mut definitions = read_sql_files(&dir.join("macros"))?;
        definitions.extend(read_sql_files(&dir.join("views"))?);
        let tables = read_tables(&conn)?;
        Ok(Catalog {
            version,
            tables,
            definitions,
        })
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

pub fn read_sql_files(dir: &Path) -> Result<Vec<SqlFile>> {
    files_with_ext(dir, "sql")?
        .into_iter()
        .map(|path| {
            let sql = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            Ok(SqlFile { path, sql })
        })
        .collect()
}

/// constraint_type, expression, columns, referenced table, referenced columns.
type ConstraintRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn split_list(s: Option<String>) -> Vec<String> {
    s.filter(|s| !s.is_empty())
        .map(|s| s.split('\u{1f}').map(str::to_string).collect())
        .unwrap_or_default()
}

fn read_tables(conn: &Connection) -> Result<Vec<Table>> {
    let mut stmt =
        conn.prepare("SELECT table_name, comment FROM duckdb_tables() ORDER BY table_oid")?;
    let names: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<duckdb::Result<_>>()?;

    let mut cols_stmt = conn.prepare(
        "SELECT column_name, data_type, is_nullable, comment FROM duckdb_columns()
         WHERE table_name = ? ORDER BY column_index",
    )?;
    // \x1f joins list elements: a separator no identifier or expression contains.
    let mut cons_stmt = conn.prepare(
        "SELECT constraint_type, expression,
                array_to_string(constraint_column_names, chr(31)),
                referenced_table, array_to_string(referenced_column_names, chr(31))
         FROM duckdb_constraints() WHERE table_name = ? ORDER BY constraint_index",
    )?;

    let mut tables = Vec::new();
    for (name, comment) in names {
        let columns: Vec<Column> = cols_stmt
            .query_map([&name], |r| {
                Ok(Column {
                    name: r.get(0)?,
                    sql_type: r.get(1)?,
                    nullable: r.get(2)?,
                    comment: r.get(3)?,
                })
            })?
            .collect::<duckdb::Result<_>>()?;
        let mut constraints = Vec::new();
        let rows: Vec<ConstraintRow> = cons_stmt
            .query_map([&name], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<duckdb::Result<_>>()?;
        for (kind, expression, cols, ref_table, ref_cols) in rows {
            let columns = split_list(cols);
            match kind.as_str() {
                "CHECK" => constraints.push(Constraint::Check {
                    expression: expression.unwrap_or_default(),
                    columns,
                }),
                "PRIMARY KEY" | "UNIQUE" => constraints.push(Constraint::Unique { columns }),
                "FOREIGN KEY" => constraints.push(Constraint::ForeignKey {
                    columns,
                    table: ref_table.unwrap_or_default(),
                    ref_columns: split_list(ref_cols),
                }),
                _ => {} // NOT NULL comes from the column's nullability
            }
        }
        let schema = arrow_schema(conn, &name, comment.as_deref(), &columns)?;
        tables.push(Table {
            name,
            comment,
            columns,
            schema,
            constraints,
        });
    }
    Ok(tables)
}

/// DuckDB's own Arrow mapping of the DDL types, with nullability and comments added.
fn arrow_schema(
    conn: &Connection,
    table: &str,
    comment: Option<&str>,
    columns: &[Column],
) -> Result<SchemaRef> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
    let arrow = stmt.query_arrow([])?;
    let duck = arrow.get_schema();
    let fields: Vec<Field> = duck
        .fields()
        .iter()
        .zip(columns)
        .map(|(f, c)| {
            let mut meta = HashMap::new();
            if let Some(text) = &c.comment {
                meta.insert("description".to_string(), text.clone());
            }
            meta.insert("sql_type".to_string(), c.sql_type.clone());
            Field::new(&c.name, f.data_type().clone(), c.nullable).with_metadata(meta)
        })
        .collect();
    let mut meta = HashMap::new();
    if let Some(text) = comment {
        meta.insert("description".to_string(), text.to_string());
    }
    Ok(Arc::new(Schema::new_with_metadata(fields, meta)))
}
