-- Group companies as the release's group-structure slide shows them.
CREATE TABLE subsidiaries (
    release_id     VARCHAR NOT NULL REFERENCES releases (release_id),
    name           VARCHAR NOT NULL,
    relationship   VARCHAR CHECK (relationship IN ('consolidated_subsidiary', 'equity_method_investee')),
    ownership_pct  DECIMAL(4,1) CHECK (ownership_pct BETWEEN 0 AND 100),
    business_area  VARCHAR,
    section        VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,
    printed        VARCHAR,
    placement      VARCHAR NOT NULL CHECK (placement IN ('label', 'statement', 'reconciled', 'layout', 'unresolved')),
    note           VARCHAR,
    PRIMARY KEY (release_id, name),
    CHECK ((placement = 'unresolved') = (ownership_pct IS NULL))
);
COMMENT ON TABLE subsidiaries IS 'Group companies: relationship to the issuer, ownership and business area';
COMMENT ON COLUMN subsidiaries.release_id IS 'Release the row comes from';
COMMENT ON COLUMN subsidiaries.name IS 'Company name as printed';
COMMENT ON COLUMN subsidiaries.relationship IS 'consolidated_subsidiary or equity_method_investee; NULL when the slide text does not tie one to the company';
COMMENT ON COLUMN subsidiaries.ownership_pct IS 'Issuer ownership in % as printed; NULL when unresolved';
COMMENT ON COLUMN subsidiaries.business_area IS 'Business area the release files the company under, when the text ties one to it';
COMMENT ON COLUMN subsidiaries.section IS 'Slide title as printed';
COMMENT ON COLUMN subsidiaries.label IS 'Relationship label as printed next to the company';
COMMENT ON COLUMN subsidiaries.printed IS 'Printed ownership, e.g. (72.1%)';
COMMENT ON COLUMN subsidiaries.placement IS 'How the relationship was tied to the company; unresolved when it could not be';
COMMENT ON COLUMN subsidiaries.note IS 'Transcription note';
