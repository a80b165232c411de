//! `iijwh serve` on a real port of 127.0.0.1: every route with real values, the CSV/JSON twins,
//! provenance of 14,007, the SQL sandbox, bad requests answered with 4xx while the server keeps
//! serving, a load picked up without a restart, and headless Chromium reading the trend page.

use crate::common::{project_root, Sandbox};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A server on a free port that stops by itself (--exit-after) and is killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(sb: &Sandbox) -> Server {
    serve_with(sb, &["--timeout", "3"], Stdio::null())
}

/// A server with extra flags, its stderr going to `stderr`.
pub fn serve_with(sb: &Sandbox, flags: &[&str], stderr: Stdio) -> Server {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("iijwh"))
        .args(["serve", "--port", "0", "--exit-after", "120"])
        .args(flags)
        .current_dir(project_root())
        .env("IIJWH_DATA", &sb.data)
        .env("IIJWH_WAREHOUSE", sb.warehouse())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    Server { child, addr }
}

/// GET a path; (status, content type, body). Bounded: one request, 30 s at most.
pub fn get(server: &Server, path: &str) -> (u16, String, String) {
    request(
        server,
        &format!("GET {path} HTTP/1.1\r\nHost: {}", server.addr),
        "",
    )
}

/// What a page says, without its style sheet: its error paragraphs, else its first 1,500 bytes
/// after `<body>` (for failure messages).
pub fn said(page: &str) -> String {
    let errors: Vec<&str> = page
        .split("<p class=\"err\">")
        .skip(1)
        .filter_map(|p| p.split("</p>").next())
        .collect();
    if !errors.is_empty() {
        return errors.join(" | ");
    }
    let body = page.split_once("<body").map_or(page, |(_, b)| b);
    body.chars().take(1500).collect()
}

/// POST the SQL form with the server's token, as the page's own form does.
pub fn post_sql(server: &Server, sql: &str) -> (u16, String, String) {
    let body = format!("sql={}&token={}", encode(sql), token(server));
    request(
        server,
        &format!(
            "POST /sql HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\nContent-Type: \
             application/x-www-form-urlencoded\r\nContent-Length: {1}",
            server.addr,
            body.len()
        ),
        &body,
    )
}

/// The form token of the server's SQL page.
pub fn token(server: &Server) -> String {
    let (_, _, page) = get(server, "/sql");
    page.split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no token in {page}"))
        .to_string()
}

/// Percent-encoding for a form or query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Send a request head (its lines, without the final blank line) and body, with
/// `Connection: close`; (status, content type, body).
pub fn request(server: &Server, head: &str, body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "{head}\r\nConnection: close\r\n\r\n{body}").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_string)
        })
        .unwrap_or_default();
    // Chunked bodies: strip the chunk sizes (bodies here are text).
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        out
    } else {
        body.to_string()
    };
    (status, content_type, body)
}

