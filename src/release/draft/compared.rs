//! The comparative and change columns of rows a slide prints number first (`1,608Net Cash
//! Provided by Operating Activities`, see `glued`): the other period's numbers printed apart, one
//! to a line in the rows' order, its head (`2Q05` over its months) nearby, and the changes
//! printed apart or after a row's label (`(983)Net Cash Used in Financing Activities +38`). A
//! number is a row's comparative when the row's figure less it (or over it, for a percentage) is
//! a change printed nearby, and every row of the group finds exactly one such pair, both in the
//! rows' printed order: the other period's figures and the changes, for review.

use super::glued::head_at;
use super::*;
use crate::release::read::cells;

/// How far from a group of rows its columns may be printed, in lines.
const NEAR: usize = 40;

/// A number printed alone or after a label, not yet placed.
#[derive(Debug, Clone)]
struct Loose {
    line: usize,
    printed: String,
    v: f64,
    pct: bool,
    signed: bool,
    /// Printed with a plus or minus sign: a change's mark, never a level's.
    marked: bool,
}

/// Is `change` the change from `old` to `new`: a difference to within a unit each way, or a
/// percentage to within its rounding?
fn is_change(change: &Loose, new: f64, old: f64) -> bool {
    if change.pct {
        old != 0.0
            && (100.0 * (new / old - 1.0) - change.v).abs()
                <= 0.05 + 50.0 * (1.0 / old.abs() + new.abs() / (old * old))
    } else {
        (new - old - change.v).abs() <= 1.0 + 1e-9
    }
}

/// The choices of one pair per row whose comparatives and changes are printed in the rows'
/// order (two choices are enough to know there is no one).
fn in_order<'a>(
    candidates: &[Vec<(&'a Loose, &'a Loose)>],
    chosen: &mut Vec<(&'a Loose, &'a Loose)>,
    out: &mut Vec<Vec<(&'a Loose, &'a Loose)>>,
) {
    if out.len() >= 2 {
        return;
    }
    let Some(options) = candidates.get(chosen.len()) else {
        out.push(chosen.clone());
        return;
    };
    for &(o, c) in options {
        let after = chosen.last().is_none_or(|(po, pc)| {
            po.line < o.line && pc.line <= c.line && (pc.line, &pc.printed) != (c.line, &c.printed)
        });
        if after {
            chosen.push((o, c));
            in_order(candidates, chosen, out);
            chosen.pop();
        }
    }
}

