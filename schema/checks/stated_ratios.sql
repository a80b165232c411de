-- name: stated_ratios
-- description: Every printed % of total revenues (incl. operating margin ratio) matches amount / total revenues (standard concept total_revenues) of the same period and basis, in the release's unit, allowing for the rounding of both amounts
-- tolerance: 0.05 percentage points (ratios are printed to one decimal)
WITH revenue_concepts AS (
    SELECT release_id, concept FROM release_concepts WHERE standard = 'total_revenues'
), amt AS (
    SELECT release_id, period, item, basis, scope, unit, max(value) AS value
    FROM raw.income_items WHERE measure = 'amount' AND comparison = 'level'
    GROUP BY ALL
), rev AS (
    SELECT r.release_id, r.period, r.unit, max(r.value) AS total_revenues
    FROM raw.revenue_lines r SEMI JOIN revenue_concepts c ON c.release_id = r.release_id AND c.concept = r.line
    WHERE r.measure = 'amount' AND r.comparison = 'level'
    GROUP BY ALL
), tot AS (
    SELECT a.* FROM amt a SEMI JOIN revenue_concepts c ON c.release_id = a.release_id AND c.concept = a.item
), stated AS (
    SELECT i.release_id, i.section, i.label, i.period, i.item, i.basis, i.scope, i.value AS stated_pct,
           a.value AS amount, coalesce(t.value, r.total_revenues) AS total_revenues
    FROM raw.income_items i
    JOIN amt a USING (release_id, period, item, basis, scope)
    LEFT JOIN tot t ON t.release_id = i.release_id AND t.period = i.period AND t.basis = i.basis
          AND t.scope = i.scope AND t.unit = a.unit
    LEFT JOIN rev r ON r.release_id = i.release_id AND r.period = i.period AND r.unit = a.unit
    WHERE i.measure = 'pct_of_revenues' AND i.comparison = 'level'
      -- Amounts in the release's unit: a ratio of headline figures at a coarser scale (JPY 100
      -- million) says no more than the one of the precise ones.
      AND a.unit = (SELECT rl.unit FROM raw.releases rl WHERE rl.release_id = i.release_id)
)
SELECT release_id, section, label, period, item, stated_pct, amount, total_revenues,
       round(share_pct(amount, total_revenues), 2) AS recomputed_pct
FROM stated
WHERE abs(stated_pct) + getvariable('tolerance') < ratio_low(amount, total_revenues)
   OR abs(stated_pct) - getvariable('tolerance') > ratio_high(amount, total_revenues)
   OR sign(stated_pct) <> sign(amount);
