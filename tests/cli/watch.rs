//! `iijwh watch`, the change journal of data/ and schema/: while it runs, a load with nothing to
//! do asks it instead of walking data/, and every kind of edit (in place, a stamp alone, a
//! folder added, schema/) is still seen by the next load, statement and report; with the watcher
//! stopped, killed or not trusted, checks walk as before. Each test has a runtime folder of its
//! own (XDG_RUNTIME_DIR), so watchers of parallel tests never meet.

use crate::common::{project_root, Sandbox};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A watcher of a sandbox's data/ that stops by itself (--idle) and is killed when dropped.
struct Watcher {
    child: Child,
    /// The line it printed once it took questions.
    said: String,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sandbox's runtime folder, where its watchers' sockets go.
fn runtime(sb: &Sandbox) -> PathBuf {
    let dir = sb.dir.path().join("run");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

/// iijwh with the sandbox's data, warehouse and runtime folder.
fn iijwh(sb: &Sandbox, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = sb.cmd();
    cmd.env("XDG_RUNTIME_DIR", runtime(sb)).args(args);
    cmd
}

/// stdout and stderr of a command that must succeed.
fn ok(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = iijwh(sb, args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "iijwh {args:?}: {stderr}");
    (stdout, stderr)
}

fn watch(sb: &Sandbox) -> Watcher {
    watch_project(sb, &project_root())
}

/// A watcher of a sandbox's data/ and of the schema/ of project `home`.
fn watch_project(sb: &Sandbox, home: &std::path::Path) -> Watcher {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("iijwh"))
        .args(["watch", "--idle", "60"])
        .env("IIJWH_HOME", home)
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .env("XDG_RUNTIME_DIR", runtime(sb))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut said)
        .unwrap();
    Watcher { child, said }
}

/// What a load's --timings says it did to learn whether anything changed.
fn how_checked(sb: &Sandbox) -> &'static str {
    let (out, timings) = ok(sb, &["load", "--timings"]);
    assert!(out.contains("nothing to load"), "{out}");
    if timings.contains("ask the watcher (`iijwh watch`): did anything change?") {
        "asked"
    } else if timings.contains("stamp what the watcher names as changed") {
        "stamped"
    } else if timings.contains("walk data/ and schema/: did anything change?") {
        "walked"
    } else {
        panic!("{timings}")
    }
}

/// 2Q06 dedicated access contracts as a statement answers.
fn contracts(sb: &Sandbox) -> String {
    let sql = "SELECT value FROM kpis WHERE period = '2Q06' \
               AND item = 'dedicated_access_contracts' AND comparison = 'level'";
    let (out, _) = ok(sb, &["query", "-e", sql, "--format", "csv"]);
    out.lines().nth(1).unwrap_or_default().to_string()
}

/// 2Q06 total revenues as the trend report answers for IIJ (one company's statement), and
/// what it said on stderr.
fn trend_total(sb: &Sandbox) -> (String, String) {
    let args = [
        "query",
        "trend_revenue",
        "--company",
        "iij",
        "--format",
        "csv",
    ];
    let (out, said) = ok(sb, &args);
    let rows = crate::common::parse_csv(&out);
    let row = rows.iter().find(|r| r["quarter"] == "2Q06").unwrap();
    (row["total_revenues"].clone(), said)
}

