//! A company's concept definitions (the concepts.csv of its releases), checked whole before
//! anything is written, so that a bad row is named by file, line, column and value rather than
//! failing the warehouse later: each row's code, kind, dimension, standard concept and the form
//! of its components (the CHECKs and keys of schema/tables/05_concepts.sql), a concept defined
//! once a release; and what its parent and components name: concepts of the same company or
//! standard ones, never the concept itself, and no cycle through parents or components in the
//! definitions any release is read against (view release_concepts).

use super::{file_column, table, RawRows, Units, CONCEPTS, STANDARD_CONCEPTS};
use crate::schema::Catalog;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The kinds of concept, as the CHECK of concepts.kind takes them.
const KINDS: [&str; 4] = ["amount", "ratio", "count", "rate"];

/// The columns of `concepts` the checks read.
struct Columns {
    release_id: usize,
    concept: usize,
    parent: usize,
    components: usize,
    kind: usize,
    dimension: usize,
    standard: usize,
}

/// One row of concepts.csv as the reference checks need it.
struct Definition<'a> {
    /// (published_on, release_id) of its release: the order release_concepts reads them in.
    order: (&'a str, &'a str),
    concept: &'a str,
    parent: Option<&'a str>,
    components: Option<&'a str>,
    /// The concepts its components name (none when it has no components or they do not parse).
    parts: Vec<&'a str>,
    row: usize,
}

/// Every row of table `concepts` checked; `releases` gives each release's (company,
/// published_on).
pub(super) fn check_definitions(
    catalog: &Catalog,
    units: &Units,
    releases: &HashMap<String, (String, String)>,
    raw: &BTreeMap<String, RawRows>,
) -> Result<()> {
    let t = table(catalog, CONCEPTS)?;
    let at = |name: &str| -> Result<usize> {
        t.columns
            .iter()
            .position(|c| c.name == name)
            .with_context(|| format!("table {CONCEPTS} has no column {name}"))
    };
    let cols = Columns {
        release_id: at("release_id")?,
        concept: at("concept")?,
        parent: at("parent")?,
        components: at("components")?,
        kind: at("kind")?,
        dimension: at("dimension")?,
        standard: at("standard")?,
    };
    let empty = RawRows::default();
    let standard_at = table(catalog, STANDARD_CONCEPTS)?
        .columns
        .iter()
        .position(|c| c.name == "concept")
        .context("table standard_concepts has no column concept")?;
    let standard: BTreeSet<&str> = raw
        .get(STANDARD_CONCEPTS)
        .unwrap_or(&empty)
        .values
        .iter()
        .filter_map(|r| r[standard_at].as_deref())
        .collect();
    let rows = raw.get(CONCEPTS).unwrap_or(&empty);
    let mut problems = Vec::new();
    let mut complain = |row: usize, ci: usize, why: String| {
        problems.push(format!(
            "{}:{}: column `{}`: {why}",
            rows.origins[row],
            file_column(t, ci),
            t.columns[ci].name
        ));
    };
    // company -> its definitions
    let mut by_company: BTreeMap<&str, Vec<Definition>> = BTreeMap::new();
    // (release, concept) -> the row first defining it there
    let mut first: HashMap<(&str, &str), usize> = HashMap::new();
    for (row, values) in rows.values.iter().enumerate() {
        let cell = |ci: usize| values[ci].as_deref();
        // A row without a release or concept is the typing's to report (NOT NULL).
        let (Some(rid), Some(concept)) = (cell(cols.release_id), cell(cols.concept)) else {
            continue;
        };
        if !is_code(concept) {
            complain(
                row,
                cols.concept,
                format!(
                    "{concept:?} is not a concept code: a lower-case letter, then lower-case \
                     letters, digits and '_' (e.g. total_revenues)"
                ),
            );
        }
        if let Some(&before) = first.get(&(rid, concept)) {
            complain(
                row,
                cols.concept,
                format!(
                    "{concept:?} is defined twice in this release (first at line {}); a \
                     release defines a concept once",
                    rows.origins[before].line
                ),
            );
        } else {
            first.insert((rid, concept), row);
        }
        if let Some(kind) = cell(cols.kind).filter(|k| !KINDS.contains(k)) {
            complain(
                row,
                cols.kind,
                format!("{kind:?} is not a kind of concept: {}", KINDS.join(", ")),
            );
        }
        if let Some(why) = cell(cols.dimension).and_then(|d| units.dimension_problem(d)) {
            complain(row, cols.dimension, why);
        }
        if let Some(s) = cell(cols.standard).filter(|s| !standard.contains(s)) {
            complain(
                row,
                cols.standard,
                format!(
                    "{s:?} is not a standard concept (schema/reference/standard_concepts.csv): {}",
                    standard.iter().copied().collect::<Vec<_>>().join(", ")
                ),
            );
        }
        let parts = match cell(cols.components) {
            None => Vec::new(),
            Some(components) => terms(components).unwrap_or_else(|| {
                complain(
                    row,
                    cols.components,
                    format!(
                        "{components:?} is not a signed sum of two or more concepts, e.g. a+b or \
                         total_revenues-total_costs"
                    ),
                );
                Vec::new()
            }),
        };
        let Some((company, published_on)) = releases.get(rid) else {
            continue;
        };
        by_company
            .entry(company.as_str())
            .or_default()
            .push(Definition {
                order: (published_on.as_str(), rid),
                concept,
                parent: cell(cols.parent),
                components: cell(cols.components),
                parts,
                row,
            });
    }
    for (company, definitions) in &mut by_company {
        definitions.sort_by_key(|d| d.order);
        check_references(company, definitions, &standard, &cols, &mut complain);
    }
    crate::base::refuse_listing(&problems, "concept definition(s) of concepts.csv are wrong")
}

