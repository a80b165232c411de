-- peer_comparison.sql (queries/), ported to Spark SQL by hand: the report reads the warehouse's
-- per-release tables and concept definitions (release_concepts), which the automatic port
-- cannot translate. `iijwh export` writes it as spark/reports/peer_comparison.sql; it reads the
-- export's tables (figures: the latest vintage, every company; releases, concepts,
-- standard_concepts, periods, units, companies) and answers as the report does with its
-- parameter at the default (trailing = 1). Keep the two in step: the Spark test compares them.
WITH defined AS (
    -- Each release's definition of a concept: the newest at or before it, else the earliest after.
    SELECT r.release_id, d.concept, coalesce(d.standard, s.concept) AS standard,
           row_number() OVER (
               PARTITION BY r.release_id, d.concept
               ORDER BY CASE WHEN dr.published_on < r.published_on
                               OR (dr.published_on = r.published_on AND dr.release_id <= r.release_id)
                             THEN 0 ELSE 1 END,
                        CASE WHEN dr.published_on < r.published_on
                               OR (dr.published_on = r.published_on AND dr.release_id <= r.release_id)
                             THEN dr.published_on END DESC,
                        CASE WHEN dr.published_on < r.published_on
                               OR (dr.published_on = r.published_on AND dr.release_id <= r.release_id)
                             THEN dr.release_id END DESC,
                        dr.published_on, dr.release_id) AS n
    FROM releases r
    JOIN releases dr ON dr.company_id = r.company_id
    JOIN concepts d ON d.release_id = dr.release_id
    LEFT JOIN standard_concepts s ON s.concept = d.concept
), release_concepts AS (
    SELECT release_id, concept, standard FROM defined WHERE n = 1
    UNION ALL
    SELECT r.release_id, s.concept, s.concept
    FROM releases r CROSS JOIN standard_concepts s
    WHERE NOT EXISTS (SELECT 1 FROM defined d
                      WHERE d.n = 1 AND d.release_id = r.release_id AND d.concept = s.concept)
), std AS (
    SELECT f.company_id, f.company, f.period, c.standard, f.unit, f.value,
           struct(f.published_on, f.release_id) AS rank
    FROM figures f
    JOIN releases r ON r.release_id = f.release_id
    JOIN release_concepts c ON c.release_id = f.release_id AND c.concept = f.item
    WHERE c.standard IN ('total_revenues', 'gross_profit', 'operating_income', 'net_income', 'eps_diluted')
      AND f.comparison = 'level' AND f.measure = 'amount' AND f.period IS NOT NULL
      AND (f.unit = r.unit OR (c.standard = 'eps_diluted' AND f.unit LIKE '% per share'))
      AND coalesce(f.basis, 'actual') = 'actual' AND coalesce(f.scope, 'consolidated') = 'consolidated'
), quarters AS (
    SELECT s.company_id, s.company, s.period, s.standard, max_by(s.unit, s.rank) AS unit,
           max_by(s.value, s.rank) AS value, p.fiscal_year * 4 + p.seq AS q, p.end_date
    FROM std s
    JOIN periods p ON p.company_id = s.company_id AND p.period = s.period AND p.kind = 'quarter'
    GROUP BY s.company_id, s.company, s.period, s.standard, p.fiscal_year, p.seq, p.end_date
), latest AS (
    SELECT company_id, max_by(period, q) AS period, max(q) AS q, max(end_date) AS end_date
    FROM quarters WHERE standard = 'total_revenues'
    GROUP BY company_id
), summed AS (
    SELECT x.company_id, x.company, x.standard, any_value(x.unit) AS unit,
           sum(x.value) FILTER (WHERE x.q > l.q - 1) AS current,
           count(*) FILTER (WHERE x.q > l.q - 1) AS current_quarters,
           sum(x.value) FILTER (WHERE x.q > l.q - 4 - 1 AND x.q <= l.q - 4) AS year_ago,
           count(*) FILTER (WHERE x.q > l.q - 4 - 1 AND x.q <= l.q - 4) AS year_ago_quarters
    FROM quarters x JOIN latest l ON l.company_id = x.company_id
    GROUP BY x.company_id, x.company, x.standard
), wide AS (
    SELECT company_id, company, any_value(unit) FILTER (WHERE standard = 'total_revenues') AS unit,
           max(current) FILTER (WHERE standard = 'total_revenues' AND current_quarters = 1) AS revenues,
           max(current) FILTER (WHERE standard = 'gross_profit' AND current_quarters = 1) AS gross_profit,
           max(current) FILTER (WHERE standard = 'eps_diluted' AND current_quarters = 1) AS eps_diluted,
           max(current) FILTER (WHERE standard = 'operating_income' AND current_quarters = 1) AS operating_income,
           max(current) FILTER (WHERE standard = 'net_income' AND current_quarters = 1) AS net_income,
           max(year_ago) FILTER (WHERE standard = 'total_revenues' AND year_ago_quarters = 1) AS revenues_year_ago,
           max(year_ago) FILTER (WHERE standard = 'operating_income' AND year_ago_quarters = 1) AS operating_income_year_ago
    FROM summed
    GROUP BY company_id, company
)
SELECT w.company, l.period AS latest_quarter, l.end_date AS quarter_end, k.currency, w.unit,
       w.revenues, w.operating_income, w.net_income, w.eps_diluted,
       CAST(w.revenues * u.factor AS DECIMAL(38, 1)) AS revenues_in_currency,
       round((w.revenues / w.revenues_year_ago - 1) * 100, 1) AS revenue_growth_pct,
       round(CASE WHEN w.operating_income_year_ago > 0
                  THEN (w.operating_income / w.operating_income_year_ago - 1) * 100 END, 1) AS operating_income_growth_pct,
       round(w.gross_profit / w.revenues * 100, 1) AS gross_margin_pct,
       round(w.operating_income / w.revenues * 100, 1) AS operating_margin_pct,
       round(w.net_income / w.revenues * 100, 1) AS net_margin_pct
FROM wide w
JOIN latest l ON l.company_id = w.company_id
JOIN companies k ON k.company_id = w.company_id
LEFT JOIN units u ON u.unit = w.unit
ORDER BY w.company;
