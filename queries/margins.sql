-- title: Margins per quarter
-- description: Gross margin ratio, operating margin ratio and net margin per quarter, 1Q04-2Q06. Gross and operating ratios as printed; net margin computed from printed net income and total revenues.
-- company: iij
-- chart: line x=quarter y=gross_margin_ratio,operating_margin_ratio,net_margin_ratio
WITH rev AS (
    SELECT period,
           max(value) FILTER (WHERE measure = 'amount')             AS total_revenues,
           max(value) FILTER (WHERE measure = 'gross_margin_ratio') AS gross_margin_ratio
    FROM revenue_lines WHERE line = 'total_revenues' AND comparison = 'level'
    GROUP BY ALL
), inc AS (
    SELECT period,
           max(value) FILTER (WHERE item = 'operating_income' AND measure = 'amount')          AS operating_income,
           max(value) FILTER (WHERE item = 'operating_income' AND measure = 'pct_of_revenues') AS operating_margin_ratio,
           max(value) FILTER (WHERE item = 'net_income' AND measure = 'amount')                AS net_income
    FROM income_items
    WHERE basis = 'actual' AND scope = 'consolidated' AND comparison = 'level' AND unit IN ('JPY million', '%')
    GROUP BY ALL
)
SELECT r.period AS quarter, r.total_revenues, r.gross_margin_ratio, i.operating_income, i.operating_margin_ratio,
       i.net_income, round(share_pct(i.net_income, r.total_revenues), 1) AS net_margin_ratio
FROM rev r
JOIN periods p ON p.period = r.period AND p.kind = 'quarter'
LEFT JOIN inc i ON i.period = r.period
ORDER BY p.start_date;
