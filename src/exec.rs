//! Executing REPL input: SQL statements and dot-commands against one warehouse session. Used by
//! the interactive loop, batch mode (stdin not a terminal) and `.read`.

use crate::helper::{scan, split_statements, DOT_COMMANDS};
use crate::print_format::{print, Format};
use crate::project::Project;
use crate::report;
use crate::schema::Catalog;
use crate::warehouse::Warehouse;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::time::Instant;

pub enum Flow {
    Continue,
    Quit,
}

pub struct Session {
    pub wh: Warehouse,
    pub project: Project,
    /// The schema, read from its DDL on first use (only .schema and .describe need it).
    catalog: std::cell::OnceCell<Catalog>,
    pub format: Format,
    pub timer: bool,
    output: Option<(String, std::io::BufWriter<std::fs::File>)>,
    /// Statements and dot-commands that failed, for the exit status.
    pub failures: usize,
}

impl Session {
    pub fn new(project: Project, wh: Warehouse) -> Result<Session> {
        Ok(Session {
            wh,
            project,
            catalog: std::cell::OnceCell::new(),
            format: Format::Table,
            timer: false,
            output: None,
            failures: 0,
        })
    }

    fn catalog(&self) -> Result<&Catalog> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let loaded = self.project.catalog()?;
        Ok(self.catalog.get_or_init(|| loaded))
    }

    /// Run one complete input: a dot-command line or SQL text; errors are printed and counted.
    pub fn run(&mut self, input: &str) -> Flow {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Flow::Continue;
        }
        if trimmed.starts_with('.') {
            let result = self.dot(trimmed);
            return self.settle(result);
        }
        // Each statement prints its own result, like the DuckDB shell.
        for stmt in split_statements(trimmed) {
            let result = self.sql(stmt, &[]).map(|_| Flow::Continue);
            self.settle(result);
        }
        Flow::Continue
    }

    /// Print and count an error; the session goes on.
    fn settle(&mut self, result: Result<Flow>) -> Flow {
        match result {
            Ok(flow) => flow,
            Err(e) => {
                self.failures += 1;
                eprintln!("Error: {}", crate::cmd::message(&e));
                Flow::Continue
            }
        }
    }

    /// Run a script: lines starting with `.` (between statements) are dot-commands; SQL runs
    /// statement by statement as each one ends with `;` (and whatever is left at the end).
    pub fn run_script(&mut self, text: &str) -> Flow {
        let mut buffer = String::new();
        for line in text.lines() {
            if buffer.trim().is_empty() && line.trim_start().starts_with('.') {
                if let Flow::Quit = self.run(line) {
                    return Flow::Quit;
                }
                continue;
            }
            buffer.push_str(line);
            buffer.push('\n');
            if scan(&buffer).1 {
                let stmt = std::mem::take(&mut buffer);
                if let Flow::Quit = self.run(&stmt) {
                    return Flow::Quit;
                }
            }
        }
        self.run(&buffer)
    }

    fn sql(&mut self, sql: &str, params: &[(String, String)]) -> Result<()> {
        let start = Instant::now();
        let result = self.wh.query(sql, params)?;
        let elapsed = start.elapsed();
        let format = self.format;
        match &mut self.output {
            Some((_, file)) => {
                print(&result, format, file)?;
                file.flush()?;
            }
            None => print(&result, format, &mut std::io::stdout().lock())?,
        }
        if self.timer {
            println!("Run Time: {:.3}s", elapsed.as_secs_f64());
        }
        Ok(())
    }

    fn dot(&mut self, line: &str) -> Result<Flow> {
        let mut words = line.split_whitespace();
        let command = words.next().unwrap_or_default();
        let args: Vec<&str> = words.collect();
        match command {
            ".quit" | ".exit" | ".q" => return Ok(Flow::Quit),
            ".help" => {
                for (c, help) in DOT_COMMANDS {
                    println!("{c:<10} {help}");
                }
                println!("SQL statements end with ;  Ctrl-C cancels the running query or the input line.");
            }
            ".tables" => {
                let names = self.wh.column_values(
                    "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1",
                )?;
                println!("{}", names.join("  "));
            }
            ".schema" => match args.first() {
                Some(table) => println!("{}", self.ddl(table)?),
                None => {
                    for t in &self.catalog()?.tables {
                        println!("{}\n", self.ddl(&t.name)?);
                    }
                }
            },
            ".describe" => {
                let Some(table) = args.first() else {
                    bail!("usage: .describe TABLE")
                };
                self.describe(table)?;
            }
            ".reports" => {
                for r in report::all(&self.project)? {
                    let params: Vec<String> =
                        report::params(&r)?.iter().map(|p| p.to_string()).collect();
                    let params = if params.is_empty() {
                        String::new()
                    } else {
                        format!("  [{}]", params.join("; "))
                    };
                    println!("{:<24} {}{params}", r.name, r.get("title").unwrap_or(""));
                }
            }
            ".run" => {
                let Some(name) = args.first() else {
                    bail!("usage: .run NAME [key=value ...]")
                };
                let r = report::find(&self.project, name)?;
                let given: Vec<String> = args[1..].iter().map(|s| s.to_string()).collect();
                let params = report::bind(&r, &given, |sql| self.wh.column_values(sql))?;
                self.sql(&r.sql, &params)?;
            }
            ".format" | ".mode" => match args.first() {
                Some(f) => self.format = f.parse().map_err(anyhow::Error::msg)?,
                None => println!("{:?}", self.format),
            },
            ".timer" => match args.first() {
                Some(&"on") => self.timer = true,
                Some(&"off") => self.timer = false,
                _ => bail!("usage: .timer on|off"),
            },
            ".output" => match args.first() {
                Some(path) => {
                    self.project.guard_output_file(std::path::Path::new(path))?;
                    let file =
                        std::fs::File::create(path).with_context(|| format!("creating {path}"))?;
                    self.output = Some((path.to_string(), std::io::BufWriter::new(file)));
                }
                None => self.output = None,
            },
            ".read" => {
                let Some(path) = args.first() else {
                    bail!("usage: .read FILE")
                };
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
                return Ok(self.run_script(&text));
            }
            other => {
                let near: Vec<&str> = DOT_COMMANDS
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| c.starts_with(&other[..other.len().min(3)]))
                    .collect();
                let hint = if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", near.join(", "))
                };
                bail!("unknown command {other}{hint}; .help lists the commands");
            }
        }
        Ok(Flow::Continue)
    }

    /// DDL of a table as written in schema/, or DuckDB's definition of a view.
    fn ddl(&self, table: &str) -> Result<String> {
        if self.catalog()?.table(table).is_some() {
            for file in crate::schema::read_sql_files(&self.project.schema_dir().join("tables"))? {
                if file.sql.contains(&format!("CREATE TABLE {table} (")) {
                    return Ok(file.sql.trim_end().to_string());
                }
            }
        }
        let sql = self.wh.column_values(&format!(
            "SELECT sql FROM duckdb_views() WHERE view_name = {}",
            crate::warehouse::sql_string(table)
        ))?;
        sql.into_iter()
            .next()
            .with_context(|| format!("no table or view named {table}"))
    }

    fn describe(&mut self, table: &str) -> Result<()> {
        let Some(t) = self.catalog()?.table(table) else {
            // Views and macros-defined objects: DuckDB's own description.
            return self.sql(&format!("DESCRIBE \"{}\"", table.replace('"', "")), &[]);
        };
        let values: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                format!(
                    "({}, {}, {}, {})",
                    crate::warehouse::sql_string(&c.name),
                    crate::warehouse::sql_string(&c.sql_type),
                    c.nullable,
                    crate::warehouse::sql_string(c.comment.as_deref().unwrap_or(""))
                )
            })
            .collect();
        let sql = format!(
            "SELECT * FROM (VALUES {}) AS t(column_name, type, nullable, description)",
            values.join(", ")
        );
        if let Some(c) = &t.comment {
            println!("{table}: {c}");
        }
        self.sql(&sql, &[])
    }
}
