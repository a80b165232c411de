//! The labels of a table printed column by column: the one block of words that reads as known
//! labels, one concept each.

use super::super::*;
use super::columns::{words_only, Column};

/// The one concept a label means, certainly: (table, concept), an income figure preferred.
pub(super) fn concept_of(k: &Knowledge, label: &str) -> Option<(String, String)> {
    let (found, certainty, _) = meanings(k, label);
    if certainty != Certainty::Certain {
        return None;
    }
    let concepts: BTreeSet<&String> = found.iter().map(|m| &m.concept).collect();
    let [concept] = concepts.into_iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let table = found
        .iter()
        .find(|m| m.table == "income_items")
        .or(found.first())?
        .table
        .clone();
    Some((table, concept.clone()))
}

/// The words of a block cut into known labels, each a concept: the one way, or none.
pub(super) fn labels_of(k: &Knowledge, words: &[&str]) -> Option<Vec<(String, String, String)>> {
    // ways[i]: the readings of words[i..] (at most two kept: two is ambiguous).
    let n = words.len();
    let mut ways: Vec<Vec<Vec<(String, String, String)>>> = vec![Vec::new(); n + 1];
    ways[n].push(Vec::new());
    for i in (0..n).rev() {
        for j in (i + 1)..=n.min(i + 8) {
            if ways[j].is_empty() {
                continue;
            }
            let label = words[i..j].join(" ");
            let Some((table, concept)) = concept_of(k, &label) else {
                continue;
            };
            for rest in ways[j].clone() {
                let mut w = vec![(label.clone(), table.clone(), concept.clone())];
                w.extend(rest);
                if ways[i].len() < 2 {
                    ways[i].push(w);
                }
            }
        }
    }
    match ways[0].as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The blocks of words between the columns of a table (lines of words only, blank lines between
/// allowed): (0-based first line, words).
pub(super) fn blocks<'a>(
    lines: &[&'a str],
    from: usize,
    to: usize,
    cols: &[Column],
) -> Vec<(usize, Vec<&'a str>)> {
    let mut out: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut open = false;
    for (j, line) in lines.iter().enumerate().take(to).skip(from) {
        let in_column = cols.iter().any(|c| (c.label_from..=c.last).contains(&j));
        if in_column || !(words_only(line) || line.trim().is_empty()) {
            open = false;
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !open {
            out.push((j, Vec::new()));
            open = true;
        }
        if let Some(b) = out.last_mut() {
            b.1.extend(line.split_whitespace());
        }
    }
    out
}
