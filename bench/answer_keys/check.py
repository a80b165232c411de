#!/usr/bin/env python3
"""Check the answer keys in this folder (Python 3.11, stdlib only).

For every <release>.csv:
  1. each row is well formed, and its value appears, in printed form, on its line of
     /work/shared/sources/real/<release>/source.txt;
  2. every equation of <release>.checks holds for every period column that all its
     terms have, within 1 in the last printed digit of each term.

Equation syntax (one a line; a line starting with '#', and anything after ' #', is a comment):
    LHS = RHS     both sides are expressions: terms joined by ' + ', ' - ', ' * ', ' / '
                  (spaces on both sides; * and / bind tighter; no parentheses).
    A term names key rows:  [statement:]label[@unit][#n]
      statement:  income | balance | cash_flow | summary | segment (optional prefix)
      @unit       only rows with that unit (e.g. Basic@USD per share)
      #n          the n-th printed row carrying that label (1-based; counted as runs of
                  consecutive key rows, so it works for one-cell-per-line texts too)
    A term that is a plain number (e.g. 1000) is an exact constant.
    A term may be wrapped in [ ] so that its label may contain ' - ', ' + ', '=' etc.
Each term is taken as the interval value ± 1 unit of its last printed digit, and the
two sides pass if their intervals (computed by interval arithmetic) overlap.

Usage: python3 check.py [release ...] [-v]   (-v lists the rows no equation touches)
"""
import csv
import re
import sys
from datetime import date
from decimal import Decimal, getcontext
from pathlib import Path

getcontext().prec = 40
HERE = Path(__file__).resolve().parent
SOURCES = Path("/work/shared/sources/real")
STATEMENTS = {"income", "balance", "cash_flow", "summary", "segment"}
MONTHS = {0, 3, 6, 9, 12}
TOKEN = re.compile(r"\(?[-△▲]?\d[\d,]*(?:\.\d+)?\)?|\(?[-△▲]?\.\d+\)?|(?<!\S)[-—–−－](?!\S)")


def printed_values(text):
    """The set of plain decimals printed on a line of the source."""
    out = set()
    t = text.replace("$", " ").replace("¥", " ").replace("%", " ")
    for tok in TOKEN.findall(t):
        if tok in {"-", "—", "–", "−", "－"}:
            out.add("0")
            continue
        neg = tok.startswith("(") and tok.endswith(")")
        tok = tok.strip("()").rstrip(",")
        if tok[:1] in "-△▲":
            neg, tok = not neg, tok[1:]
        tok = tok.replace(",", "")
        if tok.startswith("."):
            tok = "0" + tok
        out.add(("-" if neg else "") + tok)
    return out


def ulp(value):
    exp = Decimal(value).as_tuple().exponent
    return Decimal(1).scaleb(exp if exp < 0 else 0)


def check_rows(release, rows, lines):
    errs = []
    for i, r in enumerate(rows, start=2):
        where = f"{release}.csv row {i}"
        try:
            n = int(r["line"])
            months = int(r["months"])
            date.fromisoformat(r["end"])
            Decimal(r["value"])
        except Exception as e:  # noqa: BLE001
            errs.append(f"{where}: malformed ({e})")
            continue
        if r["statement"] not in STATEMENTS:
            errs.append(f"{where}: statement {r['statement']!r}")
        if months not in MONTHS:
            errs.append(f"{where}: months {months}")
        if not r["label"].strip() or not r["unit"].strip():
            errs.append(f"{where}: empty label or unit")
        if not 1 <= n <= len(lines):
            errs.append(f"{where}: line {n} out of range")
            continue
        v = r["value"]
        pv = printed_values(lines[n - 1])
        if v not in pv:
            errs.append(f"{where}: value {v} not printed on line {n}: {lines[n - 1].strip()[:120]!r}")
    return errs


class Const:
    """A number written in an equation (e.g. 1000 to turn thousands into millions): exact."""
    error = None

    def __init__(self, text):
        v = Decimal(text)
        self.values = _Everywhere((v, Decimal(0), 0, None))


class _Everywhere(dict):
    def __init__(self, value):
        super().__init__()
        self.value = value

    def __getitem__(self, key):
        return self.value


class Term:
    def __init__(self, text, rows):
        self.text = text
        t = text.strip()
        if t.startswith("[") and t.endswith("]"):
            t = t[1:-1]
        self.statement = None
        head, sep, rest = t.partition(":")
        if sep and head in STATEMENTS:
            self.statement, t = head, rest
        self.nth = None
        m = re.search(r"#(\d+)$", t)
        if m:
            self.nth, t = int(m.group(1)), t[: m.start()]
        self.unit = None
        if "@" in t:
            t, self.unit = t.rsplit("@", 1)
        self.label = t.strip()
        sel = [(i, r) for i, r in enumerate(rows) if r["label"] == self.label
               and (self.statement is None or r["statement"] == self.statement)
               and (self.unit is None or r["unit"] == self.unit)]
        if self.nth is not None:
            # occurrences: runs of consecutive key rows (one printed row's values are
            # consecutive in a key; a repeated label is separated by other rows)
            run, last, keep = 0, None, []
            for i, r in sel:
                run += last is None or i != last + 1
                last = i
                if run == self.nth:
                    keep.append((i, r))
            sel = keep
        self.values = {}
        self.error = None if sel else f"term {text!r} matches no row"
        for i, r in sel:
            p = (r["end"], int(r["months"]))
            if p in self.values:
                self.error = f"term {text!r} is ambiguous for {p[0]}/{p[1]}m (lines {self.values[p][2]} and {r['line']})"
            self.values[p] = (Decimal(r["value"]), ulp(r["value"]), r["line"], i)


