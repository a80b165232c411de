//! The bad-input catalogue (tests/bad_inputs.toml): every case fails with a clear error naming
//! where and what, exits non-zero, never panics, and leaves the last good warehouse answering.

use crate::common::{project_root, Sandbox};
use iijwh::warehouse::parts::part_of;
use serde::Deserialize;

#[derive(Deserialize)]
struct Catalogue {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    action: String,
    file: Option<String>,
    find: Option<String>,
    replace: Option<String>,
    content: Option<String>,
    content_bytes: Option<Vec<u8>>,
    command: Option<Vec<String>>,
    expect: Vec<String>,
}

const TOTAL_2Q06: &str =
    "SELECT value FROM revenue_lines WHERE period = '2Q06' AND line = 'total_revenues' \
    AND measure = 'amount' AND section = 'Trend of Quarterly Revenues'";

impl Case {
    fn apply(&self, sb: &Sandbox) {
        let file = || sb.release_file(self.file.as_deref().expect("case needs a file"));
        match self.action.as_str() {
            "none" => {}
            "replace" => sb.edit(
                self.file.as_deref().unwrap(),
                self.find.as_deref().unwrap(),
                self.replace.as_deref().unwrap(),
            ),
            "append" => {
                let mut bytes = std::fs::read(file()).unwrap();
                match (&self.content, &self.content_bytes) {
                    (Some(text), _) => bytes.extend_from_slice(text.as_bytes()),
                    (None, Some(raw)) => bytes.extend_from_slice(raw),
                    _ => panic!("{}: append needs content", self.name),
                }
                std::fs::write(file(), bytes).unwrap();
            }
            "write" => std::fs::write(file(), self.content.as_deref().unwrap_or("")).unwrap(),
            "remove" => std::fs::remove_file(file()).unwrap(),
            "corrupt" => {
                let current = std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
                let path = current.join(format!(
                    "{}/{}.parquet",
                    self.file.as_deref().unwrap(),
                    part_of("iij")
                ));
                let bytes = std::fs::read(&path).unwrap();
                std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
            }
            other => panic!("{}: unknown action {other}", self.name),
        }
    }
}

#[test]
fn every_bad_input_is_rejected_clearly_and_the_warehouse_survives() {
    let text = std::fs::read_to_string(project_root().join("tests/bad_inputs.toml")).unwrap();
    let catalogue: Catalogue = toml::from_str(&text).unwrap();
    assert!(catalogue.case.len() >= 15);
    for case in &catalogue.case {
        let sb = Sandbox::with_data_copy();
        sb.ok(&["load"]);
        case.apply(&sb);
        let args: Vec<String> = case
            .command
            .clone()
            .unwrap_or_else(|| vec!["load".to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sb.cmd().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "case `{}` should fail", case.name);
        assert_eq!(out.status.code(), Some(1), "case `{}`: {stderr}", case.name);
        assert!(
            !stderr.contains("panicked"),
            "case `{}` panicked: {stderr}",
            case.name
        );
        for e in &case.expect {
            assert!(
                stderr.contains(e.as_str()),
                "case `{}`: expected {e:?} in:\n{stderr}",
                case.name
            );
        }
        if case.action == "corrupt" {
            continue; // the damaged warehouse is the point; `query` rebuilds it (tested elsewhere)
        }
        // The last good warehouse still answers (as is: data/ may now be broken).
        let rows = crate::common::parse_csv(&sb.ok(&[
            "query",
            "--no-build",
            "-e",
            TOTAL_2Q06,
            "--format",
            "csv",
        ]));
        assert_eq!(rows[0]["value"], "14007.0", "case `{}`", case.name);
    }
}
