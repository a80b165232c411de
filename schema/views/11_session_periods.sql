-- The period macros for the company the session shows (vintage_company): prev_quarter('2Q06'),
-- year_ago, period_fiscal_year, date_fiscal_year. They read the vintage's company, so they are
-- created after the vintage views; schema/macros/periods.sql has each for any company.

CREATE OR REPLACE MACRO period_fiscal_year(p) AS
    company_period_fiscal_year((SELECT company_id FROM vintage_company), p);
CREATE OR REPLACE MACRO date_fiscal_year(d) AS
    company_date_fiscal_year((SELECT company_id FROM vintage_company), d);
CREATE OR REPLACE MACRO prev_quarter(p) AS
    company_prev_quarter((SELECT company_id FROM vintage_company), p);
CREATE OR REPLACE MACRO year_ago(p) AS
    company_year_ago((SELECT company_id FROM vintage_company), p);
