//! Where SQL statements end: quotes, comments and parentheses scanned, so a `;` inside them does
//! not end a statement, and the continuation prompt can say what is still open.

/// What is still open at the end of some SQL text.
#[derive(Debug, PartialEq, Eq)]
pub enum Open {
    Nothing,
    Quote(char),
    BlockComment,
    Parens,
}

/// Scan SQL for quotes, comments and parentheses; returns what is open at the end and whether
/// the text ends with a statement terminator `;` outside of all of them.
pub fn scan(sql: &str) -> (Open, bool) {
    let (open, terminated, _) = scan_with_ends(sql);
    (open, terminated)
}

/// The statements of a script, each with its `;` (text after the last `;` is a statement too).
pub fn split_statements(sql: &str) -> Vec<&str> {
    let (_, _, ends) = scan_with_ends(sql);
    let mut out = Vec::new();
    let mut start = 0;
    for end in ends {
        out.push(&sql[start..end]);
        start = end;
    }
    out.push(&sql[start..]);
    out.into_iter().filter(|s| !is_blank(s)).collect()
}

/// True for text that holds only whitespace and comments.
fn is_blank(sql: &str) -> bool {
    sql.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with("--")
    })
}

/// `scan` plus the byte offsets just after each top-level `;`.
fn scan_with_ends(sql: &str) -> (Open, bool, Vec<usize>) {
    let mut chars = sql
        .char_indices()
        .map(|(i, c)| (i + c.len_utf8(), c))
        .peekable();
    let mut ends = Vec::new();
    let mut depth = 0i32;
    let mut terminated = false;
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                terminated = false;
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == c {
                        if chars.peek().map(|p| p.1) == Some(c) {
                            chars.next(); // doubled quote inside the literal
                        } else {
                            closed = true;
                            break;
                        }
                    }
                }
                if !closed {
                    return (Open::Quote(c), false, ends);
                }
            }
            '-' if chars.peek().map(|p| p.1) == Some('-') => {
                for (_, d) in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek().map(|p| p.1) == Some('*') => {
                chars.next();
                let mut prev = ' ';
                let mut closed = false;
                for (_, d) in chars.by_ref() {
                    if prev == '*' && d == '/' {
                        closed = true;
                        break;
                    }
                    prev = d;
                }
                if !closed {
                    return (Open::BlockComment, false, ends);
                }
            }
            '(' => {
                depth += 1;
                terminated = false;
            }
            ')' => {
                depth -= 1;
                terminated = false;
            }
            ';' if depth <= 0 => {
                terminated = true;
                ends.push(at);
            }
            c if c.is_whitespace() => {}
            _ => terminated = false,
        }
    }
    let open = if depth > 0 {
        Open::Parens
    } else {
        Open::Nothing
    };
    (open, terminated, ends)
}

/// Continuation prompt that shows what the statement still waits for.
pub fn continuation_prompt(buffer: &str) -> &'static str {
    match scan(buffer).0 {
        Open::Quote('\'') => "   '> ",
        Open::Quote(_) => "   \"> ",
        Open::BlockComment => "  /*> ",
        Open::Parens => "   (> ",
        Open::Nothing => "  ...> ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_ends_only_outside_quotes_comments_and_parens() {
        assert_eq!(scan("select 1;"), (Open::Nothing, true));
        assert_eq!(scan("select ';'"), (Open::Nothing, false));
        assert_eq!(scan("select 'it''s"), (Open::Quote('\''), false));
        assert_eq!(scan("select (1;"), (Open::Parens, false));
        assert_eq!(scan("select 1; -- done"), (Open::Nothing, true));
        assert_eq!(scan("select /* ; "), (Open::BlockComment, false));
        assert_eq!(scan("select 1; select"), (Open::Nothing, false));
    }

    #[test]
    fn splits_a_script_into_statements() {
        assert_eq!(
            split_statements("select 'a;b' as s; select 2;\n-- end\n"),
            vec!["select 'a;b' as s;", " select 2;"]
        );
        assert_eq!(split_statements("select 1"), vec!["select 1"]);
    }
}
