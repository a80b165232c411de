-- The raw release text, so SQL (and the source audit) can search what the release actually prints.
CREATE TABLE release_sources (
    release_id   VARCHAR NOT NULL PRIMARY KEY REFERENCES releases (release_id),
    source_text  VARCHAR NOT NULL
);
COMMENT ON TABLE release_sources IS 'Raw text of each release as extracted from the slide deck';
COMMENT ON COLUMN release_sources.release_id IS 'Release the text belongs to';
COMMENT ON COLUMN release_sources.source_text IS 'Full release text, UTF-8, exactly as in the source file';