/// What one company's definitions (in release order) name: a parent and each part is a concept
/// the company defines or a standard one, and never the concept itself; and no cycle.
fn check_references(
    company: &str,
    definitions: &[Definition],
    standard: &BTreeSet<&str>,
    cols: &Columns,
    complain: &mut impl FnMut(usize, usize, String),
) {
    let defined: HashSet<&str> = definitions.iter().map(|d| d.concept).collect();
    let unknown = |name: &str| {
        format!(
            "{name:?} is not a concept of company `{company}` (none of its releases' \
             concepts.csv defines it) nor a standard concept"
        )
    };
    for d in definitions {
        match d.parent {
            Some(p) if p == d.concept => complain(
                d.row,
                cols.parent,
                format!("{p:?} is the concept itself: a concept cannot be its own parent"),
            ),
            Some(p) if !defined.contains(p) && !standard.contains(p) => {
                complain(d.row, cols.parent, unknown(p))
            }
            _ => {}
        }
        for &part in &d.parts {
            if part == d.concept {
                complain(
                    d.row,
                    cols.components,
                    format!("{part:?} is the concept itself: a total cannot be one of its parts"),
                );
            } else if !defined.contains(part) && !standard.contains(part) {
                complain(d.row, cols.components, unknown(part));
            }
        }
    }
    // Each release reads a concept's newest definition at or before it, else the earliest after
    // it (view release_concepts): the definitions change only at a release that prints some, so
    // the view at each of those is every view there is.
    let mut by_concept: HashMap<&str, Vec<&Definition>> = HashMap::new();
    for d in definitions {
        by_concept.entry(d.concept).or_default().push(d);
    }
    let mut reported: HashSet<(usize, Vec<&str>)> = HashSet::new();
    let mut orders: Vec<(&str, &str)> = definitions.iter().map(|d| d.order).collect();
    orders.dedup();
    for order in orders {
        let view: BTreeMap<&str, &Definition> = by_concept
            .iter()
            .map(|(concept, ds)| {
                let upto = ds.partition_point(|d| d.order <= order);
                (*concept, ds[upto.saturating_sub(1)])
            })
            .collect();
        // concept -> the concepts its edges lead to (a self-reference is reported above)
        let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut parts: HashMap<&str, Vec<&str>> = HashMap::new();
        for (&c, d) in &view {
            parents.insert(c, d.parent.filter(|p| *p != c).into_iter().collect());
            parts.insert(c, d.parts.iter().copied().filter(|p| *p != c).collect());
        }
        for (ci, graph, what) in [
            (cols.parent, &parents, "parents"),
            (cols.components, &parts, "components"),
        ] {
            for cycle in cycles(view.keys().copied(), graph) {
                let mut members = cycle.clone();
                members.sort();
                if !reported.insert((ci, members)) {
                    continue;
                }
                // Reported at the definition that closed it: the newest of the cycle's (the
                // last in its file).
                let closing = cycle
                    .iter()
                    .map(|c| view[c])
                    .max_by_key(|d| (d.order, d.row))
                    .expect("a cycle has members");
                let at = cycle
                    .iter()
                    .position(|c| *c == closing.concept)
                    .unwrap_or(0);
                let path: Vec<&str> = cycle[at..].iter().chain(&cycle[..=at]).copied().collect();
                let value = if ci == cols.parent {
                    closing.parent
                } else {
                    closing.components
                };
                let value = value.unwrap_or_default();
                complain(
                    closing.row,
                    ci,
                    format!(
                        "{value:?} closes a cycle of {what}: {}; a concept cannot be part of \
                         itself",
                        path.join(" -> ")
                    ),
                );
            }
        }
    }
}

