"""Key for nvidia-FY2025Q2: the three condensed consolidated statements (lines 72-183),
including the cash-flow statement's cash reconciliation and supplemental line."""
from keylib import Key

k = Key("nvidia-FY2025Q2")
C = [("2024-07-28", 3), ("2023-07-30", 3), ("2024-07-28", 6), ("2023-07-30", 6)]
k.table("income", 79, 99, C, "USD million",
        units={95: "USD per share", 96: "USD per share", 98: "million shares", 99: "million shares"})
k.table("balance", 109, 132, [("2024-07-28", 0), ("2024-01-28", 0)], "USD million")
k.table("cash_flow", 142, 183, C, "USD million")
k.write()
