-- name: unexplained_changes
-- description: A later release that prints a different value for a figure (same company, period or date, table, item, basis, scope, measure, comparison and unit) announces a restatement that covers it (table restatements)
-- tolerance: 0
SELECT company, table_name, item, period, basis, scope, measure, comparison, unit,
       previous_release, previous_value, release_id, value, change, label
FROM figure_revisions
WHERE reason IS NULL;