/// The cycles of the graph of `nodes` and `edges` (node -> the nodes it leads to), each once,
/// found by a depth-first walk, as the nodes on it in edge order.
fn cycles<'a>(
    nodes: impl Iterator<Item = &'a str>,
    edges: &HashMap<&'a str, Vec<&'a str>>,
) -> Vec<Vec<&'a str>> {
    let out = |n: &str| edges.get(n).cloned().unwrap_or_default();
    // ON_PATH while on the current path, then DONE.
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut found = Vec::new();
    for start in nodes {
        if state.contains_key(start) {
            continue;
        }
        // The path, each node with the edges it has still to follow (the last first).
        let mut path: Vec<(&str, Vec<&str>)> = vec![(start, out(start))];
        state.insert(start, ON_PATH);
        while let Some((node, next)) = path.last_mut() {
            let node = *node;
            match next.pop() {
                None => {
                    state.insert(node, DONE);
                    path.pop();
                }
                Some(to) => match state.get(to) {
                    Some(&ON_PATH) => {
                        let from = path.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        found.push(path[from..].iter().map(|(n, _)| *n).collect());
                    }
                    Some(_) => {}
                    None => {
                        state.insert(to, ON_PATH);
                        path.push((to, out(to)));
                    }
                },
            }
        }
    }
    found
}

/// A concept code, as the CHECK of concepts.concept takes it.
fn is_code(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase()) && s.bytes().all(is_code_byte)
}

fn is_code_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'
}

/// The concepts a components cell names, or None when it is not a signed sum of two or more
/// (the CHECK of concepts.components: `a+b`, `total_revenues-total_costs`).
fn terms(components: &str) -> Option<Vec<&str>> {
    let terms: Vec<&str> = components.split(['+', '-']).collect();
    let whole = terms.len() >= 2
        && terms
            .iter()
            .all(|t| !t.is_empty() && t.bytes().all(is_code_byte));
    whole.then_some(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_parse_as_the_check_takes_them() {
        assert_eq!(terms("a+b-c_1"), Some(vec!["a", "b", "c_1"]));
        for bad in ["a", "+a+b", "a+", "a++b", "a + b", "A+b", "a*b"] {
            assert_eq!(terms(bad), None, "{bad}");
        }
    }

    #[test]
    fn cycles_are_found_once_each() {
        let graph: HashMap<&str, Vec<&str>> = [
            ("a", vec!["b"]),
            ("b", vec!["a"]),
            ("c", vec!["d"]),
            ("d", vec![]),
            ("e", vec!["f"]),
            ("f", vec!["g"]),
            ("g", vec!["e"]),
        ]
        .into_iter()
        .collect();
        let mut nodes: Vec<&str> = graph.keys().copied().collect();
        nodes.sort();
        let found = cycles(nodes.into_iter(), &graph);
        assert_eq!(found, vec![vec!["a", "b"], vec!["e", "f", "g"]]);
    }
}
