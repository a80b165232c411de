-- Every figure of every table in one long shape: the one place to search any number. It keeps
-- every printed occurrence of every release in the vintage (all companies), with its release;
-- `in_vintage` marks the rows the vintage views (revenue_lines, kpis ...) show: the newest printing
-- of each figure key of the session's company.
CREATE OR REPLACE VIEW figures AS
WITH occurrences AS (
    SELECT release_id, 'revenue_lines' AS table_name, period, NULL::DATE AS as_of, line AS item,
           NULL::VARCHAR AS basis, NULL::VARCHAR AS scope, measure, comparison, value, unit,
           section, label, printed, derived, placement, note, NULL::DATE AS compared_to, true AS keyed
    FROM raw.revenue_lines
    UNION ALL
    SELECT release_id, 'income_items', period, NULL, item, basis, scope, measure, comparison, value, unit,
           section, label, printed, derived, placement, note, NULL, true
    FROM raw.income_items
    UNION ALL
    SELECT release_id, 'cash_flows', period, NULL, item, NULL, NULL, 'amount', comparison, value, unit,
           section, label, printed, derived, placement, note, NULL, true
    FROM raw.cash_flows
    UNION ALL
    SELECT release_id, 'balance_sheet', NULL, as_of, item, NULL, NULL, 'amount', comparison, value, unit,
           section, label, printed, derived, placement, note, compared_to, true
    FROM raw.balance_sheet
    UNION ALL
    SELECT release_id, 'kpis', period, NULL, item, NULL, NULL,
           CASE WHEN item = 'contracted_bandwidth' THEN 'bandwidth' ELSE 'count' END, comparison, value, unit,
           section, label, printed, derived, placement, note, NULL, true
    FROM raw.kpis
    UNION ALL
    SELECT release_id, 'subsidiaries', NULL, NULL, name, relationship, NULL, 'ownership_pct', 'level',
           ownership_pct, '%', section, label, printed, NULL, placement, note, NULL, false
    FROM raw.subsidiaries WHERE ownership_pct IS NOT NULL
    UNION ALL
    SELECT release_id, 'company_profiles', NULL, NULL, company || ': ' || attribute, NULL, NULL, attribute,
           'level', value, unit, section, label, printed, NULL, 'label', note, NULL, false
    FROM raw.company_profiles WHERE value IS NOT NULL
    UNION ALL
    SELECT release_id, 'unresolved', NULL, NULL, subject, NULL, NULL, NULL, NULL, value, unit,
           section, candidates, printed, NULL, 'unresolved', note, NULL, false
    FROM raw.unresolved WHERE value IS NOT NULL
), placed AS (
    SELECT o.*, v.company, v.published_on, v.vintage_order,
           -- Keyed figures: the newest printing of the key; the rest: the newest release of the
           -- company that prints the table (as the views of schema/views/10_vintage.sql).
           CASE WHEN o.keyed
                THEN max(v.vintage_order) OVER (
                         PARTITION BY v.company, o.table_name, o.period, o.as_of, o.item, o.basis, o.scope,
                                      o.measure, o.comparison, o.unit, o.compared_to)
                ELSE max(v.vintage_order) OVER (PARTITION BY v.company, o.table_name) END AS newest
    FROM occurrences o JOIN vintage_releases v USING (release_id)
)
SELECT release_id, table_name, period, as_of, item, basis, scope, measure, comparison, value, unit,
       section, label, printed, derived, placement, note, company, published_on, compared_to,
       vintage_order = newest AND company = (SELECT company FROM vintage_company) AS in_vintage
FROM placed;