def split_expr(expr):
    """'a + b * c' -> ['a', '+', 'b', '*', 'c'], respecting [ ] around terms."""
    out, buf, depth, i = [], "", 0, 0
    while i < len(expr):
        c = expr[i]
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        if depth == 0 and expr[i:i + 3] in {" + ", " - ", " * ", " / "}:
            out += [buf.strip(), expr[i + 1]]
            buf, i = "", i + 3
            continue
        buf += c
        i += 1
    out.append(buf.strip())
    return out


def iv_op(a, op, b):
    (a0, a1), (b0, b1) = a, b
    if op == "+":
        return a0 + b0, a1 + b1
    if op == "-":
        return a0 - b1, a1 - b0
    if op == "*":
        ps = [a0 * b0, a0 * b1, a1 * b0, a1 * b1]
        return min(ps), max(ps)
    if b0 <= 0 <= b1:
        raise ZeroDivisionError("divisor interval contains 0")
    ps = [a0 / b0, a0 / b1, a1 / b0, a1 / b1]
    return min(ps), max(ps)


def evaluate(parts, terms, period, tol=True):
    vals = []
    for i, p in enumerate(parts):
        if i % 2 == 0:
            v, u = terms[p].values[period][:2]
            u = u if tol else 0
            vals.append((v - u, v + u))
        else:
            vals.append(p)
    # * and / first
    stack = [vals[0]]
    for op, v in zip(vals[1::2], vals[2::2]):
        if op in "*/":
            stack[-1] = iv_op(stack[-1], op, v)
        else:
            stack += [op, v]
    acc = stack[0]
    for op, v in zip(stack[1::2], stack[2::2]):
        acc = iv_op(acc, op, v)
    return acc


def point(parts, terms, period):
    """Value of an expression without tolerance, for messages."""
    return evaluate(parts, terms, period, tol=False)[0]


def check_equations(release, rows, path, covered):
    errs, n_eq, n_checks = [], 0, 0
    for ln, raw in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        text = raw.split(" #")[0].strip() if not raw.lstrip().startswith("#") else ""
        if not text:
            continue
        n_eq += 1
        where = f"{path.name}:{ln} [{text}]"
        if " = " not in text:
            errs.append(f"{where}: no ' = '")
            continue
        lhs, rhs = text.split(" = ", 1)
        lp, rp = split_expr(lhs), split_expr(rhs)
        terms = {}
        for p in lp[::2] + rp[::2]:
            if p not in terms:
                terms[p] = Const(p) if re.fullmatch(r"\d+(\.\d+)?", p) else Term(p, rows)
        bad = [t.error for t in terms.values() if t.error]
        if bad:
            errs.append(f"{where}: " + "; ".join(bad))
            continue
        periods = set.intersection(*(set(t.values) for t in terms.values() if isinstance(t, Term)))
        if not periods:
            errs.append(f"{where}: no period column common to all terms")
            continue
        for period in sorted(periods):
            n_checks += 1
            covered.update(t.values[period][3] for t in terms.values() if isinstance(t, Term))
            try:
                l0, l1 = evaluate(lp, terms, period)
                r0, r1 = evaluate(rp, terms, period)
            except ZeroDivisionError as e:
                errs.append(f"{where} {period[0]}/{period[1]}m: {e}")
                continue
            if l1 < r0 or r1 < l0:
                lv, rv = point(lp, terms, period), point(rp, terms, period)
                errs.append(f"FAIL {where} for period ending {period[0]} ({period[1]} months): "
                            f"left {lv:f} vs right {rv:f}")
    return errs, n_eq, n_checks


def main(argv):
    only = {a for a in argv[1:] if not a.startswith("-")}
    failed = False
    keys = sorted(HERE.glob("*.csv"))
    for key in keys:
        release = key.stem
        if only and release not in only:
            continue
        with key.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        src = SOURCES / release / "source.txt"
        lines = src.read_text(encoding="utf-8").split("\n")
        errs = check_rows(release, rows, lines)
        chk = HERE / f"{release}.checks"
        n_eq = n_checks = 0
        covered = set()
        if chk.exists():
            e2, n_eq, n_checks = check_equations(release, rows, chk, covered)
            errs += e2
        else:
            errs.append(f"{release}: no {chk.name}")
        for e in errs:
            print("  " + e)
        status = "all passed" if not errs else f"{len(errs)} FAILED"
        if not rows and not errs:
            status = "empty key (the text prints no statement table), nothing to check"
        print(f"{release}: {len(rows)} rows ({len(covered)} in some equation), "
              f"{n_eq} equations ({n_checks} period checks), {status}")
        if "-v" in argv:
            for i, r in enumerate(rows):
                if i not in covered:
                    print(f"    not in any equation: line {r['line']} {r['statement']}:{r['label']} "
                          f"{r['end']}/{r['months']}m = {r['value']}")
        failed |= bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
