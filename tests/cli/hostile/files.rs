//! Hostile cases, round two: files.
