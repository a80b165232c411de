-- title: Quarterly revenue trend
-- description: Revenues by line per quarter, 1Q04-2Q06 (JPY million), with total revenues and the gross margin ratio, quarters in time order. Lines as on the "Trend of Quarterly Revenues" slide; a figure that slide does not print comes from the slide that does, and a derived one is named in the last column (see the figures view for its formula).
-- company: iij
-- chart: stacked_bar x=quarter y=connectivity,value_added_and_other,outsourced_si,si_one_time,equipment_sales y2=gross_margin_ratio total=total_revenues
SELECT
    p.period                                                                  AS quarter,
    max(r.value) FILTER (WHERE r.line = 'connectivity')                      AS connectivity,
    max(r.value) FILTER (WHERE r.line = 'vas_and_other')                     AS value_added_and_other,
    max(r.value) FILTER (WHERE r.line = 'outsourced_operation_si')           AS outsourced_si,
    max(r.value) FILTER (WHERE r.line = 'si_one_time')                       AS si_one_time,
    max(r.value) FILTER (WHERE r.line = 'equipment_sales')                   AS equipment_sales,
    max(r.value) FILTER (WHERE r.line = 'total_revenues' AND r.measure = 'amount')             AS total_revenues,
    max(r.value) FILTER (WHERE r.line = 'total_revenues' AND r.measure = 'gross_margin_ratio') AS gross_margin_ratio,
    coalesce(string_agg(DISTINCT r.line, ', ' ORDER BY r.line) FILTER (WHERE r.derived IS NOT NULL), '') AS derived
FROM revenue_lines r
JOIN periods p USING (period)
WHERE p.kind = 'quarter'
  AND r.comparison = 'level'
  AND r.line IN ('connectivity', 'vas_and_other', 'outsourced_operation_si', 'si_one_time',
                 'equipment_sales', 'total_revenues')
GROUP BY p.period, p.start_date
ORDER BY p.start_date;
