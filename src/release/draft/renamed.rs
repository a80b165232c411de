//! A line the company renamed between releases, known by its figures. NVIDIA's fiscal 2026
//! statements call "Other, net" "Other income (expense), net", the label its earlier releases
//! gave the total, which became "Total other income (expense), net". A label alone then names
//! the wrong concept; the comparatives the row prints again name the right one: they are the
//! earlier printing of exactly one concept of the table. Called by `tables` for each row.

use super::meaning::{Meaning, Reading};
use super::Knowledge;
use std::collections::{HashMap, HashSet};

/// (table, period or date, unit)
type Place = (String, String, String);
/// (concept, value, release)
type Printing = (String, f64, String);

/// Earlier releases' actual levels by where they were printed.
pub(super) struct EarlierFigures {
    by_period: HashMap<Place, Vec<Printing>>,
    concepts: HashSet<String>,
}

impl EarlierFigures {
    pub(super) fn of(k: &Knowledge) -> EarlierFigures {
        let mut by_period: HashMap<_, Vec<_>> = HashMap::new();
        let mut concepts = HashSet::new();
        for ((table, concept, period, unit), (value, release)) in &k.values {
            let Ok(v) = value.parse::<f64>() else {
                continue;
            };
            concepts.insert(concept.clone());
            by_period
                .entry((table.clone(), period.clone(), unit.clone()))
                .or_default()
                .push((concept.clone(), v, release.clone()));
        }
        EarlierFigures {
            by_period,
            concepts,
        }
    }

    /// Was `concept` printed by an earlier release of the company?
    pub(super) fn knows(&self, concept: &str) -> bool {
        self.concepts.contains(concept)
    }

    /// Does any comparative of the row differ from the earlier printing of `concept`?
    fn differs(&self, table: &str, concept: &str, cells: &[(String, f64)], unit: &str) -> bool {
        cells.iter().any(|(period, v)| {
            self.earlier(table, period, unit)
                .any(|(c, before, _)| c == concept && before != v)
        })
    }

    fn earlier<'a>(
        &'a self,
        table: &str,
        period: &str,
        unit: &str,
    ) -> impl Iterator<Item = &'a Printing> {
        self.by_period
            .get(&(table.to_string(), period.to_string(), unit.to_string()))
            .into_iter()
            .flatten()
    }

    /// The one concept of `table` whose earlier printings equal at least `least` non-zero
    /// comparatives of the row and differ from none, with the release that printed them.
    fn the_concept(
        &self,
        table: &str,
        cells: &[(String, f64)],
        unit: &str,
        least: usize,
    ) -> Option<(String, String)> {
        let mut matched: HashMap<&str, (usize, &str)> = HashMap::new();
        let mut conflict: HashSet<&str> = HashSet::new();
        for (period, v) in cells {
            for (c, before, release) in self.earlier(table, period, unit) {
                if before == v {
                    if *v != 0.0 {
                        matched.entry(c).or_insert((0, release)).0 += 1;
                    }
                } else {
                    conflict.insert(c);
                }
            }
        }
        let mut fits = matched
            .into_iter()
            .filter(|(c, (n, _))| *n >= least && !conflict.contains(c));
        let (c, (_, release)) = fits.next()?;
        fits.next()
            .is_none()
            .then(|| (c.to_string(), release.to_string()))
    }
}

