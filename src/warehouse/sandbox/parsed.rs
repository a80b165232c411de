//! What DuckDB's own parser finds in SQL text, for the sandbox: the statements, their kinds and
//! every function they call. The text is parsed (never bound or run) on a small in-memory DuckDB
//! of its own that holds nothing, and a SELECT's tree is read from `json_serialize_sql` (the json
//! extension), so no comment, quote or escape can hide a call: DuckDB reads the text once, and
//! the sandbox judges what DuckDB read.
//!
//! Who may call it: `sandbox` (its parent) only.

use anyhow::{bail, Context, Result};
use duckdb::Connection;
use std::sync::{Mutex, OnceLock};

/// Functions a sandboxed session may not call, whatever else the statement does: those that
/// switch logging on (to a file the sandbox cannot write, which aborts DuckDB at exit) or off,
/// those that run SQL built from text (the parse cannot see what that text will call), and those
/// that read files by name (the session's rows are its catalog's relations; DuckDB's own access
/// check refuses any file but the generation's, and these are refused before it, by name).
const REFUSED: [&str; 12] = [
    "enable_logging",
    "disable_logging",
    "truncate_duckdb_logs",
    "write_log",
    "query",
    "query_table",
    "glob",
    "parquet_scan",
    "csv_scan",
    "checkpoint",
    "force_checkpoint",
    "json_execute_serialized_sql",
];

/// Prefixes of the families of file-reading functions (`read_csv`, `read_text`,
/// `parquet_metadata`, `sniff_csv`, `iceberg_scan` ...).
const REFUSED_PREFIXES: [&str; 6] = [
    "read_",
    "parquet_",
    "sniff_",
    "iceberg_",
    "delta_",
    "json_execute",
];

/// How `collect_functions` marks a table named by a path.
const FILE_AS_TABLE: &str = "FROM '";

