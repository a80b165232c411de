//! Slide bullets stating a count or a quantity, `- Number of dedicated access contracts: 16,112`,
//! with their changes in parentheses on the line below, `(+758, +4.9% from 1Q06, +3,410, +26.8%
//! from 2Q05)`. The label must be a known concept's, an operating measure (kpis); the unit is the
//! one printed after the number (`253.2Gbps`), else the counted noun the label ends with when the
//! reference has it as a count unit (`contracts`). A change printed without its base takes the
//! base of the next one. Rows of the release's period, for review like every stated figure of a
//! text with headings for other periods.

use super::*;

static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*[-・•]\s*(?P<label>[A-Z][A-Za-z&/' \-]{2,80}?):\s*",
        r"(?P<num>\d[\d,]*(?:\.\d+)?)\s?(?P<unit>[A-Za-z]{2,12})?\s*$"
    ))
    .expect("regex")
});
static ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<sign>[+-])(?P<num>\d[\d,]*(?:\.\d+)?)(?P<pct>%)?(?P<unit>[A-Za-z]{2,12})?",
        r"(?:\s+(?:from|compared to|compared with|over)\s+",
        r"(?P<base>[1-4]Q\d{2}|[12]H\d{2}|FY\d{2,4}|the initial targets?))?"
    ))
    .expect("regex")
});

/// A change of a bullet's line below: (start, printed, value, percent, unit printed, base).
type Change = (usize, String, String, bool, Option<String>, Option<String>);

/// The changes in parentheses on a line of their own, each with its base.
pub(super) fn changes_of(next: &str) -> Vec<Change> {
    let t = next.trim();
    if !t.starts_with('(') || !t.ends_with(')') {
        return Vec::new();
    }
    let mut out: Vec<Change> = ITEM
        .captures_iter(next)
        .filter_map(|c| {
            let (sign, num) = (c.name("sign")?, c.name("num")?);
            let mut v = printed_value(num.as_str())?;
            if sign.as_str() == "-" {
                v.insert(0, '-');
            }
            Some((
                sign.start(),
                next[sign.start()..c.name("pct").map_or(num.end(), |p| p.end())].to_string(),
                v,
                c.name("pct").is_some(),
                c.name("unit").map(|u| u.as_str().to_string()),
                c.name("base").map(|b| b.as_str().to_string()),
            ))
        })
        .collect();
    // `+758, +4.9% from 1Q06`: the base is said once, after the last change of it.
    let mut base = None;
    for c in out.iter_mut().rev() {
        if c.5.is_some() {
            base = c.5.clone();
        } else {
            c.5 = base.clone();
        }
    }
    out
}

/// Draft a bullet of `line` (and its changes on `next`) as rows of `period`; how many of its
/// numbers are no tokens of the line reader's (their unit glued on: `253.2Gbps`).
#[allow(clippy::too_many_arguments)]
pub(super) fn bullet(
    line_no: usize,
    (line, next): (&str, Option<&str>),
    k: &Knowledge,
    section: &str,
    period: &str,
    calendar: &Calendar,
    d: &mut Draft,
    used: &mut HashSet<(usize, usize)>,
) -> usize {
    let mut extra = 0;
    let Some(c) = BULLET.captures(line) else {
        return extra;
    };
    let (Some(label), Some(num)) = (c.name("label"), c.name("num")) else {
        return extra;
    };
    let (found, certainty, how) = meanings(k, label.as_str().trim());
    let [m] = found.as_slice() else {
        return extra;
    };
    if certainty != Certainty::Certain
        || m.table != "kpis"
        || used.contains(&(line_no, num.start()))
    {
        return extra;
    }
    let counted = label
        .as_str()
        .split_whitespace()
        .last()
        .map(str::to_lowercase)
        .unwrap_or_default();
    let unit = match c.name("unit").map(|u| u.as_str()) {
        Some(u) if k.units.contains_key(u) => u.to_string(),
        Some(_) => return extra,
        None if k.units.get(&counted).is_some_and(|d| d == "count") => counted,
        None => return extra,
    };
    let Some(value) = printed_value(num.as_str()) else {
        return extra;
    };
    used.insert((line_no, num.start()));
    // A number with its unit glued (`253.2Gbps`) is no token of the line reader's count.
    let glued = |rest: &str| rest.starts_with(|ch: char| ch.is_ascii_alphabetic());
    if glued(&line[num.end()..]) {
        extra += 1;
    }
    let printed_label = line
        .trim()
        .trim_start_matches(['-', '・', '•'])
        .trim()
        .to_string();
    let row =
        |comparison: &str, value: String, unit: String, printed: String, how: String| DraftRow {
            comparison: comparison.to_string(),
            value,
            unit,
            printed,
            how: vec![how],
            ..DraftRow::stated(m, period, section, printed_label.clone(), line_no)
        };
    d.rows.push(row(
        "level",
        value,
        unit.clone(),
        num.as_str().to_string(),
        format!("a slide's bullet: {how}; the release's period {period}"),
    ));
    for (at, printed, v, pct, printed_unit, base) in next.map(changes_of).unwrap_or_default() {
        let Some(comparison) = comparison_of(calendar, period, base.as_deref()) else {
            continue;
        };
        let (comparison, unit) = if pct {
            (comparison.to_string(), "%".to_string())
        } else {
            match printed_unit {
                Some(u) if u != unit => continue,
                _ if !comparison.ends_with("_pct") || comparison.starts_with("vs_") => continue,
                _ => (comparison.replace("_pct", "_abs"), unit.clone()),
            }
        };
        used.insert((line_no + 1, at));
        if next.is_some_and(|n| glued(&n[at + printed.len()..])) {
            extra += 1;
        }
        let mut r = row(
            &comparison,
            v,
            unit,
            printed,
            format!(
                "a slide's bullet, its change from {} on the line below: {how}",
                base.unwrap_or_default()
            ),
        );
        r.line = line_no + 1;
        d.rows.push(r);
    }
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_below_a_bullet_take_the_next_base() {
        // IIJ 2Q06, lines 456-460.
        let c = changes_of("(+758, +4.9% from 1Q06, +3,410, +26.8% from 2Q05)");
        let read: Vec<(&str, bool, Option<&str>)> = c
            .iter()
            .map(|(_, _, v, pct, _, base)| (v.as_str(), *pct, base.as_deref()))
            .collect();
        assert_eq!(
            read,
            [
                ("758", false, Some("1Q06")),
                ("4.9", true, Some("1Q06")),
                ("3410", false, Some("2Q05")),
                ("26.8", true, Some("2Q05"))
            ]
        );
        let c = changes_of("(+27.8Gbps from 1Q06, +102.2Gbps from 2Q05)");
        assert_eq!(c[1].2, "102.2");
        assert_eq!(c[1].4.as_deref(), Some("Gbps"));
        assert!(changes_of("Revenues rose (+3%)").is_empty());
        let b = BULLET
            .captures("- Total contracted bandwidth: 253.2Gbps")
            .unwrap();
        assert_eq!(
            (&b["label"], &b["num"], &b["unit"]),
            ("Total contracted bandwidth", "253.2", "Gbps")
        );
        assert!(BULLET.captures("- Revenues: JPY 6,213 million").is_none());
    }
}
