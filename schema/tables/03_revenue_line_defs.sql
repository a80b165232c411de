-- Revenue lines and how they add up. `components` lists the lines a total is the sum of,
-- so one check rule can test every hierarchy and alternative grouping the release uses.
CREATE TABLE revenue_line_defs (
    line         VARCHAR NOT NULL PRIMARY KEY CHECK (regexp_matches(line, '^[a-z][a-z0-9_]*$')),
    label        VARCHAR NOT NULL,
    parent_line  VARCHAR,
    components   VARCHAR,
    sort_order   INTEGER NOT NULL,
    CHECK (components IS NULL OR regexp_matches(components, '^[a-z0-9_]+(\+[a-z0-9_]+)+$'))
);
COMMENT ON TABLE revenue_line_defs IS 'Revenue lines: label, place in the hierarchy, and the lines a total sums';
COMMENT ON COLUMN revenue_line_defs.line IS 'Line code used in revenue_lines.line';
COMMENT ON COLUMN revenue_line_defs.label IS 'Line name as the release prints it';
COMMENT ON COLUMN revenue_line_defs.parent_line IS 'Line this one is part of in the main hierarchy (NULL for the top or an alternative grouping)';
COMMENT ON COLUMN revenue_line_defs.components IS 'For a total: the lines it is the sum of, joined with +';
COMMENT ON COLUMN revenue_line_defs.sort_order IS 'Display order in reports';
