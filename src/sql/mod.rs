//! The SQL files that are the product, above the warehouse core: reports (queries/*.sql, with
//! their header of title, description, parameters and value lists) and data rules
//! (schema/checks/*.sql, run against a warehouse session); and which statements read one
//! company's figures alone (`scope`, for the check of data/ a statement waits for).
//!
//! Who may call it: load (rules at build time), export, repl and cmd. It imports the warehouse
//! core, schema (the SQL file header) and base.

pub mod report;
pub mod rules;
pub mod scope;
