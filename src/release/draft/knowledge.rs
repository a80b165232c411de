//! What the draft knows of a company before reading its text: the labels its earlier releases
//! printed (with the table and concept of each, and their order in each table), its concepts'
//! labels, the standard concepts' labels and aliases, and the parts of its totals.

use super::*;

/// Where a label was seen before, or what it is the label of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Meaning {
    pub(super) table: String,
    pub(super) concept: String,
}

/// What the draft knows of the company: labels to meanings, concepts' parts.
#[derive(Default)]
pub(super) struct Knowledge {
    /// normalized label -> meanings printed under it by earlier releases
    pub(super) printed: HashMap<String, HashSet<Meaning>>,
    /// normalized label -> concepts it is the label or an alias of (tables not known)
    pub(super) named: HashMap<String, HashSet<String>>,
    /// concept -> tables it may live in
    pub(super) tables: HashMap<String, Vec<String>>,
    /// total -> signed parts, as the newest definition gives them
    pub(super) components: HashMap<String, Vec<(i32, String)>>,
    /// standard concept -> the company's own concept that is it (IIJ's sga_rd is sga)
    pub(super) own: HashMap<String, String>,
    /// (table, normalized label) -> the concepts the newest earlier release printing that label
    /// in that table printed under it, in its order (the n-th "Other" of a cash-flow statement)
    pub(super) order: HashMap<(String, String), Vec<String>>,
    /// unit -> its dimension, as the reference lists units (`contracts` -> count)
    pub(super) units: HashMap<String, String>,
    /// (table, concept, period or date, unit) -> (value, release) of the newest earlier release
    /// printing that actual consolidated level: what a comparative printed again is checked
    /// against
    pub(super) values: HashMap<(String, String, String, String), (String, String)>,
}

pub(super) const FACT_TABLES: [(&str, &str); 4] = [
    ("revenue_lines", "line"),
    ("income_items", "item"),
    ("cash_flows", "item"),
    ("kpis", "item"),
];

pub(super) fn normalize(label: &str) -> String {
    static FOOTNOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\(\d{1,2}\)|\(footnote \d+\)").expect("regex"));
    let cut = FOOTNOTE.replace_all(label, " ");
    let words: Vec<&str> = cut
        .split(|c: char| c.is_whitespace() || c == ':')
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ").to_lowercase().replace('’', "'")
}

/// A signed term of a concept's components (`+connectivity`, `-total_costs`).
pub(super) static TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[+-]?[a-z0-9_]+").expect("regex"));

