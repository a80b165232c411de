-- name: balance_sheet_changes
-- description: Every printed balance sheet change equals the balance at its date less the balance at the earlier date
-- tolerance: 1 unit of the figures' own unit
SELECT ch.release_id, ch.item, ch.as_of, ch.compared_to, ch.printed AS printed_change, ch.value AS stated_change,
       cur.value AS balance, prev.value AS earlier_balance, cur.value - prev.value AS recomputed
FROM raw.balance_sheet ch
JOIN raw.balance_sheet cur ON cur.release_id = ch.release_id AND cur.item = ch.item AND cur.as_of = ch.as_of
                      AND cur.comparison = 'level' AND cur.unit = ch.unit
JOIN raw.balance_sheet prev ON prev.release_id = ch.release_id AND prev.item = ch.item AND prev.as_of = ch.compared_to
                       AND prev.comparison = 'level' AND prev.unit = ch.unit
WHERE ch.comparison = 'change_abs'
  AND abs(ch.value - (cur.value - prev.value)) > getvariable('tolerance');
