-- title: Revenue mix by quarter
-- description: Share of total revenues per revenue line and quarter, in percent, computed from the printed amounts (the release prints no shares).
-- company: iij
-- chart: stacked_bar x=quarter y=connectivity_pct,value_added_and_other_pct,outsourced_si_pct,si_one_time_pct,equipment_sales_pct
WITH lines AS (
    SELECT period, line, max(value) AS amount
    FROM revenue_lines
    WHERE measure = 'amount' AND comparison = 'level'
      AND line IN ('connectivity', 'vas_and_other', 'outsourced_operation_si', 'si_one_time', 'equipment_sales', 'total_revenues')
    GROUP BY ALL
)
SELECT l.period AS quarter,
       round(share_pct(max(l.amount) FILTER (WHERE l.line = 'connectivity'), t.amount), 1)            AS connectivity_pct,
       round(share_pct(max(l.amount) FILTER (WHERE l.line = 'vas_and_other'), t.amount), 1)           AS value_added_and_other_pct,
       round(share_pct(max(l.amount) FILTER (WHERE l.line = 'outsourced_operation_si'), t.amount), 1) AS outsourced_si_pct,
       round(share_pct(max(l.amount) FILTER (WHERE l.line = 'si_one_time'), t.amount), 1)             AS si_one_time_pct,
       round(share_pct(max(l.amount) FILTER (WHERE l.line = 'equipment_sales'), t.amount), 1)         AS equipment_sales_pct,
       t.amount AS total_revenues
FROM lines l
JOIN lines t ON t.period = l.period AND t.line = 'total_revenues'
JOIN periods p ON p.period = l.period AND p.kind = 'quarter'
GROUP BY l.period, p.start_date, t.amount
ORDER BY p.start_date;
