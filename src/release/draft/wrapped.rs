//! Sentences a slide's text box wraps over lines (`Income tax benefit was JPY 1,109` /
//! `million, because of ...`): the line reader, reading line by line, finds no figure in
//! them. The paragraph's lines joined read as one text; a figure whose label is one concept's,
//! whose number the line reader left unplaced, is a row of the release's period, for review.

use super::*;

/// Draft the figures of wrapped sentences into `d` (after the line reader).
pub(super) fn draft_wrapped(text: &str, k: &Knowledge, period: &str, d: &mut Draft) {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        // The paragraph: lines up to a blank one; each line's start in the joined text.
        let mut joined = String::new();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        while j < lines.len() && !lines[j].trim().is_empty() {
            starts.push((joined.len(), j));
            joined.push_str(lines[j].trim());
            joined.push(' ');
            j += 1;
        }
        if starts.len() >= 2 {
            read(&joined, &starts, k, period, d);
        }
        i = j;
    }
}

/// The figures of one joined paragraph.
fn read(joined: &str, starts: &[(usize, usize)], k: &Knowledge, period: &str, d: &mut Draft) {
    for st in statements(joined) {
        let (found, certainty, how) = meanings(k, st.label);
        let [m] = found.as_slice() else {
            continue;
        };
        if certainty != Certainty::Certain {
            continue;
        }
        let line_of = |offset: usize| {
            starts
                .iter()
                .rev()
                .find(|(o, _)| *o <= offset)
                .map_or(starts[0].1, |(_, l)| *l)
        };
        let at = line_of(st.num.start());
        // A sentence on one line (its label through its scale word) is the line reader's.
        let label_at = line_of(st.label.as_ptr() as usize - joined.as_ptr() as usize);
        let scale_at = joined[st.num.end()..]
            .find(char::is_alphabetic)
            .map_or(at, |x| line_of(st.num.end() + x));
        if label_at == scale_at {
            continue;
        }
        let printed = st.num.as_str();
        let Some(u) = d
            .unplaced
            .iter()
            .position(|u| u.line == at + 1 && u.printed == printed)
        else {
            continue;
        };
        let Some(value) = printed_value(printed) else {
            continue;
        };
        d.unplaced.remove(u);
        d.rows.push(DraftRow {
            value,
            unit: st.unit.clone(),
            printed: printed.to_string(),
            how: vec![format!(
                "stated figure of a sentence wrapped over lines: {how}; the release's period \
                 {period}"
            )],
            ..DraftRow::stated(m, period, "", st.printed_label.clone(), at + 1)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_wrapped_over_lines_states_its_figure() {
        let mut k = Knowledge::default();
        k.named
            .entry(normalize("Income tax benefit"))
            .or_default()
            .insert("income_tax_benefit".to_string());
        // IIJ 2Q06, lines 362-365: the scale word on the next line.
        let text = "Income tax benefit was JPY 1,109 \nmillion, because of deferred tax \nbenefits.\n\nIncome tax benefit was JPY 7 million.";
        let mut d = Draft::default();
        for (line, printed) in [(1, "1,109"), (5, "7")] {
            d.unplaced.push(Unplaced {
                line,
                printed: printed.into(),
                context: String::new(),
                why: String::new(),
            });
        }
        draft_wrapped(text, &k, "2Q06", &mut d);
        let got: Vec<(&str, &str, &str, usize)> = d
            .rows
            .iter()
            .map(|r| (r.item.as_str(), r.period.as_str(), r.value.as_str(), r.line))
            .collect();
        assert_eq!(got, [("income_tax_benefit", "2Q06", "1109", 1)]);
        // A sentence on one line is the line reader's, even when it left it.
        assert_eq!(d.unplaced.len(), 1);
    }
}
