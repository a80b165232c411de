-- Every figure of every table in one long shape: the one place to search any number (computed:
-- vintage_figures; read: figures, below). It keeps
-- every printed occurrence of every release in the vintage (all companies), with its release;
-- `in_vintage` marks the rows the vintage views (revenue_lines, kpis ...) show: the newest printing
-- of each figure key of the session's company. `company_id` comes last, after the columns it had
-- before companies were data.
CREATE OR REPLACE VIEW vintage_figures AS
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
    -- A KPI's measure is its concept's dimension (count, bandwidth ...).
    SELECT k.release_id, 'kpis', k.period, NULL, k.item, NULL, NULL,
           coalesce(d.dimension, s.dimension, 'count'), k.comparison, k.value, k.unit, k.section,
           k.label, k.printed, k.derived, k.placement, k.note, NULL, true
    FROM raw.kpis k
    JOIN raw.releases r USING (release_id)
    LEFT JOIN concept_dimensions d ON d.company_id = r.company_id AND d.concept = k.item
    LEFT JOIN raw.standard_concepts s ON s.concept = k.item
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
    SELECT o.*, v.company_id, v.company, v.published_on, v.vintage_order,
           -- What the newest printing is taken over: a keyed figure's key; the other tables' rows
           -- share one (NULL), so theirs is the newest release of the company that prints the
           -- table (as the views of schema/views/10_vintage.sql).
           CASE WHEN o.keyed
                THEN {'period': o.period, 'as_of': o.as_of, 'item': o.item, 'basis': o.basis,
                      'scope': o.scope, 'measure': o.measure, 'comparison': o.comparison,
                      'unit': o.unit, 'compared_to': o.compared_to} END AS figure_key
    FROM occurrences o JOIN vintage_releases v USING (release_id)
), newest AS (
    -- A grouping, not a window: DuckDB sorts a window partition by partition, which made this
    -- view ~2x slower (at 10,000 releases: ~1.25 s against ~0.6 s).
    SELECT company_id, table_name, figure_key, max(vintage_order) AS newest
    FROM placed
    GROUP BY ALL
)
SELECT p.release_id, p.table_name, p.period, p.as_of, p.item, p.basis, p.scope, p.measure,
       p.comparison, p.value, p.unit, p.section, p.label, p.printed, p.derived, p.placement, p.note,
       p.company, p.published_on, p.compared_to,
       p.vintage_order = n.newest AS newest,
       p.company_id
FROM placed p
JOIN newest n ON n.company_id = p.company_id AND n.table_name = p.table_name
             AND n.figure_key IS NOT DISTINCT FROM p.figure_key;

-- Stored for the latest vintage (see 12_latest.sql), every company's rows; `newest` marks each
-- key's newest printing in its company, which `in_vintage` narrows to the session's company.
CREATE TABLE IF NOT EXISTS latest.figures AS FROM vintage_figures LIMIT 0;
CREATE OR REPLACE VIEW figures AS
SELECT * EXCLUDE (newest, company_id),
       newest AND company_id = (SELECT company_id FROM vintage_company) AS in_vintage,
       company_id
FROM latest_or_computed('latest.figures', 'vintage_figures');