/// Draft the comparative and change columns of every group of rows printed number first.
pub(super) fn draft_compared(text: &str, calendar: &Calendar, d: &mut Draft) {
    let lines: Vec<&str> = text.lines().collect();
    // The groups: rows printed number first, of one period and table, a few lines apart.
    let mut firsts: Vec<usize> = d
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.comparison == "level"
                && r.how
                    .iter()
                    .any(|h| h.starts_with("a row printed number first"))
        })
        .map(|(i, _)| i)
        .collect();
    firsts.sort_by_key(|&i| d.rows[i].line);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in firsts {
        match groups.last_mut() {
            Some(g)
                if g.last().is_some_and(|&j| {
                    let (a, b) = (&d.rows[j], &d.rows[i]);
                    b.line - a.line <= 12 && a.period == b.period && a.table == b.table
                }) =>
            {
                g.push(i)
            }
            _ => groups.push(vec![i]),
        }
    }
    // The unplaced numbers, as the text prints them.
    let loose: Vec<Loose> = d
        .unplaced
        .iter()
        // A dash is no figure, nor a change.
        .filter(|u| u.printed.chars().any(|c| c.is_ascii_digit()))
        .filter_map(|u| {
            let v = cells::value_of(&u.printed)?;
            Some(Loose {
                line: u.line,
                printed: u.printed.clone(),
                v: as_f64(&v),
                pct: u.printed.ends_with('%'),
                signed: u.printed.starts_with(['+', '-', '(']),
                marked: u.printed.starts_with(['+', '-']),
            })
        })
        .collect();
    let alone = |l: &Loose| lines[l.line - 1].trim() == l.printed;
    let mut rows = Vec::new();
    for g in groups.iter().filter(|g| g.len() >= 2) {
        let (first, last) = (d.rows[g[0]].line, d.rows[g[g.len() - 1]].line);
        let period = d.rows[g[0]].period.clone();
        let near = |l: &Loose| l.line + NEAR >= first && l.line <= last + NEAR;
        // The other period: the one other head printed near, a year or a quarter before.
        let heads: BTreeSet<String> = (first.saturating_sub(NEAR)..(last + NEAR).min(lines.len()))
            .filter_map(|j| head_at(&lines, j, calendar))
            .collect();
        let others: Vec<(&String, &'static str)> = heads
            .iter()
            .filter(|h| **h != period)
            .filter_map(|h| comparison_of(calendar, &period, Some(h)).map(|c| (h, c)))
            .collect();
        let [(old, comparison)] = others[..] else {
            continue;
        };
        // Each row's (comparative, change) pairs; the group's one choice of them in the rows'
        // printed order.
        let candidates: Vec<Vec<(&Loose, &Loose)>> = g
            .iter()
            .map(|&i| {
                let new = as_f64(&d.rows[i].value);
                loose
                    .iter()
                    .filter(|o| near(o) && alone(o) && !o.pct && !o.marked)
                    .flat_map(|o| {
                        loose
                            .iter()
                            .filter(|c| near(c) && c.line != o.line && (c.signed || !c.pct))
                            .map(move |c| (o, c))
                    })
                    .filter(|(o, c)| is_change(c, new, o.v))
                    .collect()
            })
            .collect();
        let mut choices = Vec::new();
        in_order(&candidates, &mut Vec::new(), &mut choices);
        let [found] = &choices[..] else {
            continue;
        };
        for (&i, (o, c)) in g.iter().zip(found.iter().copied()) {
            let r = &d.rows[i];
            let why = format!(
                "the comparative and change columns of rows printed number first: {} less {} \
                 is the change {} printed nearby, and every row of the group finds its pair in \
                 the rows' order; {old}: the other head printed near",
                r.printed, o.printed, c.printed
            );
            let change = if c.pct {
                comparison.to_string()
            } else {
                comparison.replace("_pct", "_abs")
            };
            rows.push(DraftRow {
                period: old.clone(),
                value: cells::value_of(&o.printed).unwrap_or_default(),
                printed: o.printed.clone(),
                line: o.line,
                how: vec![why.clone()],
                ..r.clone()
            });
            rows.push(DraftRow {
                comparison: change,
                value: cells::value_of(&c.printed).unwrap_or_default(),
                unit: if c.pct {
                    "%".to_string()
                } else {
                    r.unit.clone()
                },
                printed: c.printed.clone(),
                line: c.line,
                how: vec![why],
                ..r.clone()
            });
        }
    }
    for r in &rows {
        if let Some(at) = d
            .unplaced
            .iter()
            .position(|u| u.line == r.line && u.printed == r.printed)
        {
            d.unplaced.remove(at);
        }
    }
    d.rows.extend(rows);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparatives_and_changes_of_rows_printed_number_first() {
        // The layout of IIJ 2Q06's cash-flow slide (lines 587-631), with figures of its own: a
        // row's figure less a number printed alone is a change printed nearby; a second reading
        // (900 - 1,000 = -100, printed above) is out of the rows' order.
        let text = "-100\n\n500Net Cash Provided by Operating Activities\n\n(200)Net Cash Used \
                    in Investing Activities\n\n-150\n+50\n900Cash, End of Each Period 100\n\n\
                    Change2Q06\n(2006/7-2006/9)\n\n1,000\n\n650\n(250)\n800\n\n2Q05\n(2005/7-2005/9)";
        let cal = Calendar::months(4, true);
        let mut d = Draft::default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            for (t, _) in numbers_of(i + 1, line) {
                d.unplaced.push(Unplaced {
                    line: i + 1,
                    printed: t.text,
                    context: String::new(),
                    why: String::new(),
                });
            }
        }
        for (line, item, value) in [
            (3, "operating_activities", "500"),
            (5, "investing_activities", "-200"),
            (9, "cash_end_of_period", "900"),
        ] {
            d.rows.push(DraftRow {
                table: "cash_flows".into(),
                period: "2Q06".into(),
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
                how: vec!["a row printed number first".into()],
                line,
            });
        }
        draft_compared(text, &cal, &mut d);
        let got: Vec<(&str, &str, &str, &str)> = d.rows[3..]
            .iter()
            .map(|r| {
                (
                    r.period.as_str(),
                    r.item.as_str(),
                    r.comparison.as_str(),
                    r.value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("2Q05", "operating_activities", "level", "650"),
                ("2Q06", "operating_activities", "yoy_abs", "-150"),
                ("2Q05", "investing_activities", "level", "-250"),
                ("2Q06", "investing_activities", "yoy_abs", "50"),
                ("2Q05", "cash_end_of_period", "level", "800"),
                ("2Q06", "cash_end_of_period", "yoy_abs", "100"),
            ]
        );
    }
}
