-- name: stated_ratios
-- description: Every printed % of total revenues (incl. operating margin ratio) matches amount / total revenues of the same period and basis, allowing for the rounding of both amounts
-- tolerance: 0.05 percentage points (ratios are printed to one decimal)
WITH amt AS (
    SELECT release_id, period, item, basis, scope, max(value) AS value
    FROM raw.income_items WHERE measure = 'amount' AND comparison = 'level' AND unit = 'JPY million'
    GROUP BY ALL
), rev AS (
    SELECT release_id, period, value AS total_revenues
    FROM raw.revenue_lines WHERE line = 'total_revenues' AND measure = 'amount' AND comparison = 'level'
    GROUP BY ALL
), stated AS (
    SELECT i.release_id, i.section, i.label, i.period, i.item, i.basis, i.scope, i.value AS stated_pct,
           a.value AS amount, coalesce(t.value, r.total_revenues) AS total_revenues
    FROM raw.income_items i
    JOIN amt a USING (release_id, period, item, basis, scope)
    LEFT JOIN amt t ON t.release_id = i.release_id AND t.period = i.period AND t.basis = i.basis
                   AND t.scope = i.scope AND t.item = 'total_revenues'
    LEFT JOIN rev r ON r.release_id = i.release_id AND r.period = i.period
    WHERE i.measure = 'pct_of_revenues' AND i.comparison = 'level'
)
SELECT release_id, section, label, period, item, stated_pct, amount, total_revenues,
       round(share_pct(amount, total_revenues), 2) AS recomputed_pct
FROM stated
WHERE abs(stated_pct) + getvariable('tolerance') < ratio_low(amount, total_revenues)
   OR abs(stated_pct) - getvariable('tolerance') > ratio_high(amount, total_revenues)
   OR sign(stated_pct) <> sign(amount);
