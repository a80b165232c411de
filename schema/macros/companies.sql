-- Companies and units: how a name finds a company, and a value its base units.

-- The companies a name could stand for, as people name them (case-insensitive), the best kind of
-- match only: its id; else its name as printed, an alias, its ticker, its local code with or
-- without the exchange (TSE:3774, 3774) or its SEC CIK with or without leading zeros; else a
-- prefix or a word of its name (NVIDIA, Brightline). More than one row: the name is ambiguous;
-- none: no company has it. `--company` takes any of them (the one lookup of a company's name).
CREATE OR REPLACE MACRO companies_named(x) AS TABLE
WITH _cn_match AS (
    SELECT _cn.company_id, _cn.name,
           CASE
               WHEN lower(x) = lower(_cn.company_id) THEN 0
               WHEN lower(x) IN (lower(_cn.name), lower(_cn.ticker), lower(_cn.local_code),
                                 lower(regexp_replace(_cn.local_code, '^[^:]*:', '')))
                 OR (regexp_matches(x, '^[0-9]+$') AND ltrim(x, '0') <> ''
                     AND ltrim(x, '0') = ltrim(_cn.sec_cik, '0'))
                 OR list_contains(list_transform(string_split(coalesce(_cn.aliases, ''), '; '),
                                                 _cn_a -> lower(_cn_a)), lower(x)) THEN 1
               WHEN starts_with(lower(_cn.name), lower(x))
                 OR list_contains(regexp_split_to_array(lower(_cn.name), '[^a-z0-9]+'), lower(x))
                   THEN 2
           END AS _cn_rank
    FROM raw.companies _cn
    WHERE trim(x) <> '')
SELECT company_id, name FROM _cn_match
WHERE _cn_rank = (SELECT min(_cn_rank) FROM _cn_match)
ORDER BY company_id;

-- The company_id a name stands for (see companies_named); NULL when it names none or several.
CREATE OR REPLACE MACRO company_named(x) AS (
    SELECT CASE WHEN count(*) = 1 THEN min(company_id) END FROM companies_named(x));

-- A value in the base unit of its unit (JPY million 14,007 -> 14,007,000,000 JPY), for comparing
-- figures printed at different scales; the printed scale stays in the fact tables.
CREATE OR REPLACE MACRO base_value(v, u) AS
    CAST(v * (SELECT _bv.factor FROM raw.units _bv WHERE _bv.unit = u) AS DECIMAL(38, 1));
