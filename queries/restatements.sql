-- title: Restatements and revisions
-- description: Every figure a later release prints with another value than an earlier one (of the company shown): the value first reported and the latest, the change, the release that changed it and the reason of its restatement (empty when no restatement covers it: the unexplained_changes rule fails then). Restatements announced without a changed figure in the warehouse are listed with the periods they cover.
-- The revisions are computed once (MATERIALIZED) and read twice.
WITH revisions AS MATERIALIZED (
    SELECT * FROM figure_revisions WHERE company = (SELECT company FROM vintage_company)
)
SELECT table_name, item, period, basis, scope, measure, comparison, unit,
       first_reported_value AS first_reported, first_reported_release,
       value AS latest, value - first_reported_value AS change, release_id AS release,
       coalesce(reason, '') AS reason
FROM revisions
UNION ALL
SELECT coalesce(s.table_name, '(all tables)'), coalesce(s.items, '(all items)'),
       s.period_from || '..' || s.period_to, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       s.release_id, s.reason
FROM restatements s
JOIN releases r USING (release_id)
WHERE r.company = (SELECT company FROM vintage_company)
  AND NOT EXISTS (SELECT 1 FROM revisions v WHERE v.release_id = s.release_id AND v.reason = s.reason)
ORDER BY release, table_name, item, period;
