-- name: stated_growth_rates
-- description: Every stated % change (QoQ, YoY, vs initial target) matches the change between the two printed levels, allowing for the rounding of both levels (half a unit of each one's last printed digit). A change "compared to the initial target" may be the result's or the revised target's: the 2Q06 release compares its revised 1H06 targets (26,400; 1,370) with the initial ones (+5.6%, +37.0%).
-- tolerance: 0.05 percentage points for rates printed to one decimal; half a unit of the last printed digit in general (262%: 0.5)
WITH levels AS (
    SELECT release_id, table_name, period, item, coalesce(basis, '') AS basis, coalesce(scope, '') AS scope,
           measure, unit, max(value) AS value,
           -- Half a unit of the level's last printed digit is its rounding (EPS `0.67`: 0.005).
           0.5 * pow(10, -max(length(coalesce(regexp_extract(printed, '\.(\d+)', 1), '')))) AS half
    FROM figures
    WHERE comparison = 'level' AND period IS NOT NULL
      AND unit NOT IN (SELECT unit FROM raw.units WHERE dimension IN ('percent', 'percentage_points'))
    GROUP BY ALL
), stated AS (
    SELECT f.*, coalesce(f.basis, '') AS b, coalesce(f.scope, '') AS s,
           CASE f.comparison WHEN 'qoq_pct' THEN company_prev_quarter(f.company_id, f.period)
                             WHEN 'yoy_pct' THEN company_year_ago(f.company_id, f.period)
                             ELSE f.period END AS base_period,
           CASE WHEN f.comparison = 'vs_initial_target_pct' THEN 'initial_target'
                ELSE coalesce(f.basis, '') END AS base_basis,
           -- Half a unit of the rate's last printed digit: a rate printed whole (`262%`) is
           -- exact to 0.5 pp only.
           greatest(getvariable('tolerance'),
                    0.5 * pow(10, -length(coalesce(regexp_extract(f.printed, '\.(\d+)', 1), '')))) AS slack
    FROM figures f
    WHERE f.comparison IN ('qoq_pct', 'yoy_pct', 'vs_initial_target_pct')
), compared AS (
    SELECT s.release_id, s.table_name, s.section, s.label, s.period, s.item, s.comparison,
           s.value AS stated_pct, c.basis AS current_basis, c.value AS current_level, s.base_period,
           b.value AS base_level,
           round(growth_pct(c.value, b.value), 2) AS recomputed_pct,
           round(growth_pct(c.value, b.value) - s.value, 2) AS difference_pp,
           -- The transcription records inconsistencies the release itself contains; they stay
           -- visible as residuals instead of failures.
           CASE WHEN s.note LIKE 'release inconsistency:%' THEN s.note END AS explained,
           (s.value + s.slack < growth_pct(c.value - c.half, b.value + b.half)
            OR s.value - s.slack > growth_pct(c.value + c.half, b.value - b.half)) AS off
    FROM stated s
    JOIN levels c ON c.release_id = s.release_id AND c.table_name = s.table_name AND c.period = s.period
                 AND c.item = s.item AND c.scope = s.s AND c.measure = s.measure
                 AND (c.basis = s.b OR (s.comparison = 'vs_initial_target_pct' AND c.basis = 'revised_target'))
    JOIN levels b ON b.release_id = s.release_id AND b.table_name = s.table_name AND b.period = s.base_period
                 AND b.item = s.item AND b.basis = s.base_basis AND b.scope = s.s AND b.measure = s.measure
                 AND b.unit = c.unit
), unanswered AS (
    -- A stated rate breaks the rule only when no candidate base gives it.
    SELECT release_id, table_name, section, label, period, item, comparison
    FROM compared
    GROUP BY ALL
    HAVING bool_and(off)
)
SELECT c.* EXCLUDE (off)
FROM compared c
SEMI JOIN unanswered u
  ON u.release_id = c.release_id AND u.table_name = c.table_name AND u.section = c.section
 AND u.label = c.label AND u.period = c.period AND u.item = c.item AND u.comparison = c.comparison;
