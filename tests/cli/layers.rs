//! The house's structure, from the code's own imports: the folders of src/ form layers and every
//! `crate::` import points down (cmd -> features -> sql/render -> warehouse -> release/schema/
//! journal -> base), so there is no import loop and the warehouse core never imports a command.

use crate::common::project_root;
use std::collections::BTreeMap;

/// Each top-level module of src/ and its layer: a module may import only lower layers (and itself).
const LAYERS: &[(&str, u8)] = &[
    ("base", 0),
    ("schema", 1),
    ("journal", 1),
    ("release", 2),
    ("warehouse", 3),
    ("sql", 4),
    ("render", 4),
    ("load", 5),
    ("export", 5),
    ("repl", 5),
    ("web", 5),
    ("cmd", 6),
];

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_point_down_the_pipeline() {
    let src = project_root().join("src");
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(home) = rel.iter().next().and_then(|c| c.to_str()) else {
            continue;
        };
        let home = home.trim_end_matches(".rs");
        let Some(&own) = layer.get(home) else {
            // main.rs and lib.rs stand above everything.
            assert!(
                ["main", "lib"].contains(&home),
                "{} is in no layer",
                rel.display()
            );
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        // Comments name modules without importing them; unit tests may build what they test.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let mut rest = line;
            while let Some(at) = rest.find("crate::") {
                let name: String = rest[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                rest = &rest[at + 7..];
                let Some(&target) = layer.get(name.as_str()) else {
                    continue;
                };
                checked += 1;
                if name != home && target >= own {
                    wrong.push(format!(
                        "{}:{}: {home} imports {name}",
                        rel.display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} imports seen");
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways:\n{}",
        wrong.join("\n")
    );
}