#[test]
fn every_route_answers_with_real_values() {
    let sb = Sandbox::with_data_copy();
    sb.ok(&["load"]);
    let server = serve(&sb);
    let (status, ctype, body) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"));
    assert!(body.contains("trend_revenue") && body.contains("Quarterly revenue trend"));
    assert!(body.contains("iij-2q06") && body.contains("source_audit"));

    let (status, _, page) = get(&server, "/reports/trend_revenue");
    assert_eq!(status, 200);
    assert!(
        page.contains("<svg") && page.contains("14,007"),
        "chart and table"
    );
    assert!(
        page.contains("/figures?value=14007.0&amp;period=2Q06"),
        "14,007 links to its provenance"
    );
    assert!(page.contains("href=\"/reports/trend_revenue.csv\""));

    // Parameters: the form's dropdown is filled from the values: query; the twins keep them.
    let (status, _, page) = get(&server, "/reports/growth?line=connectivity&from=1Q05");
    assert_eq!(status, 200);
    assert!(
        page.contains("<option value=\"connectivity\" selected>"),
        "selected option"
    );
    assert!(
        page.contains("growth.csv?from=1Q05&amp;line=connectivity"),
        "twin links"
    );
    let (status, ctype, csv) = get(&server, "/reports/growth.csv?line=connectivity&from=1Q05");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/csv"));
    let rows = crate::common::parse_csv(&csv);
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[5]["quarter"], "2Q06");
    assert_eq!(rows[5]["amount"], "3293.0");
    let (status, ctype, json) = get(&server, "/reports/trend_revenue.json");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("application/json"));
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed[9]["total_revenues"].to_string(), "14007.0");

    // Provenance of 14,007: section, label and the release text's line, highlighted.
    let (status, _, page) = get(&server, "/figures?value=14007.0&period=2Q06");
    assert_eq!(status, 200);
    assert!(page.contains("Trend of Quarterly Revenues") && page.contains("Total Revenues"));
    assert!(
        page.contains("<mark>14,007</mark>"),
        "the printed form highlighted"
    );
    // The trend slide's 14,007 is placed by reconciliation with its lines, as stored.
    assert!(page.contains("<td>reconciled</td>"), "placement");

    // SQL: a query, the sandbox, DuckDB's error, the row cap.
    let (status, _, page) = post_sql(
        &server,
        "SELECT value FROM figures WHERE printed = '14,007' LIMIT 1",
    );
    assert_eq!(status, 200);
    assert!(page.contains("14,007"), "{page}");
    let (status, _, page) = post_sql(&server, "SELECT * FROM read_csv('/etc/passwd')");
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("Permission Error") || page.contains("disabled"),
        "{page}"
    );
    let (status, _, page) = post_sql(&server, "COPY figures TO '/tmp/x.csv'");
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("queries only"), "{page}");
    let (status, _, page) = post_sql(&server, "SELEC 1");
    assert_eq!(status, 400);
    assert!(page.contains("syntax error"), "{page}");
    let (status, _, page) = post_sql(&server, "SELECT * FROM range(5000)");
    assert_eq!(status, 200);
    assert!(page.contains("More than 1000 rows"), "row cap");
    // A link with the page's token runs (the report pages' SQL links carry it).
    let (status, _, page) = get(
        &server,
        &format!(
            "/sql?sql=SELECT%2042%20AS%20answer&token={}",
            token(&server)
        ),
    );
    assert_eq!(status, 200);
    assert!(page.contains("<td class=\"num\">42</td>"), "{page}");
    let (status, _, _) = get(&server, "/sql");
    assert_eq!(status, 200);

    let (status, _, page) = get(&server, "/checks");
    assert_eq!(status, 200);
    assert!(page.contains("unexplained_changes") && page.contains("parts_sum_to_totals"));

    // Bad requests: 4xx with the CLI's message, and the server goes on.
    let (status, _, page) = get(&server, "/reports/nosuch");
    assert_eq!(status, 404);
    assert!(page.contains("no report named `nosuch`"));
    let (status, _, page) = get(&server, "/reports/growth?line=nosuch");
    assert_eq!(status, 400);
    assert!(
        page.contains("line=&quot;nosuch&quot; is not one of"),
        "{page}"
    );
    let (status, _, page) = get(&server, "/reports/..%2F..%2Fetc%2Fpasswd");
    assert_eq!(status, 404, "{page}");
    let (status, _, _) = get(&server, "/no/such/page");
    assert_eq!(status, 404);
    let (status, _, page) = get(&server, "/figures?value=%3Cscript%3E");
    assert_eq!(status, 400);
    assert!(!page.contains("<script>"), "escaped");
    let (status, _, _) = get(&server, "/");
    assert_eq!(status, 200, "still serving");

    // A load while it runs is picked up by the next request, without a restart.
    sb.edit(
        "kpis.csv",
        "2Q06,dedicated_access_contracts,level,16112,",
        "2Q06,dedicated_access_contracts,level,16113,",
    );
    sb.ok(&["load"]);
    let (_, _, csv) = get(&server, "/reports/connectivity_kpis.csv");
    let rows = crate::common::parse_csv(&csv);
    assert_eq!(rows[9]["dedicated_access_contracts"], "16113.0");
}

