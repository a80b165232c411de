//! Where a figure's printed form stands in the release text as a token of its own, for the
//! provenance page: `14,007` counts in `Revenues 14,007` or `($14,007)`, not inside `114,007` or
//! `14,0071`. A slide's chart labels often come out of the PDF run together (`3,2933,2483,227`);
//! such a run counts only when it splits into well-formed numbers (`3,293 · 3,248 · 3,227`) and
//! the printed form is one of them (the reading layer's cut, `release::read::slide`).

use crate::release::read::slide::split_grouped as split_run;

/// How a printed form stands at a place on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Set apart from other digits.
    Alone,
    /// One of the numbers of a run of digits printed together: the run's numbers, as byte ranges
    /// of the line, in order.
    Run(Vec<(usize, usize)>),
}

/// Every place on `line` where `printed` stands as a token: (start, end, how), byte ranges.
pub fn hits(line: &str, printed: &str) -> Vec<(usize, usize, Standing)> {
    let mut found = Vec::new();
    if printed.is_empty() {
        return found;
    }
    let bytes = line.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    let mark = |i: usize| bytes.get(i).is_some_and(|b| *b == b',' || *b == b'.');
    for (s, _) in line.match_indices(printed) {
        let e = s + printed.len();
        // Glued to digits before or after: a digit, or a `,`/`.` that joins digits.
        let glued_before = s > 0 && (digit(s - 1) || (s > 1 && mark(s - 1) && digit(s - 2)));
        let glued_after = digit(e) || (mark(e) && digit(e + 1));
        if !glued_before && !glued_after {
            found.push((s, e, Standing::Alone));
            continue;
        }
        // Run-together digits: only a form of digits and commas, in a run of digits and commas
        // (a decimal point makes it another number).
        if !printed.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            continue;
        }
        let in_run = |b: u8| b.is_ascii_digit() || b == b',' || b == b'.';
        let mut from = s;
        while from > 0 && in_run(bytes[from - 1]) {
            from -= 1;
        }
        let mut to = e;
        while to < bytes.len() && in_run(bytes[to]) {
            to += 1;
        }
        while from < s && bytes[from] == b',' {
            from += 1;
        }
        while to > e && bytes[to - 1] == b',' {
            to -= 1;
        }
        let run = &line[from..to];
        if run.contains('.') {
            continue;
        }
        if let Some(pieces) = split_run(run) {
            let pieces: Vec<(usize, usize)> = pieces
                .into_iter()
                .map(|(a, b)| (from + a, from + b))
                .collect();
            if pieces.contains(&(s, e)) {
                found.push((s, e, Standing::Run(pieces)));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alone(line: &str, printed: &str) -> bool {
        hits(line, printed)
            .iter()
            .any(|(_, _, how)| *how == Standing::Alone)
    }

    #[test]
    fn a_token_of_its_own_counts() {
        assert!(alone("Revenues 14,007", "14,007"));
        assert!(alone("Total revenues $14,007 million", "14,007"));
        assert!(alone("net loss (14,007)", "14,007"));
        assert!(alone("net loss (14,007)", "(14,007)"));
        assert!(alone("14,007, up 17.4%", "14,007"));
        assert!(alone("was 14,007.", "14,007"));
    }

    #[test]
    fn inside_a_longer_number_does_not() {
        assert!(hits("Revenues 114,007", "14,007").is_empty());
        assert!(hits("Revenues 14,0071", "14,007").is_empty());
        assert!(hits("Revenues 14,007.5", "14,007").is_empty());
        assert!(hits("Revenues 2.14,007", "14,007").is_empty());
        assert!(hits("1,114,007,000", "14,007").is_empty());
    }

    #[test]
    fn run_together_digits_count_where_they_split_into_numbers() {
        let line = "3,2933,2483,2273,378";
        let found = hits(line, "3,293");
        assert_eq!(found.len(), 1);
        let Standing::Run(pieces) = &found[0].2 else {
            panic!("a run: {found:?}")
        };
        let numbers: Vec<&str> = pieces.iter().map(|&(a, b)| &line[a..b]).collect();
        assert_eq!(numbers, ["3,293", "3,248", "3,227", "3,378"]);
        // 3,248 at its place; `2933` or `3,2483` are not numbers of the run.
        assert_eq!(hits(line, "3,248").len(), 1);
        assert!(hits(line, "2,933").is_empty());
        assert!(hits("14,00711,9299,880Total Revenues", "14,007").len() == 1);
        assert!(hits("14,00711,9299,880Total Revenues", "11,929").len() == 1);
        // Ambiguous runs (numbers without commas) count nowhere.
        assert!(hits("6301,0002731,043", "1,000").is_empty());
    }
}
