-- name: halves_equal_sum_of_quarters
-- description: Every first-half amount (actual) equals the sum of its two quarters wherever both quarters are printed, across tables
-- tolerance: 1 JPY million
WITH levels AS (
    SELECT release_id, item, max(value) AS value, period
    FROM figures
    WHERE comparison = 'level' AND unit = 'JPY million' AND coalesce(basis, 'actual') = 'actual'
      AND coalesce(scope, 'consolidated') = 'consolidated' AND measure = 'amount' AND period IS NOT NULL
    GROUP BY ALL
)
SELECT h.release_id, h.period AS half, h.item, h.value AS half_value,
       string_agg(q.period || '=' || q.value, ' + ' ORDER BY q.period) AS quarters,
       sum(q.value) AS sum_of_quarters
FROM levels h
JOIN periods ph ON ph.period = h.period AND ph.kind = 'half'
JOIN periods pq ON pq.kind = 'quarter' AND pq.fiscal_year = ph.fiscal_year
               AND pq.seq BETWEEN ph.seq * 2 - 1 AND ph.seq * 2
JOIN levels q ON q.release_id = h.release_id AND q.item = h.item AND q.period = pq.period
GROUP BY h.release_id, h.period, h.item, h.value
HAVING count(*) = 2 AND abs(sum(q.value) - h.value) > getvariable('tolerance');
