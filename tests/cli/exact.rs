//! Exact as printed: every printed decimal kept (a per-share figure `$0.89`), units people print
//! (currency per share, share counts at their scale) without editing schema/, and IIJ's figures
//! printing as they always have.

use crate::common::{copy_dir, project_root, skip_unless_ci, Sandbox};
use sha2::Digest;

/// IIJ's data/ and the synthetic Brightline, whose 2Q06 release also prints its diluted EPS
/// (`$0.89`), a dividend per share (`$0.125`) and its diluted share count in millions (`52.6`).
fn with_per_share_figures() -> Sandbox {
    let sb = Sandbox::with_data_copy();
    let fixtures = project_root().join("tests/fixtures/universe");
    std::fs::copy(
        fixtures.join("companies/brightline.toml"),
        sb.data.join("companies/brightline.toml"),
    )
    .unwrap();
    let release = sb.data.join("releases/brightline-2q06");
    copy_dir(&fixtures.join("releases/brightline-2q06"), &release);
    let source = release.join("source.txt");
    let mut text = std::fs::read_to_string(&source).unwrap();
    text.push_str(
        "Per share 2Q06\nDiluted earnings per share $0.89\nDividends per share $0.125\n\
         Diluted shares (in millions) 52.6\n",
    );
    std::fs::write(&source, &text).unwrap();
    let toml = release.join("release.toml");
    let meta = std::fs::read_to_string(&toml).unwrap();
    let old = meta
        .lines()
        .find(|l| l.starts_with("source_sha256"))
        .unwrap()
        .to_string();
    let sha = crate::common::hex(&sha2::Sha256::digest(text.as_bytes()));
    std::fs::write(
        &toml,
        meta.replace(&old, &format!("source_sha256 = \"{sha}\"")),
    )
    .unwrap();
    let items = release.join("income_items.csv");
    let mut csv = std::fs::read_to_string(&items).unwrap();
    for row in [
        "2Q06,eps_diluted,actual,consolidated,amount,level,0.89,USD per share,Per share,Diluted earnings per share,$0.89,,label,synthetic fixture",
        "2Q06,dividends_per_share,actual,consolidated,amount,level,0.125,USD per share,Per share,Dividends per share,$0.125,,label,synthetic fixture",
        "2Q06,shares_diluted,actual,consolidated,amount,level,52.6,million shares,Per share,Diluted shares (in millions),52.6,,label,synthetic fixture",
    ] {
        csv.push_str(row);
        csv.push('\n');
    }
    std::fs::write(&items, csv).unwrap();
    sb
}

#[test]
fn a_per_share_figure_keeps_its_printed_decimals() {
    let sb = with_per_share_figures();
    let schema_before = crate::safety::tree_hash(&project_root().join("schema"));
    sb.ok(&["load"]);
    let rows = sb.csv_of(&[
        "query",
        "--company",
        "brightline",
        "--format",
        "csv",
        "-e",
        "SELECT item, value, unit, printed FROM income_items WHERE section = 'Per share' ORDER BY item",
    ]);
    let by: std::collections::HashMap<_, _> =
        rows.iter().map(|r| (r["item"].as_str(), r)).collect();
    assert_eq!(by["eps_diluted"]["value"], "0.89");
    assert_eq!(by["eps_diluted"]["unit"], "USD per share");
    assert_eq!(by["dividends_per_share"]["value"], "0.125");
    assert_eq!(by["shares_diluted"]["value"], "52.6");
    assert_eq!(by["shares_diluted"]["unit"], "million shares");
    // Exact arithmetic, never a float: 0.89 * 3 is 2.67.
    assert_eq!(
        sb.scalar(
            "SELECT value * 3 FROM raw.income_items WHERE release_id = 'brightline-2q06' AND item = 'eps_diluted'"
        ),
        "2.67"
    );
    // The units were there without touching schema/.
    assert_eq!(
        crate::safety::tree_hash(&project_root().join("schema")),
        schema_before
    );
    assert_eq!(
        sb.scalar("SELECT dimension || ' ' || base_unit || ' ' || factor FROM units WHERE unit = 'million shares'"),
        "count shares 1000000.000000"
    );
    assert_eq!(
        sb.scalar("SELECT dimension || ' ' || currency FROM units WHERE unit = 'JPY per share'"),
        "currency_per_share JPY"
    );
    // IIJ prints as it always has.
    assert_eq!(
        sb.scalar("SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'"),
        "14007.0"
    );
    // Exported to Parquet, read back by pyarrow as the decimal printed.
    let out = sb.dir.path().join("export");
    sb.ok(&["export", out.to_str().unwrap(), "--partition-by", "company"]);
    let python = match crate::interop::python() {
        Ok(p) => p,
        Err(why) => return skip_unless_ci(&format!("pyarrow is missing: {why}")),
    };
    let check = format!(
        "import pyarrow.dataset as ds, decimal\n\
         t = ds.dataset('{}', format='parquet', partitioning='hive').to_table()\n\
         rows = [r for r in t.to_pylist() if r['item'] == 'eps_diluted']\n\
         assert len(rows) == 1, rows\n\
         v = rows[0]['value']\n\
         assert isinstance(v, decimal.Decimal) and v == decimal.Decimal('0.89'), repr(v)\n\
         print(v.normalize())\n",
        out.join("income_items").display()
    );
    let run = std::process::Command::new(python)
        .args(["-c", &check])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), "0.89");
}
