"""Key for nvidia-FY2025Q1: the three condensed consolidated statements (lines 76-178)."""
from keylib import Key

k = Key("nvidia-FY2025Q1")
Q = [("2024-04-28", 3), ("2023-04-30", 3)]
k.table("income", 83, 103, Q, "USD million",
        units={99: "USD per share", 100: "USD per share", 102: "million shares", 103: "million shares"})
k.table("balance", 113, 136, [("2024-04-28", 0), ("2024-01-28", 0)], "USD million")
k.table("cash_flow", 146, 178, Q, "USD million")
k.write()
