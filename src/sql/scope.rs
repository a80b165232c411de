//! Which statements read the figures of the session's company alone: for those, a command need
//! not check every release folder of data/ for changes before it answers, only the company's own
//! (see `warehouse::staleness::staleness_for_company`), which at 10,000 releases is the
//! difference between a few hundred `stat`s and ~90,000.
//!
//! The test is by the statement's text, and errs one way: a statement it is unsure of counts as
//! reading everything (the whole check then runs, as for any other statement). A statement reads
//! one company when it is one read (no `;` before more text, no SET, ATTACH, COPY ...), names
//! no relation, macro, schema or table function of the catalog but those of `ONE_COMPANY`, and
//! holds no string literal that could name a file (a `/`, `\`, `.`, `*` or `?` in it: DuckDB
//! reads `FROM 'x.parquet'` as a file).

use crate::schema::sqlfile::{tokens, Token};
use crate::warehouse::Reads;
use std::collections::HashSet;

/// The catalog's relations and macros that read nothing of data/'s releases but the session's
/// company's (each filters on vintage_company, see schema/views), or nothing of them at all:
/// units and standard concepts (schema/reference), company records (every one is checked).
/// The test `a_one_company_statement_checks_its_company_only` (tests/cli/incremental.rs) reads
/// each of them before and after another company's release changes.
pub const ONE_COMPANY_RELATIONS: &[&str] = &[
    "revenue_lines",
    "income_items",
    "cash_flows",
    "balance_sheet",
    "kpis",
    "subsidiaries",
    "company_profiles",
    "services",
    "statements",
    "unresolved",
    "periods",
    "company_releases",
    "vintage_company",
    "vintage_summary",
    "concepts",
    "companies",
    "units",
    "standard_concepts",
];

/// The fact and descriptive tables whose views show the session's company alone (each a table
/// of `raw` with a release_id, and of `latest`, see schema/views/12_latest.sql).
pub const LATEST_TABLES: &[&str] = &[
    "revenue_lines",
    "income_items",
    "cash_flows",
    "balance_sheet",
    "kpis",
    "subsidiaries",
    "company_profiles",
    "services",
    "statements",
    "unresolved",
];

/// The views of the session's company that statement `sql` names: its fact and descriptive
/// tables (`LATEST_TABLES`) and its periods, each once, in the order first named.
pub fn per_company_relations(sql: &str) -> Vec<&'static str> {
    let mut named = Vec::new();
    for token in tokens(sql) {
        let Token::Word(word) = token else { continue };
        let found = LATEST_TABLES
            .iter()
            .chain(&["periods"])
            .find(|t| **t == word);
        if let Some(t) = found {
            if !named.contains(t) {
                named.push(*t);
            }
        }
    }
    named
}

/// The macros a one-company statement may call: of values, or of the session company's
/// calendar; and the schema its names live in.
const ONE_COMPANY_MACROS: &[&str] = &[
    "growth_pct",
    "share_pct",
    "ratio_low",
    "ratio_high",
    "printed_value",
    "folded_text",
    "base_value",
    "prev_quarter",
    "year_ago",
    "period_fiscal_year",
    "date_fiscal_year",
    // the schema the names above live in
    "main",
];

/// The tables a statement may read straight from the stored latest vintage's files, with no
/// catalog (see `warehouse::Warehouse::open_for_company`): schema/views/12_latest.sql's view of
/// each is, in the latest vintage, `latest.TABLE_of_company` as stored, nothing left out (the
/// descriptive tables leave out company_id). The test
/// `a_statement_over_the_latest_facts_reads_their_files` (tests/cli/incremental.rs) compares
/// each with the catalog's view.
pub const LATEST_FILE_RELATIONS: &[&str] = &[
    "revenue_lines",
    "income_items",
    "cash_flows",
    "balance_sheet",
    "kpis",
];

/// Whether word `word` asks the session about itself (its catalog, settings or databases),
/// which a session without the catalog answers otherwise.
fn asks_the_session(word: &str) -> bool {
    const ASKING: &[&str] = &[
        "information_schema",
        "show",
        "describe",
        "current_database",
        "current_catalog",
        "current_schema",
        "current_schemas",
        "current_setting",
        "memory",
        "explain",
    ];
    ["duckdb_", "pg_", "pragma_", "sqlite_"]
        .iter()
        .any(|p| word.starts_with(p))
        || ASKING.contains(&word)
}

/// Words that make a statement more than one read.
const NOT_A_READ: &[&str] = &[
    "set",
    "reset",
    "attach",
    "detach",
    "copy",
    "pragma",
    "call",
    "install",
    "load",
    "use",
    "export",
    "import",
    "create",
    "insert",
    "update",
    "delete",
    "drop",
    "alter",
    "checkpoint",
];

/// Whether `sql` reads the session's company's figures alone (see the module's doc); `catalog`
/// is what `Warehouse::catalog_names` lists.
pub fn reads_one_company(sql: &str, catalog: &HashSet<String>) -> bool {
    let mut ended = false;
    for token in tokens(sql) {
        match token {
            Token::Semicolon => ended = true,
            _ if ended => return false,
            Token::Literal(text) => {
                if text.contains(['/', '\\', '.', '*', '?']) {
                    return false;
                }
            }
            Token::Word(word) => {
                let word = word.as_str();
                if NOT_A_READ.contains(&word)
                    || (catalog.contains(word)
                        && !ONE_COMPANY_RELATIONS.contains(&word)
                        && !ONE_COMPANY_MACROS.contains(&word))
                {
                    return false;
                }
            }
        }
    }
    true
}

