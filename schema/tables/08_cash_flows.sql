-- Cash flows and other financial data (CAPEX, depreciation and amortization, adjusted EBITDA) by period.
CREATE TABLE cash_flows (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    period      VARCHAR NOT NULL,
    item        VARCHAR NOT NULL,
    comparison  VARCHAR NOT NULL CHECK (comparison IN ('level', 'yoy_abs', 'yoy_pct')),
    value       DECIMAL(18,6) NOT NULL,
    unit        VARCHAR NOT NULL REFERENCES units (unit),
    section     VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    printed     VARCHAR,
    derived     VARCHAR,
    placement   VARCHAR NOT NULL CHECK (placement IN ('label', 'statement', 'reconciled', 'layout', 'derived')),
    note        VARCHAR,
    PRIMARY KEY (release_id, section, label, period, item, comparison),
    CHECK ((printed IS NULL) <> (derived IS NULL)),
    CHECK ((placement = 'derived') = (derived IS NOT NULL))
);
COMMENT ON TABLE cash_flows IS 'Cash flows (3 months), CAPEX, depreciation and amortization and adjusted EBITDA by period';
COMMENT ON COLUMN cash_flows.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN cash_flows.period IS 'Fiscal period label in the company calendar (periods.period)';
COMMENT ON COLUMN cash_flows.item IS 'Cash flow or other financial data item: a concept of the company or a standard concept (concepts.concept)';
COMMENT ON COLUMN cash_flows.comparison IS 'level for the figure itself; yoy_abs = change vs a year earlier in the unit; yoy_pct = % change vs a year earlier';
COMMENT ON COLUMN cash_flows.value IS 'The figure, exactly as printed (negative for parentheses: cash used); unit in column unit';
COMMENT ON COLUMN cash_flows.unit IS 'Unit of value (units.unit)';
COMMENT ON COLUMN cash_flows.section IS 'Slide title as printed';
COMMENT ON COLUMN cash_flows.label IS 'Label of the figure as printed on the slide';
COMMENT ON COLUMN cash_flows.printed IS 'The figure''s printed form; NULL when derived';
COMMENT ON COLUMN cash_flows.derived IS 'Formula for a figure computed from printed ones; NULL when printed';
COMMENT ON COLUMN cash_flows.placement IS 'How the period was pinned: label, statement, reconciled, layout, derived';
COMMENT ON COLUMN cash_flows.note IS 'Transcription note';
