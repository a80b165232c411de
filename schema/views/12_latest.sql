-- The latest vintage, stored: schema `latest` holds, for every company, what the vintage_* views
-- of 10_vintage.sql give with no as-of date, as the load computed them for the companies it
-- read (the others' are kept from the generation before). A session asking for the latest
-- vintage (the default) reads these, not the grouping over every printing; one asking as of a
-- date reads the computed views. The views below, named after the tables, are what reports and
-- ad-hoc SQL read: one company's figures (the session's, see vintage_company), from
-- latest.TABLE_of_company.
-- In a generation's catalog, latest.TABLE and latest.TABLE_of_company are views the load made
-- first, over the files latest/TABLE/part-XX.parquet (for _of_company, the company's part file
-- filtered by company_id, see warehouse::latest_ddl), so the statements here that create them do nothing there; they
-- make the tables of the load's own catalog and of a DuckDB export.
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
CREATE VIEW IF NOT EXISTS latest.revenue_lines_of_company AS
FROM latest.revenue_lines WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.income_items_of_company AS
FROM latest.income_items WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.cash_flows_of_company AS
FROM latest.cash_flows WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.balance_sheet_of_company AS
FROM latest.balance_sheet WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.kpis_of_company AS
FROM latest.kpis WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.subsidiaries_of_company AS
FROM latest.subsidiaries WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.company_profiles_of_company AS
FROM latest.company_profiles WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.services_of_company AS
FROM latest.services WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.statements_of_company AS
FROM latest.statements WHERE company_id = (SELECT company_id FROM vintage_company);
CREATE VIEW IF NOT EXISTS latest.unresolved_of_company AS
FROM latest.unresolved WHERE company_id = (SELECT company_id FROM vintage_company);

CREATE OR REPLACE VIEW revenue_lines AS
FROM latest_or_computed('latest.revenue_lines_of_company', 'vintage_revenue_lines', one_company := true);
CREATE OR REPLACE VIEW income_items AS
FROM latest_or_computed('latest.income_items_of_company', 'vintage_income_items', one_company := true);
CREATE OR REPLACE VIEW cash_flows AS
FROM latest_or_computed('latest.cash_flows_of_company', 'vintage_cash_flows', one_company := true);
CREATE OR REPLACE VIEW balance_sheet AS
FROM latest_or_computed('latest.balance_sheet_of_company', 'vintage_balance_sheet', one_company := true);
CREATE OR REPLACE VIEW kpis AS
FROM latest_or_computed('latest.kpis_of_company', 'vintage_kpis', one_company := true);
-- The descriptive tables keep their own columns (the company is the session's).
CREATE OR REPLACE VIEW subsidiaries AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.subsidiaries_of_company', 'vintage_subsidiaries', one_company := true);
CREATE OR REPLACE VIEW company_profiles AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.company_profiles_of_company', 'vintage_company_profiles', one_company := true);
CREATE OR REPLACE VIEW services AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.services_of_company', 'vintage_services', one_company := true);
CREATE OR REPLACE VIEW statements AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.statements_of_company', 'vintage_statements', one_company := true);
CREATE OR REPLACE VIEW unresolved AS
SELECT * EXCLUDE (company_id) FROM latest_or_computed('latest.unresolved_of_company', 'vintage_unresolved', one_company := true);
