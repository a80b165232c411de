//! Comparatives a release prints again with other values than an earlier release printed: the
//! draft proposes a restatement for them only when the text says why ("All share and per-share
//! amounts presented have been retroactively adjusted to reflect the stock split"), quoting that
//! sentence as the reason, one row per table and earlier release; with no such sentence the
//! rows stay flagged and `load` reports them as unexplained changes.

use super::meaning::Restated;
use crate::release::calendar::Calendar;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// A restatement the draft proposes (a row of restatements.csv).
#[derive(Debug, Clone)]
pub struct NewRestatement {
    pub restatement: String,
    pub period_from: String,
    pub period_to: String,
    pub table_name: String,
    pub items: String,
    pub restates_release: String,
    pub reason: String,
    pub section: String,
    pub note: String,
}

/// The line saying why figures changed, if the text has one: (1-based line, the sentence).
fn reason(text: &str) -> Option<(usize, String)> {
    static WHY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)retroactively\s+adjusted|have\s+been\s+(?:restated|recast|revised|reclassified)|restated\s+to\s+reflect|recast\s+to\s+reflect").expect("regex")
    });
    text.lines().enumerate().find_map(|(i, line)| {
        let m = WHY.find(line)?;
        // The sentence holding the phrase.
        let start = line[..m.start()].rfind(". ").map_or(0, |p| p + 2);
        let end = line[m.end()..]
            .find(". ")
            .map_or(line.len(), |p| m.end() + p + 1);
        let sentence: String = line[start..end].trim().chars().take(500).collect();
        Some((i + 1, sentence))
    })
}

/// Periods (or balance-sheet dates) in order: labels by their start, dates as they are.
fn order_key(calendar: &Calendar, period: &str) -> String {
    calendar
        .period(period)
        .map(|p| p.start.to_string())
        .unwrap_or_else(|_| period.to_string())
}

/// The period a balance-sheet date ends (the restatements table names periods).
fn as_period(calendar: &Calendar, period: &str) -> String {
    match chrono::NaiveDate::parse_from_str(period, "%Y-%m-%d") {
        Ok(day) => calendar
            .nearest_quarter_end(day)
            .map_or_else(|| period.to_string(), |p| p.label),
        Err(_) => period.to_string(),
    }
}

/// The restatements to propose for `restated`, when the text says why.
pub fn propose(text: &str, calendar: &Calendar, restated: &[Restated]) -> Vec<NewRestatement> {
    let Some((line, why)) = reason(text) else {
        return Vec::new();
    };
    // A sentence of a stock split or of per-share amounts explains share counts and per-share
    // figures only: any other figure printed anew stays flagged, for the reviewer to explain.
    static SHARES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)stock\s+split|per[- ]share|share\s+amounts").expect("regex")
    });
    let shares_only = SHARES.is_match(&why);
    let mut groups: BTreeMap<(String, String), Vec<&Restated>> = BTreeMap::new();
    for r in restated
        .iter()
        .filter(|r| !shares_only || r.unit.contains("share"))
    {
        groups
            .entry((r.table.clone(), r.release.clone()))
            .or_default()
            .push(r);
    }
    groups
        .into_iter()
        .map(|((table, release), rows)| {
            let mut periods: Vec<String> = rows
                .iter()
                .map(|r| as_period(calendar, &r.period))
                .collect();
            periods.sort_by_key(|p| order_key(calendar, p));
            let mut items: Vec<&str> = rows.iter().map(|r| r.concept.as_str()).collect();
            items.sort_unstable();
            items.dedup();
            NewRestatement {
                restatement: format!("draft-{}-{}", table.replace('_', "-"), release),
                period_from: periods.first().cloned().unwrap_or_default(),
                period_to: periods.last().cloned().unwrap_or_default(),
                table_name: table,
                items: items.join(","),
                restates_release: release.clone(),
                reason: why.clone(),
                section: format!("source.txt line {line}"),
                note: format!(
                    "proposed by the draft: {} figure(s) differ from {release}'s printing; the \
                     reason is the text's sentence at line {line}: review that it covers them",
                    rows.len()
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restatement_is_proposed_only_with_the_texts_reason() {
        let calendar = Calendar::months(1, false);
        let restated = vec![Restated {
            table: "income_items".into(),
            concept: "eps_diluted".into(),
            period: "1Q25".into(),
            release: "nvidia-1q25".into(),
            unit: "USD per share".into(),
        }];
        assert!(propose("Revenue was up.\n", &calendar, &restated).is_empty());
        let text = "Intro\nOn June 7, 2024, NVIDIA completed a ten-for-one forward stock split. All share and per-share amounts presented have been retroactively adjusted to reflect the stock split.\n";
        let p = propose(text, &calendar, &restated);
        assert_eq!(p.len(), 1);
        assert_eq!(
            p[0].reason,
            "All share and per-share amounts presented have been retroactively adjusted to reflect the stock split."
        );
        assert_eq!(
            (p[0].period_from.as_str(), p[0].items.as_str()),
            ("1Q25", "eps_diluted")
        );
        assert_eq!(p[0].section, "source.txt line 2");
        // NVIDIA's 2Q25 release prints its 2Q24 financing "Other" as 21 where the 2Q24 release
        // printed a dash: the split's sentence does not explain it.
        let other = Restated {
            table: "cash_flows".into(),
            concept: "cf_other".into(),
            period: "2Q24".into(),
            release: "nvidia-2q24".into(),
            unit: "USD million".into(),
        };
        let p = propose(text, &calendar, &[other]);
        assert!(p.is_empty(), "{p:?}");
    }
}
