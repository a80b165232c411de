-- title: Quarterly operating and net income
-- description: Operating income, operating margin ratio, net income (loss) and gains from sales of available-for-sale securities per quarter, with how each net income figure was placed (label, reconciled or layout).
-- company: iij
-- chart: bar x=quarter y=operating_income,net_income y2=operating_margin_ratio
SELECT p.period AS quarter,
       max(value) FILTER (WHERE item = 'operating_income' AND measure = 'amount')          AS operating_income,
       max(value) FILTER (WHERE item = 'operating_income' AND measure = 'pct_of_revenues') AS operating_margin_ratio,
       max(value) FILTER (WHERE item = 'net_income')                                       AS net_income,
       min(placement) FILTER (WHERE item = 'net_income' AND section LIKE 'Trend%')          AS net_income_placement,
       max(value) FILTER (WHERE item = 'gain_on_sale_of_afs_securities')                   AS gain_on_afs_securities
FROM income_items i JOIN periods p USING (period)
WHERE p.kind = 'quarter' AND i.basis = 'actual' AND i.scope = 'consolidated'
  AND i.comparison = 'level' AND i.unit IN ('JPY million', '%')
GROUP BY p.period, p.start_date
ORDER BY p.start_date;
