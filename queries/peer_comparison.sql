-- title: Peer comparison
-- description: Every company of the vintage side by side on standard concepts, for its latest quarter (or the sum of its latest `trailing` quarters, 4 for the trailing twelve months): total revenues, operating income and net income in the company's currency and printed unit and in base currency units, diluted earnings per share in its currency, growth on the same quarters a year earlier (empty on a loss), and gross, operating and net margin (% of total revenues). Each company's own quarters, from its calendar; figures as the newest release of the vintage prints them, in the release's unit. A growth or sum whose quarters are not all printed is empty.
-- param: trailing INTEGER = 1 -- quarters summed: 1 for the latest quarter, 4 for the trailing twelve months
-- chart: bar x=company y=revenue_growth_pct,gross_margin_pct,operating_margin_pct,net_margin_pct
WITH quarters AS (
    -- Each company's quarters of the standard amounts, as the newest release prints them
    -- (schema/views/25_standard_quarters.sql).
    SELECT * FROM standard_quarters
    WHERE standard IN ('total_revenues', 'gross_profit', 'operating_income', 'net_income', 'eps_diluted')
), latest AS (
    -- Each company's newest quarter with total revenues.
    SELECT company_id, arg_max(period, q) AS period, max(q) AS q, max(end_date) AS end_date
    FROM quarters WHERE standard = 'total_revenues'
    GROUP BY company_id
), summed AS (
    SELECT x.company_id, x.company, x.standard, any_value(x.unit) AS unit,
           sum(x.value) FILTER (WHERE x.q > l.q - $trailing) AS current,
           count(*) FILTER (WHERE x.q > l.q - $trailing) AS current_quarters,
           sum(x.value) FILTER (WHERE x.q > l.q - 4 - $trailing AND x.q <= l.q - 4) AS year_ago,
           count(*) FILTER (WHERE x.q > l.q - 4 - $trailing AND x.q <= l.q - 4) AS year_ago_quarters
    FROM quarters x JOIN latest l USING (company_id)
    GROUP BY ALL
), wide AS (
    SELECT company_id, company, any_value(unit) FILTER (WHERE standard = 'total_revenues') AS unit,
           max(current) FILTER (WHERE standard = 'total_revenues' AND current_quarters = $trailing) AS revenues,
           max(current) FILTER (WHERE standard = 'gross_profit' AND current_quarters = $trailing) AS gross_profit,
           max(current) FILTER (WHERE standard = 'eps_diluted' AND current_quarters = $trailing) AS eps_diluted,
           max(current) FILTER (WHERE standard = 'operating_income' AND current_quarters = $trailing) AS operating_income,
           max(current) FILTER (WHERE standard = 'net_income' AND current_quarters = $trailing) AS net_income,
           max(year_ago) FILTER (WHERE standard = 'total_revenues' AND year_ago_quarters = $trailing) AS revenues_year_ago,
           max(year_ago) FILTER (WHERE standard = 'operating_income' AND year_ago_quarters = $trailing) AS operating_income_year_ago
    FROM summed
    GROUP BY ALL
)
SELECT w.company, l.period AS latest_quarter, l.end_date AS quarter_end, k.currency, w.unit,
       w.revenues, w.operating_income, w.net_income, w.eps_diluted,
       base_value(w.revenues, w.unit) AS revenues_in_currency,
       -- Growth on a loss (a base at or below zero) means nothing: empty, as analysts print n/m.
       round(growth_pct(w.revenues, w.revenues_year_ago), 1) AS revenue_growth_pct,
       round(CASE WHEN w.operating_income_year_ago > 0
                  THEN growth_pct(w.operating_income, w.operating_income_year_ago) END, 1) AS operating_income_growth_pct,
       round(share_pct(w.gross_profit, w.revenues), 1) AS gross_margin_pct,
       round(share_pct(w.operating_income, w.revenues), 1) AS operating_margin_pct,
       round(share_pct(w.net_income, w.revenues), 1) AS net_margin_pct
FROM wide w
JOIN latest l USING (company_id)
JOIN raw.companies k USING (company_id)
ORDER BY w.company;