/// The meaning of a row whose comparatives name another concept than its label: the concept
/// they name, when one does and no earlier row of the table took it. A known label whose
/// figures were printed under another concept is that concept; a new label whose figures (two
/// or more) are one concept's is that concept, for review (the label is still new).
#[allow(clippy::too_many_arguments)]
pub(super) fn by_figures(
    earlier: &EarlierFigures,
    reading: &mut Reading,
    m: Meaning,
    label: &str,
    nth: usize,
    cells: &[(String, f64)],
    unit: &str,
    taken: &[Option<String>],
) -> Meaning {
    let free = |c: &str| !taken.iter().flatten().any(|t| t == c);
    if m.known {
        if !earlier.differs(&m.table, &m.concept, cells, unit) {
            return m;
        }
        match earlier.the_concept(&m.table, cells, unit, 1) {
            Some((c, release)) if c != m.concept && free(&c) => Meaning {
                how: format!(
                    "label \"{label}\" was {}'s, but the figures it prints again are {c}'s as \
                     {release} printed them: a renamed line",
                    m.concept
                ),
                table: m.table,
                concept: c,
                known: true,
            },
            _ => m,
        }
    } else {
        match earlier.the_concept(&m.table, cells, unit, 2) {
            Some((c, release)) if free(&c) => {
                reading.forget(&m.table, label, nth);
                Meaning {
                    how: format!(
                        "label \"{label}\" is new, but the figures it prints again are {c}'s as \
                         {release} printed them: {c} renamed?"
                    ),
                    table: m.table,
                    concept: c,
                    known: false,
                }
            }
            _ => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn earlier(rows: &[(&str, &str, &str)]) -> EarlierFigures {
        let mut k = Knowledge::default();
        for (concept, period, value) in rows {
            k.values.insert(
                (
                    "income_items".into(),
                    concept.to_string(),
                    period.to_string(),
                    "USD million".into(),
                ),
                (value.to_string(), "nvidia-2q25".into()),
            );
        }
        EarlierFigures::of(&k)
    }

    /// The meaning `by_figures` gives a row printing `cells`, read at first as `concept`.
    fn read(
        concept: &str,
        known: bool,
        label: &str,
        cells: &[(String, f64)],
        taken: &[Option<String>],
    ) -> Meaning {
        let m = Meaning {
            table: "income_items".into(),
            concept: concept.into(),
            known,
            how: String::new(),
        };
        by_figures(
            &earlier(&NVIDIA_2Q25),
            &mut Reading::default(),
            m,
            label,
            0,
            cells,
            "USD million",
            taken,
        )
    }

    // NVIDIA's 2Q25 release: "Other, net 189 ... 264" and "Other income (expense), net 572
    // ... 942"; its 2Q26 release prints 189 and 264 as "Other income (expense), net".
    const NVIDIA_2Q25: [(&str, &str, &str); 4] = [
        ("other_net", "2Q25", "189"),
        ("other_net", "1H25", "264"),
        ("other_income", "2Q25", "572"),
        ("other_income", "1H25", "942"),
    ];

    #[test]
    fn a_known_label_printing_another_concepts_figures_is_that_concept() {
        let cells = [
            ("2Q26".into(), 2236.0),
            ("2Q25".into(), 189.0),
            ("1H25".into(), 264.0),
        ];
        let m = read(
            "other_income",
            true,
            "Other income (expense), net",
            &cells,
            &[],
        );
        assert_eq!(
            (m.concept.as_str(), m.known),
            ("other_net", true),
            "{}",
            m.how
        );
        // Taken by an earlier row of the table: the label's meaning stays (and is flagged).
        let m = read(
            "other_income",
            true,
            "Other income (expense), net",
            &cells,
            &[Some("other_net".into())],
        );
        assert_eq!(m.concept, "other_income");
    }

    #[test]
    fn a_new_label_needs_two_figures_of_one_concept_and_stays_for_review() {
        let total = [
            ("2Q26".into(), 2766.0),
            ("2Q25".into(), 572.0),
            ("1H25".into(), 942.0),
        ];
        let m = read(
            "total_other_income_expense_net",
            false,
            "Total other income (expense), net",
            &total,
            &[],
        );
        assert_eq!((m.concept.as_str(), m.known), ("other_income", false));
        // One figure is not enough for a new label; agreeing figures of a known label keep it.
        let one = [("2Q26".into(), 2766.0), ("2Q25".into(), 572.0)];
        let m = read("total_x", false, "Total x", &one, &[]);
        assert_eq!(m.concept, "total_x");
        let m = read(
            "other_income",
            true,
            "Other income (expense), net",
            &total,
            &[],
        );
        assert_eq!(m.concept, "other_income");
    }
}
