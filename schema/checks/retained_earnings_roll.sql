-- name: retained_earnings_roll
-- description: The printed change in retained earnings (or accumulated deficit: standard concept retained_earnings) between two balance sheet dates equals net income of the period between them, less dividends paid where the release prints them
-- tolerance: 1 unit of the figures' own unit
WITH std AS (
    SELECT release_id, concept, standard FROM release_concepts WHERE standard IS NOT NULL
), flows AS (
    SELECT i.release_id, r.company_id, i.period, i.unit,
           max(i.value) FILTER (WHERE s.standard = 'net_income') AS net_income,
           max(i.value) FILTER (WHERE s.standard = 'dividends_paid') AS dividends_paid
    FROM figures i
    JOIN raw.releases r USING (release_id)
    JOIN std s ON s.release_id = i.release_id AND s.concept = i.item
    WHERE i.table_name IN ('income_items', 'cash_flows') AND i.comparison = 'level'
      AND coalesce(i.basis, 'actual') = 'actual' AND coalesce(i.scope, 'consolidated') = 'consolidated'
      AND i.measure = 'amount'
    GROUP BY ALL
)
SELECT ch.release_id, ch.compared_to, ch.as_of, ch.value AS retained_earnings_change, p.period,
       f.net_income, f.dividends_paid
FROM raw.balance_sheet ch
JOIN raw.releases r USING (release_id)
JOIN std s ON s.release_id = ch.release_id AND s.concept = ch.item AND s.standard = 'retained_earnings'
JOIN raw.periods p ON p.company_id = r.company_id AND p.start_date = ch.compared_to + INTERVAL 1 DAY
                  AND p.end_date = ch.as_of
JOIN flows f ON f.release_id = ch.release_id AND f.period = p.period AND f.unit = ch.unit
WHERE ch.comparison = 'change_abs' AND f.net_income IS NOT NULL
  AND abs(ch.value - (f.net_income - abs(coalesce(f.dividends_paid, 0)))) > getvariable('tolerance');
