//! A slide's sentences on one line of business, named before a colon, stating its revenues'
//! changes: `Dial-up access: Revenues decreased 0.2% compared to 1Q06 and by 11.2% compared to
//! 2Q05` (wrapped over lines as the slide's text box wraps it). The name is a concept's label or
//! close to one (`Dedicated access` for Dedicated Access Services); a change without a period
//! to compare with is left. Rows of the release's period, for review: the checks tie them to the
//! levels when the draft has them.

use super::*;

static SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<label>[A-Z][A-Za-z\-' ]{2,40}): Revenues (?P<dir>increased|decreased) ")
        .expect("regex")
});
static CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:increased|decreased|and|and by|by) (?P<pct>\d+(?:\.\d+)?%) compared to (?P<base>[1-4]Q\d{2}|[12]H\d{2}|FY\d{2,4})")
        .expect("regex")
});

/// Draft the sentence starting at line `i` (0-based), when it is one.
#[allow(clippy::too_many_arguments)]
pub(super) fn segment_changes(
    i: usize,
    lines: &[&str],
    k: &Knowledge,
    calendar: &Calendar,
    period: &str,
    section: &str,
    d: &mut Draft,
    used: &mut HashSet<(usize, usize)>,
) {
    let Some(c) = SEGMENT.captures(lines[i]) else {
        return;
    };
    let label = c["label"].trim();
    let negative = &c["dir"] == "decreased";
    // The sentence, over the lines of its paragraph up to its first full stop: each line's
    // start in the joined text.
    let mut joined = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (j, line) in lines.iter().enumerate().skip(i) {
        if line.trim().is_empty() || (j > i && SEGMENT.is_match(line)) {
            break;
        }
        starts.push((joined.len(), j));
        joined.push_str(line.trim_end());
        joined.push(' ');
        if line.contains(". ") || line.trim_end().ends_with('.') {
            break;
        }
    }
    let sentence_end = joined.find(". ").unwrap_or(joined.len());
    let (found, _, how) = meanings(k, label);
    let concepts: BTreeSet<&String> = found.iter().map(|m| &m.concept).collect();
    let ([m], 1) = (found.as_slice(), concepts.len()) else {
        return;
    };
    for ch in CHANGE.captures_iter(&joined[..sentence_end]) {
        let (Some(pct), Some(base)) = (ch.name("pct"), ch.name("base")) else {
            continue;
        };
        let Some(comparison) = comparison_of(calendar, period, Some(base.as_str())) else {
            continue;
        };
        let Some(mut value) = printed_value(pct.as_str()) else {
            continue;
        };
        if negative {
            value.insert(0, '-');
        }
        let (offset, line) = starts
            .iter()
            .rev()
            .find(|(o, _)| *o <= pct.start())
            .copied()
            .unwrap_or((0, i));
        used.insert((line + 1, pct.start() - offset));
        d.rows.push(DraftRow {
            comparison: comparison.to_string(),
            value,
            unit: "%".to_string(),
            printed: pct.as_str().to_string(),
            how: vec![format!(
                "a line of business's revenues, stated changed from {}: {how}; the release's \
                 period {period}",
                base.as_str()
            )],
            ..DraftRow::stated(
                m,
                period,
                section,
                format!("{label}: Revenues {}", &c["dir"]),
                line + 1,
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_of_a_line_of_business_over_wrapped_lines() {
        // IIJ 2Q06, lines 436-437.
        let joined = "Dial-up access: Revenues decreased 0.2% compared to 1Q06 and by 11.2% compared to 2Q05, mainly due to the discontinuance of";
        let c = SEGMENT.captures(joined).unwrap();
        assert_eq!(&c["label"], "Dial-up access");
        let found: Vec<(&str, &str)> = CHANGE
            .captures_iter(joined)
            .map(|c| {
                (
                    c.name("pct").unwrap().as_str(),
                    c.name("base").unwrap().as_str(),
                )
            })
            .collect();
        assert_eq!(found, [("0.2%", "1Q06"), ("11.2%", "2Q05")]);
        // A change with no period to compare with is no change of the reader's.
        assert_eq!(
            CHANGE
                .captures_iter("Revenues decreased 0.3% mainly due to")
                .count(),
            0
        );
    }
}
