-- Balance sheet items at a date; `change_abs` rows are the printed change since `compared_to`.
CREATE TABLE balance_sheet (
    release_id   VARCHAR NOT NULL REFERENCES releases (release_id),
    as_of        DATE    NOT NULL,
    item         VARCHAR NOT NULL,
    comparison   VARCHAR NOT NULL CHECK (comparison IN ('level', 'change_abs')),
    compared_to  DATE,
    value        DECIMAL(18,6) NOT NULL,
    unit         VARCHAR NOT NULL REFERENCES units (unit),
    section      VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    printed      VARCHAR,
    derived      VARCHAR,
    placement    VARCHAR NOT NULL CHECK (placement IN ('label', 'statement', 'reconciled', 'layout', 'derived')),
    note         VARCHAR,
    PRIMARY KEY (release_id, section, label, as_of, item, comparison),
    CHECK ((printed IS NULL) <> (derived IS NULL)),
    CHECK ((placement = 'derived') = (derived IS NOT NULL)),
    CHECK ((comparison = 'change_abs') = (compared_to IS NOT NULL))
);
COMMENT ON TABLE balance_sheet IS 'Balance sheet items at a date, with printed changes between dates';
COMMENT ON COLUMN balance_sheet.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN balance_sheet.as_of IS 'Balance sheet date: a period end of the company''s calendar (periods.end_date)';
COMMENT ON COLUMN balance_sheet.item IS 'Balance sheet item: a concept of the company or a standard concept (concepts.concept)';
COMMENT ON COLUMN balance_sheet.comparison IS 'level for the balance itself; change_abs = change since compared_to';
COMMENT ON COLUMN balance_sheet.compared_to IS 'Earlier balance sheet date a change is measured from, a period end too (periods.end_date)';
COMMENT ON COLUMN balance_sheet.value IS 'The figure, exactly as printed (negative for parentheses); unit in column unit';
COMMENT ON COLUMN balance_sheet.unit IS 'Unit of value (units.unit)';
COMMENT ON COLUMN balance_sheet.section IS 'Slide title as printed';
COMMENT ON COLUMN balance_sheet.label IS 'Label of the figure as printed on the slide';
COMMENT ON COLUMN balance_sheet.printed IS 'The figure''s printed form; NULL when derived';
COMMENT ON COLUMN balance_sheet.derived IS 'Formula for a figure computed from printed ones; NULL when printed';
COMMENT ON COLUMN balance_sheet.placement IS 'How the date was pinned: label, statement, reconciled, layout, derived';
COMMENT ON COLUMN balance_sheet.note IS 'Transcription note';