/// Headless Chromium opens the pages: the trend page's DOM has the table's 14,007 and an <svg>
/// chart, the provenance page of 2Q06 total revenues shows `14,007` and `JPY million`; a
/// screenshot of the index, a report, the provenance and the SQL page is written under the target
/// dir (`screenshots/`) for people to look at.
#[test]
fn a_browser_shows_the_trend_page() {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        return crate::common::skip_unless_ci(
            "chromium is missing for the browser test (.ci/run installs Debian's chromium)",
        );
    };
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let server = serve(&sb);
    let profile = sb.dir.path().join("chromium-profile");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    let run = |path: &str, extra: &[&str]| {
        let mut cmd = Command::new(chromium);
        cmd.args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("http://{}{path}", server.addr))
            .stderr(Stdio::null());
        cmd.output().unwrap()
    };
    let dom = run("/reports/trend_revenue", &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("14,007"), "{dom}");
    assert!(dom.contains("<svg"), "chart in the DOM");
    let provenance = "/figures?value=14007.0&period=2Q06";
    let dom = run(provenance, &["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("14,007 JPY million") && !dom.contains("14007.0</td>"),
        "provenance prints the figure as the tables do: {dom}"
    );
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| project_root().join("target"));
    let sql = format!(
        "/sql?sql=SELECT%20period%2C%20line%2C%20value%20FROM%20revenue_lines%20WHERE%20measure%20%3D%20%27amount%27%20LIMIT%2040&token={}",
        token(&server)
    );
    for (name, path) in [
        ("index", "/"),
        ("trend_revenue", "/reports/trend_revenue"),
        ("provenance", provenance),
        ("sql", sql.as_str()),
        ("company", "/companies/iij"),
        ("checks", "/checks"),
    ] {
        let shot = target.join("screenshots").join(format!("{name}.png"));
        std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&shot);
        run(
            path,
            &[
                &format!("--screenshot={}", shot.display()),
                "--window-size=1280,1400",
            ],
        );
        let bytes = std::fs::read(&shot).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        assert!(
            bytes.len() > 20_000,
            "{name}: a real page, not a blank one: {} bytes",
            bytes.len()
        );
    }
}

