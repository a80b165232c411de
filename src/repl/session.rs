//! One REPL session: the warehouse it reads, the output settings the dot-commands change, and the
//! running count of failures (batch mode's exit status).

use crate::base::project::Project;
use crate::base::sql_string;
use crate::render::shell::{self, Options};
use crate::render::Format;
use crate::schema::{read_sql_files, Catalog};
use crate::warehouse::Warehouse;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub enum Flow {
    Continue,
    Quit,
    /// Run this script's statements and dot-commands next (`.read FILE`).
    Read(String),
}

pub struct Session {
    pub wh: Warehouse,
    pub project: Project,
    /// The schema, read from its DDL on first use (only .schema and .describe need it).
    catalog: std::cell::OnceCell<Catalog>,
    pub format: Format,
    /// `.headers`, `.nullvalue`, `.maxrows`, `.maxwidth`.
    pub options: Options,
    pub timer: bool,
    /// `.bail on`: stop at the first failing statement.
    pub bail: bool,
    /// `.echo on`: print each command before running it.
    pub echo: bool,
    output: Option<std::io::BufWriter<std::fs::File>>,
    /// `.once FILE`: the next result only goes to this file.
    once: Option<std::io::BufWriter<std::fs::File>>,
    /// Statements and dot-commands that failed, for the exit status.
    pub failures: usize,
    /// The vintage the session was opened with; `.run` of a report written for one company
    /// answers for that company unless this one names a company (then restores it).
    pub vintage: crate::warehouse::Vintage,
}

impl Session {
    pub fn new(project: Project, wh: Warehouse) -> Session {
        Session {
            wh,
            project,
            catalog: std::cell::OnceCell::new(),
            format: Format::Table,
            vintage: crate::warehouse::Vintage::default(),
            options: Options::default(),
            timer: false,
            bail: false,
            echo: false,
            output: None,
            once: None,
            failures: 0,
        }
    }

    pub fn catalog(&self) -> Result<&Catalog> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let loaded = Catalog::of(&self.project)?;
        Ok(self.catalog.get_or_init(|| loaded))
    }

    /// Print and count an error; the session goes on, unless `.bail` is on.
    pub fn settle(&mut self, result: Result<Flow>) -> Flow {
        match result {
            Ok(flow) => flow,
            Err(e) => {
                self.failures += 1;
                eprintln!("Error: {}", crate::base::error_message(&e));
                if self.bail {
                    Flow::Quit
                } else {
                    Flow::Continue
                }
            }
        }
    }

    /// Run one statement and print its result where output goes.
    pub fn sql(&mut self, sql: &str, params: &[(String, String)]) -> Result<()> {
        let start = Instant::now();
        let result = self.wh.query(sql, params)?;
        let elapsed = start.elapsed();
        let (format, options) = (self.format, &self.options);
        if let Some(mut file) = self.once.take() {
            shell::print(&result, format, options, &mut file)?;
            file.flush()?;
        } else if let Some(file) = &mut self.output {
            shell::print(&result, format, options, file)?;
            file.flush()?;
        } else {
            shell::print(&result, format, options, &mut std::io::stdout().lock())?;
        }
        if self.timer {
            println!("Run Time: {:.3}s", elapsed.as_secs_f64());
        }
        Ok(())
    }

    /// Results go to `path` (never a file of data/, the warehouse, schema/ or queries/).
    pub fn output_to(&mut self, path: &Path) -> Result<()> {
        let file = self.project.create_output_file(path)?;
        self.output = Some(std::io::BufWriter::new(file));
        Ok(())
    }

    pub fn output_to_stdout(&mut self) {
        self.output = None;
    }

    /// Only the next result goes to `path`.
    pub fn once_to(&mut self, path: &Path) -> Result<()> {
        let file = self.project.create_output_file(path)?;
        self.once = Some(std::io::BufWriter::new(file));
        Ok(())
    }

    /// Tables and views a user can query.
    pub fn relations(&self) -> Result<Vec<String>> {
        self.wh.column_values(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1",
        )
    }

    /// DDL of a table as written in schema/, or DuckDB's definition of a view.
    pub fn ddl(&self, table: &str) -> Result<String> {
        if self.catalog()?.table(table).is_some() {
            for file in read_sql_files(&self.project.schema_dir().join("tables"))? {
                if file.sql.contains(&format!("CREATE TABLE {table} (")) {
                    return Ok(file.sql.trim_end().to_string());
                }
            }
        }
        let sql = self.wh.column_values(&format!(
            "SELECT sql FROM duckdb_views() WHERE view_name = {}",
            sql_string(table)
        ))?;
        sql.into_iter()
            .next()
            .with_context(|| format!("no table or view named {table}"))
    }
}
