-- title: Releases
-- description: The releases in the warehouse, oldest first: company, period, publication date, how many figures each prints and how many restatements it announces; `in_vintage` marks the releases the session's vintage (--as-of, --release) includes, `latest` the one whose figures win.
SELECT r.release_id, r.company, r.fiscal_period AS period, r.published_on,
       (SELECT count(*) FROM figures f WHERE f.release_id = r.release_id) AS figures,
       (SELECT count(*) FROM raw.restatements s WHERE s.release_id = r.release_id) AS restatements,
       v.release_id IS NOT NULL AS in_vintage,
       coalesce(c.is_latest, false) AS latest
FROM raw.releases r
LEFT JOIN vintage_releases v USING (release_id)
LEFT JOIN company_releases c USING (release_id)
ORDER BY r.published_on, r.release_id;
