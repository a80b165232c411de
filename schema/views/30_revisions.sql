-- Figures release by release: one row per release and figure key (copies on several slides agree,
-- rule repeated_figures_agree), and the changes between consecutive printings of a key.

-- Each keyed figure's value in each release of the vintage that prints it.
CREATE OR REPLACE VIEW release_figures AS
SELECT company_id, company, release_id, published_on, table_name, period, as_of,
       coalesce(period, strftime(as_of, '%Y-%m-%d')) AS when_printed,
       item, basis, scope, measure, comparison, unit, compared_to,
       min(value) AS value, min(label) AS label, min(section) AS section
FROM figures
WHERE table_name IN ('revenue_lines', 'income_items', 'cash_flows', 'balance_sheet', 'kpis')
GROUP BY ALL;

-- Every change of a figure from one printing to the next (same company), with the restatement of
-- the later release that covers it (reason NULL: unexplained).
CREATE OR REPLACE VIEW figure_revisions AS
WITH ordered AS (
    SELECT *,
           lag(value) OVER k AS previous_value,
           lag(release_id) OVER k AS previous_release,
           first_value(value) OVER k AS first_reported_value,
           first_value(release_id) OVER k AS first_reported_release
    FROM release_figures
    WINDOW k AS (PARTITION BY company_id, table_name, when_printed, item, basis, scope, measure,
                              comparison, unit, compared_to
                 ORDER BY published_on, release_id)
)
SELECT o.company, o.table_name, o.item, o.when_printed AS period, o.basis, o.scope, o.measure,
       o.comparison, o.unit, o.previous_release, o.previous_value, o.release_id, o.value,
       o.value - o.previous_value AS change, o.first_reported_release, o.first_reported_value, o.label,
       restatement_reason(o.release_id, o.table_name, o.item,
                          coalesce(p.start_date, o.as_of), coalesce(p.end_date, o.as_of)) AS reason
FROM ordered o
LEFT JOIN raw.periods p ON p.company_id = o.company_id AND p.period = o.period
WHERE o.previous_value IS NOT NULL AND o.value <> o.previous_value;
