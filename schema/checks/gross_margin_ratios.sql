-- name: gross_margin_ratios
-- description: Quarterly gross margin ratios printed for total revenues agree with the income items (standard concepts gross_profit and total_revenues): a quarter printed there directly, and the first quarter of a half as (half - second quarter) gross profit over revenues
-- tolerance: 0.05 percentage points
WITH std AS (
    SELECT release_id, concept, standard FROM release_concepts
    WHERE standard IN ('gross_profit', 'total_revenues')
), gm AS (
    SELECT i.release_id, r.company_id, i.period, i.unit,
           max(i.value) FILTER (WHERE s.standard = 'gross_profit')   AS gross_margin,
           max(i.value) FILTER (WHERE s.standard = 'total_revenues') AS revenues
    FROM raw.income_items i
    JOIN raw.releases r USING (release_id)
    JOIN std s ON s.release_id = i.release_id AND s.concept = i.item
    WHERE i.basis = 'actual' AND i.scope = 'consolidated' AND i.measure = 'amount' AND i.comparison = 'level'
    GROUP BY ALL
), quarter_gm AS (
    SELECT g.release_id, g.period, g.gross_margin, g.revenues, 'result table' AS source
    FROM gm g JOIN raw.periods p ON p.company_id = g.company_id AND p.period = g.period AND p.kind = 'quarter'
    UNION ALL
    SELECT h.release_id, q1.period, h.gross_margin - q2.gross_margin, h.revenues - q2.revenues,
           'half ' || h.period || ' less ' || q2.period
    FROM gm h
    JOIN raw.periods ph ON ph.company_id = h.company_id AND ph.period = h.period AND ph.kind = 'half' AND ph.seq = 1
    JOIN raw.periods q1 ON q1.company_id = h.company_id AND q1.kind = 'quarter'
                       AND q1.fiscal_year = ph.fiscal_year AND q1.seq = 1
    JOIN raw.periods pq2 ON pq2.company_id = h.company_id AND pq2.kind = 'quarter'
                        AND pq2.fiscal_year = ph.fiscal_year AND pq2.seq = 2
    JOIN gm q2 ON q2.release_id = h.release_id AND q2.period = pq2.period AND q2.unit = h.unit
)
SELECT r.release_id, r.section, r.period, r.value AS stated_ratio, q.source,
       round(share_pct(q.gross_margin, q.revenues), 2) AS recomputed
FROM raw.revenue_lines r
JOIN std s ON s.release_id = r.release_id AND s.concept = r.line AND s.standard = 'total_revenues'
JOIN quarter_gm q ON q.release_id = r.release_id AND q.period = r.period
WHERE r.measure = 'gross_margin_ratio' AND r.comparison = 'level'
  AND (r.value + getvariable('tolerance') < ratio_low(q.gross_margin, q.revenues) - 0.01
    OR r.value - getvariable('tolerance') > ratio_high(q.gross_margin, q.revenues) + 0.01);
