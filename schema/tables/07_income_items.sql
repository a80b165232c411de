-- Profit and loss items: actuals, initial and revised targets, consolidated and non-consolidated.
CREATE TABLE income_items (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    period      VARCHAR NOT NULL,
    item        VARCHAR NOT NULL,
    basis       VARCHAR NOT NULL CHECK (basis IN ('actual', 'initial_target', 'revised_target')),
    scope       VARCHAR NOT NULL CHECK (scope IN ('consolidated', 'non_consolidated')),
    measure     VARCHAR NOT NULL CHECK (measure IN ('amount', 'pct_of_revenues')),
    comparison  VARCHAR NOT NULL CHECK (comparison IN ('level', 'yoy_pct', 'yoy_pp', 'vs_initial_target_pct')),
    value       DECIMAL(18,6) NOT NULL,
    unit        VARCHAR NOT NULL REFERENCES units (unit),
    section     VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    printed     VARCHAR,
    derived     VARCHAR,
    placement   VARCHAR NOT NULL CHECK (placement IN ('label', 'statement', 'reconciled', 'layout', 'derived')),
    note        VARCHAR,
    PRIMARY KEY (release_id, section, label, period, item, basis, scope, measure, comparison, unit),
    CHECK ((printed IS NULL) <> (derived IS NULL)),
    CHECK ((placement = 'derived') = (derived IS NOT NULL))
);
COMMENT ON TABLE income_items IS 'Income statement items by period, basis (actual or target) and scope';
COMMENT ON COLUMN income_items.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN income_items.period IS 'Fiscal period label in the company calendar (periods.period)';
COMMENT ON COLUMN income_items.item IS 'Income statement item: a concept of the company or a standard concept (concepts.concept)';
COMMENT ON COLUMN income_items.basis IS 'actual, initial_target or revised_target';
COMMENT ON COLUMN income_items.scope IS 'consolidated or non_consolidated';
COMMENT ON COLUMN income_items.measure IS 'amount, or pct_of_revenues (% of total revenues; for operating income the operating margin ratio)';
COMMENT ON COLUMN income_items.comparison IS 'level for the figure itself; yoy_pct = % change vs a year earlier; yoy_pp = change in percentage points; vs_initial_target_pct = % above the initial target';
COMMENT ON COLUMN income_items.value IS 'The figure, exactly as printed (negative for parentheses); unit in column unit';
COMMENT ON COLUMN income_items.unit IS 'Unit of value (units.unit): e.g. JPY million, JPY 100 million (億円), % or pp';
COMMENT ON COLUMN income_items.section IS 'Slide title as printed';
COMMENT ON COLUMN income_items.label IS 'Label of the figure as printed on the slide';
COMMENT ON COLUMN income_items.printed IS 'The figure''s printed form; NULL when derived';
COMMENT ON COLUMN income_items.derived IS 'Formula for a figure computed from printed ones; NULL when printed';
COMMENT ON COLUMN income_items.placement IS 'How the period was pinned: label, statement, reconciled, layout, derived';
COMMENT ON COLUMN income_items.note IS 'Transcription note (for revised targets: the stated reason)';
