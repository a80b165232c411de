-- name: repeated_figures_agree
-- description: A figure printed in several places (slides, tables, charts, statements) has one value everywhere; total revenues on the revenue slides agree with the result tables
-- tolerance: 0
WITH keyed AS (
    SELECT release_id,
           CASE WHEN table_name = 'income_items' AND item = 'total_revenues' THEN 'revenue_lines' ELSE table_name END AS tbl,
           period, as_of, item, coalesce(basis, 'actual') AS basis, coalesce(scope, 'consolidated') AS scope,
           measure, comparison, unit, value, section, label
    FROM figures
    WHERE placement <> 'unresolved'
)
SELECT release_id, tbl AS table_name, period, as_of, item, basis, scope, measure, comparison, unit,
       count(DISTINCT value) AS distinct_values,
       string_agg(value || ' (' || section || ': ' || label || ')', '; ' ORDER BY section, label) AS occurrences
FROM keyed
GROUP BY ALL
HAVING max(value) - min(value) > getvariable('tolerance')
ORDER BY ALL;
