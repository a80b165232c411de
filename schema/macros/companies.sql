-- Companies and units: how a name finds a company, and a value its base units.

-- The company_id a name stands for: its id, its name as printed, one of its aliases, its ticker,
-- local code or SEC CIK; NULL when none (`--company` takes any of them).
CREATE OR REPLACE MACRO company_named(x) AS (
    SELECT min(_cn.company_id) FROM raw.companies _cn
    WHERE x IN (_cn.company_id, _cn.name, _cn.ticker, _cn.local_code, _cn.sec_cik)
       OR list_contains(string_split(coalesce(_cn.aliases, ''), '; '), x));

-- A value in the base unit of its unit (JPY million 14,007 -> 14,007,000,000 JPY), for comparing
-- figures printed at different scales; the printed scale stays in the fact tables.
CREATE OR REPLACE MACRO base_value(v, u) AS
    CAST(v * (SELECT _bv.factor FROM raw.units _bv WHERE _bv.unit = u) AS DECIMAL(38, 1));
