-- The SQL behind `iijwh diff` (a table macro: it reads the release_figures view, so it is
-- created after the views).

-- Figures two releases print, compared over the periods (and balance sheet dates) both print:
-- changed, added and dropped, each change explained by a restatement of release `b` or not.
CREATE OR REPLACE MACRO release_diff(a, b) AS TABLE
WITH va AS (SELECT * FROM release_figures WHERE release_id = a),
     vb AS (SELECT * FROM release_figures WHERE release_id = b),
     shared AS (SELECT DISTINCT when_printed FROM va INTERSECT SELECT DISTINCT when_printed FROM vb),
     joined AS (
         SELECT coalesce(vb.table_name, va.table_name) AS table_name,
                coalesce(vb.item, va.item) AS item,
                coalesce(vb.when_printed, va.when_printed) AS period,
                coalesce(vb.basis, va.basis) AS basis, coalesce(vb.scope, va.scope) AS scope,
                coalesce(vb.measure, va.measure) AS measure,
                coalesce(vb.comparison, va.comparison) AS comparison,
                coalesce(vb.unit, va.unit) AS unit,
                va.value AS value_a, vb.value AS value_b,
                coalesce(vb.label, va.label) AS label,
                -- The days the figure covers: its period's, or its balance sheet date.
                coalesce(pd.start_date, vb.as_of, va.as_of) AS first_day,
                coalesce(pd.end_date, vb.as_of, va.as_of) AS last_day
         FROM va FULL JOIN vb
           ON va.table_name = vb.table_name AND va.when_printed = vb.when_printed AND va.item = vb.item
          AND va.basis IS NOT DISTINCT FROM vb.basis AND va.scope IS NOT DISTINCT FROM vb.scope
          AND va.measure = vb.measure AND va.comparison = vb.comparison AND va.unit = vb.unit
          AND va.compared_to IS NOT DISTINCT FROM vb.compared_to
         LEFT JOIN raw.periods pd ON pd.company_id = coalesce(vb.company_id, va.company_id)
                                 AND pd.period = coalesce(vb.period, va.period)
     ),
     changes AS (
         SELECT *, restatement_reason(b, table_name, item, first_day, last_day) AS reason
         FROM joined
         WHERE period IN (SELECT when_printed FROM shared)
           AND value_a IS DISTINCT FROM value_b
     )
SELECT CASE WHEN value_a IS NULL THEN 'added' WHEN value_b IS NULL THEN 'dropped' ELSE 'changed' END AS status,
       table_name, item, period, basis, scope, measure, comparison, unit, value_a, value_b,
       value_b - value_a AS change, reason IS NOT NULL AS explained, reason, label
FROM changes
ORDER BY CASE status WHEN 'changed' THEN 0 WHEN 'added' THEN 1 ELSE 2 END, table_name, item, period,
         basis, scope, measure, comparison;
