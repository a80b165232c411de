//! The one integration-test binary (each test binary links DuckDB): tests drive the real CLI.

mod bad_inputs;
mod calendars;
mod charts;
mod check;
mod common;
mod companies;
mod drafts;
mod exact;
mod formats;
mod hostile;
mod html;
mod incremental;
mod interop;
mod layers;
mod load;
mod picking;
mod query;
mod real;
mod repl;
mod reports;
mod safety;
mod shell;
mod spark;
mod universe;
mod vintages;
mod web;
