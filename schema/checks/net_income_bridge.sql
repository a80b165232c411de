-- name: net_income_bridge
-- description: Net income = income before income tax + income tax benefit - minority interests - equity in net loss of investees, where the release prints every part
-- tolerance: 1 JPY million
WITH w AS (
    SELECT release_id, period,
           max(value) FILTER (WHERE item = 'income_before_income_tax')        AS income_before_tax,
           max(value) FILTER (WHERE item = 'income_tax_benefit')              AS income_tax_benefit,
           max(value) FILTER (WHERE item = 'minority_interests')              AS minority_interests,
           max(value) FILTER (WHERE item = 'equity_in_net_loss_of_investees') AS equity_in_net_loss,
           max(value) FILTER (WHERE item = 'net_income')                      AS net_income
    FROM raw.income_items
    WHERE basis = 'actual' AND scope = 'consolidated' AND measure = 'amount' AND comparison = 'level'
      AND unit = 'JPY million'
    GROUP BY ALL
)
SELECT *, income_before_tax + income_tax_benefit - minority_interests - equity_in_net_loss AS recomputed
FROM w
WHERE income_tax_benefit IS NOT NULL
  AND abs(income_before_tax + income_tax_benefit - minority_interests - equity_in_net_loss - net_income)
      > getvariable('tolerance');
