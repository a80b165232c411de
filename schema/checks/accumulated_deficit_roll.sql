-- name: accumulated_deficit_roll
-- description: The change in accumulated deficit between two balance sheet dates equals net income of the period between them (no dividends are paid)
-- tolerance: 1 JPY million
SELECT ch.release_id, ch.compared_to, ch.as_of, ch.value AS deficit_change, p.period, ni.value AS net_income
FROM raw.balance_sheet ch
JOIN periods p ON p.start_date = ch.compared_to + INTERVAL 1 DAY AND p.end_date = ch.as_of
JOIN raw.income_items ni ON ni.release_id = ch.release_id AND ni.period = p.period AND ni.item = 'net_income'
                    AND ni.basis = 'actual' AND ni.scope = 'consolidated' AND ni.measure = 'amount'
                    AND ni.comparison = 'level' AND ni.unit = 'JPY million'
WHERE ch.item = 'accumulated_deficit' AND ch.comparison = 'change_abs'
  AND abs(ch.value - ni.value) > getvariable('tolerance');
