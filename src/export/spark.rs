//! The export in Spark SQL: `spark/tables.sql` registers every exported Parquet table with its
//! columns, types and comments (`spark-sql -f spark/tables.sql`), and `spark/reports/` holds the
//! canned reports rewritten for Spark where they can run there (macros expanded, parameters at
//! their defaults, DuckDB-only functions rewritten); `spark/UNPORTED.md` names the rest and why.

use super::ExportTable;
use crate::sql::report;
use anyhow::Result;
use std::fmt::Write as _;
use std::path::Path;

/// A column type of the schema (or of Arrow, for views) in Spark SQL.
fn spark_type(t: &str) -> String {
    let upper = t.to_uppercase();
    if let Some(rest) = upper.strip_prefix("DECIMAL128") {
        return format!("DECIMAL{}", rest.replace(' ', ""));
    }
    match upper.as_str() {
        "VARCHAR" | "UTF8" | "TEXT" => "STRING".into(),
        "INTEGER" | "INT32" => "INT".into(),
        "BIGINT" | "INT64" => "BIGINT".into(),
        "DATE" | "DATE32" => "DATE".into(),
        "BOOLEAN" => "BOOLEAN".into(),
        "DOUBLE" | "FLOAT64" => "DOUBLE".into(),
        other if other.starts_with("DECIMAL") => other.replace(' ', ""),
        _ => "STRING".into(),
    }
}

/// A Spark SQL string literal. A `;` is written as the escape `\u003B`, which Spark reads back as
/// `;`: scripts are often run by splitting them on every `;`, which must find only statement ends.
fn literal(s: &str) -> String {
    format!(
        "'{}'",
        s.replace('\\', "\\\\")
            .replace('\'', "\\'")
            .replace(';', "\\u003B")
    )
}

/// `CREATE TABLE` statements for the exported tables, reading the files under `dir` (where the
/// export will be, not where it is being written).
pub fn tables_sql(dir: &Path, tables: &[ExportTable]) -> String {
    let mut sql = String::from(
        "-- Registers the iijwh export in Spark: spark-sql -f spark/tables.sql (or spark.sql per statement).\n",
    );
    for t in tables {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let comment = c
                    .description
                    .as_deref()
                    .map(|d| format!(" COMMENT {}", literal(d)))
                    .unwrap_or_default();
                format!("  `{}` {}{comment}", c.name, spark_type(&c.sql_type))
            })
            .collect();
        let _ = writeln!(sql, "DROP TABLE IF EXISTS `{}`;", t.name);
        let comment = t
            .description
            .as_deref()
            .map(|d| format!("\nCOMMENT {}", literal(d)))
            .unwrap_or_default();
        match &t.partitioned_by {
            Some(column) => {
                // The key lives in the folder names (company_id=iij/), not in the files:
                // company_id is text, fiscal_year (computed from the period) an integer.
                let key_type = if column == "company_id" {
                    "STRING"
                } else {
                    "INT"
                };
                let cols: Vec<&String> = t
                    .columns
                    .iter()
                    .zip(&cols)
                    .filter(|(c, _)| &c.name != column)
                    .map(|(_, text)| text)
                    .collect();
                let cols: Vec<&str> = cols.iter().map(|c| c.as_str()).collect();
                let _ = writeln!(
                    sql,
                    "CREATE TABLE `{0}` (\n{1},\n  `{column}` {key_type}\n) USING parquet\nPARTITIONED BY (`{column}`){comment}\nLOCATION {2};\nALTER TABLE `{0}` RECOVER PARTITIONS;",
                    t.name,
                    cols.join(",\n"),
                    literal(&dir.join(&t.name).to_string_lossy())
                );
            }
            None => {
                let _ = writeln!(
                    sql,
                    "CREATE TABLE `{0}` (\n{1}\n) USING parquet{comment}\nLOCATION {2};",
                    t.name,
                    cols.join(",\n"),
                    literal(&dir.join(format!("{}.parquet", t.name)).to_string_lossy())
                );
            }
        }
    }
    sql
}