fn refused_function(name: &str) -> bool {
    if name.starts_with(FILE_AS_TABLE) {
        return true;
    }
    let name = name.to_ascii_lowercase();
    REFUSED.contains(&name.as_str()) || REFUSED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// The statements a sandboxed session runs beside queries, by their first keyword (read only
/// from text DuckDB found to be one statement that is not a SELECT, and holds no comment, so
/// the first word is the one DuckDB read first). Each is checked further in `refusal`.
const OTHER_STATEMENTS: [&str; 15] = [
    "set",
    "reset",
    "pragma",
    "call",
    "explain",
    "describe",
    "show",
    "summarize",
    "begin",
    "commit",
    "rollback",
    "abort",
    "start",
    "end",
    "create",
];

/// Why `sql` may not run in a sandboxed session, if it may not. `quick` first: text that
/// plainly holds queries only, calling nothing refused, is not parsed at all.
pub(super) fn refusal(sql: &str, serialize: Serialize) -> Option<String> {
    if plainly_queries(sql) {
        return None;
    }
    match judge(sql, serialize) {
        Ok(None) => None,
        Ok(Some(why)) => Some(format!("Permission Error: {why}")),
        // Text DuckDB cannot parse fails when run, with DuckDB's message.
        Err(_) => None,
    }
}

/// True when the text can hold nothing the sandbox refuses, without parsing it: no character
/// that could make a comment, an escape or another quoting (so the words are DuckDB's words),
/// every statement starts with a query's keyword, and no word is or starts like a refused
/// function. Anything else is parsed (`judge`).
fn plainly_queries(sql: &str) -> bool {
    if sql.contains("--")
        || sql.contains("/*")
        || sql.contains('\\')
        || sql.contains('$')
        || sql.contains('&')
        || sql.contains('"')
    {
        return false;
    }
    let lower = sql.to_ascii_lowercase();
    if REFUSED.iter().any(|name| lower.contains(name))
        || REFUSED_PREFIXES.iter().any(|p| lower.contains(p))
    {
        return false;
    }
    const QUERY_STARTS: [&str; 7] = [
        "select", "with", "from", "values", "table", "pivot", "unpivot",
    ];
    use crate::schema::sqlfile::{tokens, Token};
    let mut starting = true;
    for token in tokens(sql) {
        match token {
            Token::Semicolon => starting = true,
            Token::Word(w) if starting => {
                if !QUERY_STARTS.contains(&w.as_str()) {
                    return false;
                }
                starting = false;
            }
            // A literal that could be a path: `FROM 'x.parquet'` reads the file it names.
            Token::Literal(text) if text.contains(['/', '\\', '.']) => return false,
            _ => {}
        }
    }
    true
}

/// DuckDB's parse of `sql`, judged: every statement a query calling no refused function, or one
/// of `OTHER_STATEMENTS` whose parts are judged the same way.
fn judge(sql: &str, serialize: Serialize) -> Result<Option<String>> {
    // The usual case, every statement a query: one parse judges them all.
    if let Some(functions) = select_functions(sql, serialize)? {
        return Ok(functions
            .iter()
            .find(|f| refused_function(f))
            .map(|f| refused_message(f)));
    }
    let Cut::Statements(statements) = statements(sql)? else {
        return Ok(Some(UNSURE.into()));
    };
    for statement in &statements {
        if let Some(why) = judge_one(statement, 0, serialize)? {
            return Ok(Some(why));
        }
    }
    Ok(None)
}

fn judge_one(statement: &str, depth: usize, serialize: Serialize) -> Result<Option<String>> {
    if depth > 4 {
        return Ok(Some(
            "the sandbox does not run statements nested this deep".into(),
        ));
    }
    if let Some(functions) = select_functions(statement, serialize)? {
        return Ok(functions
            .iter()
            .find(|f| refused_function(f))
            .map(|f| refused_message(f)));
    }
    // Not a SELECT: its first keyword, which is DuckDB's first token once no comment is left.
    if statement.contains("--") || statement.contains("/*") {
        return Ok(Some(
            "the sandbox runs statements other than queries only when they hold no comment; \
             write this one without comments"
                .into(),
        ));
    }
    let trimmed = statement.trim_start();
    let first: String = trimmed
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    let rest = trimmed[first.len()..].trim();
    if !OTHER_STATEMENTS.contains(&first.as_str()) {
        return Ok(Some(not_run(&first)));
    }
    let query_in = |text: &str| -> Result<Option<String>> {
        match statements(text) {
            Ok(Cut::Statements(inner)) if inner.len() == 1 => {
                judge_one(&inner[0], depth + 1, serialize)
            }
            _ => Ok(Some(format!(
                "the sandbox could not read `{}` as one query",
                shorten(text)
            ))),
        }
    };
    match first.as_str() {
        // Settings are locked (DuckDB refuses them); a variable's value is an expression.
        "set" | "reset" => match rest.split_once(['=']) {
            Some((_, value)) => query_in(&format!("SELECT {value}")),
            None => match rest.to_ascii_lowercase().split_once(" to ") {
                Some(_) => {
                    let at = rest.to_ascii_lowercase().find(" to ").unwrap_or(0) + 4;
                    query_in(&format!("SELECT {}", &rest[at..]))
                }
                None => Ok(None),
            },
        },
        // A pragma names a function of DuckDB's; its arguments are constants.
        "pragma" => {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            Ok(refused_function(&name).then(|| refused_message(&name)))
        }
        "call" => query_in(&format!("SELECT * FROM {rest}")),
        "explain" => {
            let inner = strip_word(rest, "analyze");
            query_in(inner)
        }
        // DESCRIBE/SHOW/SUMMARIZE of a name reads the catalog; of a query, that query.
        "describe" | "show" | "summarize" => {
            if rest
                .chars()
                .all(|c| c.is_alphanumeric() || "_. ".contains(c))
            {
                Ok(None)
            } else {
                query_in(rest)
            }
        }
        "create" => judge_create(rest, &query_in),
        // Transactions touch nothing but the session.
        _ => Ok(None),
    }
}

/// `CREATE TEMP TABLE name AS query`, `CREATE TEMP VIEW name AS query`, or a temporary table's
/// columns: the scratch tables docs/sql.md offers. Nothing else is created (a macro's body is
/// bound only when called, so the parse of its CREATE cannot judge what it will call).
fn judge_create(
    rest: &str,
    query_in: &dyn Fn(&str) -> Result<Option<String>>,
) -> Result<Option<String>> {
    let lower = rest.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let temporary = words
        .iter()
        .take(4)
        .any(|w| *w == "temp" || *w == "temporary");
    let kind = words
        .iter()
        .take(5)
        .find(|w| **w == "table" || **w == "view" || **w == "macro" || **w == "function");
    if !temporary || !matches!(kind, Some(&"table") | Some(&"view")) {
        return Ok(Some(
            "the sandbox creates temporary tables and views only (CREATE TEMP TABLE name AS \
             query); the catalog is read-only"
                .into(),
        ));
    }
    match lower.find(" as ") {
        Some(at) => query_in(&rest[at + 4..]),
        None if lower.contains("select") || lower.contains("from") => Ok(Some(
            "the sandbox reads CREATE TEMP TABLE ... AS query only".into(),
        )),
        None => Ok(None),
    }
}

fn strip_word<'a>(text: &'a str, word: &str) -> &'a str {
    let head: String = text.chars().take(word.len()).collect();
    if head.eq_ignore_ascii_case(word) && text[head.len()..].starts_with(char::is_whitespace) {
        text[head.len()..].trim_start()
    } else {
        text
    }
}

