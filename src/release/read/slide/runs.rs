//! Numbers printed together: a PDF chart's data labels come out of the text layer as one run of
//! digits (`3,2933,2483,227`, `811507247656410282(100)`, `14.6%13.5 %13.9 %`). A run is cut
//! into well-formed numbers only: one to three digits then groups of three after commas (a
//! number of four digits or more prints its commas), no leading zero, a negative in
//! parentheses, the same decimal places throughout, and a `%` ending each number of a run of
//! percentages. Where more than one cut is well formed, every cut is given: which one the
//! chart prints is for its arithmetic to say (`settle`), never for a guess.

/// Cuts are enumerated up to this many; a run with more is too ambiguous to be read at all.
const MOST: usize = 256;

/// A run of digits and commas cut into well-formed numbers when the cut is certain: every
/// number carries a comma (`1,234`: one to three digits, then groups of three), so
/// `3,2933,248` is `3,293` and `3,248`. None when it is not (a group of other than three digits
/// at the end, a run of more than three digits with no comma, a number starting with 0): such
/// runs are for `cuts`, and the arithmetic of their chart.
pub fn split_grouped(run: &str) -> Option<Vec<(usize, usize)>> {
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

/// Every cut of `run` into exactly `n` well-formed numbers, as byte ranges (spaces between
/// numbers are in no range). Empty when there is none, or more than can be weighed.
pub fn cuts(run: &str, n: usize) -> Vec<Vec<(usize, usize)>> {
    let b = run.as_bytes();
    let percent = run.contains('%');
    let mut out = Vec::new();
    let mut path = Vec::new();
    let mut dead = std::collections::HashSet::new();
    walk(b, 0, n, percent, None, &mut path, &mut out, &mut dead);
    if out.len() > MOST {
        return Vec::new();
    }
    out
}

/// Depth-first over the numbers that can start at `at`; `dead` remembers the states (place,
/// numbers left, decimal places) that lead to no cut, so a long run costs its length, not the
/// count of its cuts.
#[allow(clippy::too_many_arguments)]
fn walk(
    b: &[u8],
    mut at: usize,
    left: usize,
    percent: bool,
    places: Option<usize>,
    path: &mut Vec<(usize, usize)>,
    out: &mut Vec<Vec<(usize, usize)>>,
    dead: &mut std::collections::HashSet<(usize, usize, Option<usize>)>,
) -> bool {
    while at < b.len() && b[at] == b' ' {
        at += 1;
    }
    if left == 0 {
        if at == b.len() {
            out.push(path.clone());
            return true;
        }
        return false;
    }
    if out.len() > MOST || dead.contains(&(at, left, places)) {
        return false;
    }
    let mut any = false;
    for (end, p) in numbers_at(b, at, percent) {
        if places.is_some_and(|q| q != p) {
            continue;
        }
        path.push((at, end));
        any |= walk(b, end, left - 1, percent, Some(p), path, out, dead);
        path.pop();
    }
    if !any {
        dead.insert((at, left, places));
    }
    any
}

/// The well-formed numbers starting at `at`: (end, decimal places).
fn numbers_at(b: &[u8], at: usize, percent: bool) -> Vec<(usize, usize)> {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = Vec::new();
    let open = b.get(at) == Some(&b'(');
    let first = at + usize::from(open);
    for lead in 1..=3 {
        if !(first..first + lead).all(digit) {
            break;
        }
        // No leading zero, but `0` and `0.5` are numbers.
        if b[first] == b'0' && lead > 1 {
            break;
        }
        let mut whole_ends = vec![first + lead];
        let mut j = first + lead;
        while b.get(j) == Some(&b',') && (j + 1..j + 4).all(digit) {
            j += 4;
            whole_ends.push(j);
        }
        for whole in whole_ends {
            // A number starting with 0 has no groups (`0,123` is no number).
            if b[first] == b'0' && whole > first + 1 {
                continue;
            }
            let mut ends = vec![(whole, 0)];
            if b.get(whole) == Some(&b'.') {
                let mut k = whole + 1;
                while digit(k) {
                    k += 1;
                    ends.push((k, k - whole - 1));
                }
            }
            for (mut end, places) in ends {
                if percent {
                    while b.get(end) == Some(&b' ') {
                        end += 1;
                    }
                    if b.get(end) != Some(&b'%') {
                        continue;
                    }
                    end += 1;
                }
                if open {
                    if b.get(end) != Some(&b')') {
                        continue;
                    }
                    end += 1;
                }
                out.push((end, places));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(run: &str, n: usize) -> Vec<Vec<&str>> {
        cuts(run, n)
            .into_iter()
            .map(|c| c.into_iter().map(|(a, b)| &run[a..b]).collect())
            .collect()
    }

    #[test]
    fn grouped_runs_split_only_when_certain() {
        assert_eq!(split_grouped("14,007"), Some(vec![(0, 6)]));
        assert_eq!(split_grouped("1,234,567"), Some(vec![(0, 9)]));
        assert_eq!(split_grouped("3,2933,248"), Some(vec![(0, 5), (5, 10)]));
        assert_eq!(split_grouped("14,0071"), None);
        assert_eq!(split_grouped("1234"), None);
        assert_eq!(split_grouped("3,29303,248"), None);
    }

    #[test]
    fn runs_with_commas_cut_one_way() {
        // IIJ 2Q06 slide text, line 283 (its label cut off).
        let run = "14,00711,9299,88012,25410,26110,5128,675";
        assert_eq!(
            read(run, 7),
            vec![vec![
                "14,007", "11,929", "9,880", "12,254", "10,261", "10,512", "8,675"
            ]]
        );
        assert!(read(run, 6).is_empty());
        // A number of up to three digits may stand before a grouped one (`1` and `1,929`): a
        // run cuts into more numbers other ways, so the count is the axis'.
        assert!(read(run, 8).len() > 1);
    }

    #[test]
    fn runs_of_three_digit_numbers_cut_by_count() {
        // Line 423: seven numbers under seven heads; no number of four digits prints without
        // its comma, so the only cut is by threes.
        assert_eq!(
            read("606682699718727740752", 7),
            vec![vec!["606", "682", "699", "718", "727", "740", "752"]]
        );
    }

    #[test]
    fn percentages_end_at_their_sign() {
        // Line 419, and line 321 with a negative in parentheses.
        assert_eq!(
            read("14.6%13.5 %13.9 %14.4 %14.0 %13.2 %11.7%", 7),
            vec![vec![
                "14.6%", "13.5 %", "13.9 %", "14.4 %", "14.0 %", "13.2 %", "11.7%"
            ]]
        );
        assert_eq!(
            read("5.8%4.3%2.5%5.4%4.0%2.7%(1.2%)", 7),
            vec![vec![
                "5.8%", "4.3%", "2.5%", "5.4%", "4.0%", "2.7%", "(1.2%)"
            ]]
        );
    }

    #[test]
    fn ambiguous_runs_give_every_cut() {
        // Line 288: numbers with and without commas; the count alone does not settle it.
        let all = read("6301,0002731,0436251,167531", 7);
        assert!(all.contains(&vec!["630", "1,000", "273", "1,043", "625", "1,167", "531"]));
        assert!(all.contains(&vec!["6", "301,000", "273", "1,043", "625", "1,167", "531"]));
        // Line 307: a negative last.
        let all = read("2,1201,9411,1891,0016232,256660229(238)", 9);
        assert!(all.contains(&vec![
            "2,120", "1,941", "1,189", "1,001", "623", "2,256", "660", "229", "(238)"
        ]));
        // Space-separated numbers are a run too.
        assert_eq!(
            read("1,655 1,737 2,298", 3),
            vec![vec!["1,655", "1,737", "2,298"]]
        );
        // No leading zeros (`0` is a number), no decimals of different places.
        assert!(read("0123", 1).is_empty());
        assert_eq!(read("0123", 2), vec![vec!["0", "123"]]);
        assert_eq!(read("95.6104.9", 2), vec![vec!["95.6", "104.9"]]);
    }
}