/// What keeps a report from running in Spark, if anything.
fn unportable(sql: &str) -> Option<&'static str> {
    let lower = sql.to_lowercase();
    for (needle, why) in [
        ("figure_revisions", "reads figure_revisions, a view of every release's printings that the export does not carry"),
        ("company_releases", "reads the session's vintage (company_releases), which the export has already applied"),
        ("vintage_", "reads the session's vintage views, which the export has already applied"),
        ("raw.", "reads the raw per-release tables, which the export does not carry"),
        ("prev_quarter(", "uses prev_quarter/year_ago in join conditions: Spark does not run correlated subqueries there"),
        ("year_ago(", "uses prev_quarter/year_ago in join conditions: Spark does not run correlated subqueries there"),
    ] {
        if lower.contains(needle) {
            return Some(why);
        }
    }
    None
}

/// The arguments of a call whose `(` is at `open`: (args, index after the closing `)`).
fn call_args(sql: &str, open: usize) -> Option<(Vec<String>, usize)> {
    let mut depth = 0;
    let mut args = Vec::new();
    let mut start = open + 1;
    let mut quote = false;
    for (i, c) in sql[open..].char_indices() {
        let at = open + i;
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            '[' if !quote => depth += 1,
            ']' if !quote => depth -= 1,
            ')' if !quote => {
                depth -= 1;
                if depth == 0 {
                    args.push(sql[start..at].trim().to_string());
                    return Some((args, at + 1));
                }
            }
            ',' if !quote && depth == 1 => {
                args.push(sql[start..at].trim().to_string());
                start = at + 1;
            }
            _ => {}
        }
    }
    None
}