/// The dictionary: labels earlier releases of the company printed, with the table and concept of
/// each; concept labels (the company's and the standard ones, with aliases); parts of totals.
pub(super) fn knowledge(
    data: &Path,
    reference: &Path,
    company_id: &str,
    release_id: &str,
    published: &str,
) -> Result<Knowledge> {
    let mut k = Knowledge::default();
    let mut releases: Vec<(String, String, ReleaseFolder)> = Vec::new();
    for entry in std::fs::read_dir(data.join("releases"))?.flatten() {
        let Ok(folder) = ReleaseFolder::at(&entry.path()) else {
            continue;
        };
        let Ok(meta) = folder.metadata() else {
            continue;
        };
        if meta.table.get("company_id").and_then(|v| v.as_str()) != Some(company_id) {
            continue;
        }
        let id = entry.file_name().to_string_lossy().to_string();
        let date = meta.get("published_on").unwrap_or_default();
        releases.push((date, id, folder));
    }
    // Oldest first: a newer definition of a concept replaces an older one.
    releases.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    // A file that cannot be read (missing, or refused by the folder's guards) adds nothing.
    let rows = |text: Result<String>| -> Vec<HashMap<String, String>> {
        let Ok(text) = text else {
            return Vec::new();
        };
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let Ok(h) = r.headers().cloned() else {
            return Vec::new();
        };
        r.records()
            .flatten()
            .map(|rec| {
                h.iter()
                    .map(str::to_string)
                    .zip(rec.iter().map(str::to_string))
                    .collect()
            })
            .collect()
    };
    let mut parents: HashMap<String, String> = HashMap::new();
    for (date, id, folder) in &releases {
        // The release's own concepts count (it may define new lines); its figures do not.
        let own = id == release_id;
        if !own && date.as_str() > published {
            continue;
        }
        for c in rows(folder.read(&folder.dir.join("concepts.csv"))) {
            let concept = c["concept"].clone();
            k.named
                .entry(normalize(&c["label"]))
                .or_default()
                .insert(concept.clone());
            if !c["standard"].is_empty() && c["standard"] != concept {
                k.own.insert(c["standard"].clone(), concept.clone());
            }
            if !c["parent"].is_empty() {
                parents.insert(concept.clone(), c["parent"].clone());
            }
            if c["components"].is_empty() {
                k.components.remove(&concept);
            } else {
                let terms = TERM
                    .find_iter(&c["components"])
                    .map(|m| {
                        let t = m.as_str();
                        let sign = if t.starts_with('-') { -1 } else { 1 };
                        (sign, t.trim_start_matches(['+', '-']).to_string())
                    })
                    .collect();
                k.components.insert(concept.clone(), terms);
            }
            let table = if c["kind"] == "count" || c["dimension"] == "bandwidth" {
                "kpis"
            } else {
                ""
            };
            if !table.is_empty() {
                k.tables.insert(concept, vec![table.to_string()]);
            }
        }
        if own {
            continue;
        }
        let mut order: HashMap<(String, String), Vec<String>> = HashMap::new();
        let mut values = HashMap::new();
        let mut remember = |table: &str, col: &str, when: &str, r: &HashMap<String, String>| {
            let plain = |c: &str, v: &str| r.get(c).is_none_or(|x| x == v);
            if plain("comparison", "level")
                && plain("basis", "actual")
                && plain("scope", "consolidated")
                && plain("measure", "amount")
            {
                values.insert(
                    (
                        table.to_string(),
                        r[col].clone(),
                        r[when].clone(),
                        r["unit"].clone(),
                    ),
                    (r["value"].clone(), id.clone()),
                );
            }
        };
        for (table, col) in FACT_TABLES {
            for r in rows(folder.read(&folder.dir.join(format!("{table}.csv")))) {
                remember(table, col, "period", &r);
                let concepts = order
                    .entry((table.to_string(), normalize(&r["label"])))
                    .or_default();
                if !concepts.contains(&r[col]) {
                    concepts.push(r[col].clone());
                }
                let m = Meaning {
                    table: table.to_string(),
                    concept: r[col].clone(),
                };
                k.printed
                    .entry(normalize(&r["label"]))
                    .or_default()
                    .insert(m);
            }
        }
        // Balance-sheet labels serve statement tables only (their columns are dates).
        for r in rows(folder.read(&folder.dir.join("balance_sheet.csv"))) {
            remember("balance_sheet", "item", "as_of", &r);
            let concepts = order
                .entry(("balance_sheet".to_string(), normalize(&r["label"])))
                .or_default();
            if !concepts.contains(&r["item"]) {
                concepts.push(r["item"].clone());
            }
        }
        // Oldest first: the newest release printing a label decides its order, and its value.
        k.order.extend(order);
        k.values.extend(values);
    }
    for u in rows(crate::base::read_text_bounded(&reference.join("units.csv"))) {
        k.units.insert(u["unit"].clone(), u["dimension"].clone());
    }
    for s in rows(crate::base::read_text_bounded(
        &reference.join("standard_concepts.csv"),
    )) {
        let concept = s["concept"].clone();
        let names = std::iter::once(s["label"].as_str()).chain(s["aliases"].split("; "));
        for name in names.filter(|n| !n.is_empty()) {
            k.named
                .entry(normalize(name))
                .or_default()
                .insert(concept.clone());
        }
        let table = match s["statement"].as_str() {
            "cash_flow" => "cash_flows",
            "balance_sheet" => "balance_sheet",
            "operating" => "kpis",
            _ => "income_items",
        };
        k.tables
            .entry(concept)
            .or_insert_with(|| vec![table.to_string()]);
    }
    // A concept in the revenue hierarchy is a revenue line (total revenues is both).
    let in_revenues = |c: &str| {
        let mut at = c.to_string();
        for _ in 0..10 {
            match parents.get(&at) {
                Some(p) if p == "total_revenues" => return true,
                Some(p) => at = p.clone(),
                None => return false,
            }
        }
        false
    };
    let concepts: Vec<String> = k.named.values().flatten().cloned().collect();
    for c in concepts {
        if in_revenues(&c) {
            k.tables.insert(c, vec!["revenue_lines".to_string()]);
        } else if c == "total_revenues" {
            k.tables
                .insert(c, vec!["revenue_lines".into(), "income_items".into()]);
        } else {
            k.tables
                .entry(c)
                .or_insert_with(|| vec!["income_items".to_string()]);
        }
    }
    Ok(k)
}

