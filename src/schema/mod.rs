//! The schema: `schema/` DDL is the single source of truth. DuckDB itself parses it, and the
//! catalog (tables, Arrow schemas, column comments, constraints) is read back from DuckDB. Parsing
//! a few hundred DDL statements takes DuckDB ~0.2 s, so the catalog is cached as JSON keyed by a
//! hash of the DDL: a changed DDL file is parsed again. Also the SQL file header (`sqlfile`).
//!
//! Who may call it: everything above base. It imports base only.

pub mod sqlfile;

use crate::base::files_with_ext;
use crate::base::project::Project;
use anyhow::{Context, Result};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use duckdb::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
pub use sqlfile::SqlFile;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Catalog {
    pub version: String,
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    /// Built from the columns (not stored in the cache).
    #[serde(skip, default = "empty_schema")]
    pub schema: SchemaRef,
    pub constraints: Vec<Constraint>,
}

fn empty_schema() -> SchemaRef {
    Arc::new(Schema::empty())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub sql_type: String,
    /// DuckDB's Arrow type for the column, as Arrow prints it (e.g. `Decimal128(18, 6)`).
    pub arrow_type: String,
    pub nullable: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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
        let conn = crate::base::open_duckdb()?;
        // The tables in the order the files create them (a table's references come first): not
        // DuckDB's table_oid, which a COMMENT ON renews in some versions.
        let mut order: Vec<String> = Vec::new();
        for file in read_sql_files(&dir.join("tables"))? {
            conn.execute_batch(&file.sql)
                .with_context(|| format!("schema error in {}", file.path.display()))?;
            let mut stmt = conn.prepare("SELECT table_name FROM duckdb_tables() ORDER BY 1")?;
            let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for name in names {
                let name = name?;
                if !order.contains(&name) {
                    order.push(name);
                }
            }
        }
        let mut tables = read_tables(&conn)?;
        tables.sort_by_key(|t| order.iter().position(|n| *n == t.name));
        Ok(Catalog { version, tables })
    }

    /// The project's catalog, through the cache beside its warehouse, which only the load writes
    /// (see `for_load`): every other command leaves the warehouse as it is.
    pub fn of(project: &Project) -> Result<Catalog> {
        Catalog::load_cached(&project.schema_dir(), &project.catalog_cache(), false)
    }

    /// The catalog for a load, which (re)writes the cache when it was stale.
    pub fn for_load(project: &Project) -> Result<Catalog> {
        Catalog::load_cached(&project.schema_dir(), &project.catalog_cache(), true)
    }

    /// `load`, through a cache file: reused while the DDL and iijwh are unchanged, and written
    /// when `write` and it was not.
    pub fn load_cached(dir: &Path, cache: &Path, write: bool) -> Result<Catalog> {
        // The cache's own format (2: tables in file order), schema/VERSION and the DDL.
        let version = std::fs::read(dir.join("VERSION")).unwrap_or_default();
        let key = digest(dir, &["tables"], &[b"2", &version])?;
        if let Ok(text) = crate::base::read_text_bounded(cache) {
            if let Ok((cached_key, mut catalog)) = serde_json::from_str::<(String, Catalog)>(&text)
            {
                if cached_key == key && catalog.build_schemas().is_ok() {
                    return Ok(catalog);
                }
            }
        }
        let catalog = Catalog::load(dir)?;
        if !write {
            return Ok(catalog);
        }
        // Best effort: a cache that cannot be written only costs the next run the parse.
        if let Some(parent) = cache.parent() {
            let tmp = parent.join(format!(".schema-cache-{}.json", std::process::id()));
            if std::fs::create_dir_all(parent).is_ok()
                && std::fs::write(&tmp, serde_json::to_string(&(&key, &catalog))?).is_ok()
            {
                let _ = std::fs::rename(&tmp, cache);
            }
        }
        Ok(catalog)
    }

    fn build_schemas(&mut self) -> Result<()> {
        for t in &mut self.tables {
            t.schema = build_schema(t.comment.as_deref(), &t.columns)?;
        }
        Ok(())
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns whose comment carries `note`, e.g. `(periods.period)`: how the DDL declares a
    /// reference a foreign key cannot (one through the row's release to its company).
    pub fn columns_noting(&self, note: &str) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.comment.as_deref().is_some_and(|t| t.contains(note)))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Hash of iijwh's version, `extra`, and the name and text of every `.sql` file in the `subs`
