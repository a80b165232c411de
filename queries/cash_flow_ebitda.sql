-- title: Cash flows, CAPEX and adjusted EBITDA
-- description: Three-month cash flows, cash at the end of the period, CAPEX, depreciation and amortization and adjusted EBITDA for 2Q06 and 2Q05, with the change as printed (JPY million, or % for CAPEX, D&A and EBITDA).
-- company: iij
-- chart: bar x=item y=2Q06,2Q05
SELECT item,
       max(value) FILTER (WHERE period = '2Q06' AND comparison = 'level') AS "2Q06",
       max(value) FILTER (WHERE period = '2Q05' AND comparison = 'level') AS "2Q05",
       max(value) FILTER (WHERE comparison = 'yoy_abs') AS change,
       max(value) FILTER (WHERE comparison = 'yoy_pct') AS change_pct
FROM cash_flows
GROUP BY item
ORDER BY CASE item WHEN 'operating_activities' THEN 1 WHEN 'investing_activities' THEN 2
                   WHEN 'financing_activities' THEN 3 WHEN 'cash_end_of_period' THEN 4
                   WHEN 'capex' THEN 5 WHEN 'depreciation_amortization' THEN 6 ELSE 7 END;