/// The meanings of a label: printed before (certain), a concept's label or alias (certain), or a
/// close match (review).
pub(super) fn meanings(k: &Knowledge, label: &str) -> (Vec<Meaning>, Certainty, String) {
    let key = normalize(label);
    if let Some(m) = k.printed.get(&key) {
        let mut v: Vec<Meaning> = m.iter().cloned().collect();
        v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
        return (
            v,
            Certainty::Certain,
            format!("label {label:?} as earlier releases print it"),
        );
    }
    let with_tables = |concepts: &HashSet<String>| -> Vec<Meaning> {
        let mut v: Vec<Meaning> = concepts
            .iter()
            .flat_map(|c| {
                k.tables
                    .get(c)
                    .cloned()
                    .unwrap_or_else(|| vec!["income_items".into()])
                    .into_iter()
                    .map(move |t| Meaning {
                        table: t,
                        concept: c.clone(),
                    })
            })
            .collect();
        v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
        v
    };
    // A standard concept the company reports as a concept of its own is that concept.
    let own = |c: &HashSet<String>| -> HashSet<String> {
        c.iter()
            .map(|c| k.own.get(c).unwrap_or(c).clone())
            .collect()
    };
    if let Some(c) = k.named.get(&key) {
        return (
            with_tables(&own(c)),
            Certainty::Certain,
            format!("label {label:?} of the concept"),
        );
    }
    // Close matches: printed labels and concept names, best first. A name more than twice as
    // long as the label, or less than half as long, scores under 0.9 (Jaro counts at most the
    // shorter's characters as matching), so it is not scored: scoring costs the product of the
    // lengths, which a long line's label would make the text's size times the dictionary's.
    let key_chars = key.chars().count();
    let mut best: Option<(f64, String, bool)> = None;
    for (name, printed) in k
        .printed
        .keys()
        .map(|n| (n, true))
        .chain(k.named.keys().map(|n| (n, false)))
    {
        let name_chars = name.chars().count();
        if key_chars.max(name_chars) > 2 * key_chars.min(name_chars) {
            continue;
        }
        let score = strsim::jaro_winkler(&key, name);
        // Equal scores go to the first name in order, not to the hash map's order: the same
        // text drafts the same notes every time.
        if best
            .as_ref()
            .is_none_or(|(s, n, _)| score > *s || score == *s && name < n)
        {
            best = Some((score, name.clone(), printed));
        }
    }
    match best {
        Some((score, name, printed)) if score >= 0.9 => {
            let v = if printed {
                let mut v: Vec<Meaning> = k.printed[&name].iter().cloned().collect();
                v.sort_by(|a, b| (&a.table, &a.concept).cmp(&(&b.table, &b.concept)));
                v
            } else {
                with_tables(&own(&k.named[&name]))
            };
            (
                v,
                Certainty::Review,
                format!("close match ({score:.2}) of {label:?} to {name:?}"),
            )
        }
        _ => (Vec::new(), Certainty::Review, String::new()),
    }
}
