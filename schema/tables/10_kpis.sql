-- Operating KPIs (subscribers, contracts, bandwidth ...) at the end of a period, with printed changes.
CREATE TABLE kpis (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    period      VARCHAR NOT NULL,
    item        VARCHAR NOT NULL,
    comparison  VARCHAR NOT NULL CHECK (comparison IN ('level', 'qoq_abs', 'qoq_pct', 'yoy_abs', 'yoy_pct')),
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
COMMENT ON TABLE kpis IS 'Operating KPIs at the end of a period, with printed changes';
COMMENT ON COLUMN kpis.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN kpis.period IS 'Quarter at whose end the KPI is measured (periods.period)';
COMMENT ON COLUMN kpis.item IS 'KPI: a concept of the company or a standard concept (concepts.concept)';
COMMENT ON COLUMN kpis.comparison IS 'level; qoq_abs/yoy_abs = change vs previous quarter / a year earlier in the KPI unit; qoq_pct/yoy_pct = % change';
COMMENT ON COLUMN kpis.value IS 'The figure, exactly as printed; unit in column unit';
COMMENT ON COLUMN kpis.unit IS 'Unit of value (units.unit): e.g. contracts, Gbps or %';
COMMENT ON COLUMN kpis.section IS 'Slide title as printed';
COMMENT ON COLUMN kpis.label IS 'Label of the figure as printed on the slide';
COMMENT ON COLUMN kpis.printed IS 'The figure''s printed form; NULL when derived';
COMMENT ON COLUMN kpis.derived IS 'Formula for a figure computed from printed ones; NULL when printed';
COMMENT ON COLUMN kpis.placement IS 'How the period was pinned: label, statement, reconciled, layout, derived';
COMMENT ON COLUMN kpis.note IS 'Transcription note';
