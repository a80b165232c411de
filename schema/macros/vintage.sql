-- Which restatement explains a changed figure: used by `iijwh diff`, the rule
-- unexplained_changes and the restatements report.

-- Reason of the restatement of release `rel` that covers a figure (its table, item, and period or
-- balance sheet date), else NULL. A restatement covers the periods that lie within
-- [start of period_from, end of period_to]: 1Q04..3Q04 covers 2Q04 and 1H04, not FY2004.
CREATE OR REPLACE MACRO restatement_reason(rel, tbl, itm, per, dt) AS (
    SELECT min(_rs.reason)
    FROM raw.restatements _rs
    JOIN raw.periods _rs_from ON _rs_from.period = _rs.period_from
    JOIN raw.periods _rs_to ON _rs_to.period = _rs.period_to
    WHERE _rs.release_id = rel
      AND (_rs.table_name IS NULL OR _rs.table_name = tbl)
      AND (_rs.items IS NULL OR list_contains(string_split(_rs.items, ','), itm))
      AND coalesce((SELECT _rs_p.start_date FROM raw.periods _rs_p WHERE _rs_p.period = per), dt) >= _rs_from.start_date
      AND coalesce((SELECT _rs_q.end_date FROM raw.periods _rs_q WHERE _rs_q.period = per), dt) <= _rs_to.end_date);
