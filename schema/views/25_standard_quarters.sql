-- Every company's quarters of the standard amounts (total_revenues, net_income, eps_diluted ...),
-- as the newest release of the vintage that prints each one gives it: actual, consolidated
-- levels, amounts in the release's unit and per-share amounts in its currency per share, each
-- quarter with its place in the company's calendar (`q` = fiscal year * 4 + quarter, so a
-- year earlier is q - 4) and its last day. What cross-company reports (peer_comparison) start
-- from: computed here from every printing (vintage_standard_quarters), stored by the load with
-- the latest vintage a company at a time, so a report over every company reads a few rows a
-- quarter instead of grouping every printing of every release (RESULTS 0q).
CREATE OR REPLACE VIEW vintage_standard_quarters AS
WITH printed AS (
    SELECT f.company_id, f.company, f.period, c.standard, f.unit, f.value,
           (f.published_on, f.release_id) AS rank
    FROM vintage_figures f
    JOIN raw.releases r USING (release_id)
    JOIN release_concepts c ON c.release_id = f.release_id AND c.concept = f.item
    JOIN raw.standard_concepts s ON s.concept = c.standard
    WHERE f.comparison = 'level' AND f.measure = 'amount' AND f.period IS NOT NULL
      AND ((s.dimension = 'currency' AND f.unit = r.unit)
           OR (s.dimension = 'currency_per_share' AND f.unit LIKE '% per share'))
      AND coalesce(f.basis, 'actual') = 'actual' AND coalesce(f.scope, 'consolidated') = 'consolidated'
)
SELECT x.company_id, x.company, x.period, x.standard, arg_max(x.unit, x.rank) AS unit,
       arg_max(x.value, x.rank) AS value, p.fiscal_year * 4 + p.seq AS q, p.end_date
FROM printed x
JOIN raw.periods p ON p.company_id = x.company_id AND p.period = x.period AND p.kind = 'quarter'
GROUP BY x.company_id, x.company, x.period, x.standard, p.fiscal_year, p.seq, p.end_date;

CREATE TABLE IF NOT EXISTS latest.standard_quarters AS FROM vintage_standard_quarters LIMIT 0;
CREATE OR REPLACE VIEW standard_quarters AS
FROM latest_or_computed('latest.standard_quarters', 'vintage_standard_quarters');
