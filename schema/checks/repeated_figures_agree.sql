-- name: repeated_figures_agree
-- description: A figure printed in several places (slides, tables, charts, statements) has one value everywhere; a revenue line and an income item of one concept (total revenues on the revenue slides and in the result tables) agree
-- tolerance: 0
WITH keyed AS (
    SELECT release_id,
           -- Revenue lines and income items share the company's concepts: total revenues on the
           -- revenue slides is the same figure as in the result tables.
           CASE WHEN table_name = 'income_items' THEN 'revenue_lines' ELSE table_name END AS tbl,
           period, as_of, item, coalesce(basis, 'actual') AS basis, coalesce(scope, 'consolidated') AS scope,
           measure, comparison, unit, value, section, label
    FROM figures
    WHERE placement <> 'unresolved'
), disagreeing AS (
    SELECT release_id, tbl AS table_name, period, as_of, item, basis, scope, measure, comparison, unit,
           list({'section': section, 'label': label, 'value': value}) AS copies
    FROM keyed
    GROUP BY ALL
    HAVING max(value) - min(value) > getvariable('tolerance')
)
-- The copies are listed, then sorted by where they are printed, only for the figures that
-- disagree: an ordered aggregate (string_agg ... ORDER BY) sorts every figure's copies.
SELECT * EXCLUDE (copies),
       len(list_distinct(list_transform(copies, c -> c.value))) AS distinct_values,
       array_to_string(list_transform(list_sort(copies),
                                      c -> c.value || ' (' || c.section || ': ' || c.label || ')'),
                       '; ') AS occurrences
FROM disagreeing;
