-- name: actuals_reported_after_their_period
-- description: A release prints actual figures only of periods that ended by its publication date (in its company's calendar); a later period is a target or a typing error
-- tolerance: 0
SELECT f.release_id, f.table_name, f.section, f.label, f.period, f.item, f.comparison, f.value,
       p.end_date AS period_ends, f.published_on
FROM figures f
JOIN raw.periods p ON p.company_id = f.company_id AND p.period = f.period
WHERE coalesce(f.basis, 'actual') = 'actual'
  AND f.table_name IN ('revenue_lines', 'income_items', 'cash_flows', 'kpis')
  AND p.end_date > f.published_on;
