-- Restatements a release announces: which earlier figures it changes and why, as printed. A later
-- release that prints a different value for a figure is explained by a row of its own here, or the
-- data rule unexplained_changes fails.
CREATE TABLE restatements (
    release_id        VARCHAR NOT NULL REFERENCES releases (release_id),
    restatement       VARCHAR NOT NULL CHECK (regexp_matches(restatement, '^[a-z0-9][a-z0-9_-]*$')),
    period_from       VARCHAR NOT NULL,
    period_to         VARCHAR NOT NULL,
    table_name        VARCHAR CHECK (table_name IN ('revenue_lines', 'income_items', 'cash_flows', 'balance_sheet', 'kpis')),
    items             VARCHAR CHECK (items IS NULL OR regexp_matches(items, '^[a-z0-9_]+(,[a-z0-9_]+)*$')),
    restates_release  VARCHAR REFERENCES releases (release_id),
    reason            VARCHAR NOT NULL,
    section           VARCHAR NOT NULL,
    note              VARCHAR,
    PRIMARY KEY (release_id, restatement),
    CHECK (items IS NULL OR table_name IS NOT NULL),
    CHECK (restates_release IS NULL OR restates_release <> release_id)
);
COMMENT ON TABLE restatements IS 'Restatements announced by a release: periods, tables and items changed, and the reason as printed';
COMMENT ON COLUMN restatements.release_id IS 'Release that announces the restatement';
COMMENT ON COLUMN restatements.restatement IS 'Short name of the restatement within its release, e.g. income-tax-1q04-3q04';
COMMENT ON COLUMN restatements.period_from IS 'First period restated (periods.period)';
COMMENT ON COLUMN restatements.period_to IS 'Last period restated (periods.period); figures of periods (or balance sheet dates) from the start of period_from to the end of period_to are covered';
COMMENT ON COLUMN restatements.table_name IS 'Fact table restated; NULL for every table';
COMMENT ON COLUMN restatements.items IS 'Items or revenue lines restated, comma-separated; NULL for every item of the table';
COMMENT ON COLUMN restatements.restates_release IS 'Earlier release in the warehouse whose figures are restated; NULL when it is not loaded';
COMMENT ON COLUMN restatements.reason IS 'Reason as printed';
COMMENT ON COLUMN restatements.section IS 'Slide or note where the release prints it';
COMMENT ON COLUMN restatements.note IS 'Transcription note: how the periods, tables and items were read';
