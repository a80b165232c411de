"""Open an iijwh Parquet export in Spark (PySpark, local mode) through spark/tables.sql and compare
with iijwh: column types, row counts and sums per table, and each ported report's rows.

Usage: spark_check.py EXPECTED.json EXPORT_DIR REPORTS_CSV_DIR
EXPECTED maps table -> {"rows": n, "sums": {column: "decimal text"}}; REPORTS_CSV_DIR holds
`iijwh query NAME --format csv` outputs as NAME.csv. Prints one line per check; exits 1 on a failure.
"""
import csv
import json
import os
import sys
from decimal import Decimal

from pyspark.sql import SparkSession

expected = json.load(open(sys.argv[1]))
export, csv_dir = sys.argv[2], sys.argv[3]
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


spark = (SparkSession.builder.master("local[2]").appName("iijwh-interop")
         .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
         .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
         .config("spark.sql.warehouse.dir", os.path.join(csv_dir, "spark-warehouse"))
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
text = open(os.path.join(export, "spark", "tables.sql")).read()
# The usual way to run a script statement by statement: split on every ';' (so no ';' may
# appear inside a statement), dropping comment lines.
registered = 0
for chunk in text.split(";"):
    stmt = "\n".join(l for l in chunk.splitlines() if not l.strip().startswith("--")).strip()
    if stmt:
        spark.sql(stmt)
        registered += stmt.startswith("CREATE TABLE")
n_tables = len(json.load(open(os.path.join(export, "manifest.json")))["tables"])
check(registered == n_tables, f"spark: tables.sql split on ';' registered {registered} of {n_tables} tables")
# A comment that holds a semicolon keeps it (written as the escape \u003B).
comments = {r.col_name: r.comment for r in spark.sql("DESCRIBE TABLE revenue_lines").collect()}
check("level for the figure itself; qoq_pct" in (comments.get("comparison") or ""),
      f"spark revenue_lines.comparison comment keeps its ';': {comments.get('comparison')!r}")

for table, exp in expected.items():
    df = spark.table(table)
    check(df.count() == exp["rows"], f"spark {table}: {df.count()} rows")
    types = dict(df.dtypes)
    for col, total in exp["sums"].items():
        check(types[col].startswith("decimal("), f"spark {table}.{col} is {types[col]}")
        s = df.agg({col: "sum"}).collect()[0][0]
        check(Decimal(str(s)) == Decimal(total), f"spark {table}.{col} sum {s} == {total}")
    if "published_on" in types:
        check(types["published_on"] == "date", f"spark {table}.published_on is {types['published_on']}")
    if "fiscal_year" in types and table != "periods":
        check(types["fiscal_year"] == "int", f"spark {table}.fiscal_year (partition) is {types['fiscal_year']}")
    comment = [r for r in spark.sql(f"DESCRIBE TABLE {table}").collect() if r.col_name == "value"]
    if comment and table != "figures":  # a view: its columns have no DDL comments
        check(bool(comment[0].comment), f"spark {table}.value has its comment")


def norm(v):
    if v is None or v == "":
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    try:
        return Decimal(str(v)).normalize()
    except Exception:
        return str(v)


reports = sorted(f[:-4] for f in os.listdir(os.path.join(export, "spark", "reports")))
check(len(reports) >= 8, f"spark: {len(reports)} ported reports")
for name in reports:
    sql = open(os.path.join(export, "spark", "reports", f"{name}.sql")).read().strip().rstrip(";")
    try:
        got = spark.sql(sql).collect()
    except Exception as e:  # noqa: BLE001
        check(False, f"spark report {name}: {' '.join(str(e).split())[:300]}")
        continue
    want = list(csv.reader(open(os.path.join(csv_dir, f"{name}.csv"))))[1:]
    rows_equal = len(got) == len(want) and all(
        [norm(v) for v in g] == [norm(v) for v in w] for g, w in zip(got, want))
    detail = "" if rows_equal else f" first difference: {next(([list(g), w] for g, w in zip(got, want) if [norm(v) for v in g] != [norm(v) for v in w]), (len(got), len(want)))}"
    check(rows_equal, f"spark report {name}: {len(got)} rows equal iijwh's{detail}")

spark.stop()
print(f"{failures} failed")
sys.exit(1 if failures else 0)
