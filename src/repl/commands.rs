//! The dot-commands, one typed table: name, arguments, help and handler. `.help` prints it and
//! completion offers its names, so no command works that `.help` does not list.

use super::session::{Flow, Session};
use crate::base::sql_string;
use crate::render::Format;
use crate::sql::report;
use anyhow::{bail, Context, Result};

/// What a dot-command's argument completes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Completes {
    Nothing,
    Tables,
    Reports,
}

pub struct DotCommand {
    pub name: &'static str,
    /// Other spellings that run it.
    pub aliases: &'static [&'static str],
    pub args: &'static str,
    pub help: &'static str,
    pub completes: Completes,
    pub run: fn(&mut Session, &[&str]) -> Result<Flow>,
}

pub const DOT_COMMANDS: &[DotCommand] = &[
    DotCommand {
        name: ".tables",
        aliases: &[],
        args: "",
        help: "list tables and views",
        completes: Completes::Nothing,
        run: tables,
    },
    DotCommand {
        name: ".schema",
        aliases: &[],
        args: "[TABLE]",
        help: "show the DDL of a table (all tables without TABLE)",
        completes: Completes::Tables,
        run: schema,
    },
    DotCommand {
        name: ".describe",
        aliases: &[],
        args: "TABLE",
        help: "columns with type and description (meaning and unit)",
        completes: Completes::Tables,
        run: describe,
    },
    DotCommand {
        name: ".reports",
        aliases: &[],
        args: "",
        help: "list the canned reports",
        completes: Completes::Reports,
        run: reports,
    },
    DotCommand {
        name: ".run",
        aliases: &[],
        args: "NAME [key=value ...]",
        help: "run a report with parameters",
        completes: Completes::Reports,
        run: run_report,
    },
    DotCommand {
        name: ".mode",
        aliases: &[".format"],
        args: "box|table|csv|json|ndjson|markdown|line|list|html|latex",
        help: "output format",
        completes: Completes::Nothing,
        run: format,
    },
    DotCommand {
        name: ".timer",
        aliases: &[],
        args: "on|off",
        help: "print the run time of each statement",
        completes: Completes::Nothing,
        run: timer,
    },
    DotCommand {
        name: ".output",
        aliases: &[],
        args: "[FILE]",
        help: "write results to FILE; without FILE back to stdout",
        completes: Completes::Nothing,
        run: output,
    },
    DotCommand {
        name: ".read",
        aliases: &[],
        args: "FILE",
        help: "run the statements and dot-commands in FILE",
        completes: Completes::Nothing,
        run: read,
    },
    DotCommand {
        name: ".headers",
        aliases: &[".header"],
        args: "on|off",
        help: "column names in csv, list, markdown, html and latex output",
        completes: Completes::Nothing,
        run: headers,
    },
    DotCommand {
        name: ".nullvalue",
        aliases: &[],
        args: "TEXT",
        help: "text shown for NULL",
        completes: Completes::Nothing,
        run: nullvalue,
    },
    DotCommand {
        name: ".maxrows",
        aliases: &[],
        args: "N",
        help: "show at most N rows (the first and last), 0 for all",
        completes: Completes::Nothing,
        run: maxrows,
    },
    DotCommand {
        name: ".maxwidth",
        aliases: &[],
        args: "N",
        help: "table width in columns, 0 for the terminal's",
        completes: Completes::Nothing,
        run: maxwidth,
    },
    DotCommand {
        name: ".once",
        aliases: &[],
        args: "FILE",
        help: "write the next result only to FILE",
        completes: Completes::Nothing,
        run: once,
    },
    DotCommand {
        name: ".bail",
        aliases: &[],
        args: "on|off",
        help: "stop at the first failing statement (exit status 1)",
        completes: Completes::Nothing,
        run: bail_on,
    },
    DotCommand {
        name: ".echo",
        aliases: &[],
        args: "on|off",
        help: "print each command before running it",
        completes: Completes::Nothing,
        run: echo,
    },
    DotCommand {
        name: ".help",
        aliases: &[],
        args: "",
        help: "this list",
        completes: Completes::Nothing,
        run: help,
    },
    DotCommand {
        name: ".quit",
        aliases: &[".exit", ".q"],
        args: "",
        help: "leave (also .exit or Ctrl-D)",
        completes: Completes::Nothing,
        run: |_, _| Ok(Flow::Quit),
    },
];

