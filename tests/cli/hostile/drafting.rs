//! Hostile cases, round two: drafting.