/// What `sql` reads (see `warehouse::Reads`), from its words and the catalog's names
/// `catalog`: the stored latest files of some fact tables alone (`reads_latest_files`), the
/// session company's figures alone (`reads_one_company`), or anything.
pub fn reads(sql: &str, catalog: &HashSet<String>) -> Reads {
    match reads_latest_files(sql, catalog) {
        Some(tables) => Reads::LatestFiles(tables),
        None if reads_one_company(sql, catalog) => Reads::OneCompany,
        None => Reads::Anything,
    }
}

/// The tables of `LATEST_FILE_RELATIONS` that `sql` reads when it reads those alone, in the
/// latest vintage of the session's company (none: `select 1`), so that their stored files
/// answer it as the catalog would; None when it names anything else of the catalog (`catalog`
/// as in `reads_one_company`, whose test it passes first), or asks the session about itself.
pub fn reads_latest_files(sql: &str, catalog: &HashSet<String>) -> Option<Vec<&'static str>> {
    if !reads_one_company(sql, catalog) {
        return None;
    }
    let mut tables = Vec::new();
    for token in tokens(sql) {
        let Token::Word(word) = token else { continue };
        if asks_the_session(&word) {
            return None;
        }
        match LATEST_FILE_RELATIONS.iter().find(|t| **t == word) {
            Some(t) if !tables.contains(t) => tables.push(*t),
            Some(_) => {}
            None if word != "main" && catalog.contains(&word) => return None,
            None => {}
        }
    }
    Some(tables)
}

/// A statement listing the companies with rows in the per-company relations `tables`, one
/// "id (name)" each, or none when no table of them is a company's own: what an empty answer
/// names when it was the session's company that had no rows.
pub fn companies_with_rows_sql(tables: &[&str]) -> Option<String> {
    let sources: Vec<String> = tables
        .iter()
        .filter_map(|t| match *t {
            "periods" => Some("SELECT company_id FROM raw.periods".to_string()),
            t if LATEST_TABLES.contains(&t) => Some(format!(
                "SELECT r.company_id FROM raw.{t} JOIN raw.releases r USING (release_id)"
            )),
            _ => None,
        })
        .collect();
    (!sources.is_empty()).then(|| {
        format!(
            "SELECT company_id || coalesce(' (' || c.name || ')', '') FROM ({}) JOIN raw.companies c \
             USING (company_id) GROUP BY company_id, c.name ORDER BY company_id",
            sources.join(" UNION ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> HashSet<String> {
        [
            "main",
            "raw",
            "latest",
            "revenue_lines",
            "figures",
            "periods",
            "releases",
            "read_parquet",
            "query",
            "release_diff",
            "prev_quarter",
            "company_prev_quarter",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    #[test]
    fn only_reads_of_the_session_company_count() {
        let c = catalog();
        let one = |sql: &str| reads_one_company(sql, &c);
        assert!(one(
            "SELECT r.period, sum(r.value) FROM revenue_lines r JOIN periods p USING (period) \
             WHERE r.line = 'connectivity' AND p.period = prev_quarter('2Q06') GROUP BY 1;"
        ));
        assert!(one("from main.revenue_lines -- figures, raw.kpis\n"));
        // A literal that could name a file.
        assert!(!one("SELECT 'raw.kpis' AS t"));
        for other in [
            "SELECT * FROM figures",
            "SELECT * FROM raw.revenue_lines",
            "SELECT * FROM latest.revenue_lines",
            "SELECT * FROM \"Releases\"",
            "SELECT * FROM read_parquet('x')",
            "FROM query('FROM revenue_lines')",
            "FROM release_diff('a', 'b')",
            "SELECT company_prev_quarter('other', '2Q06')",
            "FROM 'warehouse/current/latest/kpis/other'",
            "SET VARIABLE company = 'other'",
            "FROM revenue_lines; FROM figures",
            "CREATE TEMP TABLE t AS FROM revenue_lines",
        ] {
            assert!(!one(other), "{other}");
        }
    }

    #[test]
    fn reads_of_the_latest_facts_alone_are_told_apart() {
        let c = catalog();
        let latest = |sql: &str| reads_latest_files(sql, &c);
        assert_eq!(latest("select 1"), Some(vec![]));
        assert_eq!(
            latest("SELECT count(*) FROM revenue_lines"),
            Some(vec!["revenue_lines"])
        );
        assert_eq!(
            latest(
                "select k.period, sum(r.value) from main.revenue_lines r \
                 join \"KPIS\" k using (period) where r.period = '2Q06' group by 1; -- figures"
            ),
            Some(vec!["revenue_lines", "kpis"])
        );
        for other in [
            // Another relation, a macro or a table function of the catalog.
            "SELECT * FROM revenue_lines JOIN periods USING (period)",
            "SELECT prev_quarter(period) FROM revenue_lines",
            "SELECT * FROM read_parquet('x')",
            "SELECT * FROM raw.revenue_lines",
            // Questions whose answer is the session's own.
            "SELECT * FROM duckdb_views()",
            "SELECT * FROM information_schema.tables",
            "SHOW TABLES",
            "DESCRIBE",
            "SELECT current_database()",
            "SELECT current_setting('access_mode')",
            "FROM memory.main.revenue_lines",
            "EXPLAIN FROM revenue_lines",
            // Not one read.
            "FROM revenue_lines; FROM kpis",
            "SET VARIABLE company = 'other'",
        ] {
            assert_eq!(latest(other), None, "{other}");
        }
    }
}
