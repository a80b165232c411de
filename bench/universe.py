#!/usr/bin/env python3
"""The real coverage universe of data/: the 22 public releases of ../shared/sources/real, entered
as a user enters them (`release new` from the page as published, `release draft`), and what the
user then had to change by hand.

    python3 bench/universe.py draft OUT    draft every release afresh into OUT/data (IIJ copied
                                           from data/), in the order they were published
    python3 bench/universe.py edits        draft them again in a scratch folder and count, per
                                           release, the rows of data/releases/ID/*.csv that
                                           differ from the draft: the hand edits of its review

Each release is entered with `release new --source` from its source.htm (the newsroom page or
exhibit as published) where there is one, else from source.txt (AMD's and Mitsubishi Gas
Chemical's texts have no HTML; Apple's 2004 8-K is two exhibits, kept as one text). A company's
first release carries its record (calendar, currency, unit, identifiers); later ones are drafted
with what the earlier ones printed, as a user's would be.

Hand edits are counted by row: a row of the reviewed CSV that is not in the draft (added or
changed), and a drafted row that is not in the reviewed CSV (removed or changed), each once per
(table, key): a changed row counts one edit.
"""
import csv, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.path.join(os.path.dirname(ROOT), "shared", "sources", "real")
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/iijwh/target")), "release", "iijwh")

US = ["--currency", "USD", "--unit", "USD million"]
COMPANIES = {
    "nvidia": ["--name", "NVIDIA Corporation", "--fiscal-year-start", "2", "--fiscal-year-named-by", "end_year",
               "--fiscal-year-end", "last Sunday of January", *US, "--ticker", "NVDA", "--exchange", "Nasdaq",
               "--cik", "1045810", "--alias", "NVIDIA"],
    "apple": ["--name", "Apple Inc.", "--fiscal-year-start", "10", "--fiscal-year-named-by", "end_year",
              "--fiscal-year-end", "last Saturday of September", "--week-53-quarter", "1", *US,
              "--ticker", "AAPL", "--exchange", "Nasdaq", "--cik", "320193", "--alias", "Apple Computer, Inc."],
    "oracle": ["--name", "Oracle Corporation", "--fiscal-year-start", "6", "--fiscal-year-named-by", "end_year", *US,
               "--ticker", "ORCL", "--exchange", "NYSE", "--cik", "1341439"],
    "buckle": ["--name", "The Buckle, Inc.", "--fiscal-year-start", "2", "--fiscal-year-named-by", "start_year",
               "--fiscal-year-end", "Saturday nearest the end of January", "--currency", "USD",
               "--unit", "USD thousand", "--ticker", "BKE", "--exchange", "NYSE", "--cik", "885245"],
    "southern": ["--name", "The Southern Company", "--fiscal-year-start", "1", "--fiscal-year-named-by", "start_year",
                 *US, "--ticker", "SO", "--exchange", "NYSE", "--cik", "92122", "--alias", "Southern Company"],
    "mgc": ["--name", "Mitsubishi Gas Chemical Company, Inc.", "--fiscal-year-start", "4",
            "--fiscal-year-named-by", "start_year", "--currency", "JPY", "--unit", "JPY million",
            "--local-code", "TSE:4182", "--alias", "MGC"],
    "amd": ["--name", "Advanced Micro Devices, Inc.", "--fiscal-year-start", "1", "--fiscal-year-named-by", "end_year",
            "--fiscal-year-end", "last Saturday of December", *US, "--ticker", "AMD", "--exchange", "Nasdaq",
            "--cik", "2488"],
}

