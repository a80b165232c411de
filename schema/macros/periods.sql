-- Fiscal-period arithmetic and ratio helpers, available to reports, checks and ad-hoc SQL.

-- Period arithmetic in a company's calendar (table periods, which the loader derives from it). These
-- take the company_id; schema/views/11_session_periods.sql has the same for the company the
-- session shows (prev_quarter(p), year_ago(p) ...).
-- (Aliases inside macros are unusual on purpose: an argument like a.period must not bind to them.)

-- Fiscal year of a period label ('2Q06' -> 2006, 'FY2006' -> 2006).
CREATE OR REPLACE MACRO company_period_fiscal_year(c, p) AS
    (SELECT _fy.fiscal_year FROM raw.periods _fy WHERE _fy.company_id = c AND _fy.period = p);

-- Fiscal year of a date: that of the fiscal year (a `year` period) holding it.
CREATE OR REPLACE MACRO company_date_fiscal_year(c, d) AS
    (SELECT _dfy.fiscal_year FROM raw.periods _dfy
     WHERE _dfy.company_id = c AND _dfy.kind = 'year' AND d BETWEEN _dfy.start_date AND _dfy.end_date);

-- The quarter before a quarter ('1Q06' -> '4Q05'); NULL for halves and years.
CREATE OR REPLACE MACRO company_prev_quarter(c, p) AS (
    SELECT _pq_b.period FROM raw.periods _pq_a JOIN raw.periods _pq_b
      ON _pq_b.company_id = _pq_a.company_id AND _pq_b.kind = 'quarter'
     AND _pq_b.fiscal_year * 4 + _pq_b.seq = _pq_a.fiscal_year * 4 + _pq_a.seq - 1
    WHERE _pq_a.company_id = c AND _pq_a.kind = 'quarter' AND _pq_a.period = p);

-- The same period one fiscal year earlier ('2Q06' -> '2Q05', '1H06' -> '1H05').
CREATE OR REPLACE MACRO company_year_ago(c, p) AS (
    SELECT _ya_b.period FROM raw.periods _ya_a JOIN raw.periods _ya_b
      ON _ya_b.company_id = _ya_a.company_id AND _ya_b.kind = _ya_a.kind AND _ya_b.seq = _ya_a.seq
     AND _ya_b.fiscal_year = _ya_a.fiscal_year - 1
    WHERE _ya_a.company_id = c AND _ya_a.period = p);

-- Growth in percent from base to current.
CREATE OR REPLACE MACRO growth_pct(cur, base) AS (cur / base - 1) * 100;

-- Share of a part in a total, in percent.
CREATE OR REPLACE MACRO share_pct(part, total) AS part / total * 100;

-- Bounds of a ratio part/total in percent when both were rounded to whole units before printing.
CREATE OR REPLACE MACRO ratio_low(part, total) AS (abs(part) - 0.5) / (abs(total) + 0.5) * 100;
CREATE OR REPLACE MACRO ratio_high(part, total) AS (abs(part) + 0.5) / (abs(total) - 0.5) * 100;

-- Numeric value of a printed figure: '14,007' -> 14007, '(238)' -> -238, '18.3%' -> 18.3, and a
-- dash printed for nil ('－', '-', '—', '–', '$—') -> 0.
CREATE OR REPLACE MACRO printed_value(p) AS
    CASE WHEN trim(replace(p, '$', '')) IN ('－', '-', '—', '–', '--') THEN 0
         ELSE (CASE WHEN trim(p) LIKE '(%' OR trim(p) LIKE '-%' THEN -1 ELSE 1 END)
              * TRY_CAST(regexp_replace(p, '[^0-9.]', '', 'g') AS DECIMAL(18,6))
    END;

-- Release text with line breaks folded, so labels that wrap across lines can be found.
CREATE OR REPLACE MACRO folded_text(t) AS
    regexp_replace(regexp_replace(t, '-\s+', '-', 'g'), '\s+', ' ', 'g');
