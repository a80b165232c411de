-- Which restatement explains a changed figure: used by `iijwh diff`, the rule
-- unexplained_changes and the restatements report.

-- Reason of the restatement of release `rel` that covers a figure (its table, item, and the first
-- and last day of its period, or its balance sheet date twice), else NULL. Periods are those of the
-- company of the release. A restatement covers
-- the periods that lie within [start of period_from, end of period_to]: 1Q04..3Q04 covers 2Q04
-- and 1H04, not FY2004. The caller looks the dates up (a join to raw.periods), so this is one
-- flat subquery.
CREATE OR REPLACE MACRO restatement_reason(rel, tbl, itm, first_day, last_day) AS (
    SELECT min(_rs.reason)
    FROM raw.restatements _rs
    JOIN raw.releases _rs_rel ON _rs_rel.release_id = _rs.release_id
    JOIN raw.periods _rs_from ON _rs_from.company_id = _rs_rel.company_id AND _rs_from.period = _rs.period_from
    JOIN raw.periods _rs_to ON _rs_to.company_id = _rs_rel.company_id AND _rs_to.period = _rs.period_to
    WHERE _rs.release_id = rel
      AND (_rs.table_name IS NULL OR _rs.table_name = tbl)
      AND (_rs.items IS NULL OR list_contains(string_split(_rs.items, ','), itm))
      AND first_day >= _rs_from.start_date
      AND last_day <= _rs_to.end_date);

-- The one place a session chooses between the latest vintage as the load stored it and the
-- vintage computed from every printing: the copy (`stored`, a table or view of schema latest)
-- when the session asks for the latest vintage, else `computed` (a vintage_* view of
-- 10_vintage.sql), as of the session's date, narrowed to the session's company when
-- `one_company` (the stored one-company copies, latest.*_of_company, are that company's file).
-- Variable computed_vintage makes the load's own session compute (its rules read the rows it is
-- loading). The choice is made on the statement's text, before DuckDB binds it, so a statement
-- over the latest vintage binds the stored file alone, not the computed views beside it (a
-- UNION ALL of both, its untaken branch pruned only once planned, cost ~5 ms a statement).
CREATE OR REPLACE MACRO latest_or_computed(stored, computed, one_company := false) AS TABLE
FROM query(if(getvariable('vintage_date') IS NULL AND NOT coalesce(getvariable('computed_vintage'), false),
              'FROM ' || stored,
              'FROM ' || computed
              || if(one_company, ' WHERE company_id = (SELECT company_id FROM vintage_company)', '')));
