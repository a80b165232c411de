-- A small shared set of standard concepts (schema/reference/standard_concepts.csv): any company
-- may print them as they are, and a company's own concepts may map to one (concepts.standard),
-- so peer reports compare like with like.
CREATE TABLE standard_concepts (
    concept      VARCHAR NOT NULL PRIMARY KEY CHECK (regexp_matches(concept, '^[a-z][a-z0-9_]*$')),
    label        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('amount', 'ratio', 'count', 'rate')),
    dimension    VARCHAR NOT NULL,
    statement    VARCHAR NOT NULL CHECK (statement IN ('income', 'cash_flow', 'balance_sheet', 'operating')),
    sort_order   INTEGER NOT NULL,
    aliases      VARCHAR,
    description  VARCHAR NOT NULL
);
COMMENT ON TABLE standard_concepts IS 'Standard concepts shared by every company (total revenues, operating income, net income ...)';
COMMENT ON COLUMN standard_concepts.concept IS 'Concept code';
COMMENT ON COLUMN standard_concepts.label IS 'Label in reports';
COMMENT ON COLUMN standard_concepts.kind IS 'amount, ratio, count or rate';
COMMENT ON COLUMN standard_concepts.dimension IS 'Dimension of its unit (units.dimension): currency, percent, count ...';
COMMENT ON COLUMN standard_concepts.statement IS 'income, cash_flow, balance_sheet or operating';
COMMENT ON COLUMN standard_concepts.sort_order IS 'Display order in reports';
COMMENT ON COLUMN standard_concepts.aliases IS 'Other labels releases print it under, separated by "; " (release draft reads them)';
COMMENT ON COLUMN standard_concepts.description IS 'What it means';
