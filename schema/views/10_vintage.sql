-- Vintages: every question is asked of one vintage. The raw tables (schema `raw`) hold every row
-- every release printed; the views of `main` show, for each figure key, the value from the newest
-- release published on or before the session's as-of point. This file is the one place that rule
-- lives; reports and ad-hoc SQL read the views and never see two vintages of one figure.
--
-- Session variables (set by `--as-of DATE`, `--release ID` and `--company ID`; unset = latest):
--   vintage_date     releases published after it are left out
--   vintage_release  with vintage_date: among releases of that date, those with an id up to it
--   company          company_id whose figures the views show (default: the company of the newest
--                    release; `--company` also takes its name, an alias, ticker, code or CIK,
--                    see companies_named)

-- Releases in the vintage, in the order they were published (ties broken by id), with their
-- company's id and name.
CREATE OR REPLACE VIEW vintage_releases AS
SELECT r.release_id, r.company_id, c.name AS company, r.published_on,
       row_number() OVER (ORDER BY r.published_on, r.release_id) AS vintage_order
FROM raw.releases r JOIN raw.companies c USING (company_id)
WHERE r.published_on < coalesce(getvariable('vintage_date'), DATE '9999-12-31')
   OR (r.published_on = getvariable('vintage_date')
       AND r.release_id <= coalesce(getvariable('vintage_release'), r.release_id));

-- The company the views show: the session's (a company_id), else that of the newest release in
-- the vintage.
CREATE OR REPLACE VIEW vintage_company AS
SELECT c.company_id, c.name AS company, c.currency, c.unit
FROM raw.companies c
WHERE c.company_id = coalesce(getvariable('company'),
                              (SELECT company_id FROM vintage_releases ORDER BY vintage_order DESC LIMIT 1));

-- The vintage's releases of the company shown; the newest is its latest release. With variable
-- every_company (the load, materializing the latest vintage of every company it read, see
-- 12_latest.sql), every company's releases, each company's newest its latest.
CREATE OR REPLACE VIEW company_releases AS
SELECT v.*, v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id) AS is_latest
FROM vintage_releases v
WHERE v.company_id = (SELECT company_id FROM vintage_company)
   OR coalesce(getvariable('every_company'), false);

-- Fact tables, computed (vintage_*): newest printing of each figure key, with the value and
-- release that first printed it. What a session reads is the view of the table's own name
-- (12_latest.sql): these, or for the latest vintage their copy the load made.
-- The key is the table's primary key without its provenance (release, section, label): a figure
-- printed on several slides of one release keeps one row per occurrence (they agree: rule
-- repeated_figures_agree). Each key's newest and first printing come from a grouping over the key
-- (a struct, so NULL parts match), not a window: DuckDB sorts a window partition by partition,
-- which made these views ~2x slower.
CREATE OR REPLACE VIEW vintage_revenue_lines AS
WITH printed AS (
    SELECT t.*, v.company_id, v.company, v.vintage_order,
           {'company_id': v.company_id, 'period': t.period, 'line': t.line, 'measure': t.measure,
            'comparison': t.comparison, 'unit': t.unit} AS figure_key
    FROM raw.revenue_lines t JOIN company_releases v USING (release_id)
), by_key AS (
    SELECT figure_key, max(vintage_order) AS newest,
           arg_min(value, vintage_order) AS first_reported_value,
           arg_min(release_id, vintage_order) AS first_reported_release
    FROM printed
    GROUP BY figure_key
)
SELECT p.* EXCLUDE (vintage_order, figure_key), k.first_reported_value, k.first_reported_release
FROM printed p
JOIN by_key k ON k.figure_key IS NOT DISTINCT FROM p.figure_key AND k.newest = p.vintage_order;

CREATE OR REPLACE VIEW vintage_income_items AS
WITH printed AS (
    SELECT t.*, v.company_id, v.company, v.vintage_order,
           {'company_id': v.company_id, 'period': t.period, 'item': t.item, 'basis': t.basis, 'scope': t.scope,
            'measure': t.measure, 'comparison': t.comparison, 'unit': t.unit} AS figure_key
    FROM raw.income_items t JOIN company_releases v USING (release_id)
), by_key AS (
    SELECT figure_key, max(vintage_order) AS newest,
           arg_min(value, vintage_order) AS first_reported_value,
           arg_min(release_id, vintage_order) AS first_reported_release
    FROM printed
    GROUP BY figure_key
)
SELECT p.* EXCLUDE (vintage_order, figure_key), k.first_reported_value, k.first_reported_release
FROM printed p
JOIN by_key k ON k.figure_key IS NOT DISTINCT FROM p.figure_key AND k.newest = p.vintage_order;

CREATE OR REPLACE VIEW vintage_cash_flows AS
WITH printed AS (
    SELECT t.*, v.company_id, v.company, v.vintage_order,
           {'company_id': v.company_id, 'period': t.period, 'item': t.item, 'comparison': t.comparison,
            'unit': t.unit} AS figure_key
    FROM raw.cash_flows t JOIN company_releases v USING (release_id)
), by_key AS (
    SELECT figure_key, max(vintage_order) AS newest,
           arg_min(value, vintage_order) AS first_reported_value,
           arg_min(release_id, vintage_order) AS first_reported_release
    FROM printed
    GROUP BY figure_key
)
SELECT p.* EXCLUDE (vintage_order, figure_key), k.first_reported_value, k.first_reported_release
FROM printed p
JOIN by_key k ON k.figure_key IS NOT DISTINCT FROM p.figure_key AND k.newest = p.vintage_order;

