-- title: Consolidated results table (1H or 2Q), as the release lays it out
-- description: As the newest release that prints it lays it out: prior-year result, % of total revenues, YoY, initial target, result and % of total revenues for each income statement line of a result table. Use period=1H06 (default) or period=2Q06.
-- company: iij
-- param: period VARCHAR = 1H06 -- 1H06 or 2Q06
-- values: period = SELECT DISTINCT replace(section, 'Consolidated Financial Results for ', '') FROM raw.income_items JOIN company_releases USING (release_id) WHERE section LIKE 'Consolidated Financial Results for %' ORDER BY 1
-- chart: bar x=item y=prior_year,initial_target,result
-- A results table is one release's layout: it is read as the newest release in the vintage that
-- prints it laid it out (later reprints of single figures do not break it up).
WITH layout AS (
    SELECT release_id FROM raw.income_items JOIN company_releases USING (release_id)
    WHERE section = 'Consolidated Financial Results for ' || $period
    ORDER BY vintage_order DESC LIMIT 1
), t AS (
    SELECT * FROM raw.income_items
    WHERE release_id = (SELECT release_id FROM layout)
      AND section = 'Consolidated Financial Results for ' || $period AND unit IN ('JPY million', '%')
), items(item, label, ord) AS (
    VALUES ('total_revenues', 'Total Revenues', 1), ('total_costs', 'Total Costs', 2),
           ('gross_margin', 'Gross Margin', 3), ('sga_rd', 'SG&A/R&D', 4),
           ('operating_income', 'Operating Income', 5),
           ('income_before_income_tax', 'Income before Income Tax Expense (Benefit)', 6),
           ('net_income', 'Net Income', 7)
)
SELECT i.label AS item,
       max(value) FILTER (WHERE period = year_ago($period) AND measure = 'amount')          AS prior_year,
       max(value) FILTER (WHERE period = year_ago($period) AND measure = 'pct_of_revenues') AS prior_year_of_revenues_pct,
       max(value) FILTER (WHERE period = $period AND comparison = 'yoy_pct')                AS yoy_pct,
       max(value) FILTER (WHERE period = $period AND basis = 'initial_target')              AS initial_target,
       max(value) FILTER (WHERE period = $period AND basis = 'actual' AND measure = 'amount' AND comparison = 'level') AS result,
       max(value) FILTER (WHERE period = $period AND measure = 'pct_of_revenues')           AS of_revenues_pct
FROM items i JOIN t USING (item)
GROUP BY i.label, i.ord
ORDER BY i.ord;
