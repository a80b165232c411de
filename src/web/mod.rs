//! The read-only web page (`iijwh serve`): reports as pages with a parameter form and a company
//! picker, their chart (inline SVG) and table, `.csv`/`.json` twins of every report, a page per
//! company (record, releases, statements, checks), provenance pages that lead a figure back to
//! the lines of the release text that print it, ad-hoc SQL, and the data rules.
//! Server-rendered HTML (maud), no script, no file fetched from anywhere: it works offline. Every
//! request opens the live generation afresh, so a `load` is picked up without a restart.
//!
//! Nothing here writes, and any web page the user visits may send requests here, so:
//! - every session is sandboxed (no file read or written, see `Warehouse::sandbox`) and capped in
//!   memory; at most `Limits::concurrent` requests hold a warehouse or a worker at once;
//! - someone else's SQL and a release's draft run in a worker process (`worker`): capped in
//!   address space, killed at the time limit or when the client leaves, so no one value, no
//!   slow function and no abort inside DuckDB can hold or stop the server;
//! - ad-hoc SQL is one query, wrapped in a row cap that no comment or second statement escapes
//!   (DuckDB's parser counts the statements of the wrapped text), interrupted at the time limit
//!   or when its client leaves, and refused when its result outgrows the byte cap; it runs only
//!   with the server's form token (a POST from its own form, or a link it printed), so a link
//!   or form on another site cannot make it run;
//! - a request whose Host is not this server's (DNS rebinding) or a POST from another origin is
//!   refused; every answer forbids framing, sniffing, scripts and referrers.
//!
//! Who may call it: cmd (serve). It imports sql, render, warehouse, schema and base.

mod pages;
mod printed;
mod worker;

pub use worker::child as worker_child;

use crate::base::project::Project;
use crate::warehouse::Warehouse;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Limits that keep a bad request from holding the server.
#[derive(Clone, Copy)]
pub struct Limits {
    /// Rows an ad-hoc statement may return on the page.
    pub max_rows: usize,
    /// Wall time a statement may run before it is interrupted.
    pub timeout: Duration,
    /// Bytes of result an ad-hoc statement may hand to the page (Arrow memory).
    pub max_bytes: usize,
    /// Memory DuckDB may use for one request, in MiB.
    pub memory_mib: u64,
    /// Requests that may hold a warehouse session at once; the others wait (then 503).
    pub concurrent: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_rows: 1000,
            timeout: Duration::from_secs(10),
            max_bytes: 16 << 20,
            memory_mib: 1024,
            concurrent: 4,
        }
    }
}

/// Which Host headers name this server: its port on the loopback names and on the address it
/// was bound to. Anything else is another site's name resolving here (DNS rebinding).
#[derive(Clone)]
pub struct Access {
    hosts: Vec<String>,
}

impl Access {
    pub fn new(bound: &str, port: u16) -> Access {
        let mut names = vec![
            "127.0.0.1".to_string(),
            "localhost".to_string(),
            "[::1]".to_string(),
        ];
        let bound = if bound.contains(':') && !bound.starts_with('[') {
            format!("[{bound}]")
        } else {
            bound.to_string()
        };
        if !names.contains(&bound) {
            names.push(bound);
        }
        Access {
            hosts: names.iter().map(|n| format!("{n}:{port}")).collect(),
        }
    }

    fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

#[derive(Clone)]
pub struct AppState {
    project: Arc<Project>,
    limits: Limits,
    access: Access,
    /// The form token (see the module's notes): random per server start.
    token: Arc<String>,
    sessions: Arc<tokio::sync::Semaphore>,
}

/// The router, for `serve` and for in-process tests.
pub fn router(project: Project, limits: Limits, access: Access) -> anyhow::Result<Router> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no random source: {e}"))?;
    let state = AppState {
        project: Arc::new(project),
        limits,
        access,
        token: Arc::new(crate::base::hex(&bytes)),
        sessions: Arc::new(tokio::sync::Semaphore::new(limits.concurrent.max(1))),
    };
    Ok(Router::new()
        .route("/", get(index))
        .route("/reports/{name}", get(report))
        .route("/companies/{id}", get(company))
        .route("/figures", get(figures))
        .route("/sql", get(sql_get).post(sql_post))
        .route("/checks", get(checks))
        .route("/drafts/{id}", get(draft))
        .route("/drafts/{id}/source", get(draft_source))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(256 << 10))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state))
}

