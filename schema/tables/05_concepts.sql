-- A company's own concepts (line items, revenue lines, KPIs), defined by the release that first
-- prints them in its concepts.csv; a later release redefines one (a new segment structure, new
-- parts) by printing its row again. A release's figures are read against the newest definition at
-- or before it (view release_concepts); standard concepts need no row.
CREATE TABLE concepts (
    release_id   VARCHAR NOT NULL REFERENCES releases (release_id),
    concept      VARCHAR NOT NULL CHECK (regexp_matches(concept, '^[a-z][a-z0-9_]*$')),
    label        VARCHAR NOT NULL,
    parent       VARCHAR,
    components   VARCHAR,
    kind         VARCHAR NOT NULL CHECK (kind IN ('amount', 'ratio', 'count', 'rate')),
    dimension    VARCHAR NOT NULL,
    standard     VARCHAR REFERENCES standard_concepts (concept),
    sort_order   INTEGER NOT NULL,
    note         VARCHAR,
    PRIMARY KEY (release_id, concept),
    CHECK (components IS NULL OR regexp_matches(components, '^[a-z0-9_]+([+-][a-z0-9_]+)+$'))
);
COMMENT ON TABLE concepts IS 'Concepts a company reports: label, parent, the parts a total is the signed sum of, kind, dimension, standard concept';
COMMENT ON COLUMN concepts.release_id IS 'Release that defines (or redefines) the concept';
COMMENT ON COLUMN concepts.concept IS 'Concept code, used in the item and line columns of the fact tables';
COMMENT ON COLUMN concepts.label IS 'Label as the release prints it';
COMMENT ON COLUMN concepts.parent IS 'Concept this one is part of in the main hierarchy (NULL for the top or an alternative grouping)';
COMMENT ON COLUMN concepts.components IS 'For a total: the concepts it is the signed sum of, e.g. a+b or total_revenues-total_costs';
COMMENT ON COLUMN concepts.kind IS 'amount, ratio, count or rate';
COMMENT ON COLUMN concepts.dimension IS 'Dimension of its unit at level (units.dimension): currency, count, bandwidth ...';
COMMENT ON COLUMN concepts.standard IS 'Standard concept it is (standard_concepts.concept), for peer reports; NULL when none';
COMMENT ON COLUMN concepts.sort_order IS 'Display order in reports';
COMMENT ON COLUMN concepts.note IS 'Definition note';
