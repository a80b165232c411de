-- title: Trend of a concept
-- description: One concept of one company (its own, e.g. a revenue line, or a standard one such as total_revenues), period by period in time order with the period's own dates from the company's calendar, as the newest release of the vintage prints it: the value in the release's unit, the same in base units, and the release it comes from. Actual, consolidated levels; a figure printed in several units shows the one of its release's unit. The company is the `company` parameter, as `--company` picks it.
-- param: company VARCHAR = -- company id, name or alias (as --company); empty: the company the session shows
-- param: concept VARCHAR = total_revenues -- concept code (see the concepts view)
-- param: kind VARCHAR = quarter -- quarter, half or year
-- values: company = SELECT c FROM (SELECT '' AS c UNION ALL SELECT company_id FROM companies) ORDER BY 1
-- values: concept = SELECT DISTINCT concept FROM printed_concepts ORDER BY 1
-- values: kind = SELECT k FROM (VALUES ('quarter'), ('half'), ('year')) t(k)
-- chart: bar x=period y=value
WITH chosen AS (
    SELECT company_id FROM vintage_company
), printed AS (
    SELECT f.period, f.value, f.unit, f.release_id, f.published_on,
           -- The newest release wins; within it, the figure in the release's own unit.
           (f.published_on, f.release_id, f.unit = r.unit) AS rank
    FROM figures f
    JOIN raw.releases r USING (release_id)
    WHERE f.company_id = (SELECT company_id FROM chosen)
      AND f.item = $concept AND f.comparison = 'level' AND f.period IS NOT NULL
      AND coalesce(f.basis, 'actual') = 'actual' AND coalesce(f.scope, 'consolidated') = 'consolidated'
      AND f.measure NOT IN ('gross_margin_ratio', 'pct_of_revenues')
), newest AS (
    SELECT period, arg_max(value, rank) AS value, arg_max(unit, rank) AS unit,
           arg_max(release_id, rank) AS release_id, arg_max(published_on, rank) AS published_on
    FROM printed
    GROUP BY period
)
SELECT n.period, p.start_date, p.end_date, n.value, n.unit, base_value(n.value, n.unit) AS base_value,
       u.base_unit, n.release_id, n.published_on
FROM newest n
JOIN raw.periods p ON p.company_id = (SELECT company_id FROM chosen) AND p.period = n.period
JOIN raw.units u ON u.unit = n.unit
WHERE p.kind = $kind
ORDER BY p.start_date;
