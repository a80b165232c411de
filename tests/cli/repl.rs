//! `iijwh repl`: batch mode through stdin, and the interactive shell through a pseudo-terminal
//! (completion, errors that do not end the session, .run with parameters, .format, Ctrl-C).

use crate::common::Sandbox;
use rexpect::session::PtySession;

#[test]
fn batch_mode_runs_statements_and_dot_commands() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let script = ".tables\n\
        SELECT value FROM kpis\n  WHERE period = '2Q06' AND item = 'dedicated_access_contracts'\n  AND comparison = 'level';\n\
        .format csv\n\
        .run growth line=dialup_access from=2Q06\n\
        SELECT 'a;b' AS s; SELECT 2 AS two;\n";
    let out = sb.cmd().arg("repl").write_stdin(script).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("figures") && stdout.contains("revenue_lines"),
        "{stdout}"
    );
    assert!(stdout.contains("16,112"), "{stdout}");
    assert!(stdout.contains("quarter,amount,qoq_stated_pct"), "{stdout}");
    assert!(
        stdout.contains("2Q06,606.0,-0.2,-0.2,-11.2,-11.1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("s\na;b\n") && stdout.contains("two\n2\n"),
        "{stdout}"
    );
}

#[test]
fn batch_mode_exits_non_zero_after_a_failure_but_runs_the_rest() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let out = sb
        .cmd()
        .arg("repl")
        .write_stdin(
            "SELECT nonsense FROM periods;\n.nosuch\n.format csv\nSELECT 40 + 2 AS answer;\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Binder Error") && stderr.contains("nonsense"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown command .nosuch"), "{stderr}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "answer\n42\n");
}

#[test]
fn describe_shows_units_and_read_runs_a_file() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let script = sb.dir.path().join("script.sql");
    std::fs::write(
        &script,
        ".format csv\nSELECT count(*) AS n FROM periods WHERE kind = 'half';\n",
    )
    .unwrap();
    let input = format!(
        ".describe cash_flows\n.read {}\n.schema periods\n",
        script.display()
    );
    let stdout = String::from_utf8(
        sb.cmd()
            .arg("repl")
            .write_stdin(input)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        stdout.contains("DECIMAL(18,6)") && stdout.contains("Unit of value (units.unit)"),
        "{stdout}"
    );
    assert!(stdout.contains("n\n6\n"), "{stdout}");
    assert!(
        stdout.contains("of each company, from its calendar"),
        "{stdout}"
    );
}

pub fn spawn(sb: &Sandbox) -> PtySession {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("iijwh"));
    cmd.arg("repl")
        .current_dir(crate::common::project_root())
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .env("IIJWH_HISTORY_DIR", sb.dir.path())
        .env("TERM", "xterm")
        .env("COLUMNS", "200");
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("iijwh> ").unwrap();
    p
}

#[test]
fn interactive_session() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let mut p = spawn(&sb);

    // Tab completes a table name.
    p.send("SELECT count(*) AS n FROM standard_conc").unwrap();
    p.send("\t").unwrap();
    p.flush().unwrap();
    p.exp_string("standard_concepts").unwrap();
    p.send_line(";").unwrap();
    p.exp_string("39").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // A failing statement is reported and the session goes on.
    p.send_line("SELECT nonsense FROM periods;").unwrap();
    p.exp_string("Binder Error").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // Multi-line statement with a continuation prompt.
    p.send_line("SELECT 6 * 7").unwrap();
    p.exp_string("...> ").unwrap();
    p.send_line("AS answer;").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // .run with a parameter, then csv output.
    p.send_line(".run growth line=dialup_access from=2Q06")
        .unwrap();
    p.exp_string("-11.2%").unwrap();
    p.exp_string("iijwh> ").unwrap();
    p.send_line(".format csv").unwrap();
    p.exp_string("iijwh> ").unwrap();
    p.send_line("SELECT 'x' AS letter;").unwrap();
    p.exp_string("letter\r\nx").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // Ctrl-C drops the line being typed; the session stays.
    p.send("SELECT 'never run'").unwrap();
    p.flush().unwrap();
    p.send_control('c').unwrap();
    p.exp_string("^C").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // Ctrl-C cancels a running query; the session stays.
    p.send_line("SELECT count(*) FROM range(100000000000) a(i) WHERE i % 7 = 3;")
        .unwrap();
    // Give the query time to start (the line editor has left raw mode by then).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    p.send_control('c').unwrap();
    p.exp_string("Interrupt").unwrap();
    p.exp_string("iijwh> ").unwrap();
    p.send_line("SELECT 'alive' AS state;").unwrap();
    p.exp_string("alive").unwrap();
    p.exp_string("iijwh> ").unwrap();

    // Ctrl-D leaves; the history file keeps the statements.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(sb.dir.path().join("history.txt")).unwrap();
    assert!(history.contains("SELECT 6 * 7"), "{history}");
}

#[test]
fn a_session_keeps_its_generation_while_a_load_swaps_in_a_new_one() {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let mut p = spawn(&sb);
    let sql = "SELECT value::INTEGER AS contracts FROM kpis WHERE period = '2Q06' AND item = 'dedicated_access_contracts' AND comparison = 'level';";
    p.send_line(sql).unwrap();
    p.exp_string("16,112").unwrap();
    p.exp_string("iijwh> ").unwrap();
    // Another process loads changed data while the session is open.
    sb.edit(
        "kpis.csv",
        "2Q06,dedicated_access_contracts,level,16112,",
        "2Q06,dedicated_access_contracts,level,16113,",
    );
    sb.ok(&["load"]);
    p.send_line(sql).unwrap();
    p.exp_string("16,112").unwrap();
    p.exp_string("iijwh> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    // A new session sees the new warehouse.
    let rows = crate::common::parse_csv(&sb.ok(&["query", "-e", sql, "--format", "csv"]));
    assert_eq!(rows[0]["contracts"], "16113");
}

#[test]
fn output_timer_and_help() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let file = sb.dir.path().join("out.csv");
    let script = format!(
        ".help\n.format csv\n.output {}\nSELECT 14007 AS total;\n.output\n.timer on\nSELECT 1 AS one;\n.timer off\n.format nope\n",
        file.display()
    );
    let out = sb.cmd().arg("repl").write_stdin(script).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains(".describe") && stdout.contains("Ctrl-C cancels"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "total\n14007\n");
    assert!(
        !stdout.contains("14007"),
        "went to the file, not stdout: {stdout}"
    );
    assert!(stdout.contains("one\n1\nRun Time: "), "{stdout}");
    assert!(stderr.contains("unknown format `nope`"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}
