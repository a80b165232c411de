-- title: Growth of a revenue line, QoQ and YoY
-- description: Quarterly amount of one revenue line with its change on the previous quarter and on the same quarter a year earlier, in percent. The release's stated rate is shown where it prints one (any slide); the computed rate always.
-- company: iij
-- param: line VARCHAR = total_revenues -- revenue line (a concept), see the concepts view
-- param: from VARCHAR = 1Q04 -- first quarter shown
-- values: line = SELECT concept FROM concepts WHERE tables LIKE '%revenue_lines%' ORDER BY sort_order
-- values: from = SELECT period FROM periods WHERE kind = 'quarter' ORDER BY start_date
-- chart: bar x=quarter y=amount y2=qoq_computed_pct,yoy_computed_pct
WITH amounts AS (
    SELECT period, max(value) AS amount
    FROM revenue_lines
    WHERE line = $line AND measure = 'amount' AND comparison = 'level'
    GROUP BY ALL
), stated AS (
    SELECT period,
           max(value) FILTER (WHERE comparison = 'qoq_pct') AS qoq_stated,
           max(value) FILTER (WHERE comparison = 'yoy_pct') AS yoy_stated
    FROM figures
    WHERE in_vintage AND item = $line AND measure = 'amount' AND table_name IN ('revenue_lines', 'income_items')
      AND coalesce(basis, 'actual') = 'actual' AND coalesce(scope, 'consolidated') = 'consolidated'
    GROUP BY ALL
)
SELECT a.period AS quarter, a.amount,
       s.qoq_stated AS qoq_stated_pct, round(growth_pct(a.amount, q.amount), 1) AS qoq_computed_pct,
       s.yoy_stated AS yoy_stated_pct, round(growth_pct(a.amount, y.amount), 1) AS yoy_computed_pct
FROM amounts a
JOIN periods p ON p.period = a.period AND p.kind = 'quarter'
LEFT JOIN amounts q ON q.period = prev_quarter(a.period)
LEFT JOIN amounts y ON y.period = year_ago(a.period)
LEFT JOIN stated s ON s.period = a.period
WHERE p.start_date >= (SELECT start_date FROM periods WHERE period = $from)
ORDER BY p.start_date;
