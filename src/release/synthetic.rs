//! Synthetic releases for the benchmark's scale curve and the multi-release tests, as large as
//! real ones: successive quarters of several synthetic companies, each with its own calendar,
//! currency and scale (four profiles in turn: April year named by its start, JPY million;
//! calendar year, USD thousand; April year named by its end, EUR million; July year, AUD
//! million). Each release prints ~400 figures: four segments of five revenue lines with their
//! subtotals and total, an income statement, KPIs and cash flows for its quarter and the seven
//! before it, year-on-year rates for its quarter, and a balance sheet at its quarter's end and
//! the year's start. Every eighth release restates two revenue lines of the quarter before it
//! (offsetting, so the totals stand) with a restatement row that says so. The figures add up
//! (parts to totals, growth rates to levels), every printed form is in the release text, and a
//! figure two releases print has one value unless restated, so the data rules pass.

use super::calendar::Calendar;
use crate::base::hex;
use anyhow::{bail, Result};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// Quarters a company can have: FY1996..FY2005, so two-digit period labels stay unique.
pub const MAX_QUARTERS: usize = 40;
const FIRST_FISCAL_YEAR: i32 = 1996;
/// Quarters printed before the release's own.
const REPRINTED: usize = 7;
const SEGMENTS: [&str; 4] = ["Network", "Cloud", "Systems", "Devices"];
const LINES_PER_SEGMENT: usize = 5;

/// A company's calendar and currency, by its number: (start month, named by start year,
/// currency, unit).
const PROFILES: [(u32, bool, &str, &str); 4] = [
    (4, true, "JPY", "JPY million"),
    (1, false, "USD", "USD thousand"),
    (4, false, "EUR", "EUR million"),
    (7, true, "AUD", "AUD million"),
];

/// Income statement lines: (concept, label, components, standard).
const INCOME: [(&str, &str, &str, &str); 8] = [
    (
        "cost_of_revenues",
        "Cost of Revenues",
        "",
        "cost_of_revenues",
    ),
    (
        "gross_profit",
        "Gross Profit",
        "total_revenues-cost_of_revenues",
        "gross_profit",
    ),
    ("sga", "Selling, General and Administrative", "", "sga"),
    (
        "operating_income",
        "Operating Income",
        "gross_profit-sga",
        "operating_income",
    ),
    ("other_income", "Other Income", "", ""),
    (
        "income_before_tax",
        "Income before Income Tax",
        "operating_income+other_income",
        "income_before_tax",
    ),
    ("income_tax", "Income Tax", "", "income_tax"),
    (
        "net_income",
        "Net Income",
        "income_before_tax-income_tax",
        "net_income",
    ),
];

/// KPIs: (concept, label, unit, dimension, standard).
const KPIS: [(&str, &str, &str, &str, &str); 6] = [
    ("subscribers", "Subscribers", "subscribers", "count", ""),
    (
        "enterprise_contracts",
        "Enterprise Contracts",
        "contracts",
        "count",
        "",
    ),
    (
        "data_center_sites",
        "Data Center Sites",
        "sites",
        "count",
        "",
    ),
    (
        "servers_operated",
        "Servers Operated",
        "servers",
        "count",
        "",
    ),
    (
        "backbone_bandwidth",
        "Backbone Bandwidth",
        "Gbps",
        "bandwidth",
        "",
    ),
    ("employees", "Employees", "employees", "count", "employees"),
];

/// Cash flows: (concept, label, sign, standard).
const CASH: [(&str, &str, i64, &str); 5] = [
    (
        "operating_cash_flow",
        "Net Cash from Operating Activities",
        1,
        "operating_cash_flow",
    ),
    (
        "investing_cash_flow",
        "Net Cash used in Investing Activities",
        -1,
        "investing_cash_flow",
    ),
    (
        "financing_cash_flow",
        "Net Cash from Financing Activities",
        1,
        "financing_cash_flow",
    ),
    ("capex", "Capital Expenditures", 1, "capex"),
    (
        "depreciation_amortization",
        "Depreciation and Amortization",
        1,
        "depreciation_amortization",
    ),
];

