-- Revenues by line and period, one row per printed (or derived) figure.
CREATE TABLE revenue_lines (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    period      VARCHAR NOT NULL,
    line        VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL CHECK (measure IN ('amount', 'gross_margin_ratio')),
    comparison  VARCHAR NOT NULL CHECK (comparison IN ('level', 'qoq_pct', 'yoy_pct', 'yoy_abs', 'qoq_pp', 'yoy_pp')),
    value       DECIMAL(18,6) NOT NULL,
    unit        VARCHAR NOT NULL REFERENCES units (unit),
    section     VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    printed     VARCHAR,
    derived     VARCHAR,
    placement   VARCHAR NOT NULL CHECK (placement IN ('label', 'statement', 'reconciled', 'layout', 'derived')),
    note        VARCHAR,
    PRIMARY KEY (release_id, section, label, period, line, measure, comparison),
    CHECK ((printed IS NULL) <> (derived IS NULL)),
    CHECK ((placement = 'derived') = (derived IS NOT NULL))
);
COMMENT ON TABLE revenue_lines IS 'Revenues and gross margin ratios by revenue line and fiscal period';
COMMENT ON COLUMN revenue_lines.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN revenue_lines.period IS 'Fiscal period label in the company calendar (periods.period)';
COMMENT ON COLUMN revenue_lines.line IS 'Revenue line: a concept of the company or a standard concept (concepts.concept)';
COMMENT ON COLUMN revenue_lines.measure IS 'amount (in the release unit) or gross_margin_ratio (%)';
COMMENT ON COLUMN revenue_lines.comparison IS 'level for the figure itself; qoq_pct/yoy_pct = % change vs previous quarter / same quarter a year earlier; yoy_abs = change vs a year earlier in the unit; qoq_pp/yoy_pp = change in percentage points';
COMMENT ON COLUMN revenue_lines.value IS 'The figure, exactly as printed (negative for parentheses); unit in column unit';
COMMENT ON COLUMN revenue_lines.unit IS 'Unit of value (units.unit): e.g. JPY million, % or pp';
COMMENT ON COLUMN revenue_lines.section IS 'Slide title as printed';
COMMENT ON COLUMN revenue_lines.label IS 'Label of the figure as printed on the slide';
COMMENT ON COLUMN revenue_lines.printed IS 'The figure''s printed form, e.g. 14,007 or 18.3%; NULL when derived';
COMMENT ON COLUMN revenue_lines.derived IS 'Formula for a figure computed from printed ones; NULL when printed';
COMMENT ON COLUMN revenue_lines.placement IS 'How the period was pinned: label, statement, reconciled (by totals), layout (chart row order), derived';
COMMENT ON COLUMN revenue_lines.note IS 'Transcription note';
