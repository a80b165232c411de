#!/usr/bin/env python3
"""`iijwh release draft` measured against answer keys made without the drafter
(bench/answer_keys/, see its README): for each real release of ../shared/sources/real that has a
key, a scratch project gets the company (`release new` with its calendar) and the release, and
its draft is compared with the key figure by figure: same line, same value, same period (end date
and length in months; 0 for a balance-sheet date).

    python3 bench/draft_vs_key.py [RELEASE ...]     (default: every release with a key)

Releases of one company are drafted in order, each after the one before was written as drafted
(what a user does after review), so a company's second release is read with what its first
printed. Prints per release: figures in the key, drafted with the right value and period,
certain, certain and wrong (a certain row on a key's line that matches no key figure there).
"""
import csv, io, os, shutil, subprocess, sys, tempfile
from decimal import Decimal
from datetime import date

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.path.join(os.path.dirname(ROOT), "shared", "sources", "real")
KEYS = os.path.join(ROOT, "bench", "answer_keys")
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/iijwh/target")), "release", "iijwh")

# company id, name, calendar flags, currency, unit; then each release: (folder, id, period, published)
COMPANIES = {
    "nvidia": (["--name", "NVIDIA Corporation", "--fiscal-year-start", "2", "--fiscal-year-named-by", "end_year",
                "--fiscal-year-end", "last Sunday of January", "--currency", "USD", "--unit", "USD million"],
               [("nvidia-FY2025Q1", "nvidia-1q25", "1Q25", "2024-05-22"),
                ("nvidia-FY2025Q2", "nvidia-2q25", "2Q25", "2024-08-28"),
                ("nvidia-FY2026Q1", "nvidia-1q26", "1Q26", "2025-05-28")]),
    "apple": (["--name", "Apple Inc.", "--fiscal-year-start", "10", "--fiscal-year-named-by", "end_year",
               "--fiscal-year-end", "last Saturday of September", "--week-53-quarter", "1", "--currency", "USD",
               "--unit", "USD million"],
              [("apple-FY2024Q1", "apple-1q24", "1Q24", "2024-02-01")]),
    "buckle": (["--name", "The Buckle, Inc.", "--fiscal-year-start", "2", "--fiscal-year-named-by", "start_year",
                "--fiscal-year-end", "Saturday nearest the end of January", "--currency", "USD", "--unit", "USD thousand"],
               [("buckle-FY2024Q3", "buckle-3q24", "3Q24", "2024-11-22")]),
    "mgc": (["--name", "Mitsubishi Gas Chemical Company, Inc.", "--fiscal-year-start", "4", "--fiscal-year-named-by",
             "start_year", "--currency", "JPY", "--unit", "JPY million"],
            [("mgc-FY2026", "mgc-fy2025", "FY2025", "2026-05-13")]),
    "amd": (["--name", "Advanced Micro Devices, Inc.", "--fiscal-year-start", "1", "--fiscal-year-named-by", "end_year",
             "--fiscal-year-end", "last Saturday of December", "--currency", "USD", "--unit", "USD million"],
            [("amd-2026Q2", "amd-2q26", "2Q26", "2026-08-04")]),
}


def months(start, end):
    if not start:
        return 0
    days = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
    return round(days / 30.44)


def run(env, *args):
    out = subprocess.run([BIN, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"iijwh {' '.join(args)}: {out.stderr}")
    return out.stdout


def compare(folder, report):
    key = list(csv.DictReader(open(os.path.join(KEYS, folder + ".csv"), encoding="utf-8")))
    # The report prints the rows, a blank line, then the unplaced numbers.
    rows = list(csv.DictReader(io.StringIO(report.split("\n\n")[0])))
    drafted = {}
    for r in rows:
        drafted.setdefault(int(r["line"]), []).append(r)
    right = certain = 0
    by_line = {}
    for k in key:
        by_line.setdefault(int(k["line"]), []).append(k)
    def same(r, k):
        return (r["comparison"] == "level" and Decimal(r["value"]) == Decimal(k["value"])
                and r["end"] == k["end"] and months(r["start"], r["end"]) == int(k["months"]))
    for k in key:
        match = [r for r in drafted.get(int(k["line"]), []) if same(r, k)]
        right += bool(match)
        certain += any(r["status"] == "certain" for r in match)
    wrong = [r for line, rs in drafted.items() for r in rs
             if r["status"] == "certain" and line in by_line and not any(same(r, k) for k in by_line[line])]
    outside = sum(1 for line, rs in drafted.items() for r in rs if r["status"] == "certain" and line not in by_line)
    n = len(key) or 1
    print(f"{folder}: key {len(key)}; drafted right {right} ({100 * right / n:.0f}%); certain {certain} "
          f"({100 * certain / n:.0f}%); certain and wrong {len(wrong)}; certain outside the key {outside}")
    for r in wrong[:10]:
        print(f"   certain and wrong: line {r['line']} {r['item']} {r['period']} {r['value']}")
    return right, certain, len(wrong)


def main(only):
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        # IIJ's release alone: the real releases of data/ are what is drafted here.
        os.makedirs(os.path.join(data, "companies"))
        shutil.copy(os.path.join(ROOT, "data", "companies", "iij.toml"), os.path.join(data, "companies"))
        shutil.copytree(os.path.join(ROOT, "data", "releases", "iij-2q06"), os.path.join(data, "releases", "iij-2q06"))
        env = dict(os.environ, IIJWH_HOME=ROOT, IIJWH_DATA=data, IIJWH_WAREHOUSE=os.path.join(tmp, "wh"))
        for company, (flags, releases) in COMPANIES.items():
            for i, (folder, rid, period, published) in enumerate(releases):
                if only and folder not in only and not any(o.startswith(company) for o in only):
                    continue
                if not os.path.exists(os.path.join(KEYS, folder + ".csv")):
                    continue
                new = ["release", "new", rid, "--period", period, "--published-on", published,
                       "--source", os.path.join(REAL, folder, "source.txt"), "--company", company]
                run(env, *(new + (flags if i == 0 else [])))
                report = run(env, "release", "draft", rid, "--report", "--format", "csv")
                compare(folder, report)
                run(env, "release", "draft", rid)


if __name__ == "__main__":
    main(sys.argv[1:])
