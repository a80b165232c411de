//! `iijwh load`: Parquet output, bad input with precise errors, and the last good warehouse kept.

use crate::common::Sandbox;

const TOTAL_2Q06: &str =
    "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
    AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'";

#[test]
fn load_writes_zstd_parquet_with_provenance() {
    let sb = Sandbox::new();
    let out = sb.ok(&["load"]);
    assert!(out.contains("loaded 1 release(s)"), "{out}");
    assert!(out.contains("16 check rules: 14 pass, 2 residual"), "{out}");
    let current = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let file = std::fs::File::open(current.join("revenue_lines.parquet")).unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let kv: std::collections::HashMap<_, _> = meta
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
        .collect();
    assert_eq!(kv["iijwh.release_ids"], "iij-2q06");
    assert_eq!(kv["iijwh.schema_version"], "1");
    assert!(kv["iijwh.source_sha256"].contains("2e27e14fda6a6222"));
    assert!(kv["iijwh.column_descriptions"].contains("Slide title as printed"));
    let col = meta.row_group(0).column(0);
    assert!(
        col.compression().to_string().starts_with("ZSTD"),
        "{}",
        col.compression()
    );
    let value_col = meta.file_metadata().schema_descr().column(5);
    assert_eq!(value_col.name(), "value");
    assert_eq!(
        format!("{:?}", value_col.logical_type_ref()),
        "Some(Decimal(DecimalType { scale: 1, precision: 18 }))"
    );
}

/// Load a good warehouse, break data/, load again: the error names file, line, column and value,
/// and queries still see the previous warehouse.
fn assert_rejected(sb: &Sandbox, expected: &[&str]) {
    let err = sb.fails(&["load"]);
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    // The previous warehouse is intact (query the generation directly: data/ changed, so
    // `query` would try to rebuild).
    assert_eq!(sb.scalar_on_current(TOTAL_2Q06), "14007.0");
}

impl Sandbox {
    fn loaded_copy() -> Sandbox {
        let sb = Sandbox::with_data_copy();
        sb.ok(&["load"]);
        sb
    }

    /// A query against the current warehouse generation without rebuilding it.
    fn scalar_on_current(&self, sql: &str) -> String {
        let out = self
            .cmd()
            .args(["query", "--no-build", "-e", sql, "--format", "csv"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = crate::common::parse_csv(&String::from_utf8(out.stdout).unwrap());
        rows[0].values().next().unwrap().clone()
    }
}

#[test]
fn thousands_separator_in_an_amount() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "revenue_lines.csv",
        "2Q06,total_revenues,amount,level,14007,",
        "2Q06,total_revenues,amount,level,\"14,007\",",
    );
    let line = line_of(&sb, "revenue_lines.csv", "\"14,007\",JPY");
    assert_rejected(
        &sb,
        &[
            &format!("revenue_lines.csv:{line}:5: column `value`"),
            "DECIMAL(18,1)",
            "\"14,007\"",
            "without thousands separators",
        ],
    );
}

#[test]
fn percent_where_amount_expected() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "cash_flows.csv",
        "2Q06,capex,level,636,",
        "2Q06,capex,level,636%,",
    );
    assert_rejected(
        &sb,
        &[
            "cash_flows.csv:",
            "column `value`",
            "\"636%\"",
            "percentage where a number is expected",
        ],
    );
}

#[test]
fn unknown_period_names_the_row() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "kpis.csv",
        "2Q06,dedicated_access_contracts,level,",
        "2Q07,dedicated_access_contracts,level,",
    );
    assert_rejected(
        &sb,
        &["kpis.csv:2:", "period='2Q07'", "is not in table `periods`"],
    );
}

#[test]
fn duplicate_figure() {
    let sb = Sandbox::loaded_copy();
    let path = sb.release_file("cash_flows.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let second = text.lines().nth(1).unwrap().to_string();
    std::fs::write(&path, format!("{text}{second}\n")).unwrap();
    let last = text.lines().count() + 1;
    assert_rejected(
        &sb,
        &["duplicate figure", &format!("cash_flows.csv:{last}")],
    );
}

#[test]
fn wrong_column_count() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "kpis.csv",
        "2Q06,contracted_bandwidth,level,253.2,Gbps,Results by Service – Connectivity and Value-added Services,Total contracted bandwidth",
        "2Q06,contracted_bandwidth,253.2,Gbps,Results by Service – Connectivity and Value-added Services,Total contracted bandwidth",
    );
    assert_rejected(
        &sb,
        &["kpis.csv:", "wrong column count", "expected 11 fields"],
    );
}

#[test]
fn check_constraint_violation() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "services.csv",
        "IIJ SMF Service,Internet VPN,feature_enhancement,",
        "IIJ SMF Service,Internet VPN,upgrade,",
    );
    assert_rejected(&sb, &["services.csv:2: breaks CHECK", "kind='upgrade'"]);
}

#[test]
fn unknown_table_file_and_missing_metadata() {
    let sb = Sandbox::loaded_copy();
    std::fs::write(sb.release_file("revenues.csv"), "a,b\n1,2\n").unwrap();
    assert_rejected(
        &sb,
        &["revenues.csv: unknown table file", "revenue_lines.csv"],
    );
    std::fs::remove_file(sb.release_file("revenues.csv")).unwrap();
    std::fs::remove_file(sb.release_file("release.toml")).unwrap();
    assert_rejected(&sb, &["release.toml: missing release metadata"]);
}

#[test]
fn invalid_utf8_and_empty_file() {
    let sb = Sandbox::loaded_copy();
    let path = sb.release_file("services.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    let keep = bytes.clone();
    bytes.extend_from_slice(b"\xff\xfe,bad\n");
    std::fs::write(&path, bytes).unwrap();
    assert_rejected(&sb, &["services.csv:10: invalid UTF-8"]);
    std::fs::write(&path, keep).unwrap();
    std::fs::write(sb.release_file("statements.csv"), "").unwrap();
    assert_rejected(&sb, &["statements.csv:1: empty file"]);
}

#[test]
fn checksum_and_future_release_date() {
    let sb = Sandbox::loaded_copy();
    sb.edit(
        "release.toml",
        "published_on = 2006-11-02",
        "published_on = 2999-11-02",
    );
    assert_rejected(
        &sb,
        &["release.toml:5: published_on 2999-11-02 is in the future"],
    );
    sb.edit(
        "release.toml",
        "published_on = 2999-11-02",
        "published_on = 2006-11-02",
    );
    sb.edit(
        "source.txt",
        "Total revenues JPY 14,007 million",
        "Total revenues JPY 14,008 million",
    );
    assert_rejected(&sb, &["source_sha256 does not match"]);
}

#[test]
fn byte_order_mark_is_accepted() {
    let sb = Sandbox::with_data_copy();
    let path = sb.release_file("kpis.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    sb.ok(&["load"]);
    assert_eq!(
        sb.scalar("SELECT value FROM kpis WHERE period = '2Q06' AND item = 'dedicated_access_contracts' AND comparison = 'level'"),
        "16112.0"
    );
}

fn line_of(sb: &Sandbox, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(sb.release_file(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}
