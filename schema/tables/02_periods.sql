-- Fiscal periods as the releases print them. IIJ's fiscal year starts on 1 April:
-- 1Q06 = 2006-04-01..2006-06-30, 1H06 = 2006-04-01..2006-09-30, FY2006 ends 2007-03-31.
CREATE TABLE periods (
    period       VARCHAR NOT NULL PRIMARY KEY,
    kind         VARCHAR NOT NULL CHECK (kind IN ('quarter', 'half', 'year')),
    fiscal_year  INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1990 AND 2100),
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 4),
    start_date   DATE    NOT NULL,
    end_date     DATE    NOT NULL,
    CHECK (start_date < end_date)
);
COMMENT ON TABLE periods IS 'Fiscal periods (quarters, halves, years) referenced by the fact tables';
COMMENT ON COLUMN periods.period IS 'Period label as printed, e.g. 2Q06, 1H06, FY2006';
COMMENT ON COLUMN periods.kind IS 'quarter, half or year';
COMMENT ON COLUMN periods.fiscal_year IS 'Fiscal year (FY2006 = April 2006 to March 2007)';
COMMENT ON COLUMN periods.seq IS 'Quarter (1-4) or half (1-2) number within the fiscal year; 1 for a year';
COMMENT ON COLUMN periods.start_date IS 'First day of the period';
COMMENT ON COLUMN periods.end_date IS 'Last day of the period';
