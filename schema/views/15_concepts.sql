-- Concepts: the definitions each release's figures are read against (all companies, for the
-- rules), and the concepts of the company shown, with the releases that first and last print them.

-- For every release, each concept of its company as the newest release of that company published
-- on or before it defines it (concepts.csv; a later release redefines a concept by printing its row
-- again), else, for a release loaded after the fact (a quarter backfilled), as the earliest later
-- one does; and every standard concept the company does not define, as it is. `standard` is the
-- standard concept a concept is (a standard concept is itself); `defined_in` the defining release.
-- Computed here (vintage_release_concepts); stored by the load with the latest vintage (the
-- definitions are every release's, whatever the vintage), and read from there (release_concepts,
-- below) but by the load's own session, whose rules read the rows it loads.
CREATE OR REPLACE VIEW vintage_release_concepts AS
WITH defined AS (
    SELECT r.release_id, r.company_id, d.concept, d.label, d.parent, d.components, d.kind,
           d.dimension, coalesce(d.standard, s.concept) AS standard, d.sort_order, d.note,
           d.release_id AS defined_in
    FROM raw.releases r
    JOIN raw.releases dr ON dr.company_id = r.company_id
    JOIN raw.concepts d ON d.release_id = dr.release_id
    LEFT JOIN raw.standard_concepts s ON s.concept = d.concept
    QUALIFY row_number() OVER (
        PARTITION BY r.release_id, d.concept
        -- At or before the release, the newest; else the earliest after it.
        ORDER BY (dr.published_on, dr.release_id) <= (r.published_on, r.release_id) DESC,
                 CASE WHEN (dr.published_on, dr.release_id) <= (r.published_on, r.release_id)
                      THEN (dr.published_on, dr.release_id) END DESC,
                 (dr.published_on, dr.release_id)) = 1
)
SELECT * FROM defined
UNION ALL
SELECT r.release_id, r.company_id, s.concept, s.label, NULL, NULL, s.kind, s.dimension, s.concept,
       1000 + s.sort_order, NULL, NULL
FROM raw.releases r CROSS JOIN raw.standard_concepts s
WHERE NOT EXISTS (SELECT 1 FROM defined d WHERE d.release_id = r.release_id AND d.concept = s.concept);

CREATE TABLE IF NOT EXISTS latest.release_concepts AS FROM vintage_release_concepts LIMIT 0;
CREATE OR REPLACE VIEW release_concepts AS
FROM query(if(coalesce(getvariable('computed_vintage'), false),
              'FROM vintage_release_concepts', 'FROM latest.release_concepts'));

-- The dimension of each concept a company defines (count, bandwidth, currency ...): one per
-- concept, whatever release defines it (a concept that changes dimension is a new concept).
CREATE OR REPLACE VIEW concept_dimensions AS
SELECT r.company_id, c.concept, min(c.dimension) AS dimension
FROM raw.concepts c JOIN raw.releases r USING (release_id)
GROUP BY ALL;

-- Which concepts each release prints, in which table (the item and line columns of the fact
-- tables).
CREATE OR REPLACE VIEW printed_concepts AS
SELECT DISTINCT release_id, 'revenue_lines' AS table_name, line AS concept FROM raw.revenue_lines
UNION ALL SELECT DISTINCT release_id, 'income_items', item FROM raw.income_items
UNION ALL SELECT DISTINCT release_id, 'cash_flows', item FROM raw.cash_flows
UNION ALL SELECT DISTINCT release_id, 'balance_sheet', item FROM raw.balance_sheet
UNION ALL SELECT DISTINCT release_id, 'kpis', item FROM raw.kpis;

-- The concepts of the company shown, as its latest release in the vintage reads them: each one its
-- releases define (standard concepts it prints as they are stay in standard_concepts), with the
-- first and last release of the vintage that print it (`current`: the latest release prints it).
-- `release_id` is the release whose concepts.csv defines it; the table's shape, for exports.
CREATE OR REPLACE VIEW concepts AS
WITH used AS (
    SELECT p.concept, min(v.vintage_order) AS first_order, max(v.vintage_order) AS last_order,
           string_agg(DISTINCT p.table_name, ', ' ORDER BY p.table_name) AS tables
    FROM printed_concepts p JOIN company_releases v USING (release_id)
    GROUP BY ALL
)
SELECT c.defined_in AS release_id, c.concept, c.label, c.parent, c.components, c.kind, c.dimension,
       c.standard, c.sort_order, c.note, c.company_id, u.tables, f.release_id AS first_release,
       l.release_id AS last_release, coalesce(l.is_latest, false) AS current
FROM release_concepts c
JOIN company_releases latest ON latest.release_id = c.release_id AND latest.is_latest
LEFT JOIN used u ON u.concept = c.concept
LEFT JOIN company_releases f ON f.vintage_order = u.first_order
LEFT JOIN company_releases l ON l.vintage_order = u.last_order
-- Definitions from releases of the vintage only: as of a release, a later one's are not yet known.
WHERE c.defined_in IN (SELECT release_id FROM vintage_releases);
