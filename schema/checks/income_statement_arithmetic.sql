-- name: income_statement_arithmetic
-- description: Gross margin = total revenues - total costs, and operating income = gross margin - SG&A/R&D, for every result column printed
-- tolerance: 1 JPY million
WITH a AS (
    SELECT release_id, section, period, basis, scope, item, value
    FROM raw.income_items WHERE measure = 'amount' AND comparison = 'level' AND unit = 'JPY million'
), w AS (
    SELECT release_id, section, period, basis, scope,
           max(value) FILTER (WHERE item = 'total_revenues')   AS revenues,
           max(value) FILTER (WHERE item = 'total_costs')      AS costs,
           max(value) FILTER (WHERE item = 'gross_margin')     AS gross_margin,
           max(value) FILTER (WHERE item = 'sga_rd')           AS sga_rd,
           max(value) FILTER (WHERE item = 'operating_income') AS operating_income
    FROM a GROUP BY ALL
)
SELECT release_id, section, period, basis, scope, 'gross_margin = revenues - costs' AS identity,
       gross_margin AS printed, revenues - costs AS recomputed
FROM w WHERE abs(revenues - costs - gross_margin) > getvariable('tolerance')
UNION ALL
SELECT release_id, section, period, basis, scope, 'operating_income = gross_margin - sga_rd',
       operating_income, gross_margin - sga_rd
FROM w WHERE abs(gross_margin - sga_rd - operating_income) > getvariable('tolerance');