#[test]
fn a_load_with_nothing_to_do_asks_the_watcher_and_every_edit_is_still_seen() {
    let sb = Sandbox::with_data_copy();
    ok(&sb, &["load"]);
    // Without a watcher, the walk.
    assert_eq!(how_checked(&sb), "walked");
    let watcher = watch(&sb);
    assert!(watcher.said.starts_with("watching "), "{}", watcher.said);
    // The first check walks (the watcher has seen no walk yet), and the next ones ask.
    assert_eq!(how_checked(&sb), "walked");
    assert_eq!(how_checked(&sb), "asked");
    assert_eq!(contracts(&sb), "16112.0");
    assert_eq!(trend_total(&sb).0, "14007.0");
    assert_eq!(how_checked(&sb), "asked");

    // A file come and gone (an editor's swap file): the watcher names the folder, the second
    // look finds every stamp as it was, and nothing is built.
    let current = || std::fs::canonicalize(sb.warehouse().join("current")).unwrap();
    let before = current();
    let swap = sb.release_file(".kpis.csv.swp");
    let come_and_gone = || {
        std::fs::write(&swap, "scratch").unwrap();
        std::fs::remove_file(&swap).unwrap();
    };
    come_and_gone();
    let (total, said) = trend_total(&sb);
    assert_eq!(total, "14007.0");
    assert!(!said.contains("building"), "{said}");
    // A statement about one company checks that company alone and tells the watcher nothing;
    // a load stamps what it named, finds nothing to load, and says so to the watcher.
    assert_eq!(how_checked(&sb), "stamped");
    assert_eq!(how_checked(&sb), "asked");
    // A statement over every company: stale by the watcher, then current by the second look,
    // which the watcher is told of.
    come_and_gone();
    let (peers, said) = ok(&sb, &["query", "peer_comparison", "--format", "csv"]);
    assert!(
        peers.contains("14,007") || peers.contains("14007"),
        "{peers}"
    );
    assert!(!said.contains("building"), "{said}");
    assert_eq!(current(), before);
    assert_eq!(how_checked(&sb), "asked");

    // In place: the file's folder keeps its entries and stamp.
    let kpis = sb.release_file("kpis.csv");
    let text = std::fs::read_to_string(&kpis).unwrap();
    let edited = text.replacen(
        "2Q06,dedicated_access_contracts,level,16112,",
        "2Q06,dedicated_access_contracts,level,16113,",
        1,
    );
    assert_ne!(edited, text);
    let mut file = std::fs::OpenOptions::new().write(true).open(&kpis).unwrap();
    std::io::Write::write_all(&mut file, edited.as_bytes()).unwrap();
    drop(file);
    assert_eq!(contracts(&sb), "16113.0");
    assert_eq!(how_checked(&sb), "asked");

    // The same bytes again, with a new modification time only: a load reads IIJ again.
    let (out, _) = ok(&sb, &["load"]);
    assert!(out.contains("nothing to load"), "{out}");
    let times = std::fs::FileTimes::new()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600));
    std::fs::File::options()
        .write(true)
        .open(&kpis)
        .unwrap()
        .set_times(times)
        .unwrap();
    let (out, _) = ok(&sb, &["load"]);
    assert!(
        out.contains("1 of 1 companies read and checked again"),
        "{out}"
    );

    // A one-company report sees an edit of its release's revenues.
    sb.edit(
        "revenue_lines.csv",
        "\"8,675\",,reconciled,\n",
        "\"8,675\",,reconciled,edited under the watcher\n",
    );
    let (total, said) = trend_total(&sb);
    assert!(said.contains("building the warehouse"), "{said}");
    assert_eq!(total, "14007.0");

    // A folder made with a file in it at once (before the watcher could watch the folder).
    let notes = sb.data.join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("a.txt"), "first\n").unwrap();
    let (out, _) = ok(&sb, &["load"]);
    assert!(!out.contains("nothing to load"), "{out}");
    assert_eq!(how_checked(&sb), "asked");
    // ... and then edited in place, in that new folder.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(notes.join("a.txt"))
        .unwrap();
    std::io::Write::write_all(&mut file, b"second\n").unwrap();
    drop(file);
    let (out, _) = ok(&sb, &["load"]);
    assert!(!out.contains("nothing to load"), "{out}");
    assert_eq!(how_checked(&sb), "asked");

    // A link to a file outside data/, edited there.
    let outside = sb.dir.path().join("outside.txt");
    std::fs::write(&outside, "kept elsewhere\n").unwrap();
    std::os::unix::fs::symlink(&outside, sb.data.join("LINKED.txt")).unwrap();
    let (out, _) = ok(&sb, &["load"]);
    assert!(!out.contains("nothing to load"), "{out}");
    assert_eq!(how_checked(&sb), "asked");
    std::fs::write(&outside, "kept elsewhere, edited\n").unwrap();
    let (out, _) = ok(&sb, &["load"]);
    assert!(!out.contains("nothing to load"), "{out}");
    assert_eq!(how_checked(&sb), "asked");

    // Another warehouse of the same data/ is not vouched for by this one's walk.
    let other = tempfile::tempdir().unwrap();
    let mut cmd = iijwh(&sb, &["load", "--timings"]);
    let out = cmd.env("IIJWH_WAREHOUSE", other.path()).output().unwrap();
    assert!(out.status.success());
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.contains("loaded"), "{out}");
    assert_eq!(how_checked(&sb), "asked");

    // Stopped: checks walk again, and say nothing of it.
    drop(watcher);
    assert_eq!(how_checked(&sb), "walked");
    let (_, said) = ok(&sb, &["load"]);
    assert!(!said.contains("watcher"), "{said}");
}