/// Refuse requests that do not come from a page of this server, and mark every answer.
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let host = text(header::HOST);
    let refusal = if !state.access.allows(&host) {
        Some(format!(
            "this server answers to {} only, not to Host `{host}`",
            state.access.hosts.join(", ")
        ))
    } else if !matches!(*request.method(), Method::GET | Method::HEAD) {
        let origin = text(header::ORIGIN);
        let site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let foreign_origin = !origin.is_empty()
            && !origin
                .strip_prefix("http://")
                .is_some_and(|o| state.access.allows(o));
        (foreign_origin || matches!(site, "cross-site" | "same-site"))
            .then(|| "a form of another site may not post here".to_string())
    } else {
        None
    };
    let mut response = match refusal {
        Some(message) => Reply::Error(StatusCode::FORBIDDEN, message).into_response(),
        None => next.run(request).await,
    };
    let h = response.headers_mut();
    for (name, value) in [
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-resource-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A page or a file, or an error page with its status; the CLI's own message.
pub enum Reply {
    Html(maud::Markup),
    Text(&'static str, String),
    Error(StatusCode, String),
    /// A page a worker rendered (see `worker`), with its status.
    Page(StatusCode, String),
}

impl Reply {
    /// The status and the HTML of a page (a worker prints them for the server).
    fn rendered(self) -> (StatusCode, String) {
        match self {
            Reply::Html(markup) => (StatusCode::OK, markup.into_string()),
            Reply::Text(_, body) => (StatusCode::OK, body),
            Reply::Error(status, message) => (status, pages::error(status, &message).into_string()),
            Reply::Page(status, page) => (status, page),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        match self {
            Reply::Html(markup) => markup.into_response(),
            Reply::Text(content_type, body) => {
                ([(header::CONTENT_TYPE, content_type)], body).into_response()
            }
            Reply::Error(status, message) => {
                (status, pages::error(status, &message)).into_response()
            }
            Reply::Page(status, page) => (status, axum::response::Html(page)).into_response(),
        }
    }
}

/// Set when the request's client has gone (its future was dropped): a running statement stops.
#[derive(Clone, Default)]
pub struct Abandoned(Arc<AtomicBool>);

impl Abandoned {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Sets `Abandoned` when dropped before `done`: hyper drops a handler's future when its
/// connection closes.
struct OnDrop(Abandoned, bool);

impl Drop for OnDrop {
    fn drop(&mut self) {
        if !self.1 {
            self.0 .0.store(true, Ordering::SeqCst);
        }
    }
}

/// Run blocking work off the async threads, at most `Limits::concurrent` at once (503 after
/// waiting 5 s for a turn), told when its client leaves; a panic becomes a 500, never a dead
/// server. Every request that reads the warehouse or a release goes through here.
async fn capped(
    state: &AppState,
    f: impl FnOnce(&Project, Limits, &Abandoned) -> Reply + Send + 'static,
) -> Reply {
    let waited = tokio::time::timeout(
        Duration::from_secs(5),
        state.sessions.clone().acquire_owned(),
    );
    let Ok(Ok(permit)) = waited.await else {
        return Reply::Error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is busy with other requests; try again".to_string(),
        );
    };
    let abandoned = Abandoned::default();
    let mut guard = OnDrop(abandoned.clone(), false);
    let (project, limits) = (state.project.clone(), state.limits);
    let reply = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f(&project, limits, &abandoned)
    })
    .await
    .unwrap_or_else(|e| Reply::Error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()));
    guard.1 = true;
    reply
}

/// `capped` work on a fresh sandboxed session of the live generation (503 when there is none).
async fn with_warehouse(
    state: &AppState,
    f: impl FnOnce(&Warehouse, &Abandoned) -> Reply + Send + 'static,
) -> Reply {
    capped(state, move |project, limits, abandoned| {
        match open(project, limits) {
            Ok(wh) => f(&wh, abandoned),
            Err(reply) => reply,
        }
    })
    .await
}

/// `capped` work in a worker process (see `worker`): someone else's SQL, a release's draft.
async fn with_worker(state: &AppState, task: worker::Task) -> Reply {
    capped(state, move |project, limits, abandoned| {
        worker::run(project, limits, &task, abandoned)
    })
    .await
}

/// The live generation, read-only, sandboxed and capped in memory.
fn open(project: &Project, limits: Limits) -> Result<Warehouse, Reply> {
    let mut wh = Warehouse::open(project).map_err(|e| {
        Reply::Error(
            StatusCode::SERVICE_UNAVAILABLE,
            crate::base::error_message(&e),
        )
    })?;
    wh.limit_memory(limits.memory_mib)
        .and_then(|()| wh.sandbox())
        .map_err(|e| {
            Reply::Error(
                StatusCode::INTERNAL_SERVER_ERROR,
                crate::base::error_message(&e),
            )
        })?;
    Ok(wh)
}

fn bad_request(e: anyhow::Error) -> Reply {
    Reply::Error(StatusCode::BAD_REQUEST, crate::base::error_message(&e))
}

async fn index(State(state): State<AppState>) -> Reply {
    let project = state.project.clone();
    with_warehouse(&state, move |wh, _| {
        pages::index(&project, wh).unwrap_or_else(bad_request)
    })
    .await
}

async fn report(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    let (stem, format) = match name.rsplit_once('.') {
        Some((stem, "csv")) => (stem.to_string(), pages::Twin::Csv),
        Some((stem, "json")) => (stem.to_string(), pages::Twin::Json),
        _ => (name.clone(), pages::Twin::Page),
    };
    let report = match crate::sql::report::find_report(&state.project, &stem) {
        Ok(r) => r,
        Err(e) => return Reply::Error(StatusCode::NOT_FOUND, crate::base::error_message(&e)),
    };
    let token = state.token.clone();
    with_warehouse(&state, move |wh, _| {
        pages::report(wh, &report, &params, format, &token).unwrap_or_else(bad_request)
    })
    .await
}

