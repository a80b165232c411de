#!/usr/bin/env python3
"""iijwh benchmarks; writes bench/RESULTS.md.

Run after `cargo build --release --workspace` (iijwh and bench/engine/v15, on the same DuckDB):
    python3 bench/run.py [--iijwh PATH] [--duckdb PATH] [--runs 11] [--scale 1,10,100,1000]
    python3 bench/run.py --market 100x4,1000x4,5000x4,250x40   # many companies (bench/market.py)
The DuckDB 2.0 program (bench/engine/v20, its own target dir) is timed too when it is built.

1c. The engine alone: a ten-line Rust program per DuckDB line (bench/engine) opening DuckDB and
   running one statement, beside the bare CLI and iijwh.
1. Cold `iijwh query NAME` for every report vs the DuckDB CLI running the same SQL over the same
   Parquet files (views and macros created in the same invocation), alternating A/B.
2. `iijwh load` of data/ vs the DuckDB CLI converting the same CSVs to ZSTD Parquet.
3. Scale curve: `iijwh generate` writes N synthetic releases (companies x successive quarters,
   each release reprinting its trailing quarters, some restated); load time, warehouse size,
   report latency, a figure search and a diff for each N.
Wall time is the median of the runs; peak memory is the child's max RSS (wait4).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_measured(cmd, env=None, codes=(0,)):
    """Run a command, returning (seconds, peak RSS MiB) measured with wait4; an exit code outside
    `codes` stops the benchmark."""
    start = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, env or os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                                       (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in codes:
        raise SystemExit(f"{' '.join(cmd)[:200]} failed")
    return elapsed, usage.ru_maxrss / 1024


def ab(cmd_a, cmd_b, runs, env_a=None, env_b=None):
    """Alternate A and B; medians of time and memory for each."""
    a, b = [], []
    run_measured(cmd_a, env_a), run_measured(cmd_b, env_b)  # warm the page cache for both
    for _ in range(runs):
        a.append(run_measured(cmd_a, env_a))
        b.append(run_measured(cmd_b, env_b))
    med = lambda xs, i: statistics.median(x[i] for x in xs)
    return (med(a, 0), med(a, 1)), (med(b, 0), med(b, 1))


def alternate(cmds, runs, env=None):
    """Run each command in turn, `runs` rounds; the median wall time of each, in ms."""
    for cmd in cmds:
        run_measured(cmd, env)
    times = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            times[i].append(run_measured(cmd, env)[0])
    return [statistics.median(t) * 1000 for t in times]


def sum_by_period(relation):
    """An ad-hoc statement over a fact table: its amounts summed by period."""
    return (f"select period, sum(value) from {relation} where measure = 'amount' "
            "group by period order by period")


def report_sql(path):
    """A report's SQL with its parameters replaced by their defaults (the CLI cannot bind them)."""
    text = path.read_text()
    for name, default in re.findall(r"^-- param: (\w+) \w+ = (\S+)", text, re.M):
        text = text.replace(f"${name}", "'" + default.replace("'", "''") + "'")
    return text


def cli_prelude(generation):
    """The same raw tables, macros and vintage views iijwh registers, as SQL for the DuckDB CLI."""
    sql = ["CREATE SCHEMA raw;"] + [f"CREATE VIEW raw.{p.stem} AS SELECT * FROM read_parquet('{p}');"
                                    for p in sorted(generation.glob("*.parquet"))]
    # The company-scoped tables are folders of company parts (TABLE/part-XX.parquet).
    sql += [f"CREATE VIEW raw.{p.name} AS SELECT * FROM read_parquet('{p}/*.parquet');"
            for p in sorted(generation.iterdir()) if p.is_dir() and p.name not in ("latest", "rule_outcomes")]
    sql += ["CREATE SCHEMA latest;"] + [
        f"CREATE VIEW latest.{p.name} AS SELECT * FROM read_parquet('{p}/*.parquet');"
        for p in sorted((generation / "latest").iterdir()) if p.is_dir()]
    for sub in ("macros", "views"):
        sql += [p.read_text() for p in sorted((ROOT / "schema" / sub).glob("*.sql"))]
    return "\n".join(sql)


def native_cli(path):
    """The DuckDB CLI binary itself: PyPI's `duckdb` command is a Python script that starts it, which
    would add Python's start-up to every CLI timing."""
    try:
        with open(shutil.which(path) or path, "rb") as f:
            script = f.read(2) == b"#!"
    except OSError:
        return path
    if script:
        found = subprocess.run([sys.executable if not shutil.which(path) else
                                open(shutil.which(path)).readline()[2:].strip(), "-c",
                                "import duckdb_cli, os; print(os.path.join(os.path.dirname(duckdb_cli.__file__), 'duckdb'))"],
                               capture_output=True, text=True)
        native = found.stdout.strip()
        if native and os.path.exists(native):
            return native
    return path


