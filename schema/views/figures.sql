-- Every figure of every table in one long shape: the one place to search any number.
CREATE OR REPLACE VIEW figures AS
SELECT release_id, 'revenue_lines' AS table_name, period, NULL::DATE AS as_of, line AS item,
       NULL::VARCHAR AS basis, NULL::VARCHAR AS scope, measure, comparison, value, unit,
       section, label, printed, derived, placement, note
FROM revenue_lines
UNION ALL
SELECT release_id, 'income_items', period, NULL, item, basis, scope, measure, comparison, value, unit,
       section, label, printed, derived, placement, note
FROM income_items
UNION ALL
SELECT release_id, 'cash_flows', period, NULL, item, NULL, NULL, 'amount', comparison, value, unit,
       section, label, printed, derived, placement, note
FROM cash_flows
UNION ALL
SELECT release_id, 'balance_sheet', NULL, as_of, item, NULL, NULL, 'amount', comparison, value, unit,
       section, label, printed, derived, placement, note
FROM balance_sheet
UNION ALL
SELECT release_id, 'kpis', period, NULL, item, NULL, NULL,
       CASE WHEN item = 'contracted_bandwidth' THEN 'bandwidth' ELSE 'count' END, comparison, value, unit,
       section, label, printed, derived, placement, note
FROM kpis
UNION ALL
SELECT release_id, 'subsidiaries', NULL, NULL, name, relationship, NULL, 'ownership_pct', 'level',
       ownership_pct, '%', section, label, printed, NULL, placement, note
FROM subsidiaries WHERE ownership_pct IS NOT NULL
UNION ALL
SELECT release_id, 'company_profiles', NULL, NULL, company || ': ' || attribute, NULL, NULL, attribute,
       'level', value, unit, section, label, printed, NULL, 'label', note
FROM company_profiles WHERE value IS NOT NULL
UNION ALL
SELECT release_id, 'unresolved', NULL, NULL, subject, NULL, NULL, NULL, NULL, value, unit,
       section, candidates, printed, NULL, 'unresolved', note
FROM unresolved WHERE value IS NOT NULL;
