"""Read an iijwh export back with readers iijwh did not write, and compare with the warehouse.

Usage: read_back.py EXPECTED.json PARQUET_DIR HIVE_DIR DUCKDB_FILE
EXPECTED maps table -> {"rows": n, "sums": {column: "decimal text"}, "types": {column: arrow type}}.
Prints one line per check and exits 1 if any fails.
"""
import json
import shutil
import subprocess
import sys
from decimal import Decimal

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

expected = json.load(open(sys.argv[1]))
parquet_dir, hive_dir, duckdb_file = sys.argv[2], sys.argv[3], sys.argv[4]
failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


for table, exp in expected.items():
    path = f"{parquet_dir}/{table}.parquet"
    # pyarrow: logical types, row count, exact decimal sums
    t = pq.read_table(path)
    check(t.num_rows == exp["rows"], f"pyarrow {table}: {t.num_rows} rows")
    for col, typ in exp["types"].items():
        check(str(t.schema.field(col).type) == typ, f"pyarrow {table}.{col}: {t.schema.field(col).type} == {typ}")
    for col, total in exp["sums"].items():
        s = sum((v for v in t.column(col).to_pylist() if v is not None), Decimal(0))
        check(s == Decimal(total), f"pyarrow {table}.{col} sum {s} == {total}")
    meta = pq.read_metadata(path)
    check(meta.row_group(0).column(0).compression == "ZSTD", f"pyarrow {table}: ZSTD")
    check(meta.row_group(0).column(0).statistics is not None, f"pyarrow {table}: statistics")
    desc = t.schema.field(0).metadata or {}
    if table != "figures":
        check(b"description" in desc, f"pyarrow {table}: column descriptions")
    # polars
    df = pl.read_parquet(path)
    check(df.height == exp["rows"], f"polars {table}: {df.height} rows")
    for col, total in exp["sums"].items():
        check(isinstance(df.schema[col], pl.Decimal), f"polars {table}.{col}: {df.schema[col]}")
        s = df.select(pl.col(col).sum()).item()
        check(Decimal(str(s)) == Decimal(total), f"polars {table}.{col} sum {s} == {total}")
    # DuckDB CLI
    cli = shutil.which("duckdb")
    check(cli is not None, "duckdb CLI on PATH")
    if cli:
        sums = ", ".join(f"sum({c})::VARCHAR" for c in exp["sums"]) or "NULL"
        out = subprocess.run(
            [cli, "-csv", "-noheader", "-c", f"SELECT count(*), {sums} FROM read_parquet('{path}')"],
            capture_output=True, text=True, check=True).stdout.strip().split(",")
        check(int(out[0]) == exp["rows"], f"duckdb-cli {table}: {out[0]} rows")
        for i, (col, total) in enumerate(exp["sums"].items()):
            check(Decimal(out[i + 1]) == Decimal(total), f"duckdb-cli {table}.{col} sum {out[i + 1]} == {total}")
        types = subprocess.run(
            [cli, "-csv", "-noheader", "-c", f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}'))"],
            capture_output=True, text=True, check=True).stdout
        if "value" in exp["sums"]:
            check('value,"DECIMAL(18,6)"' in types, f"duckdb-cli {table}.value is DECIMAL(18,6)")

# Hive-partitioned export: the partition column comes back from the folder names.
rl = ds.dataset(f"{hive_dir}/revenue_lines", format="parquet", partitioning="hive").to_table()
check("fiscal_year" in rl.column_names, "pyarrow hive: fiscal_year column")
check(rl.num_rows == expected["revenue_lines"]["rows"], f"pyarrow hive revenue_lines: {rl.num_rows} rows")
years = sorted(set(rl.column("fiscal_year").to_pylist()))
check(years == [2004, 2005, 2006], f"pyarrow hive years {years}")
hp = pl.read_parquet(f"{hive_dir}/revenue_lines/**/*.parquet", hive_partitioning=True)
check("fiscal_year" in hp.columns and hp.height == expected["revenue_lines"]["rows"], "polars hive: fiscal_year and rows")
q = hp.filter((pl.col("fiscal_year") == 2006) & (pl.col("period") == "2Q06") & (pl.col("line") == "total_revenues")
              & (pl.col("measure") == "amount") & (pl.col("comparison") == "level"))
check(Decimal(str(q["value"][0])) == Decimal("14007.0"), f"polars hive 2Q06 total revenues {q['value'][0]}")

# The .duckdb file opens in Python duckdb and answers the figures view and the macros.
con = duckdb.connect(duckdb_file, read_only=True)
n = con.execute("select count(*) from figures").fetchone()[0]
check(n == expected["figures"]["rows"], f"python duckdb figures: {n} rows")
v = con.execute("select value from figures where printed = '14,007' and section = 'Trend of Quarterly Revenues'").fetchone()[0]
check(v == Decimal("14007.0"), f"python duckdb 14,007 -> {v}")
check(con.execute("select year_ago('2Q06')").fetchone()[0] == "2Q05", "python duckdb macro year_ago")
comment = con.execute("select comment from duckdb_columns() where schema_name = 'raw' and table_name = 'kpis' and column_name = 'unit'").fetchone()[0]
check(comment == "Unit of value (units.unit): e.g. contracts, Gbps or %", f"python duckdb column comment {comment!r}")

print(f"{failures} failed")
sys.exit(1 if failures else 0)
