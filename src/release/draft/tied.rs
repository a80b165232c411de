//! A figure stated with its changes on the line below, under a label the draft cannot read
//! alone (`Revenues: 7,221 million` under a slide's title, `Outsourced operation: JPY 3,350
//! million`), over `(+19.7% from 1Q06, +39.9% from 2Q05)`: its concept is the one concept whose
//! drafted figure of the release's period is that number and whose drafted figures of every
//! base period the stated changes tie to. The changes are then that concept's, for review (the
//! concept is found by the arithmetic, not by the label).

use super::*;

static FIGURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:-\s*)?(?P<label>[A-Za-z][A-Za-z&/'\- ]{1,60}?):?\s+(?:[A-Z]{3}\s?)?(?P<num>\d{1,3}(?:,\d{3})*(?:\.\d+)?)\s?(?P<scale>thousand|million|billion)\s*$")
        .expect("regex")
});

/// Is `pct` (in %) the change from `base` to `now`, both rounded to units?
fn ties(pct: f64, now: f64, base: f64) -> bool {
    base != 0.0
        && (100.0 * (now / base - 1.0) - pct).abs()
            <= 0.05 + 50.0 * (1.0 / base.abs() + now.abs() / (base * base))
}

/// Draft the changes of such figures into `d` (after the charts: their levels are what the
/// changes tie to).
pub(super) fn draft_tied(
    text: &str,
    k: &Knowledge,
    calendar: &Calendar,
    period: &str,
    unit: &str,
    d: &mut Draft,
) {
    let lines: Vec<&str> = text.lines().collect();
    let mut new_rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = FIGURE.captures(line) else {
            continue;
        };
        // The figure's scale must be the unit's (`million` of `JPY million`).
        if !unit.ends_with(&c["scale"]) {
            continue;
        }
        let (Some(next), Some(value)) = (lines.get(i + 1), cells_value(&c["num"])) else {
            continue;
        };
        let changes: Vec<(String, String, String, &'static str)> = changes_below(next)
            .into_iter()
            .filter_map(|(_, printed, v, base)| {
                let base = base?;
                let comparison = comparison_of(calendar, period, Some(&base))?;
                Some((printed, v, base, comparison))
            })
            .collect();
        if changes.is_empty() {
            continue;
        }
        let level = |table: &str, item: &str, p: &str| {
            d.rows
                .iter()
                .find(|r| {
                    r.table == table
                        && r.item == item
                        && r.period == p
                        && r.comparison == "level"
                        && r.unit == unit
                        && r.measure == "amount"
                })
                .map(|r| as_f64(&r.value))
        };
        // A base figure the draft does not have is the sum of its concept's parts, when it has
        // them all (a chart prints the parts of a total it does not print).
        let level = |table: &str, item: &str, p: &str| {
            level(table, item, p).or_else(|| {
                k.components
                    .get(item)?
                    .iter()
                    .try_fold(0.0, |sum, (sign, part)| {
                        Some(sum + f64::from(*sign) * level(table, part, p)?)
                    })
            })
        };
        let candidates: BTreeSet<(&str, &str)> = d
            .rows
            .iter()
            .filter(|r| {
                r.period == period
                    && r.comparison == "level"
                    && r.unit == unit
                    && r.measure == "amount"
                    && as_f64(&r.value) == value
            })
            .map(|r| (r.table.as_str(), r.item.as_str()))
            .collect();
        let fits: Vec<(&str, &str)> = candidates
            .into_iter()
            .filter(|(t, item)| {
                changes.iter().all(|(_, v, base, _)| {
                    level(t, item, base).is_some_and(|b| ties(as_f64(v), value, b))
                })
            })
            .collect();
        let [(table, item)] = fits[..] else {
            continue;
        };
        for (printed, v, base, comparison) in &changes {
            let have = d.rows.iter().any(|r| {
                r.table == table
                    && r.item == item
                    && r.period == period
                    && r.comparison == *comparison
            });
            if have
                || !d
                    .unplaced
                    .iter()
                    .any(|u| u.line == i + 2 && &u.printed == printed)
            {
                continue;
            }
            new_rows.push(DraftRow {
                table: table.to_string(),
                period: period.to_string(),
                start: String::new(),
                end: String::new(),
                item: item.to_string(),
                comparison: comparison.to_string(),
                value: v.clone(),
                unit: "%".to_string(),
                section: String::new(),
                label: c["label"].trim().to_string(),
                printed: printed.clone(),
                placement: "reconciled",
                measure: "amount",
                certainty: Certainty::Review,
                how: vec![format!(
                    "a change stated under {} {}, whose label names no concept alone: {item} is \
                     the one concept whose {period} figure is that number and whose {base} \
                     figure the change ties to (as every change of the line does)",
                    c["label"].trim(),
                    &c["num"]
                )],
                line: i + 2,
            });
        }
    }
    for r in &new_rows {
        d.unplaced
            .retain(|u| !(u.line == r.line && u.printed == r.printed));
    }
    d.rows.extend(new_rows);
}

