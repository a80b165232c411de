-- name: gross_margin_ratios
-- description: Quarterly gross margin ratios on the revenue trend agree with the result tables: a quarter printed there directly, and the first quarter of a half as (half - second quarter) gross margin over revenues
-- tolerance: 0.05 percentage points
WITH gm AS (
    SELECT release_id, period,
           max(value) FILTER (WHERE item = 'gross_margin')   AS gross_margin,
           max(value) FILTER (WHERE item = 'total_revenues') AS revenues
    FROM raw.income_items
    WHERE basis = 'actual' AND scope = 'consolidated' AND measure = 'amount' AND comparison = 'level'
      AND unit = 'JPY million'
    GROUP BY ALL
), quarter_gm AS (
    SELECT release_id, period, gross_margin, revenues, 'result table' AS source FROM gm
    WHERE period IN (SELECT period FROM periods WHERE kind = 'quarter')
    UNION ALL
    SELECT h.release_id, q1.period, h.gross_margin - q2.gross_margin, h.revenues - q2.revenues,
           'half ' || h.period || ' less ' || q2.period
    FROM gm h
    JOIN periods ph ON ph.period = h.period AND ph.kind = 'half' AND ph.seq = 1
    JOIN periods q1 ON q1.kind = 'quarter' AND q1.fiscal_year = ph.fiscal_year AND q1.seq = 1
    JOIN periods pq2 ON pq2.kind = 'quarter' AND pq2.fiscal_year = ph.fiscal_year AND pq2.seq = 2
    JOIN gm q2 ON q2.release_id = h.release_id AND q2.period = pq2.period
)
SELECT r.release_id, r.section, r.period, r.value AS stated_ratio, q.source,
       round(share_pct(q.gross_margin, q.revenues), 2) AS recomputed
FROM raw.revenue_lines r
JOIN quarter_gm q USING (release_id, period)
WHERE r.line = 'total_revenues' AND r.measure = 'gross_margin_ratio' AND r.comparison = 'level'
  AND (r.value + getvariable('tolerance') < ratio_low(q.gross_margin, q.revenues) - 0.01
    OR r.value - getvariable('tolerance') > ratio_high(q.gross_margin, q.revenues) + 0.01);
