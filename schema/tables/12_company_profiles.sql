-- Attribute/value profile of a group company (the release profiles its new subsidiary).
CREATE TABLE company_profiles (
    release_id  VARCHAR NOT NULL REFERENCES releases (release_id),
    company     VARCHAR NOT NULL,
    attribute   VARCHAR NOT NULL,
    text_value  VARCHAR NOT NULL,
    value       DECIMAL(18,6),
    unit        VARCHAR,
    date_value  DATE,
    section     VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    printed     VARCHAR,
    note        VARCHAR,
    PRIMARY KEY (release_id, company, attribute),
    CHECK ((value IS NULL) = (unit IS NULL))
);
COMMENT ON TABLE company_profiles IS 'Company profile attributes as printed (location, establishment, employees, capital ...)';
COMMENT ON COLUMN company_profiles.release_id IS 'Release the row comes from';
COMMENT ON COLUMN company_profiles.company IS 'Company name as printed';
COMMENT ON COLUMN company_profiles.attribute IS 'Attribute code';
COMMENT ON COLUMN company_profiles.text_value IS 'Attribute value as printed';
COMMENT ON COLUMN company_profiles.value IS 'Numeric value where the attribute is a figure; unit in column unit';
COMMENT ON COLUMN company_profiles.unit IS 'Unit of value (JPY million, employees, %)';
COMMENT ON COLUMN company_profiles.date_value IS 'Date value where the attribute is a date';
COMMENT ON COLUMN company_profiles.section IS 'Slide title as printed';
COMMENT ON COLUMN company_profiles.label IS 'Attribute label as printed';
COMMENT ON COLUMN company_profiles.printed IS 'Printed form of the numeric value, e.g. JPY 55 million';
COMMENT ON COLUMN company_profiles.note IS 'Transcription note';
