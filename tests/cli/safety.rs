//! Nothing lost, ever: the command-line catalogue (tests/bad_cli.toml) changes no byte of data/ or of
//! the warehouse; relative paths work from any folder; a closed stdout ends iijwh quietly.

use crate::common::{copy_dir, project_root, Sandbox};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct Catalogue {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    setup: Option<String>,
    stdin: Option<String>,
    #[serde(default = "one")]
    status: i32,
    expect: Vec<String>,
}

fn one() -> i32 {
    1
}

/// Every file below `dir` (links followed) with the hash of its bytes; links as their targets.
pub fn tree_hash(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(
                    rel,
                    format!("-> {}", std::fs::read_link(&path).unwrap().display()),
                );
            } else if meta.is_dir() {
                out.insert(rel, "dir".into());
                walk(root, &path, out);
            } else if !meta.is_file() {
                // A named pipe or device: reading it could block, and its kind is what counts.
                out.insert(rel, format!("special {:?}", meta.file_type()));
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(rel, format!("{:x}", Sha256::digest(&bytes)));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

#[test]
fn no_bad_command_line_changes_data_or_the_warehouse() {
    let text = std::fs::read_to_string(project_root().join("tests/bad_cli.toml")).unwrap();
    let catalogue: Catalogue = toml::from_str(&text).unwrap();
    assert!(catalogue.case.len() >= 20);
    let root = project_root();
    let protected = [root.join("data"), root.join("schema"), root.join("queries")];
    let project_before: Vec<_> = protected.iter().map(|d| tree_hash(d)).collect();
    for case in &catalogue.case {
        let sb = Sandbox::with_data_copy();
        sb.ok(&["load"]);
        let tmp = sb.dir.path();
        if case.setup.as_deref() == Some("mine") {
            std::fs::create_dir_all(tmp.join("mine")).unwrap();
            std::fs::write(tmp.join("mine/keep.txt"), "mine").unwrap();
        }
        let fill = |s: &str| {
            s.replace("{data}", sb.data.to_str().unwrap())
                .replace("{warehouse}", sb.warehouse().to_str().unwrap())
                .replace("{root}", root.to_str().unwrap())
                .replace("{tmp}", tmp.to_str().unwrap())
        };
        let (data_before, wh_before) = (tree_hash(&sb.data), tree_hash(&sb.warehouse()));
        let mine_before = tree_hash(&tmp.join("mine"));
        let mut cmd = sb.cmd();
        cmd.args(case.args.iter().map(|a| fill(a)));
        for (k, v) in &case.env {
            cmd.env(k, fill(v));
        }
        if let Some(input) = &case.stdin {
            cmd.write_stdin(fill(input));
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(case.status),
            "case `{}`: {stderr}",
            case.name
        );
        assert!(
            !stderr.contains("panicked"),
            "case `{}`: {stderr}",
            case.name
        );
        for e in &case.expect {
            assert!(
                stderr.contains(&fill(e)),
                "case `{}`: expected {e:?} in:\n{stderr}",
                case.name
            );
        }
        assert_eq!(
            tree_hash(&sb.data),
            data_before,
            "case `{}` changed data/",
            case.name
        );
        assert_eq!(
            tree_hash(&sb.warehouse()),
            wh_before,
            "case `{}` changed the warehouse",
            case.name
        );
        assert_eq!(
            tree_hash(&tmp.join("mine")),
            mine_before,
            "case `{}`",
            case.name
        );
    }
    let project_after: Vec<_> = protected.iter().map(|d| tree_hash(d)).collect();
    assert!(
        project_before == project_after,
        "the project's own folders changed"
    );
}

/// The whole cycle from a folder that is not the project, with relative paths in flags and in the
/// environment: the bug was a relative --warehouse that worked for load and not for query.
#[test]
fn relative_paths_work_from_any_folder() {
    let sb = Sandbox::new();
    let work = sb.dir.path();
    // A project of its own (schema/, queries/) and data somewhere else, all relative.
    copy_dir(&project_root().join("schema"), &work.join("proj/schema"));
    copy_dir(&project_root().join("queries"), &work.join("proj/queries"));
    copy_dir(&crate::common::iij_data(), &work.join("input/data"));
    let run = |dir: &Path, env: &[(&str, &str)], args: &[&str], stdin: Option<&str>| {
        let mut cmd = assert_cmd::Command::cargo_bin("iijwh").unwrap();
        cmd.current_dir(dir)
            .env_remove("IIJWH_DATA")
            .env_remove("IIJWH_WAREHOUSE")
            .env_remove("IIJWH_HOME")
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "iijwh {args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let home = [("IIJWH_HOME", "proj")];
    let flags = ["--data", "input/data", "--warehouse", "wh"];
    let go = |rest: &[&str], stdin: Option<&str>| {
        let mut args: Vec<&str> = flags.to_vec();
        args.extend_from_slice(rest);
        run(work, &home, &args, stdin)
    };
    assert!(go(&["load"], None).contains("loaded 1 release"));
    let total =
        "select value from revenue_lines where period = '2Q06' and line = 'total_revenues' \
                 and measure = 'amount' and section = 'Trend of Quarterly Revenues'";
    let out = go(
        &["query", "--no-build", "-e", total, "--format", "csv"],
        None,
    );
    assert_eq!(out, "value\n14007.0\n");
    assert!(go(&["query", "trend_revenue"], None).contains("14,007"));
    let out = go(&["repl"], Some("select count(*) AS n from periods;\n"));
    assert!(out.contains("21"), "{out}");
    assert!(go(&["check"], None).contains("0 fail"));
    go(
        &[
            "export",
            "out/export",
            "--format",
            "csv",
            "--tables",
            "kpis",
        ],
        None,
    );
    assert!(work.join("out/export/kpis.csv").is_file());
    assert!(work.join("wh/current/manifest.json").is_file());

    // The same through the environment, relative to another working folder, IIJWH_HOME included.
    let input = work.join("input");
    let env = [
        ("IIJWH_HOME", "../proj"),
        ("IIJWH_DATA", "data"),
        ("IIJWH_WAREHOUSE", "../wh2"),
    ];
    let out = run(
        &input,
        &env,
        &["query", "-e", total, "--format", "csv"],
        None,
    );
    assert!(out.ends_with("14007.0\n"), "{out}");
    assert!(work.join("wh2/current/manifest.json").is_file());
}

#[test]
fn outside_a_project_iijwh_refuses_with_a_hint() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = assert_cmd::Command::cargo_bin("iijwh")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("IIJWH_HOME")
        .env_remove("IIJWH_DATA")
        .env_remove("IIJWH_WAREHOUSE")
        .args(["query", "-e", "select 1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no iijwh project here") && err.contains("IIJWH_HOME"),
        "{err}"
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

/// `| head` closes stdout early: iijwh stops quietly in every format and in REPL batch mode.
#[test]
fn a_closed_stdout_ends_quietly() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let bin = assert_cmd::cargo::cargo_bin("iijwh");
    let big = "select range AS n, range * 2 AS doubled from range(300000)";
    let mut cases: Vec<String> = ["table", "csv", "json", "ndjson", "markdown"]
        .iter()
        .map(|f| format!("'{}' query -e \"{big}\" --format {f}", bin.display()))
        .collect();
    cases.push(format!(
        "printf '{big};\\n{big};\\n' | '{}' repl",
        bin.display()
    ));
    for case in cases {
        let script = format!("{case} | head -1 >/dev/null; echo \"status=${{PIPESTATUS[@]}}\"");
        let out = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(project_root())
            .env("IIJWH_DATA", &sb.data)
            .env("IIJWH_WAREHOUSE", sb.warehouse())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "", "{case}: stderr must stay empty");
        // 141 = killed by SIGPIPE, the status `cat`, `head` and the DuckDB shell end with too.
        let status = stdout
            .trim()
            .strip_prefix("status=")
            .unwrap()
            .split(' ')
            .map(str::to_string)
            .collect::<Vec<_>>();
        let iijwh = status[status.len() - 2].as_str();
        assert!(iijwh == "141" || iijwh == "0", "{case}: {stdout}");
    }
}
