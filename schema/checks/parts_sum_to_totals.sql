-- name: parts_sum_to_totals
-- description: Every revenue total equals the sum of its component lines (revenue_line_defs.components), per release, period and slide
-- tolerance: 1 JPY million (each printed line is rounded)
WITH amounts AS (
    SELECT release_id, period, line, max(value) AS value, count(DISTINCT value) AS variants
    FROM raw.revenue_lines WHERE measure = 'amount' AND comparison = 'level'
    GROUP BY ALL
), totals AS (
    SELECT d.line AS total_line, unnest(string_split(d.components, '+')) AS part
    FROM revenue_line_defs d WHERE d.components IS NOT NULL
)
SELECT a.release_id, a.period, t.total_line, a.value AS printed_total,
       sum(p.value) AS sum_of_parts, sum(p.value) - a.value AS difference,
       string_agg(p.line || '=' || p.value, ' + ' ORDER BY p.line) AS parts
FROM totals t
JOIN amounts a ON a.line = t.total_line
JOIN amounts p ON p.release_id = a.release_id AND p.period = a.period AND p.line = t.part
GROUP BY a.release_id, a.period, t.total_line, a.value
HAVING count(*) = (SELECT count(*) FROM totals t2 WHERE t2.total_line = t.total_line)
   AND abs(sum(p.value) - a.value) > getvariable('tolerance');