/// The base period of a stated change of `period`: the quarter before, or the same period a
/// year before.
fn base_of(calendar: &Calendar, period: &str, comparison: &str) -> Option<String> {
    let p = calendar.period(period).ok()?;
    let yy = p.fiscal_year.rem_euclid(100);
    let mut candidates = Vec::new();
    for y in [yy - 1, yy] {
        let y = y.rem_euclid(100);
        for n in 1..=4 {
            candidates.push(format!("{n}Q{y:02}"));
        }
        candidates.push(format!("{}H{y:02}", p.seq));
    }
    let pct = comparison.replace("_abs", "_pct");
    candidates
        .into_iter()
        .find(|b| comparison_of(calendar, period, Some(b)) == Some(pct.as_str()))
        .and_then(|b| calendar.period(&b).ok())
        .map(|b| b.label)
}

/// The base figures of stated absolute changes (`+27.8Gbps from 1Q06` under 253.2Gbps): the one
/// number printed alone near the change that is the figure less the change, at the printed
/// precision, is the base period's figure, for review.
pub(super) fn draft_bases(text: &str, calendar: &Calendar, d: &mut Draft) {
    let lines: Vec<&str> = text.lines().collect();
    let mut new_rows = Vec::new();
    for r in d.rows.iter().filter(|r| r.comparison.ends_with("_abs")) {
        let Some(base) = base_of(calendar, &r.period, &r.comparison) else {
            continue;
        };
        let level = |period: &str| {
            d.rows.iter().find(|l| {
                l.table == r.table
                    && l.item == r.item
                    && l.period == period
                    && l.unit == r.unit
                    && l.comparison == "level"
                    && l.measure == r.measure
            })
        };
        let (Some(now), None) = (level(&r.period), level(&base)) else {
            continue;
        };
        let want = as_f64(&now.value) - as_f64(&r.value);
        let found: Vec<&Unplaced> = d
            .unplaced
            .iter()
            .filter(|u| {
                u.line.abs_diff(r.line) <= 30
                    && lines.get(u.line - 1).is_some_and(|l| l.trim() == u.printed)
                    && cells_value(&u.printed).is_some_and(|v| (v - want).abs() < 1e-6)
            })
            .collect();
        let [u] = found[..] else {
            continue;
        };
        new_rows.push(DraftRow {
            period: base.clone(),
            comparison: "level".to_string(),
            value: crate::release::read::cells::value_of(&u.printed).unwrap_or_default(),
            printed: u.printed.clone(),
            placement: "reconciled",
            certainty: Certainty::Review,
            how: vec![format!(
                "a number printed alone, the {} figure less its stated change from {base} ({} - \
                 {}): {}'s {base} figure",
                r.period, now.printed, r.printed, r.item
            )],
            line: u.line,
            ..now.clone()
        });
    }
    for r in &new_rows {
        d.unplaced
            .retain(|u| !(u.line == r.line && u.printed == r.printed));
    }
    d.rows.extend(new_rows);
}

