#!/usr/bin/env python3
"""A whole market on one machine (issue 41): the many-companies shapes, and the layout of company
parts measured against one file per company and one file per table.

    python3 bench/market.py [--iijwh PATH] [--per-company PATH] [--shapes 100x4,1000x4,5000x4,250x40]
                            [--layouts 1000x4] [--runs 5] [--no-cli] [--watch] [--tmp DIR] [--out FILE]

A shape CxR is C companies of R successive quarters each (`iijwh generate --releases C*R
--companies C`, real-size releases of ~400 figures). For each shape, with the layout iijwh
writes (256 parts):
- load all: `iijwh load` of every release but the last company's newest, from nothing;
- add one: that release added (an incremental load; median of `runs`, taken out between runs);
- no-op: `iijwh load` with nothing changed (median; must write no generation);
- one company: `query trend_revenue --company C` (C the last company);
- peer: `query peer_comparison` (every company's latest quarter);
- sum: `query -e "SELECT sum(value) FROM figures"` (every printing of every company);
- search: `query -e "SELECT * FROM figures WHERE printed = '14,007'"`;
- files in the generation, warehouse MiB, and the peak RSS of every command (wait4).
The bare DuckDB CLI answers peer, sum and search over the Parquet of `iijwh export` (the Spark
port of peer_comparison, queries/spark/), alternating with iijwh: the factor is iijwh / CLI.
`--digits 2,1` measures 256 and 16 parts (IIJWH_PART_DIGITS) on every shape; `--layouts` shapes
are also loaded with one file per table (IIJWH_PART_DIGITS=0) and with one file per company
(`--per-company`: an iijwh built before parts, commit 45e0643).
`--watch` runs `iijwh watch` (the change journal of data/) from after the load of everything to
the end of the row, so the checks after it ask the watcher instead of walking data/.
Prints markdown rows; `--out` appends them to a file.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, native_cli, run_measured  # noqa: E402

SUM = "SELECT sum(value) FROM figures"
SEARCH = "SELECT * FROM figures WHERE printed = '14,007'"


def generate(iijwh, env, tmp, companies, quarters):
    data = tmp / f"gen{companies}x{quarters}"
    if not data.exists():
        subprocess.run([iijwh, "generate", "--releases", str(companies * quarters), "--companies",
                        str(companies), "--out", str(data)], env=env, check=True, capture_output=True)
    return data


def measured(cmd, env):
    """`run_measured`, and on failure what the command said."""
    try:
        return run_measured(cmd, env)
    except SystemExit:
        said = subprocess.run(cmd, env=env, capture_output=True, text=True)
        raise SystemExit(f"{' '.join(cmd)} failed: {said.stderr[-2000:]}")


def generation_files(wh):
    gen = (wh / "current").resolve()
    files = [f for f in gen.rglob("*") if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files) / 2**20


def watcher(iijwh, senv):
    """`iijwh watch` of the shape's data/, once it takes questions (the caller kills it)."""
    proc = subprocess.Popen([iijwh, "watch", "--idle", "3600"], env=senv, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    said = proc.stdout.readline()
    if not said.startswith("watching "):
        proc.kill()
        raise SystemExit(f"iijwh watch did not start: {said}")
    print(f"  {said.split(';')[0]}", file=sys.stderr, flush=True)
    return proc


def load_timed(iijwh, senv, into):
    """`iijwh load --timings` (its phases written to `into`): (seconds, peak RSS MiB)."""
    start = time.perf_counter()
    pid = os.posix_spawn(iijwh, [iijwh, "load", "--timings"], senv,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, into, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                                       (os.POSIX_SPAWN_DUP2, 1, 2)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the load of everything failed: see {into}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def measure(iijwh, data, newest, held, wh, runs, env, watch=False, timings=None):
    """One layout on one shape, `newest` (a release folder of data/) held aside as `held`: the
    row's figures, and the peaks."""
    shutil.rmtree(wh, ignore_errors=True)
    senv = dict(env, IIJWH_DATA=str(data), IIJWH_WAREHOUSE=str(wh))
    peaks = {}
    if timings:
        t_load, peaks["load all"] = load_timed(iijwh, senv, timings)
    else:
        t_load, peaks["load all"] = measured([iijwh, "load", "-q"], senv)
    print(f"  load all {t_load:.1f} s", file=sys.stderr, flush=True)
    os.sync()
    watching = watcher(iijwh, senv) if watch else None
    adds = []
    for i in range(runs):
        if i:
            shutil.move(str(newest), held)
            measured([iijwh, "load", "-q"], senv)
        shutil.move(str(held), newest)
        adds.append(measured([iijwh, "load", "-q"], senv))
    t_add, peaks["add one"] = statistics.median(t for t, _ in adds), max(m for _, m in adds)
    print(f"  add one {t_add:.2f} s", file=sys.stderr, flush=True)
    generations = len(list((wh / "generations").iterdir()))
    noops = [measured([iijwh, "load", "-q"], senv) for _ in range(runs)]
    t_noop, peaks["no-op load"] = statistics.median(t for t, _ in noops), max(m for _, m in noops)
    wrote = len(list((wh / "generations").iterdir())) != generations
    files, mib = generation_files(wh)
    company = newest.name.rsplit("-", 1)[0]

    print(f"  no-op load {t_noop * 1000:.0f} ms", file=sys.stderr, flush=True)

    def timed(cmd, name):
        got = [run_measured(cmd, senv) for _ in range(runs)]
        peaks[name] = max(m for _, m in got)
        median = statistics.median(t for t, _ in got)
        print(f"  {name} {median * 1000:.0f} ms, peak {peaks[name]:.0f} MiB", file=sys.stderr, flush=True)
        return median

    one = timed([iijwh, "query", "trend_revenue", "--format", "csv", "--company", company], "one company")
    peer = timed([iijwh, "query", "peer_comparison", "--format", "csv"], "peer")
    total = timed([iijwh, "query", "-e", SUM, "--format", "csv"], "sum")
    search = timed([iijwh, "query", "-e", SEARCH, "--format", "csv"], "search")
    # Back as it was generated, for the next layout.
    shutil.move(str(newest), held)
    return dict(load=t_load, add=t_add, noop=t_noop, wrote=wrote, files=files, mib=mib, one=one,
                peer=peer, sum=total, search=search, peaks=peaks, senv=senv, watching=watching)


def cli_factor(iijwh, duck, tmp, senv, runs):
    """iijwh / bare DuckDB CLI for peer, sum and search over the same Parquet (iijwh's export)."""
    out = tmp / "export"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([iijwh, "export", "-q", "--force", str(out)], env=senv, check=True, capture_output=True)
    views = "".join(f"CREATE VIEW {p.stem if p.is_file() else p.name} AS FROM read_parquet('"
                    f"{p if p.is_file() else p / '**/*.parquet'}');\n"
                    for p in sorted(out.iterdir())
                    if p.suffix == ".parquet" or (p.is_dir() and any(p.rglob("*.parquet"))))
    # Spark's struct() is DuckDB's row().
    peer_sql = (ROOT / "queries" / "spark" / "peer_comparison.sql").read_text().replace("struct(", "row(")
    factors = {}
    for name, sql, cmd in [
        ("peer", peer_sql, [iijwh, "query", "peer_comparison", "--format", "csv"]),
        ("sum", SUM + ";", [iijwh, "query", "-e", SUM, "--format", "csv"]),
        ("search", SEARCH + ";", [iijwh, "query", "-e", SEARCH, "--format", "csv"]),
    ]:
        script = tmp / f"{name}.cli.sql"
        script.write_text(views + sql)
        cli = [duck, "-csv", "-init", os.devnull, "-f", str(script)]
        check = subprocess.run(cli, capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"the CLI failed on {name}: {check.stderr[:500]}")
        run_measured(cmd, senv), run_measured(cli)
        a, b = [], []
        for _ in range(runs):
            a.append(run_measured(cmd, senv)[0])
            b.append(run_measured(cli)[0])
        factors[name] = (statistics.median(a), statistics.median(b))
    shutil.rmtree(out, ignore_errors=True)
    return factors


def main():
    ap = argparse.ArgumentParser()
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    ap.add_argument("--iijwh", default=f"{target}/release/iijwh")
    ap.add_argument("--per-company", default=None)
    ap.add_argument("--duckdb", default=shutil.which("duckdb") or "duckdb")
    ap.add_argument("--shapes", default="100x4,1000x4,5000x4,250x40")
    ap.add_argument("--layouts", default="")
    ap.add_argument("--digits", default="2",
                    help="hex digits of the part names to measure on every shape (2: 256 parts, 1: 16)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--no-cli", action="store_true",
                    help="skip the bare CLI's factors (the export of 100,000 releases takes long)")
    ap.add_argument("--load-timings", default=None,
                    help="write the phases of the load of everything (`load --timings`) to this file")
    ap.add_argument("--watch", action="store_true",
                    help="run `iijwh watch` after the load of everything (checks ask it)")
    ap.add_argument("--tmp", default=None,
                    help="scratch folder; a data folder genCxR already there is used as it is")
    args = ap.parse_args()
    duck = native_cli(args.duckdb)
    tmp = Path(args.tmp) if args.tmp else Path(tempfile.mkdtemp(prefix="iijwh-market-"))
    env = dict(os.environ)
    env.pop("IIJWH_PART_DIGITS", None)
    rows = []

    def emit(line):
        print(line, flush=True)
        rows.append(line)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")

    emit("| shape | releases | layout | files | MiB | load all s | add one s | no-op ms (wrote?) | "
         "one company ms | peer ms (x CLI) | sum ms (x CLI) | search ms (x CLI) | peak MiB (command) |")
    emit("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    layouts = set(filter(None, args.layouts.split(",")))
    for shape in filter(None, args.shapes.split(",")):
        companies, quarters = (int(x) for x in shape.split("x"))
        data = generate(args.iijwh, env, tmp, companies, quarters)
        newest = sorted((data / "releases").iterdir())[-1]
        held = data.parent / f"held-{data.name}"
        shutil.move(str(newest), held)
        variants = [(f"{16 ** int(d)} parts", args.iijwh, {"IIJWH_PART_DIGITS": d})
                    for d in args.digits.split(",")]
        if shape in layouts:
            variants.append(("one file per table", args.iijwh, {"IIJWH_PART_DIGITS": "0"}))
            if args.per_company:
                variants.append(("one file per company", args.per_company, {}))
        for label, binary, extra in variants:
            started = time.time()
            m = measure(binary, data, newest, held, tmp / "wh", args.runs, dict(env, **extra),
                        args.watch, args.load_timings)
            factors = cli_factor(binary, duck, tmp, m["senv"], args.runs) if label.endswith(" parts") and not args.no_cli else {}
            if m["watching"]:
                status = Path(f"/proc/{m['watching'].pid}/status").read_text()
                hwm = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
                m["peaks"]["watch"] = int(hwm.split()[1]) / 1024
                print(f"  watch peak {m['peaks']['watch']:.0f} MiB", file=sys.stderr, flush=True)
                m["watching"].kill()
                m["watching"].wait()
                label += ", watched"

            def cell(name):
                ms = m[name] * 1000
                if name in factors:
                    a, b = factors[name]
                    return f"{ms:.0f} ({a / b:.2f}x)"
                return f"{ms:.0f}"
            worst = max(m["peaks"], key=m["peaks"].get)
            emit(f"| {shape} | {companies * quarters - 1} | {label} | {m['files']} | {m['mib']:.0f} | "
                 f"{m['load']:.2f} | {m['add']:.2f} | {m['noop'] * 1000:.0f} ({'yes' if m['wrote'] else 'no'}) | "
                 f"{m['one'] * 1000:.0f} | {cell('peer')} | {cell('sum')} | {cell('search')} | "
                 f"{m['peaks'][worst]:.0f} ({worst}) |")
            print(f"  ({time.time() - started:.0f} s)", file=sys.stderr, flush=True)
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(held, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
