#!/usr/bin/env python3
"""`iijwh release draft` measured against curated rows: for a release of data/ (or a fixture),
copy its folder without its fact CSVs into a scratch data folder, draft it, and compare the drafted
rows with the curated ones by figure key (table, period, item, comparison, value).

    python3 bench/draft_vs_curated.py [RELEASE_DIR ...]   (default: data/releases/iij-2q06, then
                                                         the real releases, see below)

Prints, per release: curated figure keys, drafted rows, how many drafted keys are curated ones,
how many drafts are certain, and how many certain ones are wrong (not a curated key).

With no argument it then measures the real releases of ../shared/sources/real against their
answer keys, made without the drafter (bench/answer_keys/; bench/draft_vs_key.py does that
part, and runs alone too): per release, figures in the key, drafted right, certain, certain and
wrong.
"""
import csv, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/iijwh/target")), "release", "iijwh")
FACTS = {"revenue_lines": "line", "income_items": "item", "cash_flows": "item", "kpis": "item"}


def keys(folder):
    out = {}
    for table, col in FACTS.items():
        path = os.path.join(folder, table + ".csv")
        if not os.path.exists(path):
            continue
        for r in csv.DictReader(open(path, encoding="utf-8")):
            k = (table, r["period"], r[col], r["comparison"], float(r["value"]))
            out.setdefault(k, []).append(r.get("note", ""))
    return out


def measure(release_dir):
    release_dir = os.path.abspath(release_dir)
    rid = os.path.basename(release_dir)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        shutil.copytree(os.path.join(ROOT, "data"), data)
        target = os.path.join(data, "releases", rid)
        if os.path.exists(target):
            shutil.rmtree(target)
        os.makedirs(target)
        # The release's text, metadata and own concept definitions; none of its figure rows.
        for f in ["release.toml", "source.txt", "concepts.csv"]:
            if os.path.exists(os.path.join(release_dir, f)):
                shutil.copy(os.path.join(release_dir, f), target)
        env = dict(os.environ, IIJWH_HOME=ROOT, IIJWH_DATA=data, IIJWH_WAREHOUSE=os.path.join(tmp, "wh"))
        out = subprocess.run([BIN, "release", "draft", rid], env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(out.stderr)
        curated = keys(release_dir)
        drafted = keys(target)
        certain = [k for k, notes in drafted.items() if any(n.startswith("draft certain") for n in notes)]
        wrong = [k for k in certain if k not in curated]
        md = open(os.path.join(target, "DRAFT.md"), encoding="utf-8").read().splitlines()[2]
        print(f"{rid}: curated figure keys {len(curated)}; drafted keys {len(drafted)}, of them curated "
              f"{len(set(drafted) & set(curated))}; certain {len(certain)}, certain and wrong {len(wrong)}")
        for k in wrong:
            print("   certain but not curated:", k)
        print("  ", md)


if __name__ == "__main__":
    for d in sys.argv[1:] or [os.path.join(ROOT, "data", "releases", "iij-2q06")]:
        measure(d)
    if not sys.argv[1:]:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import draft_vs_key
        draft_vs_key.main([])
