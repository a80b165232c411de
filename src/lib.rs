//! iijwh: an embedded SQL data warehouse for the figures of a company's results release.

pub mod cmd;
pub mod exec;
pub mod export;
pub mod helper;
pub mod load;
pub mod parquet_out;
pub mod print_format;
pub mod project;
pub mod release;
pub mod report;
pub mod rules;
pub mod schema;
pub mod sqlfile;
pub mod warehouse;
