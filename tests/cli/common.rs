//! Helpers: run iijwh against a private warehouse (and optionally a private copy of data/).

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// IIJ's company and its 2Q06 release alone, copied once per test run from data/: the one
/// company, one release most tests are about (what IIJ's figures are, how a load, a report or a
/// bad input behaves). The real universe beside it in data/ is `Sandbox::universe`'s.
pub fn iij_data() -> PathBuf {
    static DATA: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        // Earlier runs' copies are left behind only when a run is killed: cleared here.
        for e in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            if e.file_name().to_string_lossy().starts_with("iij-data-") {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let data = root.join(format!("iij-data-{}", std::process::id()));
        let from = project_root().join("data");
        std::fs::create_dir_all(data.join("companies")).unwrap();
        std::fs::copy(
            from.join("companies/iij.toml"),
            data.join("companies/iij.toml"),
        )
        .unwrap();
        copy_dir(
            &from.join("releases/iij-2q06"),
            &data.join("releases/iij-2q06"),
        );
        data
    })
    .clone()
}

/// A scratch area with its own warehouse, and data/ either shared read-only or a copy.
pub struct Sandbox {
    pub dir: TempDir,
    pub data: PathBuf,
}

impl Sandbox {
    /// IIJ's release alone (`iij_data`), read-only.
    pub fn new() -> Sandbox {
        let dir = TempDir::new().unwrap();
        Sandbox {
            data: iij_data(),
            dir,
        }
    }

    /// With a private copy of IIJ's release alone that the test may corrupt.
    pub fn with_data_copy() -> Sandbox {
        let dir = TempDir::new().unwrap();
        let data = dir.path().join("data");
        copy_dir(&iij_data(), &data);
        Sandbox { data, dir }
    }

    /// The project's data/ as it ships, read-only: IIJ and the real coverage universe.
    pub fn universe() -> Sandbox {
        let dir = TempDir::new().unwrap();
        Sandbox {
            data: project_root().join("data"),
            dir,
        }
    }

    pub fn warehouse(&self) -> PathBuf {
        self.dir.path().join("warehouse")
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("iijwh").unwrap();
        cmd.current_dir(project_root())
            .env("IIJWH_DATA", &self.data)
            .env("IIJWH_WAREHOUSE", self.warehouse())
            .env_remove("IIJWH_HOME");
        cmd
    }

    /// Run iijwh with args; assert success and return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "iijwh {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run iijwh with args; assert failure and return stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            !out.status.success(),
            "iijwh {args:?} should fail but printed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// Rows of a CSV query result as string maps.
    pub fn csv(&self, sql: &str) -> Vec<std::collections::HashMap<String, String>> {
        parse_csv(&self.ok(&["query", "-e", sql, "--format", "csv"]))
    }

    /// The single value a query returns.
    pub fn scalar(&self, sql: &str) -> String {
        let rows = self.csv(sql);
        assert_eq!(rows.len(), 1, "expected one row from {sql}, got {rows:?}");
        assert_eq!(rows[0].len(), 1, "expected one column from {sql}");
        rows[0].values().next().unwrap().clone()
    }

    pub fn release_file(&self, name: &str) -> PathBuf {
        self.data.join("releases").join("iij-2q06").join(name)
    }

    /// Replace the one occurrence of `from` by `to` in a release file of the private data copy.
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.release_file(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} must occur once in {file}"
        );
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// A finished command's stdout, after asserting it succeeded (its stderr is the failure message).
pub fn succeeded(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A test whose tool is missing (`why`) is skipped, with a line saying so, except under CI, where
/// it fails: CI installs every tool.
pub fn skip_unless_ci(why: &str) {
    let ci = std::env::var("CI").ok();
    assert!(
        !under_ci(ci.as_deref()),
        "CI={} but {why}",
        ci.unwrap_or_default()
    );
    eprintln!("SKIPPED: {why}");
}

/// Whether the `CI` variable says this is CI: any value but empty, `0` or `false` (CI services
/// set `true`, `1` or `True`), so no spelling of it lets a test skip there.
fn under_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| !matches!(v.trim().to_lowercase().as_str(), "" | "0" | "false"))
}

#[test]
fn every_spelling_of_ci_makes_a_missing_tool_fail() {
    for ci in ["true", "1", "True", "yes"] {
        assert!(under_ci(Some(ci)), "CI={ci}");
    }
    for not_ci in [None, Some(""), Some("0"), Some("false"), Some("FALSE")] {
        assert!(!under_ci(not_ci), "CI={not_ci:?}");
    }
}

pub fn parse_csv(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

impl Sandbox {
    /// With a private copy of data/ plus the test-only fixture release(s) named (tests/fixtures).
    pub fn with_fixtures(names: &[&str]) -> Sandbox {
        let sb = Sandbox::with_data_copy();
        for name in names {
            copy_dir(
                &project_root().join("tests/fixtures/releases").join(name),
                &sb.data.join("releases").join(name),
            );
        }
        sb
    }

    /// Rows of a command's CSV output.
    pub fn csv_of(&self, args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
        parse_csv(&self.ok(args))
    }
}

/// The CSV body of a report's golden snapshot (tests/cli/snapshots), without insta's header.
pub fn golden(report: &str) -> String {
    let path = project_root().join(format!(
        "tests/cli/snapshots/cli__reports__report_{report}.snap"
    ));
    let text = std::fs::read_to_string(&path).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap();
    // insta stores the snapshot without the final newline the command prints.
    format!("{}\n", body.trim_end_matches('\n'))
}

/// Lower-case hex of bytes (a SHA-256 for a release.toml's source_sha256).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `release new`'s flags for NVIDIA as a company new to the warehouse: its name, its 52/53-week
/// calendar (years end the last Sunday of January, named by the year they end in), its unit.
pub const NVIDIA_RECORD: [&str; 12] = [
    "--name",
    "NVIDIA Corporation",
    "--fiscal-year-start",
    "2",
    "--fiscal-year-named-by",
    "end_year",
    "--fiscal-year-end",
    "last Sunday of January",
    "--currency",
    "USD",
    "--unit",
    "USD million",
];

impl Sandbox {
    /// A private copy of data/ with a second company: NVIDIA's 1Q25 release (a real text,
    /// tests/fixtures/real) added and drafted as `iijwh release new` and `release draft` do it,
    /// not yet loaded.
    pub fn with_nvidia() -> Sandbox {
        let sb = Sandbox::with_data_copy();
        let source = project_root().join("tests/fixtures/real/nvidia-FY2025Q1/source.txt");
        let mut args = vec!["release", "new", "nvidia-1q25", "--company", "nvidia"];
        args.extend(NVIDIA_RECORD);
        args.extend(["--period", "1Q25", "--published-on", "2024-05-22"]);
        args.extend(["--source", source.to_str().unwrap()]);
        sb.ok(&args);
        sb.ok(&["release", "draft", "nvidia-1q25"]);
        sb
    }
}