CREATE OR REPLACE VIEW vintage_balance_sheet AS
WITH printed AS (
    SELECT t.*, v.company_id, v.company, v.vintage_order,
           {'company_id': v.company_id, 'as_of': t.as_of, 'item': t.item, 'comparison': t.comparison,
            'compared_to': t.compared_to, 'unit': t.unit} AS figure_key
    FROM raw.balance_sheet t JOIN company_releases v USING (release_id)
), by_key AS (
    SELECT figure_key, max(vintage_order) AS newest,
           arg_min(value, vintage_order) AS first_reported_value,
           arg_min(release_id, vintage_order) AS first_reported_release
    FROM printed
    GROUP BY figure_key
)
SELECT p.* EXCLUDE (vintage_order, figure_key), k.first_reported_value, k.first_reported_release
FROM printed p
JOIN by_key k ON k.figure_key IS NOT DISTINCT FROM p.figure_key AND k.newest = p.vintage_order;

CREATE OR REPLACE VIEW vintage_kpis AS
WITH printed AS (
    SELECT t.*, v.company_id, v.company, v.vintage_order,
           {'company_id': v.company_id, 'period': t.period, 'item': t.item, 'comparison': t.comparison,
            'unit': t.unit} AS figure_key
    FROM raw.kpis t JOIN company_releases v USING (release_id)
), by_key AS (
    SELECT figure_key, max(vintage_order) AS newest,
           arg_min(value, vintage_order) AS first_reported_value,
           arg_min(release_id, vintage_order) AS first_reported_release
    FROM printed
    GROUP BY figure_key
)
SELECT p.* EXCLUDE (vintage_order, figure_key), k.first_reported_value, k.first_reported_release
FROM printed p
JOIN by_key k ON k.figure_key IS NOT DISTINCT FROM p.figure_key AND k.newest = p.vintage_order;

-- What a release describes rather than counts (group structure, services, statements, figures it
-- leaves open): as the newest release in the vintage that prints the table describes it.
CREATE OR REPLACE VIEW vintage_subsidiaries AS
SELECT t.*, v.company_id FROM raw.subsidiaries t JOIN company_releases v USING (release_id)
QUALIFY v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id);
CREATE OR REPLACE VIEW vintage_company_profiles AS
SELECT t.*, v.company_id FROM raw.company_profiles t JOIN company_releases v USING (release_id)
QUALIFY v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id);
CREATE OR REPLACE VIEW vintage_services AS
SELECT t.*, v.company_id FROM raw.services t JOIN company_releases v USING (release_id)
QUALIFY v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id);
CREATE OR REPLACE VIEW vintage_statements AS
SELECT t.*, v.company_id FROM raw.statements t JOIN company_releases v USING (release_id)
QUALIFY v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id);
CREATE OR REPLACE VIEW vintage_unresolved AS
SELECT t.*, v.company_id FROM raw.unresolved t JOIN company_releases v USING (release_id)
QUALIFY v.vintage_order = max(v.vintage_order) OVER (PARTITION BY v.company_id);

-- Releases, their texts and restatements: every release in the vintage (all companies).
CREATE OR REPLACE VIEW releases AS
SELECT t.*, c.name AS company
FROM raw.releases t JOIN raw.companies c USING (company_id)
WHERE t.release_id IN (SELECT release_id FROM vintage_releases);
CREATE OR REPLACE VIEW release_sources AS
SELECT t.* FROM raw.release_sources t WHERE t.release_id IN (SELECT release_id FROM vintage_releases);
CREATE OR REPLACE VIEW restatements AS
SELECT t.* FROM raw.restatements t WHERE t.release_id IN (SELECT release_id FROM vintage_releases);

-- The company shown: its calendar's periods. Every company (companies) and every company's
-- periods (all_periods) for questions across companies.
CREATE OR REPLACE VIEW periods AS
SELECT * FROM raw.periods WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW all_periods AS SELECT * FROM raw.periods;
CREATE OR REPLACE VIEW companies AS SELECT * FROM raw.companies;
-- Reference tables and the load's own record: the same in every vintage.
CREATE OR REPLACE VIEW units AS SELECT * FROM raw.units;
CREATE OR REPLACE VIEW standard_concepts AS SELECT * FROM raw.standard_concepts;
CREATE OR REPLACE VIEW check_results AS SELECT * FROM raw.check_results;

-- One line saying which vintage a session answers from (chart footers, the web page).
CREATE OR REPLACE VIEW vintage_summary AS
SELECT c.company, c.release_id AS latest_release, c.published_on,
       (SELECT r.unit FROM raw.releases r WHERE r.release_id = c.release_id) AS unit,
       coalesce('as of ' || strftime(getvariable('vintage_date'), '%Y-%m-%d'), 'latest') AS vintage,
       c.company || ' · figures as of release ' || c.release_id || ' (published ' ||
           strftime(c.published_on, '%Y-%m-%d') || '), vintage ' ||
           coalesce('as of ' || strftime(getvariable('vintage_date'), '%Y-%m-%d'), 'latest') AS line
FROM company_releases c WHERE c.is_latest;

-- The same for an answer across companies (a peer report): how many companies and releases.
CREATE OR REPLACE VIEW vintage_summary_all AS
SELECT 'every company of the vintage (' || count(DISTINCT company_id) || ' companies, ' || count(*) ||
       ' releases), each as of its newest release; vintage ' ||
       coalesce('as of ' || strftime(getvariable('vintage_date'), '%Y-%m-%d'), 'latest') AS line
FROM vintage_releases;
