-- Narrative statements of the release (headlines, reasons for target revisions), bilingual where printed.
CREATE TABLE statements (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    section     VARCHAR NOT NULL,
    topic       VARCHAR NOT NULL,
    text_en     VARCHAR,
    text_ja     VARCHAR,
    PRIMARY KEY (release_id, section, topic),
    CHECK (text_en IS NOT NULL OR text_ja IS NOT NULL)
);
COMMENT ON TABLE statements IS 'Narrative statements as printed, English and Japanese where the release gives them';
COMMENT ON COLUMN statements.release_id IS 'Release the statement comes from';
COMMENT ON COLUMN statements.section IS 'Slide title as printed';
COMMENT ON COLUMN statements.topic IS 'Short code for what the statement is about';
COMMENT ON COLUMN statements.text_en IS 'Statement in English as printed';
COMMENT ON COLUMN statements.text_ja IS 'Statement in Japanese as printed';
