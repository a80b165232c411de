//! The draft as files: the fact CSVs and concepts.csv with the schema's headers, DRAFT.md, and
//! the write into the release folder (all files staged, then renamed).

use super::*;
use crate::schema::Catalog;

/// The CSV text of each table the draft fills, with the schema's header (release_id left out).
pub fn csv_files(d: &Draft, catalog: &Catalog) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let tables: Vec<&str> = {
        let mut t: Vec<&str> = d.rows.iter().map(|r| r.table.as_str()).collect();
        t.sort_unstable();
        t.dedup();
        t
    };
    for name in tables {
        let rows = d.rows.iter().filter(|r| r.table == name).map(|r| {
            let note = format!("draft {}: {}", r.certainty.word(), r.how.join("; "));
            move |c: &str| -> String {
                match c {
                    "period" | "as_of" => r.period.clone(),
                    "line" | "item" => r.item.clone(),
                    "measure" => r.measure.into(),
                    "basis" => "actual".into(),
                    "scope" => "consolidated".into(),
                    "comparison" => r.comparison.clone(),
                    "value" => r.value.clone(),
                    "unit" => r.unit.clone(),
                    "section" => r.section.clone(),
                    "label" => r.label.clone(),
                    "printed" => r.printed.clone(),
                    "placement" => r.placement.to_string(),
                    "note" => note.clone(),
                    _ => String::new(),
                }
            }
        });
        out.push((name.to_string(), table_csv(catalog, name, rows)?));
    }
    if !d.concepts.is_empty() {
        out.push(("concepts".to_string(), concepts_csv(d, catalog)?));
    }
    if !d.restatements.is_empty() {
        let rows = d.restatements.iter().map(|r| {
            move |name: &str| -> String {
                match name {
                    "restatement" => r.restatement.clone(),
                    "period_from" => r.period_from.clone(),
                    "period_to" => r.period_to.clone(),
                    "table_name" => r.table_name.clone(),
                    "items" => r.items.clone(),
                    "restates_release" => r.restates_release.clone(),
                    "reason" => r.reason.clone(),
                    "section" => r.section.clone(),
                    "note" => r.note.clone(),
                    _ => String::new(),
                }
            }
        });
        out.push((
            "restatements".to_string(),
            table_csv(catalog, "restatements", rows)?,
        ));
    }
    Ok(out)
}

