//! iijwh: an embedded SQL data warehouse for the figures of a company's results releases.
//!
//! The folders read as the pipeline, and imports point one way, down this list:
//!
//! | folder | what lives there |
//! | --- | --- |
//! | `cmd/` | one thin file per subcommand (main.rs dispatches to them) |
//! | `load/`, `export/`, `repl/`, `web/` | the features: build a generation, write exports, the SQL shell, the web page |
//! | `sql/`, `render/` | reports and data rules (SQL files with headers); output formats |
//! | `warehouse/` | the sealed core: generations, manifest and staleness, the DuckDB session |
//! | `journal/` | the change journal of data/ and schema/ (`iijwh watch`), which lets a staleness check skip its walk |
//! | `release/`, `schema/` | reading data/ into typed batches; the DDL catalog |
//! | `base/` | where things live (project) and helpers with no domain in them |

pub mod base;
pub mod cmd;
pub mod export;
pub mod journal;
pub mod load;
pub mod release;
pub mod render;
pub mod repl;
pub mod schema;
pub mod sql;
pub mod warehouse;
pub mod web;