fn cells_value(printed: &str) -> Option<f64> {
    crate::release::read::cells::value_of(printed).map(|v| as_f64(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_named_by_its_slide_is_known_by_its_changes() {
        let cal = Calendar::months(4, true);
        let mut d = Draft::default();
        let level = |item: &str, period: &str, value: &str| DraftRow {
            table: "revenue_lines".into(),
            period: period.into(),
            start: String::new(),
            end: String::new(),
            item: item.into(),
            comparison: "level".into(),
            value: value.into(),
            unit: "JPY million".into(),
            section: String::new(),
            label: String::new(),
            printed: String::new(),
            placement: "layout",
            measure: "amount",
            certainty: Certainty::Review,
            how: Vec::new(),
            line: 1,
        };
        // Two concepts of 2Q06 print 500; only one's 1Q06 and 2Q05 figures tie to the changes.
        for (item, p, v) in [
            ("a", "2Q06", "500"),
            ("a", "1Q06", "400"),
            ("a", "2Q05", "250"),
            ("b", "2Q06", "500"),
            ("b", "1Q06", "490"),
            ("b", "2Q05", "250"),
        ] {
            d.rows.push(level(item, p, v));
        }
        let text = "Revenues: 500 million\n(+25.0% from 1Q06, +100.0% from 2Q05)";
        for p in ["+25.0%", "+100.0%"] {
            d.unplaced.push(Unplaced {
                line: 2,
                printed: p.into(),
                context: String::new(),
                why: String::new(),
            });
        }
        draft_tied(
            text,
            &Knowledge::default(),
            &cal,
            "2Q06",
            "JPY million",
            &mut d,
        );
        let got: Vec<(&str, &str, &str)> = d.rows[6..]
            .iter()
            .map(|r| (r.item.as_str(), r.comparison.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(got, [("a", "qoq_pct", "25.0"), ("a", "yoy_pct", "100.0")]);
        assert!(d.unplaced.is_empty());
    }

    #[test]
    fn the_base_of_a_stated_change_printed_alone() {
        let cal = Calendar::months(4, true);
        let mut d = Draft::default();
        let row = |period: &str, comparison: &str, value: &str, line: usize| DraftRow {
            table: "kpis".into(),
            period: period.into(),
            start: String::new(),
            end: String::new(),
            item: "bandwidth".into(),
            comparison: comparison.into(),
            value: value.into(),
            unit: "Gbps".into(),
            section: String::new(),
            label: String::new(),
            printed: value.into(),
            placement: "statement",
            measure: "amount",
            certainty: Certainty::Review,
            how: Vec::new(),
            line,
        };
        d.rows.push(row("2Q06", "level", "50.5", 1));
        d.rows.push(row("2Q06", "qoq_abs", "10.2", 2));
        d.rows.push(row("2Q06", "yoy_abs", "20.0", 2));
        // 40.3 is 50.5 less 10.2: 1Q06's; no number is 50.5 less 20.0 (2Q05's is not printed).
        let text =
            "- Bandwidth: 50.5Gbps\n(+10.2Gbps from 1Q06, +20.0Gbps from 2Q05)\n\n40.3\n30.4";
        for (line, p) in [(4, "40.3"), (5, "30.4")] {
            d.unplaced.push(Unplaced {
                line,
                printed: p.into(),
                context: String::new(),
                why: String::new(),
            });
        }
        draft_bases(text, &cal, &mut d);
        let got: Vec<(&str, &str)> = d.rows[3..]
            .iter()
            .map(|r| (r.period.as_str(), r.value.as_str()))
            .collect();
        assert_eq!(got, [("1Q06", "40.3")]);
        assert_eq!(d.unplaced.len(), 1);
    }
}