/// What a load's --timings and output say: how it learned what changed, and what it did.
fn load_timed(sb: &Sandbox) -> (String, String) {
    ok(sb, &["load", "--timings"])
}

/// A load that stamps only what the watcher names; its output.
fn guided_load(sb: &Sandbox) -> String {
    let (out, timings) = load_timed(sb);
    assert!(
        timings.contains("stamp what the watcher names as changed"),
        "{timings}"
    );
    out
}

#[test]
fn a_release_added_under_the_watcher_is_stamped_alone_and_a_walk_agrees() {
    // The project's data/ (IIJ and the real coverage universe), copied.
    let dir = tempfile::TempDir::new().unwrap();
    let data = dir.path().join("data");
    crate::common::copy_dir(&project_root().join("data"), &data);
    let sb = Sandbox { dir, data };
    let folder = sb.data.join("releases/nvidia-3q26");
    let aside = sb.dir.path().join("nvidia-3q26");
    std::fs::rename(&folder, &aside).unwrap();
    ok(&sb, &["load"]);
    let watcher = watch(&sb);
    assert_eq!(how_checked(&sb), "walked");
    assert_eq!(how_checked(&sb), "asked");

    // Moved in: only its folder is stamped, and only its company read again.
    std::fs::rename(&aside, &folder).unwrap();
    let out = guided_load(&sb);
    assert!(
        out.contains("1 of 8 companies read and checked again"),
        "{out}"
    );
    assert_eq!(how_checked(&sb), "asked");
    // Written again in place, the same bytes, and a file added beside the release folders.
    let metadata = folder.join("release.toml");
    let text = std::fs::read(&metadata).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&metadata)
        .unwrap();
    std::io::Write::write_all(&mut file, &text).unwrap();
    drop(file);
    std::fs::write(sb.data.join("releases/NOTES.txt"), "kept by hand\n").unwrap();
    let out = guided_load(&sb);
    assert!(out.contains("loaded"), "{out}");
    // A release folder taken away, and put back: the plan weighs only the folders the watcher
    // named, and reads their company again.
    let gone = sb.data.join("releases/amd-2q26");
    let held = sb.dir.path().join("amd-2q26");
    std::fs::rename(&gone, &held).unwrap();
    let out = guided_load(&sb);
    assert!(
        out.contains("1 of 8 companies read and checked again"),
        "{out}"
    );
    let releases_of = |company: &str| -> String {
        ok(
            &sb,
            &[
                "query",
                "-e",
                &format!("SELECT count(*) AS n FROM releases WHERE company_id = '{company}'"),
                "--format",
                "csv",
            ],
        )
        .0
    };
    assert_eq!(releases_of("amd"), "n\n0\n");
    std::fs::rename(&held, &gone).unwrap();
    let (out, _) = load_timed(&sb);
    assert!(
        out.contains("1 of 8 companies read and checked again"),
        "{out}"
    );
    assert_eq!(releases_of("amd"), "n\n1\n");
    // Two loads' stamps, each of a few entries, are a walk's: with the watcher gone, the walk
    // finds nothing to load, and a load of everything records the same stamps.
    drop(watcher);
    assert_eq!(how_checked(&sb), "walked");
    let stamps = || {
        let current = sb.warehouse().join("current/manifest.json");
        let header: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(current).unwrap()).unwrap();
        (header["fingerprint"].clone(), header["stamps"].clone())
    };
    let guided = stamps();
    assert!(
        guided.1["metadata"].as_str().is_some_and(|m| m.len() == 64),
        "{guided:?}"
    );
    ok(&sb, &["load", "--full"]);
    assert_eq!(stamps(), guided);
    let figures = ok(
        &sb,
        &[
            "query",
            "-e",
            "SELECT count(*) AS n FROM figures WHERE release_id = 'nvidia-3q26'",
            "--format",
            "csv",
        ],
    )
    .0;
    assert_ne!(figures.lines().nth(1), Some("0"), "{figures}");
}

