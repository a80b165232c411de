-- title: Check summary
-- description: The data rules of schema/checks with their outcome when the warehouse was built (over every release loaded, whatever the session's vintage): pass, residual (a gap the release itself leaves, explained) or fail, with the number of offending rows. Run `iijwh check` for the offending figures.
SELECT rule, status, offending_rows, tolerance, description
FROM check_results
ORDER BY CASE status WHEN 'fail' THEN 0 WHEN 'residual' THEN 1 ELSE 2 END, rule;