/// Two companies in one warehouse (IIJ, and NVIDIA's real 1Q25 release added beside it): the
/// index lists both, IIJ's report still shows IIJ's 14,007 with a picker offering both, the
/// picker's `?company=` answers for the other, each company has its page (record, calendar in
/// words, releases, statements linked to provenance), and the checks are coloured by outcome.
#[test]
fn many_companies_one_clear_picture() {
    let sb = Sandbox::with_nvidia();
    sb.ok(&["load"]);
    let server = serve(&sb);
    let (status, _, index) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(
        index.contains("href=\"/companies/iij\">Internet Initiative Japan Inc.</a>")
            && index.contains("href=\"/companies/nvidia\">NVIDIA Corporation</a>"),
        "{}",
        said(&index)
    );

    // Ad-hoc SQL over the per-company views says which company answered, and an empty answer
    // names the companies with rows.
    let (status, _, page) = post_sql(&server, "SELECT count(*) AS n FROM income_items");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(
        page.contains("Answered for company nvidia (NVIDIA Corporation), the newest release&#39;s")
            || page
                .contains("Answered for company nvidia (NVIDIA Corporation), the newest release's"),
        "{}",
        said(&page)
    );
    let (_, _, page) = post_sql(&server, "SELECT * FROM income_items WHERE period = '2Q06'");
    assert!(
        page.contains("No rows for nvidia; companies with rows in income_items: iij (Internet Initiative Japan Inc.), nvidia (NVIDIA Corporation)."),
        "{}",
        said(&page)
    );

    // The IIJ report (`-- company: iij`) answers for IIJ though NVIDIA's release is the newest.
    let (status, _, page) = get(&server, "/reports/trend_revenue");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(page.contains(">14,007<"), "IIJ's 2Q06 total revenues");
    assert!(
        page.contains("/figures?value=14007.0&amp;period=2Q06&amp;company=iij"),
        "14,007 links to IIJ's provenance"
    );
    assert!(
        page.contains("<option value=\"iij\" selected>Internet Initiative Japan Inc. (iij)")
            && page.contains("<option value=\"nvidia\">NVIDIA Corporation (nvidia)"),
        "the picker offers both, IIJ selected"
    );
    assert!(page.contains("Quarterly revenue trend — Internet Initiative Japan Inc."));
    let (status, _, page) = get(&server, "/figures?value=14007.0&period=2Q06&company=iij");
    assert_eq!(status, 200);
    assert!(page.contains("<mark>14,007</mark>"), "{}", said(&page));

    // Picked: the same report for NVIDIA (it has no IIJ revenue lines), its twins keep the pick.
    let (status, _, page) = get(&server, "/reports/trend_revenue?company=nvidia");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(page.contains("<option value=\"nvidia\" selected>"));
    assert!(!page.contains(">14,007<"));
    assert!(page.contains("trend_revenue.csv?company=nvidia"));
    let (_, _, csv) = get(&server, "/reports/trend_revenue.csv?company=iij");
    assert!(csv.contains("2Q06,3293.0,"), "{csv}");
    let (status, _, page) = get(&server, "/reports/trend_revenue?company=nosuch");
    assert_eq!(status, 400);
    assert!(page.contains("no company `nosuch`"), "{}", said(&page));

    // Numbers on the page as readers expect them: a ratio computed in SQL at its printed
    // precision, a fiscal year not grouped.
    let (status, _, page) = post_sql(
        &server,
        "SELECT 78.35201965903855::DOUBLE AS share_pct, fiscal_year FROM periods WHERE period = '1Q25'",
    );
    assert_eq!(status, 200, "{}", said(&page));
    assert!(
        page.contains(">78.4%<") && page.contains(">2025<") && !page.contains("2,025"),
        "{}",
        said(&page)
    );

    // The company pages.
    let (status, _, page) = get(&server, "/companies/iij");
    assert_eq!(status, 200, "{}", said(&page));
    for expected in [
        "Internet Initiative Japan Inc.",
        "The fiscal year starts in April and ends at the end of March",
        "JPY million",
        "IIJI",
        "0001090633",
        "iij-2q06",
        "Income statement",
        "Balance sheet",
    ] {
        assert!(page.contains(expected), "{expected}: {}", said(&page));
    }
    assert!(
        page.contains("href=\"/figures?value=14007.0&amp;period=2Q06&amp;company=iij\">14,007</a>"),
        "2Q06 total revenues in the grid, linked"
    );
    let (status, _, page) = get(&server, "/companies/nvidia");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(page.contains("ends on the last Sunday of January") && page.contains("USD million"));
    assert!(page.contains("nvidia-1q25"));
    assert!(
        page.contains(
            "href=\"/figures?value=26044.0&amp;period=1Q25&amp;company=nvidia\">26,044</a>"
        ),
        "NVIDIA's 1Q25 revenue, linked"
    );
    // The checks as they concern NVIDIA: the residual totals are all IIJ's, so the rule passes
    // for NVIDIA; on IIJ's page it stays residual with its 9 rows.
    assert!(
        page.contains("<tr class=\"pass\"><td><code>parts_sum_to_totals</code>"),
        "{}",
        said(&page)
    );
    let (_, _, iij) = get(&server, "/companies/iij");
    assert!(iij.contains(
        "<tr class=\"residual\"><td><code>parts_sum_to_totals</code></td><td class=\"status-residual\">residual</td><td class=\"num\">9</td>"
    ));
    let (_, _, provenance) = get(&server, "/figures?value=26044.0&period=1Q25&company=nvidia");
    assert!(
        provenance.contains("26,044 USD million"),
        "{}",
        said(&provenance)
    );
    let (status, _, _) = get(&server, "/companies/nosuch");
    assert_eq!(status, 404);

    // Checks: the residual rule's row amber, the passing ones plain, none hidden in a scroll box.
    let (_, _, page) = get(&server, "/checks");
    assert!(page.contains("<tr class=\"residual\"><td><code>parts_sum_to_totals</code>"));
    assert!(page.contains("<tr class=\"pass\"><td><code>source_audit</code>"));
    assert!(page.contains("class=\"scroll full\""));
    let (_, _, page) = get(&server, "/reports/trend_revenue");
    assert!(
        page.contains("value_<wbr>added_<wbr>and_<wbr>other"),
        "headers may break"
    );

    // A failing rule's row is red, and the summary says so (a load picked up without restart).
    sb.edit(
        "revenue_lines.csv",
        "2Q06,dedicated_access,amount,level,2687,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
        "2Q06,dedicated_access,amount,level,2688,JPY million,Results by Service – Connectivity and Value-added Services,Dedicated Access Services,\"2,687\"",
    );
    sb.ok(&["load"]);
    let (_, _, page) = get(&server, "/checks");
    assert!(
        page.contains("<tr class=\"fail\"><td><code>source_audit</code>"),
        "{}",
        said(&page)
    );
    assert!(page.contains("<span class=\"status-fail\">1 fail</span>"));
}