/// The CSV text of table `name` (the schema's header, release_id left out) with one row per
/// item of `rows`, each a cell by column name.
fn table_csv<F: Fn(&str) -> String>(
    catalog: &Catalog,
    name: &str,
    rows: impl Iterator<Item = F>,
) -> Result<String> {
    let table = catalog
        .table(name)
        .with_context(|| format!("schema has no table {name}"))?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| *c != "release_id")
        .collect();
    w.write_record(&header)?;
    for cell in rows {
        w.write_record(header.iter().map(|h| cell(h)))?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

/// concepts.csv of the concepts the draft proposes, with the schema's header.
pub(super) fn concepts_csv(d: &Draft, catalog: &Catalog) -> Result<String> {
    let rows = d.concepts.iter().map(|c| {
        move |name: &str| -> String {
            match name {
                "concept" => c.concept.clone(),
                "label" => c.label.clone(),
                "parent" => c.parent.clone(),
                "components" => c.components.clone(),
                "kind" => c.kind.to_string(),
                "dimension" => c.dimension.to_string(),
                "sort_order" => c.sort_order.to_string(),
                "note" => c.note.clone(),
                _ => String::new(),
            }
        }
    });
    table_csv(catalog, "concepts", rows)
}

/// DRAFT.md: what was placed, with how sure, and every number the draft could not place.
pub fn report_markdown(release_id: &str, d: &Draft) -> String {
    let certain = d
        .rows
        .iter()
        .filter(|r| r.certainty == Certainty::Certain)
        .count();
    let mut s = format!(
        "# Draft of {release_id}\n\nWritten by `iijwh release draft`. The text has {} numbers: {} proposed as rows \
         ({certain} certain, {} for review) and {} unplaced. Review the rows marked `review` \
         in the CSVs (their note says why), place the unplaced numbers by hand, then `iijwh load`.\n\n",
        d.numbers,
        d.numbers - d.unplaced.len(),
        d.rows.len() - certain,
        d.unplaced.len()
    );
    if !d.company.is_empty() {
        s.push_str("## The company, as the text prints it\n\n| field | printed | line | the record | |\n| --- | --- | ---: | --- | --- |\n");
        for f in &d.company {
            s.push_str(&format!(
                "| {} | {} | source.txt:{} | {} | {} |\n",
                f.field,
                md(&f.printed),
                f.line,
                md(&f.record),
                f.verdict
            ));
        }
        s.push('\n');
    }
    s.push_str(&grids_markdown(d));
    for (title, which) in [
        ("Certain", Certainty::Certain),
        ("For review", Certainty::Review),
    ] {
        s.push_str(&format!("## {title}\n\n| line | table | period | item | comparison | value | printed | label | how |\n| ---: | --- | --- | --- | --- | ---: | --- | --- | --- |\n"));
        for r in d.rows.iter().filter(|r| r.certainty == which) {
            s.push_str(&format!(
                "| source.txt:{} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.line,
                r.table,
                r.period,
                r.item,
                r.comparison,
                r.value,
                md(&r.printed),
                md(&r.label),
                md(&r.how.join("; "))
            ));
        }
        s.push('\n');
    }
    s.push_str(
        "## Unplaced numbers\n\n| line | printed | context | why |\n| ---: | --- | --- | --- |\n",
    );
    for u in &d.unplaced {
        s.push_str(&format!(
            "| source.txt:{} | {} | {} | {} |\n",
            u.line,
            md(&u.printed),
            md(&u.context),
            u.why
        ));
    }
    s
}

/// Each statement as its grid: a figure for review is marked `?`, each with its line.
fn grids_markdown(d: &Draft) -> String {
    let mut s = String::new();
    for g in super::grid::grids(d) {
        s.push_str(&format!("## {}\n\n| label | concept |", md(&g.section)));
        for p in &g.periods {
            s.push_str(&format!(" {p} |"));
        }
        s.push_str("\n| --- | --- |");
        s.push_str(&" ---: |".repeat(g.periods.len()));
        s.push('\n');
        for r in &g.rows {
            s.push_str(&format!("| {} | {} |", md(&r.label), r.item));
            for c in &r.cells {
                match c {
                    Some(c) => s.push_str(&format!(
                        " {}{} (source.txt:{}) |",
                        md(&c.printed),
                        if c.certain { "" } else { " ?" },
                        c.line
                    )),
                    None => s.push_str(" |"),
                }
            }
            s.push('\n');
        }
        s.push('\n');
    }
    s
}

pub(super) fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Write the draft into the release's folder: its rows into the CSVs it fills (each must be
/// absent or hold only its header: typed rows are never replaced) and DRAFT.md. Every file is
/// written aside first and renamed into place only when all are ready.
pub fn write(
    project: &crate::base::project::Project,
    release_id: &str,
    d: &Draft,
) -> Result<std::path::PathBuf> {
    let folder = ReleaseFolder::named(&project.data, release_id)?;
    let dir = folder.dir.clone();
    let catalog = Catalog::of(project)?;
    let mut files = csv_files(d, &catalog)?;
    for (name, _) in &files {
        let path = dir.join(format!("{name}.csv"));
        if std::fs::symlink_metadata(&path).is_ok() {
            let text = folder
                .read(&path)
                .context("the draft replaces only a CSV it can read: nothing was written")?;
            if text.lines().skip(1).any(|l| !l.trim().is_empty()) {
                bail!(
                    "{}: holds rows already; the draft writes only into empty CSVs (move the \
                     file aside, or keep typing it): nothing was written",
                    path.display()
                );
            }
        }
    }
    files = files
        .into_iter()
        .map(|(n, t)| (format!("{n}.csv"), t))
        .collect();
    files.push(("DRAFT.md".to_string(), report_markdown(release_id, d)));
    let pid = std::process::id();
    let mut staged = Vec::new();
    for (name, text) in &files {
        let tmp = dir.join(format!(".{name}.draft-{pid}"));
        // A new file, never one found there: a link planted at that name is not followed.
        let written = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(mut file) => {
                staged.push(tmp.clone());
                std::io::Write::write_all(&mut file, text.as_bytes())
            }
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            for t in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e).with_context(|| format!("writing {}", tmp.display()));
        }
    }
    for ((name, _), tmp) in files.iter().zip(&staged) {
        std::fs::rename(tmp, dir.join(name))?;
    }
    Ok(dir)
}
