-- Outcome of every data rule (schema/checks) on this warehouse generation, written by `load`
-- after the rules ran on it, so check status is queryable like any other table.
CREATE TABLE check_results (
    rule            VARCHAR NOT NULL PRIMARY KEY,
    description     VARCHAR NOT NULL,
    tolerance       VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('pass', 'residual', 'fail')),
    offending_rows  INTEGER NOT NULL CHECK (offending_rows >= 0),
    details         VARCHAR
);
COMMENT ON TABLE check_results IS 'Data rules and their outcome when this warehouse was built';
COMMENT ON COLUMN check_results.rule IS 'Rule name (file name in schema/checks)';
COMMENT ON COLUMN check_results.description IS 'What the rule asserts';
COMMENT ON COLUMN check_results.tolerance IS 'Tolerance as declared by the rule, with its unit';
COMMENT ON COLUMN check_results.status IS 'pass, residual (every offending row explained by the release itself) or fail';
COMMENT ON COLUMN check_results.offending_rows IS 'Number of rows the rule returned';
COMMENT ON COLUMN check_results.details IS 'The offending rows as a JSON array; NULL when the rule passes';
