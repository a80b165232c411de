//! Hostile cases, round two: files. An edit no timestamp shows (U), company ids a partitioned
//! export's readers would read back as something else (V), and `generate` asked for too much or
//! stopped half-way (W).

use super::{loaded, total, Before, TOTAL};
use crate::common::Sandbox;
use crate::safety::tree_hash;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `sed -i` on `file` (a new file under the same name: another inode), then `touch -r` from a
/// copy made before, so size and modification time are what they were.
fn sed_keeping_mtime(file: &Path, script: &str) {
    let reference = file.with_extension("orig");
    let run = |cmd: &mut Command| assert!(cmd.status().unwrap().success(), "{cmd:?}");
    run(Command::new("cp").arg("-p").arg(file).arg(&reference));
    let before = std::fs::metadata(file).unwrap();
    run(Command::new("sed").args(["-i", script]).arg(file));
    run(Command::new("touch").arg("-r").arg(&reference).arg(file));
    std::fs::remove_file(&reference).unwrap();
    let after = std::fs::metadata(file).unwrap();
    assert_eq!(after.len(), before.len(), "{script} kept the size");
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
}

/// Rewrite `file` in place (the same inode), one value for another of the same length, and set
/// its modification time back: only the change time tells.
fn rewrite_keeping_mtime(file: &Path, from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let before = std::fs::metadata(file).unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from} in {}",
        file.display()
    );
    // Past the clock's resolution, so a change time could not be the same by chance.
    std::thread::sleep(Duration::from_millis(20));
    let mut handle = std::fs::File::options().write(true).open(file).unwrap();
    std::io::Write::write_all(&mut handle, text.replacen(from, to, 1).as_bytes()).unwrap();
    handle.set_modified(before.modified().unwrap()).unwrap();
    drop(handle);
    let after = std::fs::metadata(file).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_eq!(after.ino(), before.ino());
    assert_eq!(after.len(), before.len());
    assert_eq!(after.modified().unwrap(), before.modified().unwrap());
}

/// U. The example: 2Q06 total revenues edited from 14,007 to 19,007 by `sed -i`, the
/// modification time set back by `touch -r`. `query` rebuilds and shows 19,007, and so does an
/// incremental `load`, which reads the company again; neither writes to data/.
#[test]
fn an_edit_whose_mtime_is_set_back_is_seen() {
    for by_load in [false, true] {
        let sb = loaded();
        assert_eq!(total(&sb), "14007.0");
        let csv = sb.release_file("revenue_lines.csv");
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.lines().nth(10).unwrap().contains(",14007,"), "line 11");
        sed_keeping_mtime(&csv, "11s/,14007,/,19007,/");
        let data = tree_hash(&sb.data);
        if by_load {
            let out = sb.ok(&["load"]);
            assert!(
                out.contains("1 of 1 companies read and checked again"),
                "{out}"
            );
            let again = sb.ok(&["query", "--no-build", "-e", TOTAL, "--format", "csv"]);
            assert_eq!(again, "value\n19007.0\n");
        } else {
            assert_eq!(total(&sb), "19007.0");
        }
        assert_eq!(
            tree_hash(&sb.data),
            data,
            "data/ is the user's edit, untouched"
        );
        // Seen once, then fresh: a second load reads nothing again.
        let out = sb.ok(&["load"]);
        assert!(
            out.contains("0 of 1 companies read and checked again"),
            "{out}"
        );
        assert_eq!(total(&sb), "19007.0");
    }
}

/// U, neighbours: the same inode rewritten in place with its modification time set back (only
/// the change time differs), in a release file and in the company's record; and a one-company
/// statement (`--company iij`, which checks only that company's files) sees it too.
#[test]
fn an_in_place_edit_whose_mtime_is_set_back_is_seen() {
    let sb = loaded();
    rewrite_keeping_mtime(&sb.release_file("revenue_lines.csv"), ",14007,", ",19007,");
    let one = sb.ok(&["query", "--company", "iij", "-e", TOTAL, "--format", "csv"]);
    assert_eq!(one, "value\n19007.0\n");

    let record = sb.data.join("companies/iij.toml");
    let name = "SELECT name FROM companies";
    assert_eq!(sb.scalar(name), "Internet Initiative Japan Inc.");
    rewrite_keeping_mtime(&record, "Japan Inc.", "Japan Ltd.");
    let before = Before::take(&sb);
    let out = sb.ok(&["load"]);
    assert!(
        out.contains("1 of 1 companies read and checked again"),
        "{out}"
    );
    assert_ne!(tree_hash(&sb.warehouse()), before.warehouse);
    assert_eq!(tree_hash(&sb.data), before.data);
    assert_eq!(sb.scalar(name), "Internet Initiative Japan Ltd.");
    assert_eq!(total(&sb), "19007.0");
}

