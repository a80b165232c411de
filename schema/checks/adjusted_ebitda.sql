-- name: adjusted_ebitda
-- description: Adjusted EBITDA = operating income + depreciation and amortization, for every period printing all three
-- tolerance: 1 JPY million
WITH oi AS (
    SELECT release_id, period, max(value) AS operating_income FROM raw.income_items
    WHERE item = 'operating_income' AND basis = 'actual' AND scope = 'consolidated'
      AND measure = 'amount' AND comparison = 'level' AND unit = 'JPY million'
    GROUP BY ALL
), cf AS (
    SELECT release_id, period,
           max(value) FILTER (WHERE item = 'depreciation_amortization') AS depreciation_amortization,
           max(value) FILTER (WHERE item = 'adjusted_ebitda') AS adjusted_ebitda
    FROM raw.cash_flows WHERE comparison = 'level' GROUP BY ALL
)
SELECT release_id, period, adjusted_ebitda, operating_income, depreciation_amortization,
       operating_income + depreciation_amortization AS recomputed
FROM cf JOIN oi USING (release_id, period)
WHERE abs(operating_income + depreciation_amortization - adjusted_ebitda) > getvariable('tolerance');
