"""Key for amd-2026Q2 (one table cell per line): condensed consolidated statements of
operations (with its gross-margin % row), balance sheets and statements of cash flows
(with its cash reconciliation), and the segment table of "Selected corporate data".  Page numbers (lines 765, 872, 1108) are skipped."""
from keylib import Key, cell_table

k = Key("amd-2026Q2")
OPS = [("2026-06-27", 3), ("2026-03-28", 3), ("2025-06-28", 3), ("2026-06-27", 6), ("2025-06-28", 6)]
PS = "USD per share"
cell_table(k, "income", 556, 764, OPS, "USD million",
           units={591: "%", 686: PS, 697: PS, 708: PS, 719: PS, 730: PS, 741: PS,
                  753: "million shares", 759: "million shares"})
cell_table(k, "balance", 776, 871, [("2026-06-27", 0), ("2025-12-27", 0)], "USD million")
CF = [("2026-06-27", 3), ("2025-06-28", 3), ("2026-06-27", 6), ("2025-06-28", 6)]
cell_table(k, "cash_flow", 887, 1107, CF, "USD million")
# Selected corporate data: the segment table only (net revenue and operating income by
# segment, lines 1126-1214); its footnote marker (1) on line 1125 is not a value.  The
# "Other Data" rows below it (capex, adjusted EBITDA, free cash flow, ...) are left out.
cell_table(k, "segment", 1126, 1214, OPS, "USD million")
k.write()
