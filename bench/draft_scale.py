#!/usr/bin/env python3
"""`iijwh release draft` against the size of the release text: a scratch copy of data/ gets a
release iij-3q06 whose text prints N numbers, and the draft of it is timed (whole process, the
median of RUNS runs, each on a fresh copy of the folder so that every run writes its CSVs and
DRAFT.md).

    python3 bench/draft_scale.py [--runs 3] [--shape lines|one-line] [--keep DIR] [N ...]
        (default N: 1000 10000 50000 100000 200000 400000)

Shapes: `lines` is a table of rows a line each (a known label, an unknown one) with a stated
figure between them; `one-line` is the same text with its line breaks turned into rules
(` ---- `), as a PDF's text comes out when extracted without them. Prints one row per N:
numbers, bytes, median seconds, and seconds per 100k numbers (flat when drafting is linear).
--keep DIR leaves the scratch data folder of the largest N there (to time it with other tools).
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("IIJWH") or os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/iijwh/target")), "release", "iijwh")
ID = "iij-3q06"
# 9 numbers a block: 3 in a known row, 3 in an unknown one, 3 in a sentence (its figure, its
# change, and the base period's year is no number).
BLOCK = ("Total revenues 1,000 900 11.1%\n"
         "Zq row 2,000 1,800 11.1%\n"
         "Revenues totaled JPY 1,000 million, an increase of 11.1% from 3Q05 and 7 more.\n")
PER_BLOCK = 9


def text(numbers, shape):
    head = "Results (JPY in millions)\n3Q06 3Q05 YoY % change\n"
    body = BLOCK * (numbers // PER_BLOCK)
    t = head + body
    if shape == "one-line":
        t = t.replace("\n", " ---- ") + "\n"
    return t


def setup(tmp, numbers, shape):
    data = os.path.join(tmp, "data")
    shutil.copytree(os.path.join(ROOT, "data"), data)
    src = os.path.join(tmp, "source.txt")
    with open(src, "w", encoding="utf-8") as f:
        f.write(text(numbers, shape))
    env = dict(os.environ, IIJWH_DATA=data, IIJWH_WAREHOUSE=os.path.join(tmp, "warehouse"))
    subprocess.run([BIN, "release", "new", ID, "--period", "3Q06", "--published-on", "2007-02-08",
                    "--source", src], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return data, env, os.path.getsize(src)


def main():
    args = sys.argv[1:]
    runs, shape, keep = 3, "lines", None
    sizes = []
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--shape":
            shape = args.pop(0)
        elif a == "--keep":
            keep = args.pop(0)
        else:
            sizes.append(int(a))
    sizes = sizes or [1000, 10000, 50000, 100000, 200000, 400000]
    print(f"shape {shape}, {runs} runs each, {BIN}")
    print("| numbers | bytes | median s | s per 100k numbers |")
    print("| ---: | ---: | ---: | ---: |")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data, env, size = setup(tmp, n, shape)
            folder = os.path.join(data, "releases", ID)
            pristine = os.path.join(tmp, "pristine")
            shutil.copytree(folder, pristine)
            times = []
            for _ in range(runs):
                shutil.rmtree(folder)
                shutil.copytree(pristine, folder)
                start = time.monotonic()
                out = subprocess.run([BIN, "release", "draft", ID], env=env, cwd=ROOT,
                                     capture_output=True, text=True)
                times.append(time.monotonic() - start)
                if out.returncode != 0:
                    sys.exit(f"draft of {n} numbers failed: {out.stderr}")
            med = statistics.median(times)
            print(f"| {n:,} | {size:,} | {med:.2f} | {med / n * 100000:.2f} |", flush=True)
            if keep and n == sizes[-1]:
                shutil.rmtree(folder)
                shutil.copytree(pristine, folder)
                if os.path.exists(keep):
                    shutil.rmtree(keep)
                shutil.copytree(data, keep)


if __name__ == "__main__":
    main()
