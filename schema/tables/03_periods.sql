-- Fiscal periods of each company, derived by the loader from the company's fiscal calendar
-- (companies.fiscal_year_start_month, fiscal_year_named_by, fiscal_year_end) for every period
-- label its releases use. For IIJ (April start, named by start year) 2Q06 =
-- 2006-07-01..2006-09-30; for a calendar-year company 2Q06 = 2006-04-01..2006-06-30; for NVIDIA
-- (52/53-week years ending on the last Sunday of January, companies.fiscal_year_end) 1Q25 =
-- 2024-01-29..2024-04-28.
CREATE TABLE periods (
    company_id   VARCHAR NOT NULL REFERENCES companies (company_id),
    period       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('quarter', 'half', 'nine_months', 'year')),
    fiscal_year  INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2100),
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 4),
    start_date   DATE    NOT NULL,
    end_date     DATE    NOT NULL,
    PRIMARY KEY (company_id, period),
    CHECK (start_date < end_date)
);
COMMENT ON TABLE periods IS 'Fiscal periods (quarters, halves, years) of each company, from its calendar';
COMMENT ON COLUMN periods.company_id IS 'Company whose calendar the period belongs to';
COMMENT ON COLUMN periods.period IS 'Period label as printed, e.g. 2Q06, 1H06, 9M06, FY2006';
COMMENT ON COLUMN periods.kind IS 'quarter, half, nine_months (the first three quarters: 9M24) or year';
COMMENT ON COLUMN periods.fiscal_year IS 'Fiscal year the label names (FY2006)';
COMMENT ON COLUMN periods.seq IS 'Quarter (1-4) or half (1-2) number within the fiscal year; 1 for a year';
COMMENT ON COLUMN periods.start_date IS 'First day of the period';
COMMENT ON COLUMN periods.end_date IS 'Last day of the period';
