-- title: Outsourcing and systems integration trend
-- description: Per quarter: outsourced operation of SI, value-added services and other, outsourcing revenues (their sum), one-time SI and systems integration revenues (one-time + outsourced operation), JPY million.
-- company: iij
-- chart: stacked_bar x=quarter y=outsourced_operation,value_added_and_other,si_one_time
SELECT p.period AS quarter,
       max(value) FILTER (WHERE line = 'outsourced_operation_si') AS outsourced_operation,
       max(value) FILTER (WHERE line = 'vas_and_other')           AS value_added_and_other,
       max(value) FILTER (WHERE line = 'outsourcing_revenues')    AS outsourcing_revenues,
       max(value) FILTER (WHERE line = 'si_one_time')             AS si_one_time,
       max(value) FILTER (WHERE line = 'si_revenues')             AS si_revenues,
       coalesce(string_agg(DISTINCT line, ', ' ORDER BY line) FILTER (WHERE derived IS NOT NULL AND line = 'si_one_time'), '') AS derived
FROM revenue_lines r JOIN periods p USING (period)
WHERE p.kind = 'quarter' AND r.measure = 'amount' AND r.comparison = 'level'
GROUP BY p.period, p.start_date
ORDER BY p.start_date;
