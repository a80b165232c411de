-- Units as releases print them, and what each is in its base unit, so figures printed at different
-- scales (JPY million, JPY 100 million, USD thousand) compare while each keeps its printed scale.
-- The loader fills it from schema/reference/: every ISO 4217 currency (currencies.csv) at every
-- usual scale (scales.csv: `USD`, `USD thousand`, `JPY 100 million` ...) and per share (`USD per
-- share`), the other units (units.csv: %, pp, bp, contracts, Gbps ...) and its counts at every
-- usual scale (`million shares`, `thousand employees`).
CREATE TABLE units (
    unit        VARCHAR NOT NULL PRIMARY KEY,
    dimension   VARCHAR NOT NULL CHECK (regexp_matches(dimension, '^[a-z][a-z_]*$')),
    currency    VARCHAR CHECK (regexp_matches(currency, '^[A-Z]{3}$')),
    base_unit   VARCHAR NOT NULL,
    factor      DECIMAL(24,6) NOT NULL CHECK (factor > 0),
    CHECK ((dimension IN ('currency', 'currency_per_share')) = (currency IS NOT NULL))
);
COMMENT ON TABLE units IS 'Units of printed figures: dimension, currency and factor to the base unit';
COMMENT ON COLUMN units.unit IS 'Unit as printed and stored in the fact tables, e.g. JPY million, USD thousand, %, Gbps';
COMMENT ON COLUMN units.dimension IS 'What the unit measures: currency, currency_per_share, percent, percentage_points, count, bandwidth ...';
COMMENT ON COLUMN units.currency IS 'ISO 4217 currency of a currency or per-share unit; NULL otherwise';
COMMENT ON COLUMN units.base_unit IS 'Unit the factor converts to (the currency itself, bit/s, %)';
COMMENT ON COLUMN units.factor IS 'value in base_unit = value * factor (JPY million: 1000000)';