/// A company's page: its record, releases, latest statements and the checks.
async fn company(State(state): State<AppState>, Path(id): Path<String>) -> Reply {
    with_warehouse(&state, move |wh, _| {
        pages::company(wh, &id).unwrap_or_else(not_found_reply)
    })
    .await
}

async fn figures(
    State(state): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    with_warehouse(&state, move |wh, _| {
        pages::figures(wh, &params).unwrap_or_else(bad_request)
    })
    .await
}

/// `/sql`: the form; it runs the SQL given only with the server's token (a link it printed).
async fn sql_get(
    State(state): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    sql(state, params).await
}

/// The SQL form posted.
async fn sql_post(
    State(state): State<AppState>,
    axum::Form(params): axum::Form<BTreeMap<String, String>>,
) -> Reply {
    sql(state, params).await
}

async fn sql(state: AppState, params: BTreeMap<String, String>) -> Reply {
    let text = params.get("sql").cloned().unwrap_or_default();
    let run = params.get("token").is_some_and(|t| *t == *state.token);
    let (limits, token) = (state.limits, state.token.clone());
    if run && !text.trim().is_empty() {
        let task = worker::Task::Sql {
            sql: text,
            token: token.to_string(),
            max_rows: limits.max_rows,
            max_bytes: limits.max_bytes,
            timeout_ms: limits.timeout.as_millis() as u64,
            memory_mib: limits.memory_mib,
        };
        return with_worker(&state, task).await;
    }
    with_warehouse(&state, move |wh, abandoned| {
        pages::sql(wh, &text, false, limits, &token, abandoned)
    })
    .await
}

/// A new release's draft (`iijwh release draft ID --report` as a page): computed from its text
/// on request, written nowhere.
async fn draft(State(state): State<AppState>, Path(id): Path<String>) -> Reply {
    with_worker(&state, worker::Task::Draft { id }).await
}

/// A release's text with numbered lines, for the draft's links.
async fn draft_source(State(state): State<AppState>, Path(id): Path<String>) -> Reply {
    capped(&state, move |project, _, _| {
        pages::draft_source(project, &id).unwrap_or_else(not_found_reply)
    })
    .await
}

fn not_found_reply(e: anyhow::Error) -> Reply {
    Reply::Error(StatusCode::NOT_FOUND, crate::base::error_message(&e))
}

async fn checks(State(state): State<AppState>) -> Reply {
    with_warehouse(&state, move |wh, _| {
        pages::checks(wh).unwrap_or_else(bad_request)
    })
    .await
}

async fn not_found(uri: axum::http::Uri) -> Reply {
    Reply::Error(
        StatusCode::NOT_FOUND,
        format!("no page at {}; the reports are listed at /", uri.path()),
    )
}

/// Serve on `host:port` until `stop` resolves; `ready` gets the bound address (port 0 picks one).
pub async fn serve(
    project: Project,
    host: &str,
    port: u16,
    limits: Limits,
    ready: impl FnOnce(std::net::SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    let app = router(project, limits, Access::new(host, addr.port()))?;
    ready(addr);
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    //! In-process requests to the router, on a warehouse built from the project's data/.
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn project() -> (tempfile::TempDir, Project) {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::TempDir::new().unwrap();
        let project = Project {
            data: root.join("data"),
            warehouse: dir.path().join("warehouse"),
            root,
        };
        crate::load::build(&project, false, None).unwrap();
        (dir, project)
    }

    async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
        let response = app
            .clone()
            .oneshot(
                Request::get(uri)
                    .header("host", "127.0.0.1:80")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).to_string())
    }

    #[test]
    fn routes_answer_in_process() {
        let (_dir, project) = project();
        let app = router(project, Limits::default(), Access::new("127.0.0.1", 80)).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (status, page) = get(&app, "/reports/margins").await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                page.contains("5.8%") && page.contains("<svg"),
                "2Q06 operating margin"
            );
            let (status, csv) = get(&app, "/reports/margins.csv").await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                csv.contains("2Q06,14007.0,18.3,811.0,5.8,2120.0,15.1"),
                "{csv}"
            );
            let (status, page) = get(&app, "/figures?value=811.0&period=2Q06&company=iij").await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("Operating Income") && page.contains("<mark>811</mark>"));
            let (status, page) = get(&app, "/sql?sql=ATTACH%20%27%2Ftmp%2Fx.db%27").await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(
                page.contains("Press Run"),
                "a link without the token runs nothing: {page}"
            );
            let (status, _) = get(&app, "/reports/nosuch.csv").await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (status, page) = get(&app, "/reports/results_table?period=3Q99").await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(page.contains("is not one of"), "{page}");
        });
    }
}
