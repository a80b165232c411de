-- title: Targets vs results
-- description: Initial and revised targets (revision of November 2, 2006) with the actual result where the period has one, and the variance of the result and of the revised target against the initial target, consolidated and non-consolidated.
-- company: iij
-- param: scope VARCHAR = consolidated -- consolidated or non_consolidated
-- values: scope = SELECT DISTINCT scope FROM income_items ORDER BY 1
-- chart: bar x=figure y=initial_target,revised_target,actual
WITH t AS (
    SELECT period, item,
           max(value) FILTER (WHERE basis = 'initial_target') AS initial_target,
           max(value) FILTER (WHERE basis = 'revised_target') AS revised_target,
           max(value) FILTER (WHERE basis = 'actual' AND measure = 'amount' AND comparison = 'level') AS actual
    FROM income_items
    WHERE scope = $scope AND unit = 'JPY million' AND measure = 'amount'
      AND period IN (SELECT period FROM income_items WHERE basis = 'revised_target')
    GROUP BY ALL
), ord(item, o) AS (
    VALUES ('total_revenues', 1), ('operating_income', 2), ('ordinary_income', 3),
           ('income_before_income_tax', 4), ('net_income', 5)
)
SELECT period, item, initial_target, revised_target, revised_target - initial_target AS revision,
       round(growth_pct(revised_target, initial_target), 1) AS revision_pct,
       actual, actual - initial_target AS actual_vs_initial, round(growth_pct(actual, initial_target), 1) AS actual_vs_initial_pct,
       period || ' ' || item AS figure
FROM t JOIN ord USING (item) JOIN periods p USING (period)
WHERE initial_target IS NOT NULL OR revised_target IS NOT NULL
ORDER BY p.end_date, ord.o;