/// Balance sheet lines: (concept, label, components, standard); the leaves' values are drawn,
/// the totals are their sums.
const BALANCE: [(&str, &str, &str, &str); 12] = [
    ("cash", "Cash and Cash Equivalents", "", "cash"),
    ("receivables", "Accounts Receivable", "", ""),
    ("inventories", "Inventories", "", ""),
    (
        "current_assets",
        "Total Current Assets",
        "cash+receivables+inventories",
        "",
    ),
    ("ppe", "Property and Equipment", "", ""),
    ("other_assets", "Other Assets", "", ""),
    (
        "total_assets",
        "Total Assets",
        "current_assets+ppe+other_assets",
        "total_assets",
    ),
    ("payables", "Accounts Payable", "", ""),
    ("borrowings", "Borrowings", "", "borrowings"),
    ("other_liabilities", "Other Liabilities", "", ""),
    (
        "total_liabilities",
        "Total Liabilities",
        "payables+borrowings+other_liabilities",
        "total_liabilities",
    ),
    (
        "total_equity",
        "Total Equity",
        "total_assets-total_liabilities",
        "total_equity",
    ),
];

/// The most releases `generate` writes: twice the benchmark's largest data/ (10,000 releases:
/// ~80,000 files, ~770 MB), so ~1.5 GB. More is a typo, not a benchmark.
pub const MAX_RELEASES: usize = 20_000;

/// Whether `releases` releases over `companies` companies can be written; checked before
/// anything is.
pub fn check_size(releases: usize, companies: usize) -> Result<()> {
    if releases == 0 {
        bail!("--releases must be at least 1");
    }
    if releases > MAX_RELEASES {
        bail!("--releases {releases} is more than the {MAX_RELEASES} generate writes at most");
    }
    if companies == 0 || releases.div_ceil(companies) > MAX_QUARTERS {
        bail!(
            "{releases} releases over {companies} companies is more than {MAX_QUARTERS} quarters each; pass more --companies"
        );
    }
    Ok(())
}

