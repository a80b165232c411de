//! Synthetic releases for the benchmark's scale curve and the multi-release tests: successive
//! quarters of several synthetic companies (fiscal years from FY1996, April to March), each release
//! printing its quarter and reprinting the four before it, every eighth release restating the
//! quarter before it with a restatement row that says so. The figures add up (lines to totals)
//! and every printed form is in the release text, so the data rules pass.

use crate::base::hex;
use anyhow::{bail, Result};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// Quarters a company can have: FY1996..FY2005, so two-digit period labels stay unique.
pub const MAX_QUARTERS: usize = 40;
const FIRST_FISCAL_YEAR: i32 = 1996;
const REPRINTED: usize = 4;
const SECTION: &str = "Synthetic Trend of Quarterly Revenues";
/// Revenue lines (code, label, share of revenues in percent); total_revenues is their sum.
const LINES: [(&str, &str, i64); 5] = [
    ("connectivity", "Connectivity", 30),
    ("vas_and_other", "Value-added and Other", 15),
    ("outsourced_operation_si", "Outsourced Operation", 20),
    ("si_one_time", "One-time Integration", 25),
    ("equipment_sales", "Equipment", 10),
];

/// Write `releases` releases shared round-robin by `companies` companies into `root`
/// (data/releases); every prefix of N is a realistic mix.
pub fn write(root: &Path, releases: usize, companies: usize) -> Result<()> {
    if releases.div_ceil(companies) > MAX_QUARTERS {
        bail!(
            "{releases} releases over {companies} companies is more than {MAX_QUARTERS} quarters each; pass more --companies"
        );
    }
    let bar = crate::base::progress(releases as u64, "writing releases");
    for i in 0..releases {
        let (company, quarter) = (i % companies, i / companies);
        write_release(root, company, quarter)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

/// Label, fiscal year, number and dates of the k-th quarter from 1Q96 (an April-March year).
fn quarter(k: usize) -> (String, i32, usize, String, String) {
    let fy = FIRST_FISCAL_YEAR + (k / 4) as i32;
    let seq = k % 4 + 1;
    let (start_month, year) = match seq {
        1 => (4, fy),
        2 => (7, fy),
        3 => (10, fy),
        _ => (1, fy + 1),
    };
    let start = chrono::NaiveDate::from_ymd_opt(year, start_month, 1).expect("valid date");
    let end = (start + chrono::Months::new(3))
        .pred_opt()
        .expect("valid date");
    (
        format!("{seq}Q{:02}", fy % 100),
        fy,
        seq,
        start.format("%Y-%m-%d").to_string(),
        end.format("%Y-%m-%d").to_string(),
    )
}

/// Is quarter j restated, and by which release (quarter index)? Every eighth release restates the
/// quarter before it.
fn restated_by(j: usize) -> Option<usize> {
    (j % 8 == 6).then_some(j + 1)
}

/// A line's value for quarter j as release k prints it.
fn line_value(company: usize, j: usize, line: usize, k: usize) -> i64 {
    let base = 5_000 + 397 * company as i64;
    let level = base * (100 + 2 * j as i64) / 100;
    let wobble = ((company * 31 + j * 17 + line * 7) % 50) as i64;
    let restatement = if line == 0 && restated_by(j).is_some_and(|r| k >= r) {
        3
    } else {
        0
    };
    level * LINES[line].2 / 100 + wobble + restatement
}

fn grouped(v: i64) -> String {
    crate::base::group_thousands(&v.to_string())
}

fn write_release(root: &Path, company: usize, k: usize) -> Result<()> {
    let (label, _, _, _, end) = quarter(k);
    let id = format!("syn{company:03}-{}", label.to_lowercase());
    let dir = root.join(&id);
    std::fs::create_dir_all(&dir)?;
    let published = chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d")? + chrono::Days::new(45);
    let name = format!("Synthetic Company {company:03} (test data)");

    let mut text = format!("{name}: synthetic results release for {label} (test data, not a real company)\n{SECTION}\n");
    let mut revenues = String::from(
        "period,line,measure,comparison,value,unit,section,label,printed,derived,placement,note\n",
    );
    let mut income = String::from("period,item,basis,scope,measure,comparison,value,unit,section,label,printed,derived,placement,note\n");
    for j in k.saturating_sub(REPRINTED)..=k {
        let (p, ..) = quarter(j);
        let mut total = 0;
        for (li, (code, line_label, _)) in LINES.iter().enumerate() {
            let v = line_value(company, j, li, k);
            total += v;
            let printed = grouped(v);
            writeln!(text, "{p} {line_label}: {printed}")?;
            writeln!(revenues, "{p},{code},amount,level,{v},JPY million,{SECTION},{line_label},\"{printed}\",,label,")?;
        }
        let printed = grouped(total);
        writeln!(text, "{p} Total Revenues: {printed}")?;
        writeln!(revenues, "{p},total_revenues,amount,level,{total},JPY million,{SECTION},Total Revenues,\"{printed}\",,label,")?;
        // Operating income as first reported: the restatements touch revenue lines only.
        let first_total: i64 = (0..LINES.len())
            .map(|li| line_value(company, j, li, j))
            .sum();
        let operating = first_total * (3 + ((company + j) % 5) as i64) / 100;
        let printed = grouped(operating);
        writeln!(text, "{p} Operating Income: {printed}")?;
        writeln!(income, "{p},operating_income,actual,consolidated,amount,level,{operating},JPY million,{SECTION},Operating Income,\"{printed}\",,label,")?;
    }
    let mut restatements = String::from(
        "restatement,period_from,period_to,table_name,items,restates_release,reason,section,note\n",
    );
    if k > 0 && restated_by(k - 1) == Some(k) {
        let (p, ..) = quarter(k - 1);
        let reason = format!("Connectivity revenues of {p} have been restated (synthetic).");
        writeln!(text, "Note: {reason}")?;
        let previous = format!("syn{company:03}-{}", p.to_lowercase());
        writeln!(restatements, "connectivity-{},{p},{p},revenue_lines,\"connectivity,total_revenues\",{previous},\"{reason}\",Note,synthetic", p.to_lowercase())?;
    }
    // The company's concepts, defined by its first release; its record beside the releases.
    let concepts = if k == 0 {
        let mut c = String::from(
            "concept,label,parent,components,kind,dimension,standard,sort_order,note\n",
        );
        let parts: Vec<&str> = LINES.iter().map(|l| l.0).collect();
        writeln!(
            c,
            "total_revenues,Total Revenues,,{},amount,currency,total_revenues,1,",
            parts.join("+")
        )?;
        for (i, (code, line_label, _)) in LINES.iter().enumerate() {
            writeln!(
                c,
                "{code},{line_label},total_revenues,,amount,currency,,{},",
                i + 2
            )?;
        }
        let companies = root.parent().unwrap_or(root).join("companies");
        std::fs::create_dir_all(&companies)?;
        std::fs::write(
            companies.join(format!("syn{company:03}.toml")),
            format!(
                "company_id = \"syn{company:03}\"\nname = \"{name}\"\nfiscal_year_start_month = 4\n\
                 fiscal_year_named_by = \"start_year\"\ncurrency = \"JPY\"\nunit = \"JPY million\"\n"
            ),
        )?;
        c
    } else {
        String::new()
    };
    let toml = format!(
        "release_id = \"{id}\"\ncompany_id = \"syn{company:03}\"\ntitle = \"{name} results for {label} (synthetic)\"\n\
         published_on = {}\nfiscal_period = \"{label}\"\n\
         source_file = \"source.txt\"\nsource_sha256 = \"{}\"\n",
        published.format("%Y-%m-%d"),
        hex(&Sha256::digest(text.as_bytes()))
    );
    if !concepts.is_empty() {
        std::fs::write(dir.join("concepts.csv"), &concepts)?;
    }
    for (file, body) in [
        ("release.toml", toml.as_str()),
        ("source.txt", text.as_str()),
        ("revenue_lines.csv", revenues.as_str()),
        ("income_items.csv", income.as_str()),
        ("restatements.csv", restatements.as_str()),
    ] {
        std::fs::write(dir.join(file), body)?;
    }
    Ok(())
}
