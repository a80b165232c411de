-- name: cash_ties_to_balance_sheet
-- description: Cash at the end of a quarter in the cash flow statement equals cash on the balance sheet at that quarter's end date
-- tolerance: 0
SELECT c.release_id, c.period, p.end_date, c.value AS cash_end_of_period, b.value AS balance_sheet_cash
FROM raw.cash_flows c
JOIN periods p ON p.period = c.period
JOIN raw.balance_sheet b ON b.release_id = c.release_id AND b.as_of = p.end_date
                    AND b.item = 'cash' AND b.comparison = 'level'
WHERE c.item = 'cash_end_of_period' AND c.comparison = 'level'
  AND abs(c.value - b.value) > getvariable('tolerance');