/// The command a word names (its name or an alias).
pub fn find(word: &str) -> Option<&'static DotCommand> {
    DOT_COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word))
}

/// Every spelling completion offers.
pub fn names() -> impl Iterator<Item = &'static str> {
    DOT_COMMANDS
        .iter()
        .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
}

/// Run one dot-command line.
pub fn dispatch(session: &mut Session, line: &str) -> Result<Flow> {
    let mut words = line.split_whitespace();
    let word = words.next().unwrap_or_default();
    let args: Vec<&str> = words.collect();
    match find(word) {
        Some(command) => (command.run)(session, &args),
        None => {
            let near: Vec<&str> = names()
                .filter(|c| c.starts_with(&word[..word.len().min(3)]))
                .collect();
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", near.join(", "))
            };
            bail!("unknown command {word}{hint}; .help lists the commands");
        }
    }
}

fn help(_: &mut Session, _: &[&str]) -> Result<Flow> {
    for c in DOT_COMMANDS {
        let name = if c.args.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.args)
        };
        println!("{name:<36} {}", c.help);
    }
    println!("SQL statements end with ;  Ctrl-C cancels the running query or the input line.");
    Ok(Flow::Continue)
}

fn tables(session: &mut Session, _: &[&str]) -> Result<Flow> {
    println!("{}", session.relations()?.join("  "));
    Ok(Flow::Continue)
}

fn schema(session: &mut Session, args: &[&str]) -> Result<Flow> {
    match args.first() {
        Some(table) => println!("{}", session.ddl(table)?),
        None => {
            let names: Vec<String> = session
                .catalog()?
                .tables
                .iter()
                .map(|t| t.name.clone())
                .collect();
            for name in names {
                println!("{}\n", session.ddl(&name)?);
            }
        }
    }
    Ok(Flow::Continue)
}

fn describe(session: &mut Session, args: &[&str]) -> Result<Flow> {
    let Some(table) = args.first() else {
        bail!("usage: .describe TABLE")
    };
    // A schema table: its columns with the schema's descriptions; a view: DuckDB's description.
    let described = session.catalog()?.table(table).map(|t| {
        let values: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                format!(
                    "({}, {}, {}, {})",
                    sql_string(&c.name),
                    sql_string(&c.sql_type),
                    c.nullable,
                    sql_string(c.comment.as_deref().unwrap_or(""))
                )
            })
            .collect();
        (
            t.comment.clone(),
            format!(
                "SELECT * FROM (VALUES {}) AS t(column_name, type, nullable, description)",
                values.join(", ")
            ),
        )
    });
    match described {
        Some((comment, sql)) => {
            if let Some(c) = comment {
                println!("{table}: {c}");
            }
            session.sql(&sql, &[])?;
        }
        None => session.sql(&format!("DESCRIBE \"{}\"", table.replace('"', "")), &[])?,
    }
    Ok(Flow::Continue)
}

fn reports(session: &mut Session, _: &[&str]) -> Result<Flow> {
    for r in report::all(&session.project)? {
        let params: Vec<String> = report::params(&r)?.iter().map(|p| p.to_string()).collect();
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("  [{}]", params.join("; "))
        };
        println!("{:<24} {}{params}", r.name, r.get("title").unwrap_or(""));
    }
    Ok(Flow::Continue)
}

