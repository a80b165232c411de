-- name: parts_sum_to_totals
-- description: Every total equals the signed sum of its parts as the release's own concept definitions give them (concepts.components, e.g. a+b or total_revenues-total_costs), per release, period or balance sheet date, basis, scope and unit, across tables (revenue lines, income items, cash flows, balance sheet, KPIs). A total the release prints with only some of its parts is a residual naming the parts it does not print
-- tolerance: 1 unit of the figures' own unit (each printed part is rounded)
WITH amounts AS (
    SELECT release_id, coalesce(period, strftime(as_of, '%Y-%m-%d')) AS at,
           coalesce(basis, 'actual') AS basis, coalesce(scope, 'consolidated') AS scope, unit, item,
           max(value) AS value
    FROM figures
    WHERE comparison = 'level' AND measure NOT IN ('gross_margin_ratio', 'pct_of_revenues')
      AND table_name IN ('revenue_lines', 'income_items', 'cash_flows', 'balance_sheet', 'kpis')
    GROUP BY ALL
), terms AS (
    SELECT release_id, concept AS total,
           unnest(regexp_extract_all(components, '[+-]?[a-z0-9_]+')) AS term
    FROM release_concepts WHERE components IS NOT NULL
), parts AS (
    SELECT release_id, total, ltrim(term, '+-') AS part,
           CASE WHEN starts_with(term, '-') THEN -1 ELSE 1 END AS sign
    FROM terms
), summed AS (
    SELECT t.release_id, t.at AS period, t.basis, t.scope, t.unit, s.total, t.value AS printed_total,
           sum(s.sign * p.value) AS sum_of_parts, count(p.value) AS printed_parts,
           string_agg(CASE WHEN s.sign < 0 THEN '-' ELSE '' END || s.part || '=' || p.value, ' + '
                      ORDER BY s.part) FILTER (WHERE p.value IS NOT NULL) AS parts,
           string_agg(s.part, ', ' ORDER BY s.part) FILTER (WHERE p.value IS NULL) AS not_printed
    FROM parts s
    JOIN amounts t ON t.release_id = s.release_id AND t.item = s.total
    LEFT JOIN amounts p ON p.release_id = t.release_id AND p.at = t.at AND p.basis = t.basis
                       AND p.scope = t.scope AND p.unit = t.unit AND p.item = s.part
    GROUP BY ALL
)
SELECT release_id, period, basis, scope, unit, total, printed_total, sum_of_parts,
       sum_of_parts - printed_total AS difference, parts,
       CASE WHEN not_printed IS NOT NULL
            THEN 'the release prints ' || printed_parts || ' of the parts; it does not print ' || not_printed
       END AS explained
FROM summed
WHERE printed_parts > 0
  AND (not_printed IS NOT NULL OR abs(sum_of_parts - printed_total) > getvariable('tolerance'));