/// folders of schema/ `dir`: what a cache built from those files is keyed by.
pub fn digest(dir: &Path, subs: &[&str], extra: &[&[u8]]) -> Result<String> {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for bytes in extra {
        hasher.update(bytes);
        hasher.update([0]);
    }
    for sub in subs {
        for file in read_sql_files(&dir.join(sub))? {
            hasher.update(file.path.file_name().unwrap_or_default().as_encoded_bytes());
            hasher.update([0]);
            hasher.update(file.sql.as_bytes());
            hasher.update([0]);
        }
    }
    Ok(crate::base::hex(&hasher.finalize()))
}

/// The `.sql` files of a folder, in name order.
pub fn read_sql_files(dir: &Path) -> Result<Vec<SqlFile>> {
    files_with_ext(dir, "sql")?
        .iter()
        .map(|p| SqlFile::read(p))
        .collect()
}

/// `view` and the views and macros of schema/ that read it, directly or through one another: a
/// `CREATE` statement makes the view or macro named by the word after `VIEW` or `MACRO` (they
/// name no schema) and reads every name it mentions (see `sqlfile::words`).
pub fn views_reading(schema_dir: &Path, view: &str) -> Result<HashSet<String>> {
    let mut reads: Vec<(String, HashSet<String>)> = Vec::new();
    for sub in ["macros", "views"] {
        for file in read_sql_files(&schema_dir.join(sub))? {
            let words = sqlfile::words(&file.sql);
            for statement in words.split(|w| w == ";") {
                if statement.first().map(String::as_str) != Some("create") {
                    continue;
                }
                let kind = statement.iter().position(|w| w == "view" || w == "macro");
                if let Some(name) = kind.and_then(|at| statement.get(at + 1)) {
                    reads.push((name.clone(), statement.iter().cloned().collect()));
                }
            }
        }
    }
    let mut found = HashSet::from([view.to_lowercase()]);
    loop {
        let more: Vec<String> = reads
            .iter()
            .filter(|(name, words)| {
                !found.contains(name) && words.iter().any(|w| found.contains(w))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return Ok(found);
        }
        found.extend(more);
    }
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
        let mut columns: Vec<Column> = cols_stmt
            .query_map([&name], |r| {
                Ok(Column {
                    name: r.get(0)?,
                    sql_type: r.get(1)?,
                    arrow_type: String::new(),
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
        for (c, t) in columns.iter_mut().zip(duckdb_arrow_types(conn, &name)?) {
            c.arrow_type = t.to_string();
        }
        let schema = build_schema(comment.as_deref(), &columns)?;
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

/// DuckDB's own Arrow mapping of a table's column types.
fn duckdb_arrow_types(conn: &Connection, table: &str) -> Result<Vec<DataType>> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
    let arrow = stmt.query_arrow([])?;
    Ok(arrow
        .get_schema()
        .fields()
        .iter()
        .map(|f| f.data_type().clone())
        .collect())
}

/// The Arrow schema of a table: DuckDB's types with the DDL's nullability and comments.
fn build_schema(comment: Option<&str>, columns: &[Column]) -> Result<SchemaRef> {
    let fields = columns
        .iter()
        .map(|c| {
            let data_type: DataType = c
                .arrow_type
                .parse()
                .with_context(|| format!("unknown Arrow type {}", c.arrow_type))?;
            let mut meta = HashMap::new();
            if let Some(text) = &c.comment {
                meta.insert("description".to_string(), text.clone());
            }
            meta.insert("sql_type".to_string(), c.sql_type.clone());
            Ok(Field::new(&c.name, data_type, c.nullable).with_metadata(meta))
        })
        .collect::<Result<Vec<Field>>>()?;
    let mut meta = HashMap::new();
    if let Some(text) = comment {
        meta.insert("description".to_string(), text.to_string());
    }
    Ok(Arc::new(Schema::new_with_metadata(fields, meta)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which views read `figures` (the load runs the rules that read none of them early): the
    /// revisions read it through release_figures; the vintage views read the raw tables.
    #[test]
    fn views_reading_figures_follow_the_views_through_one_another() {
        let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
        let late = views_reading(&schema, "figures").unwrap();
        for view in [
            "figures",
            "release_figures",
            "figure_revisions",
            "release_diff",
        ] {
            assert!(late.contains(view), "{view} reads figures: {late:?}");
        }
        for view in [
            "revenue_lines",
            "income_items",
            "vintage_releases",
            "statements",
        ] {
            assert!(
                !late.contains(view),
                "{view} does not read figures: {late:?}"
            );
        }
        let rule = |name: &str| {
            let sql = std::fs::read_to_string(schema.join("checks").join(format!("{name}.sql")));
            sqlfile::words(&sql.unwrap())
                .iter()
                .any(|w| late.contains(w))
        };
        assert!(rule("unexplained_changes"));
        assert!(rule("stated_growth_rates"));
        assert!(rule("parts_sum_to_totals"));
        assert!(!rule("cash_ties_to_balance_sheet"));
        assert!(!rule("balance_sheet_changes"));
        let words =
            sqlfile::words("SELECT a.\"Figures\" -- figures\n, 'figures' /* figures; */ FROM t; x");
        assert_eq!(words, ["select", "a", "figures", "from", "t", ";", "x"]);
    }

    fn copy_schema(to: &Path) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema");
        std::fs::create_dir_all(to.join("tables")).unwrap();
        std::fs::copy(from.join("VERSION"), to.join("VERSION")).unwrap();
        for f in read_sql_files(&from.join("tables")).unwrap() {
            std::fs::write(to.join("tables").join(f.path.file_name().unwrap()), f.sql).unwrap();
        }
    }

    #[test]
    fn cached_catalog_matches_the_ddl_and_follows_its_changes() {
        let dir = tempfile::tempdir().unwrap();
        let schema = dir.path().join("schema");
        copy_schema(&schema);
        let cache = dir.path().join("cache.json");
        let fresh = Catalog::load(&schema).unwrap();
        let first = Catalog::load_cached(&schema, &cache, true).unwrap();
        assert!(cache.exists());
        let cached = Catalog::load_cached(&schema, &cache, true).unwrap();
        for catalog in [&first, &cached] {
            assert_eq!(catalog.tables.len(), fresh.tables.len());
            for (a, b) in catalog.tables.iter().zip(&fresh.tables) {
                assert_eq!(a.schema, b.schema, "table {}", a.name);
                assert_eq!(a.constraints.len(), b.constraints.len());
            }
        }
        let kpis = cached.table("kpis").unwrap();
        assert_eq!(
            kpis.schema.field_with_name("value").unwrap().data_type(),
            &DataType::Decimal128(18, 6)
        );
        // A changed comment in the DDL is seen on the next load.
        let ddl = schema.join("tables").join("10_kpis.sql");
        let text = std::fs::read_to_string(&ddl).unwrap();
        std::fs::write(
            &ddl,
            text.replace(
                "'Unit of value (units.unit): e.g. contracts, Gbps or %'",
                "'contracts, Gbps or percent'",
            ),
        )
        .unwrap();
        let changed = Catalog::load_cached(&schema, &cache, true).unwrap();
        let unit = changed.table("kpis").unwrap().column("unit").unwrap();
        assert_eq!(unit.comment.as_deref(), Some("contracts, Gbps or percent"));
    }
}
