-- name: source_audit
-- description: Every figure marked as printed has its printed form and its label in the release text, and the printed form reads as the stored value
-- tolerance: 0
-- scope: release
-- (each release's rows come from its own figures and text alone, release_id first: an
-- incremental load runs the rule on the releases it reads that are new or changed)
WITH src AS (
    SELECT release_id, source_text, folded_text(source_text) AS folded FROM release_sources
)
SELECT f.release_id, f.table_name, f.period, f.as_of, f.item, f.comparison, f.value, f.printed, f.label,
       concat_ws('; ',
           CASE WHEN NOT contains(s.folded, folded_text(f.printed)) THEN 'printed form not in the release text' END,
           CASE WHEN f.table_name <> 'unresolved' AND NOT contains(s.folded, folded_text(f.label))
                THEN 'label not in the release text' END,
           CASE WHEN abs(printed_value(f.printed)) IS DISTINCT FROM abs(f.value)
                THEN 'printed form reads ' || coalesce(printed_value(f.printed)::VARCHAR, 'as no number') END,
           CASE WHEN f.table_name NOT IN ('subsidiaries', 'unresolved', 'company_profiles')
                 AND regexp_matches(trim(f.printed), '^[-+(]') AND printed_value(f.printed) <> f.value
                THEN 'sign differs from the printed form' END) AS problem
FROM figures f
JOIN src s USING (release_id)
WHERE f.printed IS NOT NULL
  AND (NOT contains(s.folded, folded_text(f.printed))
       OR (f.table_name <> 'unresolved' AND NOT contains(s.folded, folded_text(f.label)))
       OR abs(printed_value(f.printed)) IS DISTINCT FROM abs(f.value)
       OR (f.table_name NOT IN ('subsidiaries', 'unresolved', 'company_profiles')
           AND regexp_matches(trim(f.printed), '^[-+(]') AND printed_value(f.printed) <> f.value));