def write_results(lines, only=None):
    """Write bench/RESULTS.md: `lines` replace the sections they hold (all of them when `only` is
    None), the others and the notes after `<!-- notes -->` stay as they were."""
    out = ROOT / "bench" / "RESULTS.md"
    existing = out.read_text() if out.exists() else ""
    body, notes = (existing.split("<!-- notes -->", 1) + ["\n"])[:2]
    if only is not None:
        def sections(text):
            parts = re.split(r"(?m)^(?=## )", text)
            return parts[0], {p.split("\n", 1)[0].split(" ")[1]: p for p in parts[1:]}
        head, old = sections(body)
        _, new = sections("\n".join(lines) + "\n")
        old.update({k: v for k, v in new.items() if k in only})
        lines = [head.rstrip("\n")] + [old[k].rstrip("\n") + "\n" for k in old]
    out.write_text("\n".join(lines) + "\n<!-- notes -->" + notes)


def scale_curve(iijwh, env, tmp, sizes, runs):
    """Section 3: real-size synthetic releases at each N. The newest release of the last company is
    held back for `load all` (N-1 releases), then added (`add one`), then one of its figures edited
    (`edit one`); both are incremental loads. Reports and searches are cold processes."""
    lines = ["## 3. Scale curve: N real-size synthetic releases (`iijwh generate`)", "",
             "Successive quarters of synthetic companies (one per 40 releases, four calendar and currency "
             "profiles), each release about as large as the real one (~400 figures over the fact tables, "
             "a source text), reprinting earlier quarters and sometimes restating them. `load all` builds "
             "N-1 releases from nothing; `add one` adds the newest quarter of the last company and "
             "`edit one` changes one of its printed figures, each an incremental `iijwh load` (medians of "
             "several: the release taken out and added again, the figure edited again). "
             "`one company` is `query trend_revenue --company C` (latest vintage of company C, that of the "
             "newest release), which checks C's part of data/ for staleness first (C's release folders, "
             "every company record, the list of release folders); `default` is the same report without "
             "`--company` (the session's default company, the newest release's), which checks every file "
             "of data/ first, as every statement not about one named company does; `no-build` is "
             "`one company` with `--no-build`. "
             "`across` is `query peer_comparison` (every company), `search` is "
             "`SELECT * FROM figures WHERE printed = '14,007'` over every printing of every release. "
             "`check` reads the outcomes the load "
             "stored, `rerun` runs the rules again (`check --rerun`); `export` writes every table as Parquet. "
             "Times are medians of cold runs; MiB is the peak RSS of the slowest-memory command of the row.", "",
             "| N | companies | figure rows | load all s | add one s | edit one s | one company ms | default ms | "
             "no-build ms | across ms | search ms | diff ms | check s | rerun s | export s | warehouse MiB | "
             "peak MiB (command) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
             "---: | ---: | ---: |"]
    for n in sizes:
        data = tmp / f"gen{n}"
        wh = tmp / f"wh{n}"
        subprocess.run([iijwh, "generate", "--releases", str(n), "--out", str(data)], env=env, check=True,
                       capture_output=True)
        companies = -(-n // 40)
        senv = dict(env, IIJWH_DATA=str(data), IIJWH_WAREHOUSE=str(wh))
        newest = sorted((data / "releases").iterdir())[-1]
        held = tmp / f"held{n}"
        shutil.move(str(newest), held)
        peaks = {}
        t_load, peaks["load all"] = run_measured([iijwh, "load", "-q"], senv)
        # The full load's writes reach the disk before the incremental loads are timed.
        os.sync()
        time.sleep(1)
        k = runs if n <= 1000 else max(5, runs // 2)
        # Add the newest release k times (taken out again, untimed, between runs): the median.
        adds = []
        for i in range(k):
            if i:
                shutil.move(str(newest), held)
                run_measured([iijwh, "load", "-q"], senv)
            shutil.move(str(held), newest)
            adds.append(run_measured([iijwh, "load", "-q"], senv))
        t_add, peaks["add one"] = statistics.median(t for t, _ in adds), max(m for _, m in adds)
        kpis = newest / "kpis.csv"
        rows_csv = kpis.read_text().splitlines()
        # The last field but three is `printed`... keep it simple: change the note column of the
        # first row, and its value by one unit, so the figure and its provenance both change.
        head, first = rows_csv[0].split(","), rows_csv[1]
        vi = head.index("value")
        fields = first.split(",")
        fields[vi] = str(int(float(fields[vi])) + 1) if fields[vi].lstrip("-").replace(".", "").isdigit() else fields[vi]
        rows_csv[1] = ",".join(fields)
        edits = []
        for i in range(k):
            # Each run a different value and note, so every run reloads the company.
            edited = rows_csv[:]
            fields = edited[1].split(",")
            fields[-1] = f"{fields[-1]} (edit {i})"
            edited[1] = ",".join(fields)
            kpis.write_text("\n".join(edited) + "\n")
            edits.append(run_measured([iijwh, "load", "-q"], senv))
        t_edit, peaks["edit one"] = statistics.median(t for t, _ in edits), max(m for _, m in edits)
        os.sync()
        time.sleep(1)
        gen = (wh / "current").resolve()
        size = sum(f.stat().st_size for f in gen.rglob("*") if f.is_file()) / 2**20
        figure_rows = subprocess.run([iijwh, "query", "-e", "SELECT count(*) FROM figures", "--format", "csv"],
                                     env=senv, capture_output=True, text=True).stdout.split()[1]
        def timed(cmd, name):
            got = [run_measured(cmd, senv) for _ in range(k)]
            peaks[name] = max(m for _, m in got)
            return statistics.median(t for t, _ in got)
        company = newest.name.rsplit("-", 1)[0]
        assert (data / "companies" / f"{company}.toml").exists(), company
        report = [iijwh, "query", "trend_revenue", "--format", "csv"]
        one = timed(report + ["--company", company], "one company")
        default = timed(report, "default company")
        no_build = timed(report + ["--company", company, "--no-build"], "no-build")
        across = timed([iijwh, "query", "peer_comparison", "--format", "csv"], "across")
        search = timed([iijwh, "query", "-e", "SELECT * FROM figures WHERE printed = '14,007'",
                        "--format", "csv"], "search")
        diff = timed([iijwh, "diff", "--format", "csv"], "diff")
        # The edited figure breaks rules (it is no longer in the source text), which `check` exits 1 for.
        check, peaks["check"] = run_measured([iijwh, "check", "--format", "csv"], senv, codes=(0, 1))
        rerun, peaks["check --rerun"] = run_measured([iijwh, "check", "--rerun", "--format", "csv"], senv,
                                                     codes=(0, 1))
        out = tmp / f"export{n}"
        export, peaks["export"] = run_measured([iijwh, "export", "-q", "--force", str(out)], senv)
        shutil.rmtree(out, ignore_errors=True)
        worst = max(peaks, key=peaks.get)
        lines.append(f"| {n} | {companies} | {figure_rows} | {t_load:.2f} | {t_add:.2f} | {t_edit:.2f} | "
                     f"{one*1000:.0f} | {default*1000:.0f} | {no_build*1000:.0f} | {across*1000:.0f} | "
                     f"{search*1000:.0f} | "
                     f"{diff*1000:.0f} | {check:.2f} | {rerun:.2f} | {export:.2f} | "
                     f"{size:.1f} | {peaks[worst]:.0f} ({worst}) |")
        print(lines[-1], flush=True)
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(wh, ignore_errors=True)
    lines += ["", "Targets at N = 10,000: add one and edit one < 1 s, one company < 100 ms, search < 500 ms, "
              "load all and check at most linear in N, every command's peak memory < 2 GiB.", ""]
    return lines


def main():
    ap = argparse.ArgumentParser()
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    ap.add_argument("--iijwh", default=f"{target}/release/iijwh")
    ap.add_argument("--duckdb", default=shutil.which("duckdb") or "duckdb")
    ap.add_argument("--engine15", default=f"{target}/release/engine-v15")
    ap.add_argument("--engine20", default=f"{target}-v20/release/engine-v20")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--scale", default="1,10,100,1000,10000")
    ap.add_argument("--only-scale", action="store_true",
                    help="run section 3 alone and replace it in RESULTS.md, keeping the others")
    ap.add_argument("--skip-scale", action="store_true",
                    help="run sections 1 to 2 and replace them in RESULTS.md, keeping the others (1c only with both engine programs built)")
    ap.add_argument("--market", default=None,
                    help="the many-companies shapes instead, e.g. 100x4,1000x4,5000x4,250x40 or 2500x40 "
                         "(bench/market.py: load all, add one, no-op load, one company, peer, sum and "
                         "search against the bare CLI, peaks); prints its table")
    args = ap.parse_args()
    if args.market:
        return subprocess.call([sys.executable, str(ROOT / "bench" / "market.py"), "--iijwh", args.iijwh,
                                "--duckdb", args.duckdb, "--shapes", args.market,
                                "--runs", str(min(args.runs, 3))])
    if args.only_scale:
        tmp = Path(tempfile.mkdtemp(prefix="iijwh-bench-"))
        env = dict(os.environ, IIJWH_DATA=str(ROOT / "data"), IIJWH_WAREHOUSE=str(tmp / "wh"))
        lines = scale_curve(args.iijwh, env, tmp, [int(x) for x in args.scale.split(",")], args.runs)
        write_results(lines, only={"3."})
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
    iijwh, duck = args.iijwh, native_cli(args.duckdb)
    version = subprocess.run([duck, "--version"], capture_output=True, text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="iijwh-bench-"))
    env = dict(os.environ, IIJWH_DATA=str(ROOT / "data"), IIJWH_WAREHOUSE=str(tmp / "wh"))
    subprocess.run([iijwh, "load"], env=env, check=True, capture_output=True)
    generation = (tmp / "wh" / "current").resolve()
    prelude = cli_prelude(generation)
    lines = [
        "# Benchmark results", "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this machine "
        f"({os.cpu_count()} cores), iijwh release build vs DuckDB CLI {version}, by `python3 bench/run.py`. "
        f"Median of {args.runs} alternating runs; peak memory = max RSS of the process.", "",
        "## 1. Cold report queries: `iijwh query NAME` vs DuckDB CLI on the same Parquet", "",
        "iijwh's time includes everything a user's run does: finding the project, the staleness walk and "
        "the size check of the warehouse files, opening the generation's catalog, the SQL sandbox, and "
        "printing. The CLI creates the same raw views, macros and vintage views and runs the report SQL "
        "in one invocation.", "",
        "| report | iijwh ms | DuckDB CLI ms | ratio | iijwh MiB | CLI MiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    ratios = []
    for path in sorted((ROOT / "queries").glob("*.sql")):
        sql = report_sql(path)
        sql_file = tmp / f"{path.stem}.cli.sql"
        sql_file.write_text(prelude + "\n" + sql)
        (ta, ma), (tb, mb) = ab([iijwh, "query", path.stem, "--format", "csv"],
                                [duck, "-csv", "-init", os.devnull, "-f", str(sql_file)],
                                args.runs, env_a=env)
        ratios.append(ta / tb)
        lines.append(f"| {path.stem} | {ta*1000:.1f} | {tb*1000:.1f} | {ta/tb:.2f} | {ma:.0f} | {mb:.0f} |")
    lines += ["", f"Median ratio iijwh / CLI: **{statistics.median(ratios):.2f}**, highest "
                  f"**{max(ratios):.2f}** (target: every report at most 1.0).", ""]

    # 1b. Start-up against the bare CLI: what a user compares with.
    lines += ["## 1b. Start-up: iijwh vs the bare DuckDB CLI", "",
              "The same statement in the tool a user would pick instead: the bare CLI with no views or "
              "macros, reading the same Parquet file directly.", "",
              "| statement | iijwh ms | bare CLI ms | ratio |", "| --- | ---: | ---: | ---: |"]
    # The company parts the catalog's views read: the raw rows, and the stored latest vintage.
    rl = generation / "revenue_lines" / "iij.parquet"
    latest_rl = generation / "latest" / "revenue_lines" / "iij.parquet"
    for label, a, b in [
        ("select 1", [iijwh, "query", "--no-build", "-e", "select 1", "--format", "csv"],
         [duck, "-csv", "-init", os.devnull, "-c", "select 1"]),
        ("count(*) of raw.revenue_lines (the file)", [iijwh, "query", "--no-build", "-e",
                                                       "select count(*) from raw.revenue_lines", "--format", "csv"],
         [duck, "-csv", "-init", os.devnull, "-c", f"select count(*) from read_parquet('{rl}')"]),
        ("count(*) of revenue_lines (iijwh: the latest vintage, stored)",
         [iijwh, "query", "--no-build", "-e", "select count(*) from revenue_lines", "--format", "csv"],
         [duck, "-csv", "-init", os.devnull, "-c", f"select count(*) from read_parquet('{latest_rl}')"]),
        # The same with the check of data/ every query makes unless --no-build.
        ("count(*) of revenue_lines, data/ checked",
         [iijwh, "query", "-e", "select count(*) from revenue_lines", "--format", "csv"],
         [duck, "-csv", "-init", os.devnull, "-c", f"select count(*) from read_parquet('{latest_rl}')"]),
        ("a sum by period of revenue_lines",
         [iijwh, "query", "--no-build", "-e", sum_by_period("revenue_lines"), "--format", "csv"],
         [duck, "-csv", "-init", os.devnull, "-c", sum_by_period(f"read_parquet('{latest_rl}')")]),
    ]:
        (ta, _), (tb, _) = ab(a, b, args.runs, env_a=env)
        lines.append(f"| {label} | {ta*1000:.1f} | {tb*1000:.1f} | {ta/tb:.2f} |")
    lines.append("")

    # 1c. The engine alone, per DuckDB line, in Rust.
    engines = [(f"Rust, DuckDB {v}", p) for v, p in (("1.5.2", args.engine15), ("2.0.0", args.engine20))
               if os.path.exists(p)]
    lines += ["## 1c. The engine alone: DuckDB 1.5 and 2.0 in Rust", "",
              "bench/engine/main.rs opens DuckDB in memory and runs one statement, nothing else, built once "
              "against the `duckdb` crate iijwh uses (1.10502.0, DuckDB 1.5.2) and once against 1.20000.1 "
              "(DuckDB 2.0.0, the line iijwh used before). Same statements as 1b, run in turn with the bare "
              "CLI and iijwh.", "",
              "| statement | bare CLI ms | " + " | ".join(f"{n} ms" for n, _ in engines) + " | iijwh ms |",
              "| --- | ---: | " + " | ".join("---:" for _ in engines) + " | ---: |"]
    for label, sql, iijwh_sql in [
        ("select 1", "select 1", "select 1"),
        ("count(*) of raw.revenue_lines (the file)", f"select count(*) from read_parquet('{rl}')",
         "select count(*) from raw.revenue_lines"),
    ]:
        cmds = ([[duck, "-csv", "-init", os.devnull, "-c", sql]] + [[p, sql] for _, p in engines]
                + [[iijwh, "query", "--no-build", "-e", iijwh_sql, "--format", "csv"]])
        ms = alternate(cmds, args.runs, env)
        lines.append(f"| {label} | " + " | ".join(f"{m:.1f}" for m in ms) + " |")
    lines.append("")

    # 2. Load vs CLI CSV -> Parquet conversion
    csvs = sorted((ROOT / "data" / "releases").glob("*/*.csv"))
    out_dir = tmp / "cli-parquet"
    out_dir.mkdir()
    convert = "\n".join(
        f"COPY (SELECT * FROM read_csv('{c}')) TO '{out_dir / (c.parent.name + '-' + c.stem)}.parquet' "
        "(FORMAT parquet, COMPRESSION zstd);" for c in csvs)
    conv_file = tmp / "convert.sql"
    conv_file.write_text(convert)
    # More runs than the reports: one load is ~100 ms, and its median is the target.
    load_runs = max(21, args.runs)
    (ta, ma), (tb, mb) = ab([iijwh, "load"], [duck, "-init", os.devnull, "-f", str(conv_file)],
                            load_runs, env_a=env)
    phases = subprocess.run([iijwh, "load", "--timings"], env=env, capture_output=True, text=True).stderr
    lines += [
        "## 2. Load: `iijwh load` vs DuckDB CLI converting the same CSVs to Parquet", "",
        "| | ms | MiB |", "| --- | ---: | ---: |",
        f"| iijwh load (validate, write, catalog, constraints, 17 data rules, swap) | {ta*1000:.0f} | {ma:.0f} |",
        f"| DuckDB CLI: {len(csvs)} CSV -> ZSTD Parquet, no validation | {tb*1000:.0f} | {mb:.0f} |",
        "", f"Median of {load_runs} alternating runs. Ratio {ta/tb:.2f}x. Target for the real release: under 100 ms. "
        "Phases of one `iijwh load --timings`:",
        "", "```", phases.strip(), "```", ""]

    # 3. Scale curve (--skip-scale: sections 1 to 2 replaced in RESULTS.md, the rest kept)
    if args.skip_scale:
        # 1c too when both engine programs were built (it compares the two DuckDB lines).
        write_results(lines, only={"1.", "1b.", "2."} | ({"1c."} if len(engines) == 2 else set()))
    else:
        lines += scale_curve(iijwh, env, tmp, [int(x) for x in args.scale.split(",")], args.runs)
        write_results(lines)
    shutil.rmtree(tmp, ignore_errors=True)
    print((ROOT / "bench" / "RESULTS.md").read_text())


if __name__ == "__main__":
    sys.exit(main())