#[test]
fn a_schema_edit_is_seen_through_the_watcher() {
    // A copy of the project's schema/ and queries/ too, under IIJWH_HOME.
    let sb = Sandbox::with_data_copy();
    let home = sb.dir.path().join("home");
    for folder in ["schema", "queries"] {
        crate::common::copy_dir(&project_root().join(folder), &home.join(folder));
    }
    let run = |args: &[&str]| {
        let out = iijwh(&sb, args).env("IIJWH_HOME", &home).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // What it printed, and its timings (stderr).
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
    };
    run(&["load"]);
    let _watcher = watch_project(&sb, &home);
    run(&["load"]);
    assert!(run(&["load", "--timings"]).contains("ask the watcher"));
    // A comment added to a view: the build key changes, so every company is made again.
    let view = std::fs::read_dir(home.join("schema/views"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "sql"))
        .unwrap();
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&view)
        .unwrap();
    std::io::Write::write_all(&mut file, b"\n-- edited under the watcher\n").unwrap();
    drop(file);
    let out = run(&["load"]);
    assert!(out.contains("every company read and checked"), "{out}");
    assert!(run(&["load", "--timings"]).contains("nothing to load"));
    assert!(run(&["load", "--timings"]).contains("ask the watcher"));
}

#[test]
fn a_second_watcher_a_dead_one_and_an_open_folder_are_refused_or_ignored() {
    let sb = Sandbox::with_data_copy();
    ok(&sb, &["load"]);
    let first = watch(&sb);
    assert!(first.said.starts_with("watching "), "{}", first.said);
    // A second watcher of the same folders says the first runs.
    let out = iijwh(&sb, &["watch", "--idle", "5"]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("already runs"), "{said}");

    // Killed without a word: its socket stays, nobody answers there, checks walk.
    let mut first = first;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert_eq!(how_checked(&sb), "walked");
    assert_eq!(how_checked(&sb), "walked");
    // A new watcher takes the place of the dead one.
    let second = watch(&sb);
    assert!(second.said.starts_with("watching "), "{}", second.said);
    assert_eq!(how_checked(&sb), "walked");
    assert_eq!(how_checked(&sb), "asked");

    // Its folder opened to others: the answer is not trusted, and no new watcher starts there.
    let place = std::fs::read_dir(runtime(&sb))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("iijwh-")
        })
        .unwrap();
    std::fs::set_permissions(&place, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(how_checked(&sb), "walked");
    drop(second);
    let out = iijwh(&sb, &["watch", "--idle", "5"]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not a folder of yours alone"), "{said}");
}
