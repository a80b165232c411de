-- The latest vintage, stored: schema `latest` holds, for every company, what the vintage_* views
-- of 10_vintage.sql give with no as-of date, as the load computed them for the companies it
-- read (the others' rows are kept from the generation before). A session asking for the latest
-- vintage (the default) reads these tables, not the grouping over every printing; one asking
-- as of a date reads the computed views. The views below, named after the tables, are what
-- reports and ad-hoc SQL read: one company's figures (the session's, see vintage_company).
CREATE SCHEMA IF NOT EXISTS latest;
CREATE TABLE IF NOT EXISTS latest.revenue_lines AS FROM vintage_revenue_lines LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.income_items AS FROM vintage_income_items LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.cash_flows AS FROM vintage_cash_flows LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.balance_sheet AS FROM vintage_balance_sheet LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.kpis AS FROM vintage_kpis LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.subsidiaries AS FROM vintage_subsidiaries LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.company_profiles AS FROM vintage_company_profiles LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.services AS FROM vintage_services LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.statements AS FROM vintage_statements LIMIT 0;
CREATE TABLE IF NOT EXISTS latest.unresolved AS FROM vintage_unresolved LIMIT 0;

CREATE OR REPLACE VIEW revenue_lines AS
FROM latest_or_computed('latest.revenue_lines', 'vintage_revenue_lines')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW income_items AS
FROM latest_or_computed('latest.income_items', 'vintage_income_items')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW cash_flows AS
FROM latest_or_computed('latest.cash_flows', 'vintage_cash_flows')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW balance_sheet AS
FROM latest_or_computed('latest.balance_sheet', 'vintage_balance_sheet')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW kpis AS
FROM latest_or_computed('latest.kpis', 'vintage_kpis')
WHERE company_id = (SELECT company_id FROM vintage_company);
-- The descriptive tables keep their own columns (the company is the session's).
CREATE OR REPLACE VIEW subsidiaries AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.subsidiaries', 'vintage_subsidiaries')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW company_profiles AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.company_profiles', 'vintage_company_profiles')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW services AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.services', 'vintage_services')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW statements AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.statements', 'vintage_statements')
WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE OR REPLACE VIEW unresolved AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.unresolved', 'vintage_unresolved')
WHERE company_id = (SELECT company_id FROM vintage_company);
