-- name: stated_differences
-- description: Every stated absolute change (in the unit of its levels: contracts, Gbps, JPY million ...) and percentage-point change matches the difference of the two printed levels in that unit
-- tolerance: 1 unit for absolute changes; percentage-point changes allow 0.1 for the rounding of both ratios
WITH levels AS (
    SELECT release_id, table_name, period, item, coalesce(basis, '') AS basis, coalesce(scope, '') AS scope,
           measure, unit, max(value) AS value
    FROM figures
    WHERE comparison = 'level' AND period IS NOT NULL
    GROUP BY ALL
), stated AS (
    SELECT f.*, coalesce(f.basis, '') AS b, coalesce(f.scope, '') AS s,
           CASE WHEN f.comparison LIKE 'qoq%' THEN company_prev_quarter(f.company_id, f.period)
                ELSE company_year_ago(f.company_id, f.period) END AS base_period,
           -- A change in points is one of levels in percent; any other, of levels in its unit.
           CASE WHEN f.unit = 'pp' THEN '%' ELSE f.unit END AS level_unit,
           CASE WHEN f.comparison LIKE '%pp' THEN 0.1 ELSE getvariable('tolerance') END AS tol
    FROM figures f
    WHERE f.comparison IN ('qoq_abs', 'yoy_abs', 'qoq_pp', 'yoy_pp') AND f.period IS NOT NULL
)
SELECT s.release_id, s.table_name, s.section, s.label, s.period, s.item, s.comparison,
       s.value AS stated_change, c.value AS current_level, s.base_period, b.value AS base_level,
       c.value - b.value AS recomputed
FROM stated s
JOIN levels c ON c.release_id = s.release_id AND c.table_name = s.table_name AND c.period = s.period
             AND c.item = s.item AND c.basis = s.b AND c.scope = s.s AND c.measure = s.measure
             AND c.unit = s.level_unit
JOIN levels b ON b.release_id = s.release_id AND b.table_name = s.table_name AND b.period = s.base_period
             AND b.item = s.item AND b.basis = s.b AND b.scope = s.s AND b.measure = s.measure
             AND b.unit = s.level_unit
WHERE abs(s.value - (c.value - b.value)) > s.tol;