# (shared folder, company, release id, period as printed, published on), in publication order.
RELEASES = [
    ("apple-FY2004Q3", "apple", "apple-3q04", "3Q04", "2004-07-14"),
    ("southern-2004Q4", "southern", "southern-4q04", "4Q04", "2005-01-25"),
    ("oracle-FY2014Q4", "oracle", "oracle-4q14", "4Q14", "2014-06-19"),
    ("nvidia-FY2023Q1", "nvidia", "nvidia-1q23", "1Q23", "2022-05-25"),
    ("oracle-FY2022Q4", "oracle", "oracle-4q22", "4Q22", "2022-06-13"),
    ("nvidia-FY2023Q2", "nvidia", "nvidia-2q23", "2Q23", "2022-08-24"),
    ("nvidia-FY2023Q3", "nvidia", "nvidia-3q23", "3Q23", "2022-11-16"),
    ("nvidia-FY2023Q4", "nvidia", "nvidia-4q23", "4Q23", "2023-02-22"),
    ("nvidia-FY2024Q1", "nvidia", "nvidia-1q24", "1Q24", "2023-05-24"),
    ("nvidia-FY2024Q2", "nvidia", "nvidia-2q24", "2Q24", "2023-08-23"),
    ("nvidia-FY2024Q3", "nvidia", "nvidia-3q24", "3Q24", "2023-11-21"),
    ("apple-FY2024Q1", "apple", "apple-1q24", "1Q24", "2024-02-01"),
    ("nvidia-FY2024Q4", "nvidia", "nvidia-4q24", "4Q24", "2024-02-21"),
    ("nvidia-FY2025Q1", "nvidia", "nvidia-1q25", "1Q25", "2024-05-22"),
    ("nvidia-FY2025Q2", "nvidia", "nvidia-2q25", "2Q25", "2024-08-28"),
    ("buckle-FY2024Q3", "buckle", "buckle-3q24", "3Q24", "2024-11-22"),
    ("nvidia-FY2025Q4", "nvidia", "nvidia-4q25", "4Q25", "2025-02-26"),
    ("nvidia-FY2026Q1", "nvidia", "nvidia-1q26", "1Q26", "2025-05-28"),
    ("nvidia-FY2026Q2", "nvidia", "nvidia-2q26", "2Q26", "2025-08-27"),
    ("nvidia-FY2026Q3", "nvidia", "nvidia-3q26", "3Q26", "2025-11-19"),
    ("mgc-FY2026", "mgc", "mgc-fy2025", "FY2025", "2026-05-13"),
    ("amd-2026Q2", "amd", "amd-2q26", "2Q26", "2026-08-04"),
]

FACT_TABLES = ["revenue_lines", "income_items", "balance_sheet", "cash_flows", "kpis", "concepts", "restatements"]


def run(env, *args):
    out = subprocess.run([BIN, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"iijwh {' '.join(args)}: {out.stderr}")
    return out.stdout


def source_of(folder):
    """The page as published where the folder has one page; else its text."""
    d = os.path.join(REAL, folder)
    pages = [f for f in os.listdir(d) if f.endswith((".htm", ".html"))]
    return os.path.join(d, pages[0] if len(pages) == 1 else "source.txt")


def source_url(folder):
    for line in open(os.path.join(REAL, folder, "SOURCE.md"), encoding="utf-8"):
        if line.startswith("- Original URL:"):
            url = line.split(":", 1)[1].strip().split(" ")[0]
            # A bare site root names no release (Buckle's): not a source.
            if url.startswith("http") and url.rstrip("/").count("/") > 2:
                return url
    return None


def draft(out):
    data = os.path.join(out, "data")
    os.makedirs(os.path.join(data, "releases"), exist_ok=True)
    os.makedirs(os.path.join(data, "companies"), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "data", "companies", "iij.toml"), os.path.join(data, "companies"))
    shutil.copytree(os.path.join(ROOT, "data", "releases", "iij-2q06"), os.path.join(data, "releases", "iij-2q06"))
    env = dict(os.environ, IIJWH_HOME=ROOT, IIJWH_DATA=data, IIJWH_WAREHOUSE=os.path.join(out, "warehouse"))
    seen = set()
    for folder, company, rid, period, published in RELEASES:
        new = ["release", "new", rid, "--company", company, "--period", period, "--published-on", published,
               "--source", source_of(folder)]
        url = source_url(folder)
        if url:
            new += ["--source-url", url]
        if company not in seen:
            new += COMPANIES[company]
            seen.add(company)
        run(env, *new)
        summary = run(env, "release", "draft", rid)
        print(f"{rid}: {summary.strip().splitlines()[-1] if summary.strip() else ''}")
    return data


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return [tuple(r) for r in csv.reader(f)][1:]


def edits():
    with tempfile.TemporaryDirectory() as tmp:
        drafted = draft(tmp)
        total = 0
        print()
        print("| release | rows as drafted | rows reviewed | hand edits |")
        print("| --- | ---: | ---: | ---: |")
        for _, _, rid, _, _ in RELEASES:
            n_draft = n_kept = changed = 0
            for table in FACT_TABLES:
                a = rows(os.path.join(drafted, "releases", rid, table + ".csv"))
                b = rows(os.path.join(ROOT, "data", "releases", rid, table + ".csv"))
                n_draft += len(a)
                n_kept += len(b)
                only_a = [r for r in a if r not in b]
                only_b = [r for r in b if r not in a]
                changed += max(len(only_a), len(only_b))
            total += changed
            print(f"| {rid} | {n_draft} | {n_kept} | {changed} |")
        print(f"\nhand edits in all: {total}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["draft"] and len(sys.argv) == 3:
        draft(sys.argv[2])
    elif sys.argv[1:] == ["edits"]:
        edits()
    else:
        sys.exit(__doc__)
