"""Helper for writing answer keys: reads rows of a statement table from a release's
source.txt (lines given by number) and writes the key CSV.  It only splits cells and
normalises the printed numbers; which lines, labels, columns and units go into a key is
stated by hand in each release's make_<release>.py, and every row was checked by eye.
"""
import csv
import re
import sys
from pathlib import Path

SOURCES = Path("/work/shared/sources/real")
HERE = Path(__file__).resolve().parent
DASHES = {"-", "—", "–", "−", "－"}
NUM = re.compile(r"^\(?-?[\d,]*\.?\d+\)?%?$")


def norm(cell):
    """Printed number -> plain decimal string, or None if the cell is not a number."""
    c = cell.strip().replace("$", "").replace("¥", "").replace(" ", "")
    if c in DASHES or c in {"$-", "$—", "$–"}:
        return "0"
    c = c.rstrip("%")
    if c.startswith("△") or c.startswith("▲"):
        c = "-" + c[1:]
    if not NUM.match(c):
        return None
    neg = c.startswith("(") and c.endswith(")")
    c = c.strip("()").replace(",", "")
    if c.startswith("-"):
        neg, c = not neg, c[1:]
    if c.startswith("."):
        c = "0" + c
    return ("-" if neg else "") + c


class Key:
    def __init__(self, release):
        self.release = release
        self.lines = (SOURCES / release / "source.txt").read_text(encoding="utf-8").split("\n")
        self.rows = []

    def line(self, n):
        return self.lines[n - 1]

    def table(self, statement, first, last, cols, unit, units=None, labels=None, skip=(),
              sep="   ", cells=None):
        """Rows of lines first..last.  cols: [(end, months)] in printed column order;
        units: {line: unit} overrides; labels: {line: label} overrides (wrapped labels);
        skip: lines to leave out; cells: {line: [cell, ...]} for lines split by hand."""
        units = units or {}
        labels = labels or {}
        cells = cells or {}
        for n in range(first, last + 1):
            if n in skip:
                continue
            text = self.line(n)
            if not text.strip():
                continue
            parts = cells.get(n) or [p for p in re.split(sep, text.strip()) if p.strip()]
            vals = []
            while parts and norm(parts[-1]) is not None and len(vals) < len(cols):
                vals.insert(0, norm(parts.pop()))
            if not vals:
                continue  # a heading line
            if len(vals) != len(cols):
                sys.exit(f"{self.release} line {n}: {len(vals)} values, {len(cols)} columns: {text!r}")
            label = labels.get(n, sep.join(parts).strip() if sep == "   " else " ".join(parts).strip())
            for (end, months), v in zip(cols, vals):
                if v is None:
                    continue
                self.rows.append([n, statement, label, end, months, v, units.get(n, unit)])

    def add(self, n, statement, label, end, months, value, unit):
        self.rows.append([n, statement, label, end, months, value, unit])

    def write(self):
        out = HERE / f"{self.release}.csv"
        with out.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["line", "statement", "label", "end", "months", "value", "unit"])
            w.writerows(self.rows)
        print(f"{out.name}: {len(self.rows)} rows")


def cell_table(key, statement, first, last, cols, unit, units=None, labels=None, skip=()):
    """For texts with one table cell per line: a line that is not a number (nor a lone
    '$' / '%') starts a row; the number lines after it are its values, one per column,
    each keyed to its own line.  A label line followed by no numbers is a heading.
    units / labels are keyed by the label's line; skip: lines to ignore (page numbers)."""
    units = units or {}
    labels = labels or {}
    rows = []  # [label_line, label, [(line, value)]]
    for n in range(first, last + 1):
        if n in skip:
            continue
        s = key.line(n).strip()
        if s in {"", "$", "%"}:
            continue
        v = norm(s)
        if v is None:
            rows.append([n, s, []])
        else:
            if not rows:
                sys.exit(f"{key.release} line {n}: value before any label")
            rows[-1][2].append((n, v))
    for ln, label, vals in rows:
        if not vals:
            continue
        if len(vals) != len(cols):
            sys.exit(f"{key.release} line {ln} {label!r}: {len(vals)} values for {len(cols)} columns")
        for (end, months), (n, v) in zip(cols, vals):
            key.rows.append([n, statement, labels.get(ln, label), end, months, v, units.get(ln, unit)])
