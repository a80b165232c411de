-- Printed figures whose period or subject the release text does not pin down: kept, not guessed.
CREATE TABLE unresolved (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    section     VARCHAR NOT NULL,
    subject     VARCHAR NOT NULL,
    printed     VARCHAR NOT NULL,
    value       DECIMAL(18,6),
    unit        VARCHAR,
    candidates  VARCHAR NOT NULL,
    note        VARCHAR NOT NULL,
    PRIMARY KEY (release_id, section, subject, printed)
);
COMMENT ON TABLE unresolved IS 'Printed figures that cannot be tied to one period or subject, with the candidates and why';
COMMENT ON COLUMN unresolved.release_id IS 'Release the figure comes from';
COMMENT ON COLUMN unresolved.section IS 'Slide title as printed';
COMMENT ON COLUMN unresolved.subject IS 'What the figure measures, as far as known';
COMMENT ON COLUMN unresolved.printed IS 'The figure''s printed form';
COMMENT ON COLUMN unresolved.value IS 'Numeric value of the printed form, when it is a number';
COMMENT ON COLUMN unresolved.unit IS 'Unit of value';
COMMENT ON COLUMN unresolved.candidates IS 'Periods or subjects it could belong to';
COMMENT ON COLUMN unresolved.note IS 'Why it stays unresolved';
