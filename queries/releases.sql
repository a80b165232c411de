-- title: Releases
-- description: The releases of the session's vintage (all of them unless --as-of or --release), oldest first: company, period, publication date, how many figures each prints and how many restatements it announces; `latest` marks the one whose figures win for the company shown.
SELECT r.release_id, r.company, r.fiscal_period AS period, r.published_on,
       (SELECT count(*) FROM figures f WHERE f.release_id = r.release_id) AS figures,
       (SELECT count(*) FROM restatements s WHERE s.release_id = r.release_id) AS restatements,
       coalesce(c.is_latest, false) AS latest
FROM releases r
LEFT JOIN company_releases c USING (release_id)
ORDER BY r.published_on, r.release_id;
