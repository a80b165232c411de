-- name: halves_equal_sum_of_quarters
-- description: Every first- or second-half amount (actual, in a currency unit) equals the sum of its two quarters wherever both quarters are printed in the same unit, across tables
-- tolerance: 1 unit of the figures' own unit
WITH levels AS (
    SELECT f.release_id, f.company_id, f.item, f.unit, max(f.value) AS value, f.period
    FROM figures f JOIN raw.units u USING (unit)
    WHERE f.comparison = 'level' AND u.dimension = 'currency' AND coalesce(f.basis, 'actual') = 'actual'
      AND coalesce(f.scope, 'consolidated') = 'consolidated' AND f.measure = 'amount' AND f.period IS NOT NULL
    GROUP BY ALL
)
SELECT h.release_id, h.period AS half, h.item, h.value AS half_value,
       string_agg(q.period || '=' || q.value, ' + ' ORDER BY q.period) AS quarters,
       sum(q.value) AS sum_of_quarters
FROM levels h
JOIN raw.periods ph ON ph.company_id = h.company_id AND ph.period = h.period AND ph.kind = 'half'
JOIN raw.periods pq ON pq.company_id = h.company_id AND pq.kind = 'quarter' AND pq.fiscal_year = ph.fiscal_year
                   AND pq.seq BETWEEN ph.seq * 2 - 1 AND ph.seq * 2
JOIN levels q ON q.release_id = h.release_id AND q.item = h.item AND q.unit = h.unit AND q.period = pq.period
GROUP BY h.release_id, h.period, h.item, h.value
HAVING count(*) = 2 AND abs(sum(q.value) - h.value) > getvariable('tolerance');
