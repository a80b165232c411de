//! DuckDB-shell habits: -c, -init, -cmd, -bail, -echo in both spellings, the dot-commands that set
//! the output (.maxrows, .mode aliases, .headers, .nullvalue, .once), completions, the man page,
//! and query results as Parquet and xlsx files.

use crate::common::{project_root, Sandbox};

fn repl(sb: &Sandbox, args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = sb
        .cmd()
        .arg("repl")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn duckdb_shell_flags_in_both_spellings() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    // -c runs and exits, with the value as the table shows it.
    let (code, out, _) = repl(
        &sb,
        &[
            "-c",
            "select value from figures where printed = '14,007' limit 1",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(out.contains("14,007"), "{out}");
    // -bail stops at the first failing statement and exits 1; --bail the same.
    for bail in ["-bail", "--bail"] {
        let (code, out, err) = repl(
            &sb,
            &[bail, "-csv"],
            "select 1 as a;\nselect nosuch;\nselect 2 as b;\n",
        );
        assert_eq!(code, 1, "{bail}");
        assert_eq!(out, "a\n1\n", "{bail}: stopped before `select 2`");
        assert!(err.contains("nosuch"), "{err}");
    }
    // Without -bail the rest runs (and the status is still 1).
    let (code, out, _) = repl(&sb, &["-csv"], "select nosuch;\nselect 2 as b;\n");
    assert_eq!((code, out.as_str()), (1, "b\n2\n"));
    // -init FILE and -cmd SQL run first, -echo prints each command.
    let init = sb.dir.path().join("init.sql");
    std::fs::write(&init, ".mode csv\n").unwrap();
    let (code, out, _) = repl(
        &sb,
        &[
            "-init",
            init.to_str().unwrap(),
            "-cmd",
            "select 7 as seven;",
            "-echo",
        ],
        "select count(*) AS releases from releases;\n",
    );
    assert_eq!(code, 0);
    assert!(out.contains("seven\n7\n"), "{out}");
    assert!(
        out.contains("select count(*) AS releases from releases;\nreleases\n1\n"),
        "{out}"
    );
    // query takes -c too, the mode flags, -init, -cmd, -echo and -bail.
    let out = sb.ok(&["query", "-c", "select 14007 as total", "-json"]);
    assert!(out.contains("\"total\": 14007"), "{out}");
    let vars = sb.dir.path().join("vars.sql");
    std::fs::write(&vars, "SET VARIABLE vintage_date = DATE '2006-01-01';\n").unwrap();
    // -init set the vintage before any release: no figures yet.
    let out = sb.ok(&[
        "query",
        "-init",
        vars.to_str().unwrap(),
        "-csv",
        "-c",
        "select count(*) as n from revenue_lines",
    ]);
    assert_eq!(out, "n\n0\n");
    let out = sb.ok(&[
        "query",
        "-cmd",
        "SET VARIABLE company = 'iij'",
        "-echo",
        "-bail",
        "-csv",
        "-c",
        "select count(*) as n from revenue_lines",
    ]);
    assert!(
        out.starts_with("SET VARIABLE company")
            && out.contains("select count(*) as n from revenue_lines\nn\n188\n"),
        "{out}"
    );
}

#[test]
fn dot_commands_that_shape_the_output() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let once = sb.dir.path().join("once.csv");
    let script = format!(
        ".maxrows 5\nselect * from figures;\n.maxrows 0\n.mode csv\n.once {}\nselect 14007 as total;\nselect 1 as after;\n.headers off\nselect 2 as hidden;\n.headers on\n.nullvalue (none)\n.mode line\nselect null as b, 3 as c;\n.mode list\nselect 'x' as s, 5 as n;\n.mode markdown\nselect 1 as m;\n.mode html\nselect '<a>' as h;\n.mode latex\nselect 'a_b' as l;\n.mode box\nselect 1 as boxed;\n",
        once.display()
    );
    let (code, out, err) = repl(&sb, &[], &script);
    assert_eq!(code, 0, "{err}");
    // .maxwidth narrows the table; .bail on stops at the first failure.
    let (_, narrow, _) = repl(
        &sb,
        &[],
        ".maxwidth 40\nselect label, section, printed from figures limit 3;\n",
    );
    assert!(narrow.lines().all(|l| l.chars().count() <= 40), "{narrow}");
    let (code, out2, _) = repl(&sb, &["-csv"], ".bail on\nselect nosuch;\nselect 3 as c;\n");
    assert_eq!((code, out2.as_str()), (1, ""));
    // .maxrows: the first and last rows and the elision line.
    let total: usize = sb.scalar("select count(*) from figures").parse().unwrap();
    assert!(out.contains(&format!("{total} rows (5 shown)")), "{out}");
    assert!(out.contains('·'), "the elided middle");
    // .once: only the next result went to the file.
    assert_eq!(std::fs::read_to_string(&once).unwrap(), "total\n14007\n");
    assert!(
        out.contains("after\n1\n") && out.contains("\n2\n") && !out.contains("hidden"),
        "{out}"
    );
    assert!(out.contains("b = (none)\nc = 3"), "{out}");
    assert!(out.contains("s|n\nx|5\n"), "{out}");
    assert!(out.contains("| m |\n| ---: |\n| 1 |"), "{out}");
    assert!(out.contains("<td>&lt;a&gt;</td>"), "{out}");
    assert!(out.contains("a\\_b \\\\"), "{out}");
    assert!(out.contains("│ boxed │"), "{out}");
    // .help is the table of commands: every one listed, an unknown one refused.
    let (_, help, _) = repl(&sb, &[], ".help\n");
    for c in [
        ".maxrows",
        ".maxwidth",
        ".once",
        ".headers",
        ".nullvalue",
        ".bail",
        ".echo",
        ".mode",
        ".read",
    ] {
        assert!(help.contains(c), "{c} in .help");
    }
    let (code, _, err) = repl(&sb, &[], ".frobnicate\n");
    assert_eq!(code, 1);
    assert!(err.contains("unknown command .frobnicate"), "{err}");
}

#[test]
fn completions_man_page_and_result_files() {
    let sb = Sandbox::new();
    // bash completion sources cleanly and completes the subcommands.
    let script = sb.ok(&["completions", "bash"]);
    let file = sb.dir.path().join("iijwh.bash");
    std::fs::write(&file, &script).unwrap();
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            &format!(
                "source {}; COMP_WORDS=(iijwh qu); COMP_CWORD=1; COMP_LINE='iijwh qu'; COMP_POINT=8; _iijwh iijwh qu iijwh; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                file.display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(crate::common::succeeded(out).trim(), "query");
    for shell in ["zsh", "fish"] {
        assert!(sb.ok(&["completions", shell]).contains("repl"), "{shell}");
    }
    let man = sb.ok(&["man"]);
    assert!(man.starts_with(".ie") && man.contains(".TH iijwh 1") && man.contains("Exit status"));
    // Exit codes in --help; usage errors are 2.
    let help = sb.ok(&["--help"]);
    assert!(help.contains("Exit status: 0 success; 1 ") && help.contains("2 a usage error"));
    let out = sb.cmd().args(["query", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Every subcommand's --help ends with examples.
    for sub in [
        "load", "query", "check", "reports", "repl", "export", "generate", "diff", "chart",
        "serve", "release",
    ] {
        let help = sb.ok(&[sub, "--help"]);
        assert!(help.contains("Example"), "{sub} --help has no examples");
    }
    // A query result as Parquet and xlsx, read back by Python's readers when they are there.
    let pq = sb.dir.path().join("trend.parquet");
    let xl = sb.dir.path().join("trend.xlsx");
    sb.ok(&[
        "query",
        "trend_revenue",
        "--format",
        "parquet",
        "-o",
        pq.to_str().unwrap(),
    ]);
    sb.ok(&[
        "query",
        "trend_revenue",
        "--format",
        "xlsx",
        "-o",
        xl.to_str().unwrap(),
    ]);
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
    assert_eq!(&std::fs::read(&xl).unwrap()[..2], b"PK");
    let err = sb.fails(&["query", "trend_revenue", "--format", "xlsx"]);
    assert!(err.contains("-o FILE"), "{err}");
    let python = std::env::var("IIJWH_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&python)
        .args(["-c", "import pyarrow, openpyxl"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return crate::common::skip_unless_ci(&format!(
            "{python} lacks pyarrow or openpyxl for the Parquet/xlsx read-back"
        ));
    }
    let check = format!(
        "import pyarrow.parquet as pq, openpyxl\n\
         t = pq.read_table('{}')\n\
         assert str(t.schema.field('total_revenues').type) == 'decimal128(18, 6)', t.schema\n\
         assert t.column('total_revenues').to_pylist()[9] == __import__('decimal').Decimal('14007.0')\n\
         ws = openpyxl.load_workbook('{}').active\n\
         head = [c.value for c in ws[1]]\n\
         i = head.index('total_revenues (JPY million)')\n\
         assert 'gross_margin_ratio (%)' in head, head\n\
         v = ws.cell(row=11, column=i + 1).value\n\
         assert isinstance(v, (int, float)) and v == 14007, v\n\
         print('ok')",
        pq.display(),
        xl.display()
    );
    let out = std::process::Command::new(&python)
        .args(["-c", &check])
        .current_dir(project_root())
        .output()
        .unwrap();
    assert_eq!(crate::common::succeeded(out).trim(), "ok");
}