/// Provenance marks the printed form where it stands as a number of its own: 2Q06 total revenues
/// (14,007) marked on the lines that print it, the slide's run-together chart digits shown split
/// into their numbers, never as printing the figure whole. The SQL link of a report opens the
/// SQL page on the statement, its header comments left out.
#[test]
fn provenance_marks_the_printed_token_and_the_sql_page_opens_on_the_statement() {
    let sb = Sandbox::new();
    sb.ok(&["load"]);
    let server = serve(&sb);
    let digit_beside_a_mark = |page: &str| {
        page.match_indices("<mark>").any(|(i, _)| {
            page[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
        }) || page.match_indices("</mark>").any(|(i, m)| {
            page[i + m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    let (status, _, page) = get(&server, "/figures?value=14007.0&period=2Q06");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(page.contains("<mark>14,007</mark>"), "{}", said(&page));
    assert!(!digit_beside_a_mark(&page), "a mark glued to digits");
    assert!(
        !page.contains("14,00711,929"),
        "the chart's run-together line is shown split"
    );
    assert!(
        page.contains("<mark>14,007</mark><span class=\"sep\""),
        "the run split after 14,007"
    );
    // The line naming the row, nearest its section's slide, comes first: the slide's
    // `Total / Revenues 14,007` (the label across a line break), not the chart digits.
    let first_marked = page
        .split("<pre class=\"src\">")
        .nth(1)
        .and_then(|p| p.lines().find(|l| l.contains("<mark>")))
        .unwrap_or_default()
        .to_string();
    assert!(
        first_marked.contains("Revenues <mark>14,007</mark>") && !first_marked.contains("sep"),
        "{first_marked}"
    );
    // 3,293 (2Q06 connectivity) printed only in a run of chart digits: split, never whole.
    let (status, _, page) = get(&server, "/figures?value=3293.0&period=2Q06");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(!page.contains("3,2933,248"), "run shown whole");
    assert!(!digit_beside_a_mark(&page), "a mark glued to digits");

    // The report's SQL link: the text box starts with the statement, not the header comments.
    let (status, _, page) = get(&server, "/reports/margins");
    assert_eq!(status, 200);
    let link = page
        .split("href=\"/sql?sql=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("a SQL link");
    let (status, _, page) = get(&server, &format!("/sql?sql={link}"));
    assert_eq!(status, 200, "{}", said(&page));
    let text = page
        .split("<textarea name=\"sql\"")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .map(|(_, t)| t)
        .expect("a textarea");
    assert!(
        text.starts_with("WITH") || text.starts_with("SELECT"),
        "{}",
        &text[..text.len().min(200)]
    );
    assert!(!text.contains("-- title:"), "header left out");
}

/// The figures of a page of several companies link to their provenance, whichever company they
/// are of: IIJ beside NVIDIA on the peer page, each cell to its company's line of its release
/// (NVIDIA's `$26,044`, IIJ's `14,007`); the provenance page names its company and picks another
/// as the other one-company pages do, and where a company prints no such figure it names the
/// companies that do; concept_trend's chart says which concept in its legend and title.
#[test]
fn every_company_figure_leads_to_its_line() {
    let sb = Sandbox::with_nvidia();
    sb.ok(&["load"]);
    let server = serve(&sb);
    let (status, _, page) = get(&server, "/reports/peer_comparison");
    assert_eq!(status, 200, "{}", said(&page));
    let table = page
        .split("<tbody>")
        .nth(1)
        .and_then(|t| t.split("</tbody>").next())
        .expect("the peer table")
        .to_string();
    for (company, linked) in [
        (
            "nvidia",
            "href=\"/figures?value=26044.0&amp;period=1Q25&amp;company=nvidia\">26,044</a>",
        ),
        (
            "nvidia",
            "href=\"/figures?value=14881.0&amp;period=1Q25&amp;company=nvidia\">14,881</a>",
        ),
        (
            "iij",
            "href=\"/figures?value=14007.0&amp;period=2Q06&amp;company=iij\">14,007</a>",
        ),
        (
            "iij",
            "href=\"/figures?value=811.0&amp;period=2Q06&amp;company=iij\">811</a>",
        ),
    ] {
        assert!(table.contains(linked), "{company}: {linked} in {table}");
    }
    // A base-currency amount is no printed figure: not linked.
    assert!(
        table.contains("<td class=\"num\">26,044,000,000</td>"),
        "{table}"
    );

    // A `company` column naming no loaded company (group_structure's subsidiaries) is of the
    // page's company: IIJ's ownership percentages link to IIJ's lines.
    let (_, _, page) = get(&server, "/reports/group_structure");
    assert!(
        page.contains("href=\"/figures?value=72.1&amp;company=iij\">72.1%</a>"),
        "{}",
        said(&page)
    );

    // Every link of the table leads to a page that shows the figure, of the row's company.
    let links: Vec<String> = table
        .split("href=\"")
        .skip(1)
        .filter_map(|l| l.split('"').next())
        .map(|l| l.replace("&amp;", "&"))
        .collect();
    assert!(links.len() >= 6, "{links:?}");
    for link in &links {
        let (status, _, page) = get(&server, link);
        assert_eq!(status, 200, "{link}: {}", said(&page));
        assert!(
            !page.contains(">0 printed occurrence"),
            "{link}: {}",
            said(&page)
        );
    }
    let (_, _, page) = get(&server, "/figures?value=26044.0&period=1Q25&company=nvidia");
    assert!(
        page.contains("Revenue</span>   <mark>$26,044</mark>"),
        "NVIDIA's line: {}",
        said(&page)
    );
    assert!(
        page.contains("in the vintage of <a href=\"/companies/nvidia\">NVIDIA Corporation</a>"),
        "{}",
        said(&page)
    );
    // Its company picker, as on a report: NVIDIA selected, the figure kept.
    assert!(
        page.contains("<form class=\"picker\" method=\"get\" action=\"/figures\">")
            && page.contains("<option value=\"nvidia\" selected>NVIDIA Corporation (nvidia)")
            && page.contains("<input type=\"hidden\" name=\"value\" value=\"26044.0\">")
            && page.contains("<input type=\"hidden\" name=\"period\" value=\"1Q25\">"),
        "{}",
        said(&page)
    );
    let (_, _, page) = get(&server, "/figures?value=14007.0&period=2Q06&company=iij");
    assert!(page.contains("<mark>14,007</mark>"), "{}", said(&page));
    assert!(page.contains("<option value=\"iij\" selected>"));
    // Picked IIJ for NVIDIA's figure: none of IIJ's, and which company prints it.
    let (status, _, page) = get(&server, "/figures?value=26044.0&period=1Q25&company=iij");
    assert_eq!(status, 200, "{}", said(&page));
    assert!(
        page.contains(">0 printed occurrence(s) of value 26,044 for 1Q25")
            && page.contains(
                "<a href=\"/figures?value=26044.0&amp;period=1Q25&amp;company=nvidia\">NVIDIA Corporation</a>"
            ),
        "{}",
        said(&page)
    );
    let (status, _, page) = get(&server, "/figures?value=26044.0&company=nosuch");
    assert_eq!(status, 400);
    assert!(page.contains("no company `nosuch`"), "{}", said(&page));

    // concept_trend: the legend is the concept (not `value`), the title concept and company.
    let (status, _, page) = get(
        &server,
        "/reports/concept_trend?company=nvidia&concept=operating_income&kind=quarter",
    );
    assert_eq!(status, 200, "{}", said(&page));
    let svg = page.split("<svg").nth(1).expect("a chart");
    assert!(
        svg.contains("Trend of a concept: operating_income — NVIDIA Corporation")
            && svg.contains(">\noperating_income\n</text>")
            && !svg.contains(">\nvalue\n</text>"),
        "{svg}"
    );
}
