//! Reports: the SQL files in queries/, found by name, with their metadata header.

use crate::base::project::Project;
use crate::schema::SqlFile;
use anyhow::{bail, Result};
use std::path::Path;

/// Every report in queries/, sorted by name.
pub fn all(project: &Project) -> Result<Vec<SqlFile>> {
    crate::schema::read_sql_files(&project.queries_dir())
}

/// A report by name (`.sql` optional) in queries/, or any SQL file by path.
pub fn find(project: &Project, name: &str) -> Result<SqlFile> {
    let path = Path::new(name);
    if path.is_file() {
        return SqlFile::read(path);
    }
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    let candidate = project.queries_dir().join(format!("{stem}.sql"));
    if !stem.contains('/') && candidate.is_file() {
        return SqlFile::read(&candidate);
    }
    let names: Vec<String> = all(project)?.into_iter().map(|r| r.name).collect();
    bail!(
        "no report or SQL file named `{name}`; available reports: {}",
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    )
}

/// A report in queries/ by name only, never a file path: for names that come from outside (the web
/// page).
pub fn find_report(project: &Project, name: &str) -> Result<SqlFile> {
    let path = project.queries_dir().join(format!("{name}.sql"));
    if !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && path.is_file()
    {
        return SqlFile::read(&path);
    }
    let names: Vec<String> = all(project)?.into_iter().map(|r| r.name).collect();
    bail!(
        "no report named `{name}`; available reports: {}",
        names.join(", ")
    )
}

/// The company a report is written for (`-- company: ID`, its id): it answers for that company
/// unless `--company` or its own `company` parameter names another, or none of that id is
/// loaded. A report without the header answers for the session's company (the newest
/// release's by default).
pub fn company(report: &SqlFile) -> Option<&str> {
    report
        .get("company")
        .map(str::trim)
        .filter(|c| !c.is_empty())
}

/// A report parameter, declared in the header as `-- param: name TYPE = default -- description`.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub sql_type: String,
    pub default: Option<String>,
    pub description: String,
}

impl std::fmt::Display for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name, self.sql_type)?;
        if let Some(d) = &self.default {
            write!(f, " = {d}")?;
        }
        if !self.description.is_empty() {
            write!(f, " ({})", self.description)?;
        }
        Ok(())
    }
}

pub fn params(report: &SqlFile) -> Result<Vec<Param>> {
    report
        .all("param")
        .map(|spec| {
            let (decl, description) = spec.split_once("--").unwrap_or((spec, ""));
            let (decl, default) = match decl.split_once('=') {
                Some((d, v)) => (d, Some(v.trim().to_string())),
                None => (decl, None),
            };
            let mut words = decl.split_whitespace();
            let (Some(name), Some(sql_type)) = (words.next(), words.next()) else {
                bail!("{}: bad param header `{spec}`; write `-- param: name TYPE = default -- description`", report.path.display());
            };
            Ok(Param {
                name: name.to_string(),
                sql_type: sql_type.to_uppercase(),
                default,
                description: description.trim().to_string(),
            })
        })
        .collect()
}

/// Merge `key=value` arguments with the report's declared parameters and defaults. A report may
/// declare `-- values: NAME = SELECT ...`; `allowed` runs such a query and the value must be in it.
pub fn bind(
    report: &SqlFile,
    given: &[String],
    allowed: impl Fn(&str) -> Result<Vec<String>>,
) -> Result<Vec<(String, String)>> {
    let declared = params(report)?;
    let listing = || {
        if declared.is_empty() {
            "it takes no parameters".to_string()
        } else {
            format!(
                "its parameters: {}",
                declared
                    .iter()
                    .map(Param::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    };
    let mut values: Vec<(String, String)> = Vec::new();
    for arg in given {
        let Some((k, v)) = arg.split_once('=') else {
            bail!(
                "parameter `{arg}` must be key=value; report `{}`: {}",
                report.name,
                listing()
            );
        };
        let Some(p) = declared.iter().find(|p| p.name == k) else {
            bail!(
                "report `{}` has no parameter `{k}`; {}",
                report.name,
                listing()
            );
        };
        check_type(p, v).map_err(|e| anyhow::anyhow!("parameter {k}={v:?}: {e}; {}", listing()))?;
        values.push((k.to_string(), v.to_string()));
    }
    for p in &declared {
        if values.iter().all(|(k, _)| *k != p.name) {
            match &p.default {
                Some(d) => values.push((p.name.clone(), d.clone())),
                None => bail!(
                    "report `{}` needs parameter `{}`; {}",
                    report.name,
                    p.name,
                    listing()
                ),
            }
        }
    }
    for spec in report.all("values") {
        let Some((name, sql)) = spec.split_once('=') else {
            bail!(
                "{}: bad values header `{spec}`; write `-- values: NAME = SELECT ...`",
                report.path.display()
            );
        };
        let name = name.trim();
        if let Some((_, v)) = values.iter().find(|(k, _)| k == name) {
            let ok = allowed(sql.trim())?;
            if !ok.contains(v) {
                bail!(
                    "report `{}`: {name}={v:?} is not one of: {}",
                    report.name,
                    ok.join(", ")
                );
            }
        }
    }
    Ok(values)
}

/// The `-- values: NAME = SELECT ...` query of a parameter, if the report declares one.
pub fn values_query(report: &SqlFile, name: &str) -> Result<Option<String>> {
    for spec in report.all("values") {
        let Some((n, sql)) = spec.split_once('=') else {
            bail!(
                "{}: bad values header `{spec}`; write `-- values: NAME = SELECT ...`",
                report.path.display()
            );
        };
        if n.trim() == name {
            return Ok(Some(sql.trim().to_string()));
        }
    }
    Ok(None)
}

fn check_type(p: &Param, v: &str) -> Result<()> {
    let ok = match p.sql_type.as_str() {
        "INTEGER" | "BIGINT" => v.parse::<i64>().is_ok(),
        "DECIMAL" | "DOUBLE" => v.parse::<f64>().is_ok(),
        "DATE" => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok(),
        _ => true,
    };
    if !ok {
        bail!("not a valid {}", p.sql_type);
    }
    Ok(())
}