/// Replace every call `name(a, b, ...)` by `template` with `{0}`, `{1}`... filled in.
fn expand(sql: &str, name: &str, template: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find(&format!("{name}(")) {
        let boundary = rest[..at]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let open = at + name.len();
        match (boundary, call_args(rest, open)) {
            (true, Some((args, end))) => {
                let mut text = template.to_string();
                for (i, a) in args.iter().enumerate() {
                    text = text.replace(&format!("{{{i}}}"), a);
                }
                out.push_str(&rest[..at]);
                out.push_str(&text);
                rest = &rest[end..];
            }
            _ => {
                out.push_str(&rest[..open]);
                rest = &rest[open..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A report's SQL for Spark: parameters at their defaults, macros expanded, DuckDB-only calls
/// rewritten.
pub fn port(r: &crate::schema::SqlFile) -> std::result::Result<String, String> {
    let sql: String = r
        .sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(why) = unportable(&sql) {
        return Err(why.to_string());
    }
    let mut sql = sql;
    let params = report::params(r).map_err(|e| e.to_string())?;
    for p in &params {
        let Some(default) = &p.default else {
            return Err(format!("parameter {} has no default", p.name));
        };
        sql = sql.replace(
            &format!("${}", p.name),
            &format!("'{}'", default.replace('\'', "\\'")),
        );
    }
    sql = expand(&sql, "growth_pct", "(({0}) / ({1}) - 1) * 100");
    sql = expand(&sql, "share_pct", "(({0}) / ({1}) * 100)");
    sql = expand(&sql, "list_position", "array_position({0}, {1})");
    sql = port_string_agg(&sql).replace("collect_set(DISTINCT ", "collect_set(");
    // DuckDB list literals (`['a', 'b']`) and the ORDER BY inside an aggregate.
    // Spark quotes identifiers with backticks (`"2Q06"` is a column name in DuckDB).
    let sql = strip_order_in_separator(&sql)
        .replace('[', "array(")
        .replace(']', ")")
        .replace('"', "`");
    Ok(format!("{};\n", sql.trim().trim_end_matches(';')))
}

/// `string_agg(DISTINCT x, ', ' ORDER BY x) [FILTER (WHERE ...)]` as Spark's
/// `array_join(array_sort(collect_set(x) [FILTER (WHERE ...)]), ', ')`.
fn port_string_agg(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find("string_agg(") {
        let open = at + "string_agg".len();
        let Some((args, mut end)) = call_args(rest, open) else {
            break;
        };
        let mut filter = String::new();
        let after = &rest[end..];
        let trimmed = after.trim_start();
        if trimmed.starts_with("FILTER (") {
            let paren = end + (after.len() - trimmed.len()) + "FILTER ".len();
            if let Some((inner, close)) = call_args(rest, paren) {
                filter = format!(" FILTER ({})", inner.join(", "));
                end = close;
            }
        }
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            "array_join(array_sort(collect_set({}){filter}), {})",
            args.first().cloned().unwrap_or_default(),
            args.get(1).cloned().unwrap_or_else(|| "','".into())
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `', ' ORDER BY r.line` inside string_agg's separator argument: Spark sorts with array_sort.
fn strip_order_in_separator(sql: &str) -> String {
    let mut out = sql.to_string();
    while let Some(at) = out.find("' ORDER BY ") {
        let end = out[at..].find(')').map_or(out.len(), |e| at + e);
        out.replace_range(at + 1..end, "");
    }
    out
}

/// A ported report over an export of several companies, narrowed to `company` as an iijwh
/// session is: each table it reads whose iijwh view shows one company (see
/// `super::shows_every_company`) is shadowed by a CTE of that company's rows (its partition,
/// so Spark reads that company's folder only; or, in one file, by its company_id or by the
/// company's releases).
fn for_company(sql: &str, tables: &[ExportTable], company: &str) -> String {
    let words = crate::schema::sqlfile::words(sql);
    let has = |t: &ExportTable, c: &str| t.columns.iter().any(|col| col.name == c);
    let ctes: Vec<String> = tables
        .iter()
        .filter(|t| !super::shows_every_company(&t.name) && words.contains(&t.name))
        .filter_map(|t| {
            let filter = match t.partitioned_by.as_deref() {
                Some("company_id") => "company_id = {1}",
                Some(_) => return None,
                None if t.name == "companies" => return None,
                None if has(t, "company_id") => "company_id = {1}",
                None if has(t, "release_id") => {
                    "release_id IN (SELECT release_id FROM spark_catalog.default.`releases` \
                     WHERE company_id = {1})"
                }
                None => return None,
            };
            Some(
                format!("`{{0}}` AS (SELECT * FROM spark_catalog.default.`{{0}}` WHERE {filter})")
                    .replace("{0}", &t.name)
                    .replace("{1}", &literal(company)),
            )
        })
        .collect();
    if ctes.is_empty() {
        return sql.to_string();
    }
    let body = sql.trim_start();
    match body.get(..5).filter(|w| w.eq_ignore_ascii_case("with ")) {
        Some(_) => format!("WITH {},\n{}", ctes.join(",\n"), &body[5..]),
        None => format!("WITH {}\n{body}", ctes.join(",\n")),
    }
}

/// Write spark/tables.sql, spark/reports/*.sql and spark/UNPORTED.md into `out` (the staged
/// export), for an export that will be at `dir`; `company`, for an export of several
/// companies, is the one the reports answer for, as an iijwh session does: the session's, or a
/// report's own (`-- company:`, see `report::company`) when it is among `headed` (the loaded
/// companies a report's header may name; empty when `--company` chose one).
pub fn write(
    project: &crate::base::project::Project,
    dir: &Path,
    out: &Path,
    tables: &[ExportTable],
    company: Option<&str>,
    headed: &[String],
) -> Result<()> {
    let spark = out.join("spark");
    std::fs::create_dir_all(spark.join("reports"))?;
    std::fs::write(spark.join("tables.sql"), tables_sql(dir, tables))?;
    let mut unported = String::from(
        "# Reports not ported to Spark SQL\n\nThe other reports are in reports/, with parameters at their defaults.\n\n",
    );
    let by_hand = project.queries_dir().join("spark");
    for r in report::all(project)? {
        // A report ported by hand (queries/spark/NAME.sql: one the automatic port cannot
        // translate) is written as it is.
        let own_port = by_hand.join(format!("{}.sql", r.name));
        if own_port.is_file() {
            std::fs::copy(
                &own_port,
                spark.join("reports").join(format!("{}.sql", r.name)),
            )?;
            continue;
        }
        match port(&r) {
            Ok(sql) => {
                let own = report::company(&r).filter(|c| headed.iter().any(|h| h == c));
                let sql = match own.or(company) {
                    Some(company) => for_company(&sql, tables, company),
                    None => sql,
                };
                std::fs::write(spark.join("reports").join(format!("{}.sql", r.name)), sql)?
            }
            Err(why) => {
                let _ = writeln!(unported, "- `{}`: {why}", r.name);
            }
        }
    }
    std::fs::write(spark.join("UNPORTED.md"), unported)?;
    Ok(())
}
