-- name: equity_components
-- description: Total shareholders' equity equals the sum of the equity lines the release prints; the release omits a line (about JPY 85 million, presumably treasury stock), reported as a residual
-- tolerance: 1 JPY million
WITH w AS (
    SELECT release_id, as_of,
           max(value) FILTER (WHERE item = 'total_shareholders_equity') AS total_equity,
           sum(value) FILTER (WHERE item IN ('common_stock', 'additional_paid_in_capital',
                                             'accumulated_deficit', 'accumulated_other_comprehensive_income')) AS printed_lines
    FROM raw.balance_sheet WHERE comparison = 'level'
    GROUP BY ALL
)
SELECT release_id, as_of, total_equity, printed_lines, total_equity - printed_lines AS residual,
       CASE WHEN total_equity - printed_lines BETWEEN -90 AND -80
            THEN 'the slide prints four equity lines whose sum exceeds total equity by '
                 || (printed_lines - total_equity)::VARCHAR
                 || ' at both dates; the release does not print the missing line (presumably treasury stock)'
       END AS explained
FROM w
WHERE abs(total_equity - printed_lines) > getvariable('tolerance');
