//! Reading a release's text, in layers that are tested apart (the steps of `release draft`):
//!
//! - `cells`: a line as a row: its label and its number cells, however the layout spaces them;
//! - `table`: lines as tables: title, scale line, column heads over several lines, rows,
//!   sections, wrapped labels, cells one to a line, transposed PDF summaries (the table model;
//!   no calendar, no concept);
//! - `periods`: column heads as the company's periods, on its own calendar;
//! - `units`: the scale line as each row's unit (amounts, per share, shares);
//! - `proof`: a table's own arithmetic (totals and differences, nested);
//! - `slide`: a results deck's charts as its PDF text prints them (an axis of period labels run
//!   together, each series' numbers run together above it), placed by the chart's own sums.
//!
//! Meaning (which concept a row is) and the rows a draft proposes are `release::draft`'s, the
//! only caller.

pub mod cells;
pub mod periods;
pub mod proof;
pub mod slide;
pub mod table;
pub mod units;
