//! The SQL files that are the product, above the warehouse core: reports (queries/*.sql, with
//! their header of title, description, parameters and value lists) and data rules
//! (schema/checks/*.sql, run against a warehouse session).
//!
//! Who may call it: load (rules at build time), export, repl and cmd. It imports the warehouse
//! core, schema (the SQL file header) and base.

pub mod report;
pub mod rules;
pub mod scope;
