"""Key for mgc-FY2026 (PDF text, JPY million): section 1 summary tables (results, financial
position, cash flows; their reference notes) and section 2 dividends (actuals only), and the
consolidated balance sheets, statements of income, of comprehensive income and of cash flows.
Left out: % year-on-year columns, the FY2027 forecasts (dividend forecast row, section 3),
the non-consolidated outline, the statement of changes in net assets, segment information,
the share counts of the notes, and the qualitative pages."""
from keylib import Key

k = Key("mgc-FY2026")
Y26, Y25 = ("2026-03-31", 12), ("2025-03-31", 12)
B26, B25 = ("2026-03-31", 0), ("2025-03-31", 0)
M, YEN, PCT = "JPY million", "JPY per share", "%"


def put(n, period, label, value, unit, statement="summary"):
    assert value in k.line(n).replace(",", "").replace("(", "-").replace(")", "") or value == "0", (n, value)
    k.add(n, statement, label, period[0], period[1], value, unit)


# 1.(1) results: Net sales, Operating profit, Ordinary profit, Profit attributable (each with a % column)
for n, p, vals in [(30, Y26, ["738243", "45293", "51947", "-40318"]),
                   (31, Y25, ["773591", "50851", "60316", "45544"])]:
    for label, v in zip(["Net sales", "Operating profit", "Ordinary profit",
                         "Profit attributable to owners of parent"], vals):
        put(n, p, label, v, M)
put(32, Y26, "Comprehensive income", "5080", M)
put(33, Y25, "Comprehensive income", "48229", M)
# EPS and ratios; diluted EPS is printed "–" (not presented) in both years: left out
for n, p, vals in [(43, Y26, ["-207.04", "-6.1", "4.7", "6.1"]), (44, Y25, ["228.93", "6.9", "5.5", "6.6"])]:
    for (label, unit), v in zip([("Basic earnings per share", YEN), ("Return on equity", PCT),
                                 ("Ordinary profit/total assets", PCT), ("Operating profit/net sales", PCT)], vals):
        put(n, p, label, v, unit)
put(46, Y26, "Equity in earnings of entities accounted for using equity method", "1545", M)
put(47, Y25, "Equity in earnings of entities accounted for using equity method", "10956", M)
# 1.(2) financial position
for n, p, vals in [(52, B26, ["1113040", "679550", "58.1", "3319.36"]), (53, B25, ["1119688", "697375", "59.7", "3431.90"])]:
    for (label, unit), v in zip([("Total assets", M), ("Net assets", M), ("Equity ratio", PCT),
                                 ("Net assets per share", YEN)], vals):
        put(n, p, label, v, unit)
put(55, B26, "Equity", "646417", M)
put(56, B25, "Equity", "668222", M)
# 1.(3) cash flows
for n, p, vals in [(72, Y26, ["74726", "-61311", "-14364", "59096"]), (73, Y25, ["75440", "-90994", "4707", "56985"])]:
    for label, v in zip(["Cash flow from operating activities", "Cash flow from investing activities",
                         "Cash flow from financing activities", "Cash and cash equivalents at end of period"], vals):
        put(n, p, label, v, M)
# 2. dividends (actual years; the FY2027 forecast row is left out).  The "–" of the first and
# third quarter-ends is nil (no dividend) -> 0; the FY2026 payout ratio "–" (loss year) is left out.
DIV = [("Annual dividend First quarter-end", YEN), ("Annual dividend Second quarter-end", YEN),
       ("Annual dividend Third quarter-end", YEN), ("Annual dividend Fiscal year-end", YEN),
       ("Annual dividend Total", YEN), ("Total dividend payment (total)", M),
       ("Dividend payout ratio (consolidated)", PCT), ("Dividend to net assets ratio (consolidated)", PCT)]
for n, p, vals in [(102, Y25, ["0", "45.00", "0", "50.00", "95.00", "17021", "41.5", "2.8"]),
                   (104, Y26, ["0", "50.00", "0", "50.00", "100.00", "19472", None, "3.0"])]:
    for (label, unit), v in zip(DIV, vals):
        if v is not None:
            put(n, p, label, v, unit)

# consolidated statements: columns FY2024 (to March 31, 2025) then FY2025 (to March 31, 2026)
WS = r"\s+"
k.table("balance", 218, 261, [B25, B26], M, sep=WS)
k.table("balance", 269, 307, [B25, B26], M, sep=WS)
k.table("income", 322, 342, [Y25, Y26], M, sep=WS)
k.table("income", 376, 398, [Y25, Y26], M, sep=WS)
# statement of comprehensive income (statement "income"; wrapped labels joined)
k.table("income", 431, 444, [Y25, Y26], M, sep=WS, labels={
    438: "Share of other comprehensive income of entities accounted for using equity method",
    444: "Comprehensive income attributable to non-controlling interests"})
CFL = {
    750: "Share of loss (profit) of entities accounted for using equity method",
    760: "Loss (gain) on sale of short-term and long-term investment securities",
    762: "Loss (gain) on valuation of short-term and long-term investment securities",
    768: "Increase (decrease) in provision for retirement benefits for directors (and other officers)",
    774: "Dividends received from entities accounted for using equity method",
    823: "Increase in cash and cash equivalents resulting from inclusion of subsidiaries in consolidation"}
k.table("cash_flow", 745, 780, [Y25, Y26], M, sep=WS, labels=CFL)
k.table("cash_flow", 799, 824, [Y25, Y26], M, sep=WS, labels=CFL)
k.write()
