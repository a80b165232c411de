-- Issuers: one row per data/companies/<company_id>.toml. A company's fiscal calendar, currency
-- and unit are here, once; its releases and periods refer to it. A calendar is of whole months
-- (fiscal_year_start_month, fiscal_year_named_by) or of 52/53 weeks (fiscal_year_end moves each
-- nominal year's end to a weekday; src/release/calendar.rs reads it, the loader checks it).
CREATE TABLE companies (
    company_id              VARCHAR NOT NULL PRIMARY KEY CHECK (regexp_matches(company_id, '^[a-z][a-z0-9_-]*$')),
    name                    VARCHAR NOT NULL,
    aliases                 VARCHAR,
    fiscal_year_start_month INTEGER NOT NULL CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    fiscal_year_named_by    VARCHAR NOT NULL CHECK (fiscal_year_named_by IN ('start_year', 'end_year')),
    fiscal_year_end         VARCHAR,
    week_53_quarter         INTEGER CHECK (week_53_quarter BETWEEN 1 AND 4),
    currency                VARCHAR NOT NULL CHECK (regexp_matches(currency, '^[A-Z]{3}$')),
    unit                    VARCHAR NOT NULL REFERENCES units (unit),
    ticker                  VARCHAR,
    exchange                VARCHAR,
    local_code              VARCHAR,
    sec_cik                 VARCHAR CHECK (regexp_matches(sec_cik, '^[0-9]{10}$'))
);
COMMENT ON TABLE companies IS 'Companies in the warehouse: names, fiscal calendar, reporting currency and unit, identifiers';
COMMENT ON COLUMN companies.company_id IS 'Company identifier, the file name under data/companies/ (releases.company_id)';
COMMENT ON COLUMN companies.name IS 'Name as the releases print it';
COMMENT ON COLUMN companies.aliases IS 'Other names it is looked up by, separated by "; "';
COMMENT ON COLUMN companies.fiscal_year_start_month IS 'Month (1-12) its fiscal year starts: 4 for a year ending in March, 1 for the calendar year';
COMMENT ON COLUMN companies.fiscal_year_named_by IS 'start_year: FY2006 starts in 2006 (April 2006 - March 2007); end_year: FY2006 ends in 2006';
COMMENT ON COLUMN companies.fiscal_year_end IS 'NULL for a year of whole months; for a 52/53-week year the day it ends, at the end of the month before fiscal_year_start_month: "last Sunday of January" (NVIDIA) or "Saturday nearest the end of January" (also "Saturday nearest January 31"). Each nominal year ends on that day and starts the day after the previous one ends; quarters are 13 weeks, halves two quarters';
COMMENT ON COLUMN companies.week_53_quarter IS 'For a 52/53-week year: the quarter (1-4) that has 14 weeks in a 53-week year (Apple: 1); NULL means 4';
COMMENT ON COLUMN companies.currency IS 'ISO 4217 reporting currency';
COMMENT ON COLUMN companies.unit IS 'Unit its amounts are printed in unless a release says otherwise (units.unit)';
COMMENT ON COLUMN companies.ticker IS 'Ticker symbol';
COMMENT ON COLUMN companies.exchange IS 'Exchange the ticker is listed on';
COMMENT ON COLUMN companies.local_code IS 'Other listing code, e.g. TSE:3774';
COMMENT ON COLUMN companies.sec_cik IS 'SEC Central Index Key, ten digits, where it has one';
