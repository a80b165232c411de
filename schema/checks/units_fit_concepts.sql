-- name: units_fit_concepts
-- description: Every level figure is in a unit of its concept's dimension (an amount in a currency, a count in contracts or subscribers, bandwidth in Gbps ...), as the release's concept definitions give it
-- tolerance: 0
SELECT f.release_id, f.table_name, f.section, f.label, f.period, f.as_of, f.item, f.value, f.unit,
       u.dimension AS unit_dimension, c.dimension AS concept_dimension
FROM figures f
JOIN raw.units u USING (unit)
JOIN release_concepts c ON c.release_id = f.release_id AND c.concept = f.item
WHERE f.comparison = 'level'
  AND f.table_name IN ('revenue_lines', 'income_items', 'cash_flows', 'balance_sheet', 'kpis')
  AND f.measure NOT IN ('gross_margin_ratio', 'pct_of_revenues')
  AND u.dimension <> c.dimension;