fn run_report(session: &mut Session, args: &[&str]) -> Result<Flow> {
    let Some(name) = args.first() else {
        bail!("usage: .run NAME [key=value ...]")
    };
    let r = report::find(&session.project, name)?;
    let given: Vec<String> = args[1..].iter().map(|s| s.to_string()).collect();
    // A report written for one company answers for it, as `iijwh query` does, unless the
    // session was opened for a company; the session's vintage is back afterwards.
    let written_for = report::company(&r)
        .filter(|_| session.vintage.company.is_none())
        .filter(|c| session.wh.company_id(c).ok().flatten().is_some());
    if let Some(company) = written_for {
        session.wh.set_vintage(&crate::warehouse::Vintage {
            company: Some(company.to_string()),
            ..session.vintage.clone()
        })?;
    }
    let ran = report::bind(&r, &given, |sql| session.wh.column_values(sql))
        .and_then(|params| session.sql(&r.sql, &params));
    if written_for.is_some() {
        // The session named no company (or the report would not have chosen one).
        session.wh.unset_company()?;
    }
    ran?;
    Ok(Flow::Continue)
}

fn format(session: &mut Session, args: &[&str]) -> Result<Flow> {
    match args.first() {
        Some(f) => session.format = f.parse::<Format>().map_err(anyhow::Error::msg)?,
        None => println!("{:?}", session.format),
    }
    Ok(Flow::Continue)
}

fn timer(session: &mut Session, args: &[&str]) -> Result<Flow> {
    match args.first() {
        Some(&"on") => session.timer = true,
        Some(&"off") => session.timer = false,
        _ => bail!("usage: .timer on|off"),
    }
    Ok(Flow::Continue)
}

fn output(session: &mut Session, args: &[&str]) -> Result<Flow> {
    match args.first() {
        Some(path) => session.output_to(std::path::Path::new(path))?,
        None => session.output_to_stdout(),
    }
    Ok(Flow::Continue)
}

fn read(_: &mut Session, args: &[&str]) -> Result<Flow> {
    let Some(path) = args.first() else {
        bail!("usage: .read FILE")
    };
    let text = crate::base::read_text_bounded(std::path::Path::new(path))?;
    Ok(Flow::Read(text))
}

/// `on` or `off`.
fn switch(args: &[&str], usage: &str) -> Result<bool> {
    match args.first() {
        Some(&"on") => Ok(true),
        Some(&"off") => Ok(false),
        _ => bail!("usage: {usage} on|off"),
    }
}

fn number(args: &[&str], usage: &str) -> Result<usize> {
    args.first()
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("usage: {usage} N"))
}

fn headers(session: &mut Session, args: &[&str]) -> Result<Flow> {
    session.options.headers = switch(args, ".headers")?;
    Ok(Flow::Continue)
}

fn nullvalue(session: &mut Session, args: &[&str]) -> Result<Flow> {
    session.options.null = args.join(" ");
    Ok(Flow::Continue)
}

fn maxrows(session: &mut Session, args: &[&str]) -> Result<Flow> {
    let n = number(args, ".maxrows")?;
    session.options.max_rows = (n > 0).then_some(n);
    Ok(Flow::Continue)
}

fn maxwidth(session: &mut Session, args: &[&str]) -> Result<Flow> {
    let n = number(args, ".maxwidth")?;
    session.options.max_width = (n > 0).then(|| n.min(u16::MAX as usize) as u16);
    Ok(Flow::Continue)
}

fn once(session: &mut Session, args: &[&str]) -> Result<Flow> {
    let Some(path) = args.first() else {
        bail!("usage: .once FILE")
    };
    session.once_to(std::path::Path::new(path))?;
    Ok(Flow::Continue)
}

fn bail_on(session: &mut Session, args: &[&str]) -> Result<Flow> {
    session.bail = switch(args, ".bail")?;
    Ok(Flow::Continue)
}

fn echo(session: &mut Session, args: &[&str]) -> Result<Flow> {
    session.echo = switch(args, ".echo")?;
    Ok(Flow::Continue)
}
