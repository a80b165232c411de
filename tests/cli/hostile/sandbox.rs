//! Hostile cases, round two: sandbox.
