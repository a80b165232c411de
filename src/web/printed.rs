//! Where a figure's printed form stands in the release text as a token of its own, for the
//! provenance page: `14,007` counts in `Revenues 14,007` or `($14,007)`, not inside `114,007` or
//! `14,0071`. A slide's chart labels often come out of the PDF run together (`3,2933,2483,227`);
//! such a run counts only when it splits into well-formed numbers (`3,293 · 3,248 · 3,227`) and
//! the printed form is one of them.

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

/// A run of digits and commas cut into well-formed numbers (`1,234`: one to three digits, then
/// groups of three): `3,2933,248` is `3,293` and `3,248`. None when the cut is not certain (a
/// group of other than three digits at the end, a run of more than three digits with no comma,
/// a number starting with 0).
pub fn split_run(run: &str) -> Option<Vec<(usize, usize)>> {
    let segments: Vec<&str> = run.split(',').collect();
    let first = segments[0];
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = first.len();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate().skip(1) {
        at += 1; // the comma
        if !seg.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match seg.len() {
            3 => {}
            4..=6 if i < last => {
                let next = &seg[3..];
                if next.len() > 1 && next.starts_with('0') {
                    return None;
                }
                pieces.push((start, at + 3));
                start = at + 3;
            }
            _ => return None,
        }
        at += seg.len();
    }
    pieces.push((start, at));
    Some(pieces)
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

    #[test]
    fn runs_split_only_when_certain() {
        assert_eq!(split_run("14,007"), Some(vec![(0, 6)]));
        assert_eq!(split_run("1,234,567"), Some(vec![(0, 9)]));
        assert_eq!(split_run("3,2933,248"), Some(vec![(0, 5), (5, 10)]));
        assert_eq!(split_run("14,0071"), None);
        assert_eq!(split_run("1234"), None);
        assert_eq!(split_run("3,29303,248"), None);
    }
}