/// Write `releases` releases shared round-robin by `companies` companies into `root`
/// (data/releases); every prefix of N is a realistic mix.
pub fn write(root: &Path, releases: usize, companies: usize) -> Result<()> {
    check_size(releases, companies)?;
    let bar = crate::base::progress(releases as u64, "writing releases");
    for i in 0..releases {
        let (company, quarter) = (i % companies, i / companies);
        write_release(root, company, quarter)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(())
}

/// The company's calendar.
fn calendar(company: usize) -> Calendar {
    let (start_month, named_by_start, ..) = PROFILES[company % PROFILES.len()];
    Calendar::months(start_month, named_by_start)
}

/// Label and end date of the k-th quarter of the company's calendar from its FY1996.
fn quarter(company: usize, k: usize) -> Result<(String, chrono::NaiveDate)> {
    let fy = FIRST_FISCAL_YEAR + (k / 4) as i32;
    let label = format!("{}Q{:02}", k % 4 + 1, fy % 100);
    let period = calendar(company)
        .period(&label)
        .map_err(|why| anyhow::anyhow!(why))?;
    Ok((label, period.end))
}

/// Is quarter j restated, and by which release (quarter index)? Every eighth release restates the
/// quarter before it.
fn restated_by(j: usize) -> Option<usize> {
    (j % 8 == 6).then_some(j + 1)
}

/// A deterministic small number for (company, quarter, slot).
fn wobble(company: usize, j: usize, slot: usize, modulus: i64) -> i64 {
    ((company * 31 + j * 17 + slot * 7 + (company * slot) % 13) as i64) % modulus
}

/// Revenue line (segment s, line l) of quarter j as release k prints it.
fn leaf(company: usize, j: usize, s: usize, l: usize, k: usize) -> i64 {
    let base = 400 + 37 * (company % 97) as i64 + 60 * s as i64 + 15 * l as i64;
    let level = base * (100 + 2 * j as i64) / 100 + wobble(company, j, s * 5 + l, 40);
    // A restatement moves 3 from the segment's second line to its first: the totals stand.
    let restated = restated_by(j).is_some_and(|r| k >= r) && s == 0;
    level
        + match (restated, l) {
            (true, 0) => 3,
            (true, 1) => -3,
            _ => 0,
        }
}

fn segment_code(s: usize) -> String {
    format!("{}_revenues", SEGMENTS[s].to_lowercase())
}

fn line_code(s: usize, l: usize) -> String {
    format!("{}_line_{}", SEGMENTS[s].to_lowercase(), l + 1)
}

fn grouped(v: i64) -> String {
    let text = crate::base::group_thousands(&v.abs().to_string());
    if v < 0 {
        format!("({text})")
    } else {
        text
    }
}

/// A growth rate to one decimal, as printed, and its value.
fn growth(current: i64, base: i64) -> Option<(String, String)> {
    if base == 0 {
        return None;
    }
    let tenths = ((current - base) as f64 / base.abs() as f64 * 1000.0).round() as i64;
    let value = format!(
        "{}{}.{}",
        if tenths < 0 { "-" } else { "" },
        tenths.abs() / 10,
        tenths.abs() % 10
    );
    let printed = format!("{}{value}%", if tenths >= 0 { "+" } else { "" });
    Some((printed, value))
}

/// Every figure of one quarter of a company (as release k prints it), by concept: revenue
/// lines, segments and total; income items; KPIs; cash flows.
struct Quarter {
    revenues: Vec<(String, String, i64)>,
    income: Vec<(&'static str, &'static str, i64)>,
}

fn quarter_figures(company: usize, j: usize, k: usize) -> Quarter {
    let mut revenues = Vec::new();
    let mut total = 0;
    for (s, segment) in SEGMENTS.iter().enumerate() {
        let lines: Vec<i64> = (0..LINES_PER_SEGMENT)
            .map(|l| leaf(company, j, s, l, k))
            .collect();
        for (l, v) in lines.iter().enumerate() {
            revenues.push((line_code(s, l), format!("{segment} Line {}", l + 1), *v));
        }
        let sum: i64 = lines.iter().sum();
        revenues.push((segment_code(s), format!("{segment} Revenues"), sum));
        total += sum;
    }
    revenues.push(("total_revenues".into(), "Total Revenues".into(), total));
    let cost = total * (55 + wobble(company, j, 90, 10)) / 100;
    let gross = total - cost;
    let sga = total * (20 + wobble(company, j, 91, 8)) / 100;
    let operating = gross - sga;
    let other = wobble(company, j, 92, 30) - 10;
    let before_tax = operating + other;
    let tax = before_tax * 35 / 100;
    let net = before_tax - tax;
    let values = [cost, gross, sga, operating, other, before_tax, tax, net];
    let income = INCOME
        .iter()
        .zip(values)
        .map(|((code, label, ..), v)| (*code, *label, v))
        .collect();
    Quarter { revenues, income }
}

fn kpi_value(company: usize, j: usize, i: usize) -> i64 {
    let base = [120_000, 800, 12, 4_000, 40, 900][i] * (1 + (company % 7) as i64);
    base * (100 + j as i64) / 100 + wobble(company, j, 100 + i, 9)
}

fn cash_value(company: usize, j: usize, i: usize) -> i64 {
    (300 + 23 * (company % 41) as i64 + 50 * i as i64 + wobble(company, j, 120 + i, 60)) * CASH[i].2
}

/// Balance sheet at the end of the company's quarter j (as an index from its FY1996).
fn balance_values(company: usize, j: usize) -> Vec<i64> {
    let leafs = |slot: usize, base: i64| {
        base + 11 * (company % 53) as i64 + 9 * j as i64 + wobble(company, j, 140 + slot, 70)
    };
    let (cash, receivables, inventories) = (leafs(0, 3_000), leafs(1, 2_500), leafs(2, 600));
    let current = cash + receivables + inventories;
    let (ppe, other) = (leafs(3, 5_000), leafs(4, 900));
    let assets = current + ppe + other;
    let (payables, borrowings, other_l) = (leafs(5, 1_800), leafs(6, 2_200), leafs(7, 700));
    let liabilities = payables + borrowings + other_l;
    vec![
        cash,
        receivables,
        inventories,
        current,
        ppe,
        other,
        assets,
        payables,
        borrowings,
        other_l,
        liabilities,
        assets - liabilities,
    ]
}

/// The concepts.csv of a company's first release.
fn concepts_csv() -> Result<String> {
    let mut c =
        String::from("concept,label,parent,components,kind,dimension,standard,sort_order,note\n");
    let mut order = 0;
    let mut row = |c: &mut String,
                   code: &str,
                   label: &str,
                   parent: &str,
                   parts: &str,
                   kind: &str,
                   dim: &str,
                   std: &str|
     -> Result<()> {
        order += 1;
        writeln!(
            c,
            "{code},\"{label}\",{parent},{parts},{kind},{dim},{std},{order},"
        )?;
        Ok(())
    };
    let segments: Vec<String> = (0..SEGMENTS.len()).map(segment_code).collect();
    row(
        &mut c,
        "total_revenues",
        "Total Revenues",
        "",
        &segments.join("+"),
        "amount",
        "currency",
        "total_revenues",
    )?;
    for (s, segment) in SEGMENTS.iter().enumerate() {
        let lines: Vec<String> = (0..LINES_PER_SEGMENT).map(|l| line_code(s, l)).collect();
        row(
            &mut c,
            &segment_code(s),
            &format!("{segment} Revenues"),
            "total_revenues",
            &lines.join("+"),
            "amount",
            "currency",
            "",
        )?;
        for (l, code) in lines.iter().enumerate() {
            row(
                &mut c,
                code,
                &format!("{segment} Line {}", l + 1),
                &segment_code(s),
                "",
                "amount",
                "currency",
                "",
            )?;
        }
    }
    for (code, label, parts, std) in INCOME {
        row(&mut c, code, label, "", parts, "amount", "currency", std)?;
    }
    for (code, label, _, dim, std) in KPIS {
        row(&mut c, code, label, "", "", "count", dim, std)?;
    }
    for (code, label, _, std) in CASH {
        row(&mut c, code, label, "", "", "amount", "currency", std)?;
    }
    for (code, label, parts, std) in BALANCE {
        row(&mut c, code, label, "", parts, "amount", "currency", std)?;
    }
    Ok(c)
}

fn write_release(root: &Path, company: usize, k: usize) -> Result<()> {
    let (label, end) = quarter(company, k)?;
    let company_id = format!("syn{company:03}");
    let id = format!("{company_id}-{}", label.to_lowercase());
    let dir = root.join(&id);
    std::fs::create_dir_all(&dir)?;
    let published = end + chrono::Days::new(45);
    let name = format!("Synthetic Company {company:03} (test data)");
    let (.., currency, unit) = PROFILES[company % PROFILES.len()];

    let mut text = format!(
        "{name}: synthetic results release for {label} (test data, not a real company)\n\
         Amounts in {unit}\n"
    );
    let mut revenues = String::from(
        "period,line,measure,comparison,value,unit,section,label,printed,derived,placement,note\n",
    );
    let mut income = String::from("period,item,basis,scope,measure,comparison,value,unit,section,label,printed,derived,placement,note\n");
    let mut kpis = String::from(
        "period,item,comparison,value,unit,section,label,printed,derived,placement,note\n",
    );
    let mut cash = kpis.clone();
    let first = k.saturating_sub(REPRINTED);
    for j in first..=k {
        let (p, _) = quarter(company, j)?;
        let q = quarter_figures(company, j, k);
        // The release's own quarter is also compared with the quarter a year before, printed too.
        let year_ago = (j == k && k >= first + 4).then(|| quarter_figures(company, k - 4, k));
        for (i, (code, line_label, v)) in q.revenues.iter().enumerate() {
            let printed = grouped(*v);
            let section = "Revenues by Segment";
            write!(text, "{p} {line_label}: {printed}")?;
            writeln!(
                revenues,
                "{p},{code},amount,level,{v},{unit},{section},{line_label},\"{printed}\",,label,"
            )?;
            if let Some((rate, value)) = year_ago.as_ref().and_then(|y| growth(*v, y.revenues[i].2))
            {
                write!(text, " ({rate} year on year)")?;
                writeln!(
                    revenues,
                    "{p},{code},amount,yoy_pct,{value},%,{section},{line_label},{rate},,label,"
                )?;
            }
            writeln!(text)?;
        }
        for (i, (code, item_label, v)) in q.income.iter().enumerate() {
            let printed = grouped(*v);
            let section = "Income Statement";
            write!(text, "{p} {item_label}: {printed}")?;
            writeln!(income, "{p},{code},actual,consolidated,amount,level,{v},{unit},{section},\"{item_label}\",\"{printed}\",,label,")?;
            if let Some((rate, value)) = year_ago
                .as_ref()
                .filter(|y| y.income[i].2 > 0 && *v > 0)
                .and_then(|y| growth(*v, y.income[i].2))
            {
                write!(text, " ({rate} year on year)")?;
                writeln!(income, "{p},{code},actual,consolidated,amount,yoy_pct,{value},%,{section},\"{item_label}\",{rate},,label,")?;
            }
            writeln!(text)?;
        }
        for (i, (code, kpi_label, kpi_unit, ..)) in KPIS.iter().enumerate() {
            let v = kpi_value(company, j, i);
            let printed = grouped(v);
            writeln!(text, "{p} {kpi_label}: {printed} {kpi_unit}")?;
            writeln!(
                kpis,
                "{p},{code},level,{v},{kpi_unit},Operating Data,{kpi_label},\"{printed}\",,label,"
            )?;
        }
        for (i, (code, cash_label, ..)) in CASH.iter().enumerate() {
            let v = cash_value(company, j, i);
            let printed = grouped(v);
            writeln!(text, "{p} {cash_label}: {printed}")?;
            writeln!(
                cash,
                "{p},{code},level,{v},{unit},Cash Flows,{cash_label},\"{printed}\",,label,"
            )?;
        }
    }
    // The balance sheet at the quarter's end and at the end of the year before.
    let mut balance = String::from("as_of,item,comparison,compared_to,value,unit,section,label,printed,derived,placement,note\n");
    let year_end = k - k % 4;
    let dates = [Some(k), year_end.checked_sub(1)];
    for j in dates.into_iter().flatten() {
        let (_, as_of) = quarter(company, j)?;
        for ((code, item_label, ..), v) in BALANCE.iter().zip(balance_values(company, j)) {
            let printed = grouped(v);
            writeln!(text, "{as_of} {item_label}: {printed}")?;
            writeln!(
                balance,
                "{as_of},{code},level,,{v},{unit},Balance Sheet,{item_label},\"{printed}\",,label,"
            )?;
        }
    }
    let mut restatements = String::from(
        "restatement,period_from,period_to,table_name,items,restates_release,reason,section,note\n",
    );
    if k > 0 && restated_by(k - 1) == Some(k) {
        let (p, _) = quarter(company, k - 1)?;
        let reason = format!(
            "{} Line 1 and Line 2 revenues of {p} have been restated (synthetic).",
            SEGMENTS[0]
        );
        writeln!(text, "Note: {reason}")?;
        let previous = format!("{company_id}-{}", p.to_lowercase());
        writeln!(
            restatements,
            "lines-{},{p},{p},revenue_lines,\"{},{}\",{previous},\"{reason}\",Note,synthetic",
            p.to_lowercase(),
            line_code(0, 0),
            line_code(0, 1)
        )?;
    }
    // The company's concepts, defined by its first release; its record beside the releases.
    if k == 0 {
        std::fs::write(dir.join("concepts.csv"), concepts_csv()?)?;
        let companies = root.parent().unwrap_or(root).join("companies");
        std::fs::create_dir_all(&companies)?;
        let cal = calendar(company);
        std::fs::write(
            companies.join(format!("{company_id}.toml")),
            format!(
                "# SYNTHETIC TEST COMPANY (iijwh generate), not a real company.\n\
                 company_id = \"{company_id}\"\nname = \"{name}\"\nfiscal_year_start_month = {}\n\
                 fiscal_year_named_by = \"{}\"\ncurrency = \"{currency}\"\nunit = \"{unit}\"\n",
                cal.start_month,
                if cal.named_by_start {
                    "start_year"
                } else {
                    "end_year"
                }
            ),
        )?;
    }
    let toml = format!(
        "release_id = \"{id}\"\ncompany_id = \"{company_id}\"\ntitle = \"{name} results for {label} (synthetic)\"\n\
         published_on = {}\nfiscal_period = \"{label}\"\n\
         source_file = \"source.txt\"\nsource_sha256 = \"{}\"\n",
        published.format("%Y-%m-%d"),
        hex(&Sha256::digest(text.as_bytes()))
    );
    for (file, body) in [
        ("release.toml", toml.as_str()),
        ("source.txt", text.as_str()),
        ("revenue_lines.csv", revenues.as_str()),
        ("income_items.csv", income.as_str()),
        ("kpis.csv", kpis.as_str()),
        ("cash_flows.csv", cash.as_str()),
        ("balance_sheet.csv", balance.as_str()),
        ("restatements.csv", restatements.as_str()),
    ] {
        std::fs::write(dir.join(file), body)?;
    }
    Ok(())
}
