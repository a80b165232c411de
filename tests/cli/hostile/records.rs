//! Hostile cases, round two: records.