/// The record of company `id` (a JPY company with an April year, like IIJ) and a copy of IIJ's
/// 2Q06 release as `ID-2q06`, its release.toml naming `id`.
fn add_company(sb: &Sandbox, id: &str) {
    std::fs::write(
        sb.data.join(format!("companies/{id}.toml")),
        format!(
            "company_id = \"{id}\"\nname = \"Company {id} (test data)\"\n\
             fiscal_year_start_month = 4\nfiscal_year_named_by = \"start_year\"\n\
             currency = \"JPY\"\nunit = \"JPY million\"\n"
        ),
    )
    .unwrap();
    let release = sb.data.join(format!("releases/{id}-2q06"));
    crate::common::copy_dir(&sb.data.join("releases/iij-2q06"), &release);
    let toml = std::fs::read_to_string(release.join("release.toml")).unwrap();
    let toml = toml
        .replace(
            "release_id = \"iij-2q06\"",
            &format!("release_id = \"{id}-2q06\""),
        )
        .replace("company_id = \"iij\"", &format!("company_id = \"{id}\""));
    std::fs::write(release.join("release.toml"), toml).unwrap();
}

/// V. Ids next to the words readers take for NULL, a date, a number or a boolean are kept, and a
/// partitioned export of them reads back through DuckDB (the bundled 1.5, as a user's DuckDB
/// reads the folders, types inferred) as exactly those ids, each folder alone and all together.
#[test]
fn partitioned_export_reads_back_every_company_id() {
    let ids = ["nulls", "null-co", "epoch_1", "inf2", "x007", "t", "nan-x"];
    let sb = Sandbox::with_data_copy();
    for id in ids {
        add_company(&sb, id);
    }
    sb.ok(&["load"]);
    let out = sb.dir.path().join("export");
    sb.ok(&[
        "export",
        out.to_str().unwrap(),
        "--tables",
        "revenue_lines",
        "--partition-by",
        "company",
    ]);
    let db = duckdb::Connection::open_in_memory().unwrap();
    let read = |glob: &str| -> Vec<(String, String, i64)> {
        let sql = format!(
            "SELECT company_id, typeof(company_id), count(*) FROM read_parquet('{}', \
             hive_partitioning = true) WHERE period = '2Q06' AND line = 'total_revenues' \
             AND measure = 'amount' AND value = 14007 GROUP BY ALL ORDER BY 1",
            out.join("revenue_lines").join(glob).display()
        );
        let mut stmt = db.prepare(&sql).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    let mut all: Vec<&str> = ids.to_vec();
    all.push("iij");
    all.sort();
    for id in &all {
        let alone = read(&format!("company_id={id}/*.parquet"));
        assert_eq!(alone.len(), 1, "{id}: {alone:?}");
        assert_eq!(alone[0].0, *id);
        assert_eq!(alone[0].1, "VARCHAR", "{id}");
    }
    let together: Vec<String> = read("*/*.parquet").into_iter().map(|r| r.0).collect();
    assert_eq!(together, all);
}

/// V. The ids a reader would read back as something else (NULL, a date, an integer, decoded
/// text) are refused where ids come in: the loader names the record, its line and the id, and
/// leaves data/ and the live warehouse as they were; an export then refuses too, writing
/// nothing; `release new` refuses the id before writing a file.
#[test]
fn company_ids_that_read_back_as_something_else_are_refused() {
    let sb = loaded();
    let export = sb.dir.path().join("export");
    for id in [
        "null",
        "NULL",
        "epoch",
        "inf",
        "infinity",
        "true",
        "__HIVE_DEFAULT_PARTITION__",
        "007",
        "a b",
        "a%20b",
        "a=b",
        "Acme",
    ] {
        let record = sb.data.join(format!("companies/{id}.toml"));
        std::fs::write(
            &record,
            format!(
                "# a company\ncompany_id = \"{id}\"\nname = \"X\"\nfiscal_year_start_month = 4\n\
                 fiscal_year_named_by = \"start_year\"\ncurrency = \"JPY\"\nunit = \"JPY million\"\n"
            ),
        )
        .unwrap();
        let before = Before::take(&sb);
        let err = sb.fails(&["load"]);
        let at = format!("{}:2: company id `{id}`", record.display());
        assert!(err.contains(&at), "{id}: {err}");
        before.unchanged(&sb, &format!("a load with company {id}"));
        let err = sb.fails(&[
            "export",
            export.to_str().unwrap(),
            "--partition-by",
            "company",
        ]);
        assert!(err.contains(&at), "{id}: {err}");
        assert!(
            !export.exists(),
            "export of {id} wrote {}",
            export.display()
        );
        before.unchanged(&sb, &format!("an export with company {id}"));
        std::fs::remove_file(&record).unwrap();
    }
    assert_eq!(total(&sb), "14007.0");

    let source = sb.dir.path().join("source.txt");
    std::fs::write(
        &source,
        "Null Corp. results for 2Q06\nTotal revenues 1,000\n",
    )
    .unwrap();
    for id in ["null", "epoch", "007", "Null"] {
        let before = Before::take(&sb);
        let err = sb.fails(&[
            "release",
            "new",
            "n-2q06",
            "--company",
            id,
            "--period",
            "2Q06",
            "--published-on",
            "2006-07-25",
            "--source",
            source.to_str().unwrap(),
            "--name",
            "Null Corp.",
            "--fiscal-year-start",
            "1",
            "--currency",
            "USD",
            "--unit",
            "USD million",
        ]);
        assert!(err.contains(&format!("company id `{id}`")), "{id}: {err}");
        before.unchanged(&sb, &format!("release new --company {id}"));
    }
}

/// The entries of folder `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

/// W. A count past the maximum (the example: a trillion) is refused before anything is
/// written, as are 0 and more quarters a company than the calendar holds.
#[test]
fn generate_refuses_a_huge_count_before_writing() {
    let sb = Sandbox::new();
    let parent = sb.dir.path().join("gen");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("data");
    let out_arg = out.to_str().unwrap();
    for (releases, companies, says) in [
        (
            "1000000000000",
            None,
            "--releases 1000000000000 is more than the 20000",
        ),
        ("20001", None, "--releases 20001 is more than the 20000"),
        ("0", None, "at least 1"),
        ("41", Some("1"), "more than 40 quarters each"),
    ] {
        let mut args = vec!["generate", "--releases", releases, "--out", out_arg];
        args.extend(companies.map(|c| ["--companies", c]).iter().flatten());
        let started = Instant::now();
        let err = sb.fails(&args);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
        assert!(names(&parent).is_empty(), "{args:?}: {:?}", names(&parent));
    }
    // The maximum's neighbour below is taken (and written whole, then moved into place).
    sb.ok(&["generate", "--releases", "3", "--out", out_arg]);
    assert_eq!(names(&parent), ["data"]);
    assert_eq!(names(&out.join("releases")).len(), 3);
    assert_eq!(names(&out.join("companies")), ["syn000.toml"]);
}

/// W. An existing folder is left as it was, and a generate killed half-way leaves no --out: its
/// files were written aside, and the next generate beside it removes them.
#[test]
fn generate_leaves_no_partial_folder() {
    let sb = Sandbox::new();
    let parent = sb.dir.path().join("gen");
    let existing = parent.join("existing");
    std::fs::create_dir_all(existing.join("releases")).unwrap();
    std::fs::write(existing.join("releases/keep.txt"), "mine").unwrap();
    let before = tree_hash(&parent);
    let mine = tree_hash(&existing);
    let err = sb.fails(&[
        "generate",
        "--releases",
        "3",
        "--out",
        existing.to_str().unwrap(),
    ]);
    assert!(err.contains("exists"), "{err}");
    assert_eq!(
        tree_hash(&parent),
        before,
        "generate changed an existing folder"
    );

    let out = parent.join("data");
    let child = Command::new(assert_cmd::cargo::cargo_bin("iijwh"))
        .current_dir(crate::common::project_root())
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .args(["generate", "--releases", "20000", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed however the test ends, so a failed assertion leaves no generate writing on.
    let mut child = KilledOnDrop(child);
    let staging = parent.join(format!(".data.tmp-{}", child.0.id()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !staging.join("releases").is_dir() || names(&staging.join("releases")).len() < 20 {
        assert!(
            !out.exists(),
            "generate writes into --out before it is whole"
        );
        assert!(Instant::now() < deadline, "generate wrote nothing aside");
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "generate ended early"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !out.exists(),
        "generate writes into --out before it is whole"
    );
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    assert!(!out.exists(), "a killed generate left {}", out.display());
    assert!(
        staging.exists(),
        "killed, it could not clean up: the next generate does"
    );

    sb.ok(&[
        "generate",
        "--releases",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        !staging.exists(),
        "the killed generate's folder is still there"
    );
    assert_eq!(names(&parent), ["data", "existing"]);
    assert_eq!(names(&out.join("releases")).len(), 2);
    assert_eq!(tree_hash(&existing), mine);
}

/// A child process killed when dropped.
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
