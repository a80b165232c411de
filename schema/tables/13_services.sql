-- Services introduced or enhanced, as listed in the release.
CREATE TABLE services (
    release_id     VARCHAR NOT NULL REFERENCES releases (release_id),
    service        VARCHAR NOT NULL,
    category       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL CHECK (kind IN ('new', 'feature_enhancement')),
    introduced_on  DATE,
    description    VARCHAR NOT NULL,
    section        VARCHAR NOT NULL,
    printed_date   VARCHAR,
    placement      VARCHAR NOT NULL CHECK (placement IN ('label', 'layout', 'unresolved')),
    note           VARCHAR,
    PRIMARY KEY (release_id, service, kind),
    CHECK ((placement = 'unresolved') = (introduced_on IS NULL))
);
COMMENT ON TABLE services IS 'Services introduced or enhanced, with date, category and description';
COMMENT ON COLUMN services.release_id IS 'Release the row comes from';
COMMENT ON COLUMN services.service IS 'Service name as printed';
COMMENT ON COLUMN services.category IS 'Category as printed, e.g. Security, E-mail solutions, Internet VPN';
COMMENT ON COLUMN services.kind IS 'new service or feature_enhancement of an existing one';
COMMENT ON COLUMN services.introduced_on IS 'Date of introduction; NULL when the slide text does not tie a date to the service';
COMMENT ON COLUMN services.description IS 'Description as printed';
COMMENT ON COLUMN services.section IS 'Slide title as printed';
COMMENT ON COLUMN services.printed_date IS 'Date as printed (month/day)';
COMMENT ON COLUMN services.placement IS 'How the date was tied to the service: label, layout or unresolved';
COMMENT ON COLUMN services.note IS 'Transcription note';
