"""Key for buckle-FY2024Q3: consolidated statements of income and balance sheets (the
release prints no cash-flow statement).  Two subtotal rows print no label (lines 38 and 64);
they get a label in parentheses saying so."""
from keylib import Key

k = Key("buckle-FY2024Q3")
C = [("2024-11-02", 3), ("2023-10-28", 3), ("2024-11-02", 9), ("2023-10-28", 9)]
k.table("income", 32, 48, C, "USD thousand",
        units={45: "USD per share", 46: "USD per share", 47: "thousand shares", 48: "thousand shares"},
        labels={38: "(no label: total operating expenses)"})
k.table("balance", 56, 87, [("2024-11-02", 0), ("2024-02-03", 0), ("2023-10-28", 0)], "USD thousand",
        labels={64: "(no label: property and equipment, net)"})
k.write()
