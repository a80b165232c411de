-- One row per results release; loaded from data/releases/<id>/release.toml, whose `currency` and
-- `unit` may be left out: they are then the company's.
CREATE TABLE releases (
    release_id     VARCHAR NOT NULL PRIMARY KEY,
    company_id     VARCHAR NOT NULL REFERENCES companies (company_id),
    title          VARCHAR NOT NULL,
    published_on   DATE    NOT NULL,
    fiscal_period  VARCHAR NOT NULL,
    currency       VARCHAR NOT NULL CHECK (regexp_matches(currency, '^[A-Z]{3}$')),
    unit           VARCHAR NOT NULL REFERENCES units (unit),
    source_file    VARCHAR NOT NULL,
    source_sha256  VARCHAR NOT NULL CHECK (length(source_sha256) = 64),
    source_url     VARCHAR CHECK (regexp_matches(source_url, '^https?://'))
);
COMMENT ON TABLE releases IS 'Results releases in the warehouse, one row each';
COMMENT ON COLUMN releases.release_id IS 'Release identifier, the folder name under data/releases/';
COMMENT ON COLUMN releases.company_id IS 'Issuer (companies.company_id)';
COMMENT ON COLUMN releases.title IS 'Title of the release';
COMMENT ON COLUMN releases.published_on IS 'Date the release was published';
COMMENT ON COLUMN releases.fiscal_period IS 'Main fiscal period the release reports, in the company calendar (periods.period)';
COMMENT ON COLUMN releases.currency IS 'ISO currency of amounts; the company currency unless release.toml says otherwise';
COMMENT ON COLUMN releases.unit IS 'Default unit of amounts (units.unit); the company unit unless release.toml says otherwise';
COMMENT ON COLUMN releases.source_file IS 'Raw release text file inside the release folder';
COMMENT ON COLUMN releases.source_sha256 IS 'SHA-256 of the raw release text (hex)';
COMMENT ON COLUMN releases.source_url IS 'Where the release text was published, when known';
