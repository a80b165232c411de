-- name: cash_ties_to_balance_sheet
-- description: Cash at the end of a period in the cash flow statement (standard concept cash_end_of_period) equals cash on the balance sheet (standard concept cash) at that period's end date
-- tolerance: 0
WITH std AS (
    SELECT release_id, concept, standard FROM release_concepts
    WHERE standard IN ('cash_end_of_period', 'cash')
)
SELECT c.release_id, c.period, p.end_date, c.value AS cash_end_of_period, b.value AS balance_sheet_cash
FROM raw.cash_flows c
JOIN raw.releases r USING (release_id)
JOIN std sc ON sc.release_id = c.release_id AND sc.concept = c.item AND sc.standard = 'cash_end_of_period'
JOIN raw.periods p ON p.company_id = r.company_id AND p.period = c.period
JOIN raw.balance_sheet b ON b.release_id = c.release_id AND b.as_of = p.end_date
                        AND b.comparison = 'level' AND b.unit = c.unit
JOIN std sb ON sb.release_id = b.release_id AND sb.concept = b.item AND sb.standard = 'cash'
WHERE c.comparison = 'level'
  AND abs(c.value - b.value) > getvariable('tolerance');
