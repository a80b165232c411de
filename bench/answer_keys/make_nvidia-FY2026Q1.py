"""Key for nvidia-FY2026Q1: the three condensed consolidated statements (lines 84-187).
The prior-year column is printed after the June 2024 10-for-1 split (EPS 0.60, 24,620 shares)."""
from keylib import Key

k = Key("nvidia-FY2026Q1")
Q = [("2025-04-27", 3), ("2024-04-28", 3)]
k.table("income", 91, 111, Q, "USD million",
        units={107: "USD per share", 108: "USD per share", 110: "million shares", 111: "million shares"})
k.table("balance", 121, 143, [("2025-04-27", 0), ("2025-01-26", 0)], "USD million")
k.table("cash_flow", 153, 187, Q, "USD million")
k.write()