fn shorten(text: &str) -> String {
    let t: String = text.chars().take(60).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn refused_message(function: &str) -> String {
    if function.starts_with(FILE_AS_TABLE) {
        return format!(
            "the sandbox reads no file named as a table ({function}): the session's rows are its \
             catalog's tables and views (use `iijwh export` for files, or `iijwh query \
             --allow-external`)"
        );
    }
    format!(
        "the sandbox does not run {function}(): it reads or writes files, switches logging, or \
         runs SQL from text; the session's rows are its catalog's tables and views (use `iijwh \
         export` for files, or `iijwh query --allow-external`)"
    )
}

fn not_run(first: &str) -> String {
    format!(
        "the sandbox does not run {}: it runs queries, SET, PRAGMA, CALL, EXPLAIN, DESCRIBE, \
         SHOW, SUMMARIZE, transactions and CREATE TEMP TABLE ... AS query (use `iijwh export` for \
         files, or `iijwh query --allow-external`)",
        if first.is_empty() {
            "this statement".to_string()
        } else {
            first.to_uppercase()
        }
    )
}

/// What serializes a text's parse tree: `json_serialize_sql` asked of a DuckDB connection (the
/// session's own, so judging a statement opens no second DuckDB).
pub(super) type Serialize<'a> = &'a dyn Fn(&str) -> Result<String>;

/// `json_serialize_sql(sql)` on `conn`: DuckDB parses the text, binds and runs nothing of it.
pub(super) fn serialize_on(conn: &Connection, sql: &str) -> Result<String> {
    conn.query_row(
        &format!(
            "SELECT json_serialize_sql({})",
            crate::base::sql_string(sql)
        ),
        [],
        |row| row.get(0),
    )
    .context("DuckDB's parser failed")
}

/// The text of each statement DuckDB's parser finds in `sql`, as DuckDB cuts it: an error when
/// DuckDB cannot parse the text; `Cut::Unsure` when several statements hold escapes, dollar
/// quotes or a cut DuckDB does not confirm.
pub(super) fn statements(sql: &str) -> Result<Cut> {
    if sql.contains('\0') {
        bail!("the SQL holds a NUL character");
    }
    let count = statement_count(sql)?;
    if count <= 1 {
        return Ok(Cut::Statements(vec![sql.to_string()]));
    }
    // Several statements: cut where a `;` stands outside quotes and comments. Escapes and
    // dollar quotes are the quoting that could make the cut differ from DuckDB's, so text with
    // them is not cut; and each piece must be one statement to DuckDB, as many as it counts.
    if sql.contains('\\') || sql.contains('$') {
        return Ok(Cut::Unsure);
    }
    let pieces: Vec<String> = split_on_semicolons(sql)
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect();
    if pieces.len() != count || pieces.iter().any(|p| statement_count(p).ok() != Some(1)) {
        return Ok(Cut::Unsure);
    }
    Ok(Cut::Statements(pieces))
}

/// The statements of a text, or that their ends are unsure.
pub(super) enum Cut {
    Statements(Vec<String>),
    Unsure,
}

const UNSURE: &str = "the sandbox cannot tell where these statements end (escapes, dollar quotes \
                      or nested comments); send them one at a time";

/// Cut at each `;` that the plain quoting rules (single and double quotes, `--` and `/* */`
/// comments, nested) leave outside; `statements` keeps the cut only where DuckDB agrees.
fn split_on_semicolons(sql: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut chars = sql.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        current.push(c);
        match c {
            '\'' | '"' if depth == 0 => {
                for d in chars.by_ref() {
                    current.push(d);
                    if d == c {
                        break;
                    }
                }
            }
            '-' if depth == 0 && chars.peek() == Some(&'-') => {
                for d in chars.by_ref() {
                    current.push(d);
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                current.push(chars.next().unwrap_or('*'));
                depth += 1;
            }
            '*' if depth > 0 && chars.peek() == Some(&'/') => {
                current.push(chars.next().unwrap_or('/'));
                depth -= 1;
            }
            ';' if depth == 0 => {
                current.pop();
                pieces.push(std::mem::take(&mut current));
            }
            _ => {}
        }
    }
    pieces.push(current);
    pieces
}

/// The functions a SELECT statement calls, by DuckDB's parse tree (scalar, aggregate, window and
/// table functions alike: each is a FUNCTION node with its `function_name`); None when the
/// statement is not a SELECT.
fn select_functions(statement: &str, serialize: Serialize) -> Result<Option<Vec<String>>> {
    let json = serialize(statement)?;
    let tree: serde_json::Value =
        serde_json::from_str(&json).context("reading DuckDB's parse tree")?;
    if tree.get("error").and_then(|e| e.as_bool()) == Some(true) {
        let message = tree
            .get("error_message")
            .and_then(|m| m.as_str())
            .unwrap_or_default();
        if message.contains("Only SELECT statements") {
            return Ok(None);
        }
        bail!("{message}");
    }
    let mut names = Vec::new();
    collect_functions(&tree, &mut names);
    Ok(Some(names))
}

/// The functions of a parse tree, and the tables it names by a path (`FROM '/x/y.parquet'`, which
/// DuckDB reads as a file: a replacement scan) as `FROM 'path'`, which `refused_function` refuses:
/// no catalog relation has a `/`, `\` or `.` in its name.
fn collect_functions(value: &serde_json::Value, names: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("type").and_then(|t| t.as_str()) == Some("BASE_TABLE") {
                if let Some(table) = map.get("table_name").and_then(|t| t.as_str()) {
                    if table.contains(['/', '\\', '.']) {
                        names.push(format!("{FILE_AS_TABLE}{table}'"));
                    }
                }
            }
            for (key, v) in map {
                if key == "function_name" {
                    if let Some(name) = v.as_str() {
                        names.push(name.to_string());
                    }
                } else {
                    collect_functions(v, names);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_functions(v, names)),
        _ => {}
    }
}

/// How many statements DuckDB's parser finds in `sql` (a parse error is an error); parsing runs
/// nothing.
pub(super) fn statement_count(sql: &str) -> Result<usize> {
    use duckdb::ffi;
    use std::ffi::{CStr, CString};
    /// The database is kept open for the connection's sake; it is never closed.
    struct Extractor(
        #[allow(dead_code)] ffi::duckdb_database,
        ffi::duckdb_connection,
    );
    // The handles are used under the mutex only.
    unsafe impl Send for Extractor {}
    static EXTRACTOR: OnceLock<std::result::Result<Mutex<Extractor>, String>> = OnceLock::new();
    let extractor = EXTRACTOR.get_or_init(|| {
        let (mut db, mut con) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: out-pointers to locals; a null path opens an in-memory database.
        let opened = unsafe {
            ffi::duckdb_open(std::ptr::null(), &mut db) == ffi::DuckDBSuccess
                && ffi::duckdb_connect(db, &mut con) == ffi::DuckDBSuccess
        };
        if opened {
            Ok(Mutex::new(Extractor(db, con)))
        } else {
            Err("DuckDB's parser failed to start".to_string())
        }
    });
    let extractor = extractor.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    let text = CString::new(sql).context("the SQL holds a NUL character")?;
    let guard = extractor
        .lock()
        .map_err(|_| anyhow::anyhow!("DuckDB's parser failed"))?;
    let mut extracted = std::ptr::null_mut();
    // SAFETY: a live connection (kept by the mutex), a NUL-terminated text and an out-pointer;
    // the extracted statements are destroyed below whatever the outcome.
    let (count, error) = unsafe {
        let count = ffi::duckdb_extract_statements(guard.1, text.as_ptr(), &mut extracted);
        let error = if count == 0 {
            let e = ffi::duckdb_extract_statements_error(extracted);
            (!e.is_null()).then(|| CStr::from_ptr(e).to_string_lossy().to_string())
        } else {
            None
        };
        ffi::duckdb_destroy_extracted(&mut extracted);
        (count, error)
    };
    match error {
        Some(e) => bail!("{e}"),
        None => Ok(count as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(sql: &str) -> Option<String> {
        let conn = Connection::open_in_memory().unwrap();
        refusal(sql, &|text| serialize_on(&conn, text))
    }

    fn refused(sql: &str) -> bool {
        judged(sql).is_some()
    }

    #[test]
    fn calls_are_found_by_the_parse_not_the_text() {
        assert!(refused(
            "CALL enable_logging/**/(level='trace', storage='file', storage_path='/tmp/x'); select 1"
        ));
        assert!(refused(
            "SELECT * FROM \"enable_logging\"(level := 'trace')"
        ));
        assert!(refused("select * from system.main.enable_logging()"));
        assert!(refused("SELECT * FROM read_text('/etc/passwd')"));
        assert!(refused("FROM glob('/tmp/*')"));
        assert!(refused(
            "SELECT 1 /* nested /* comment */ still */ ; SELECT * FROM query('select 1')"
        ));
        assert!(refused(
            "SELECT (SELECT count(*) FROM read_parquet('x.parquet'))"
        ));
        assert!(refused("COPY (SELECT 1) TO 'x.csv'"));
        assert!(refused("SELECT * FROM '/work/w/current/kpis/iij.parquet'"));
        assert!(refused("FROM 'kpis.parquet' SELECT count(*)"));
        assert!(refused(
            "SELECT * FROM (SELECT 1) a JOIN \"/etc/passwd\" b ON true"
        ));
        assert!(refused("SELECT 1; COPY (SELECT 1) TO 'x.csv'"));
        assert!(refused("ATTACH 'x.db'"));
        assert!(refused("EXPORT DATABASE '/tmp/x'"));
        assert!(refused("INSTALL httpfs"));
        assert!(refused("LOAD httpfs"));
        assert!(refused("CREATE MACRO m() AS TABLE SELECT 1"));
        assert!(refused(
            "CREATE TEMP MACRO m() AS TABLE FROM enable_logging()"
        ));
        assert!(refused(
            "CREATE TEMP TABLE t AS SELECT * FROM read_text('/etc/passwd')"
        ));
        assert!(refused(
            "EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')"
        ));
        assert!(refused(
            "SET VARIABLE x = (SELECT content FROM read_text('/etc/passwd'))"
        ));
        assert!(refused(
            "SELECT E'\\''; COPY (SELECT 1) TO 'x.csv'; SELECT ''"
        ));
        assert!(refused("SELECT $$;$$; COPY (SELECT 1) TO 'x.csv'"));
    }

    #[test]
    fn queries_and_their_kin_run() {
        for sql in [
            "SELECT 1",
            "select count(*) from revenue_lines where period = '2Q06'",
            "SELECT 'read_text(x)' AS looks_like_a_call",
            "SELECT 6 / 2 AS half, 'a/b' AS path_like_text",
            "SELECT * FROM raw.revenue_lines",
            "-- a comment\nSELECT repeat('x', 3)",
            "SELECT \"query\" FROM (SELECT 1 AS \"query\")",
            "WITH t AS (SELECT 1 AS a) SELECT a FROM t",
            "SET VARIABLE company = 'iij'",
            "DESCRIBE revenue_lines",
            "SHOW TABLES",
            "SUMMARIZE revenue_lines",
            "EXPLAIN SELECT 1",
            "PRAGMA version",
            "CALL pragma_version()",
            "CREATE TEMP TABLE t AS SELECT 1 AS a",
            "BEGIN",
        ] {
            assert!(judged(sql).is_none(), "{sql}: {:?}", judged(sql));
        }
    }

    #[test]
    fn plain_queries_are_not_parsed() {
        assert!(plainly_queries("SELECT 1; select 2"));
        assert!(!plainly_queries("SELECT * FROM '/tmp/x.parquet'"));
        assert!(!plainly_queries("FROM 'x.parquet'"));
        assert!(plainly_queries(
            "SELECT value / 2 FROM kpis WHERE period = '2Q06'"
        ));
        assert!(!plainly_queries("SELECT 1 -- x"));
        assert!(!plainly_queries("COPY x TO 'y'"));
        assert!(!plainly_queries("select * from read_text('x')"));
        assert!(!plainly_queries("select * from \"glob\"('x')"));
    }
}
