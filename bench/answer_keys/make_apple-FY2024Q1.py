"""Key for apple-FY2024Q1: statements of operations (with its footnote (1) tables of net
sales by reportable segment and by category, as `segment`), balance sheet, cash flows."""
from keylib import Key

k = Key("apple-FY2024Q1")
Q = [("2023-12-30", 3), ("2022-12-31", 3)]
k.table("income", 32, 54, Q, "USD million",
        units={50: "USD per share", 51: "USD per share", 53: "thousand shares", 54: "thousand shares"})
k.table("segment", 56, 68, Q, "USD million")
k.table("balance", 76, 108, [("2023-12-30", 0), ("2023-09-30", 0)], "USD million")
k.table("cash_flow", 115, 148, Q, "USD million")
k.write()
