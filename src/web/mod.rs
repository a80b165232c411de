//! The read-only web page (`iijwh serve`): reports as pages with a parameter form, their chart
//! (inline SVG) and table, `.csv`/`.json` twins of every report, provenance pages that lead a
//! figure back to the lines of the release text that print it, ad-hoc SQL under the query sandbox
//! with a row cap and a time limit, and the data rules. Server-rendered HTML (maud), no script, no
//! file fetched from anywhere: it works offline. Every request opens the live generation afresh,
//! so a `load` is picked up without a restart; nothing here writes.
//!
//! Who may call it: cmd (serve). It imports sql, render, warehouse, schema and base.

mod pages;

use crate::base::project::Project;
use crate::warehouse::Warehouse;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Limits that keep a bad request from holding the server.
#[derive(Clone, Copy)]
pub struct Limits {
    /// Rows an ad-hoc statement may return on the page.
    pub max_rows: usize,
    /// Wall time a statement may run before it is interrupted.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_rows: 1000,
            timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    project: Arc<Project>,
    limits: Limits,
}

/// The router, for `serve` and for in-process tests.
pub fn router(project: Project, limits: Limits) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/reports/{name}", get(report))
        .route("/figures", get(figures))
        .route("/sql", get(sql))
        .route("/checks", get(checks))
        .fallback(not_found)
        .with_state(AppState {
            project: Arc::new(project),
            limits,
        })
}

/// A page or a file, or an error page with its status; the CLI's own message.
pub enum Reply {
    Html(maud::Markup),
    Text(&'static str, String),
    Error(StatusCode, String),
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
        }
    }
}

/// Run blocking warehouse work off the async threads; a panic becomes a 500, never a dead server.
async fn blocking(f: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Reply::Error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

/// The live generation, read-only, sandboxed; 503 when there is none yet.
fn open(project: &Project) -> Result<Warehouse, Reply> {
    let wh = Warehouse::open(project).map_err(|e| {
        Reply::Error(
            StatusCode::SERVICE_UNAVAILABLE,
            crate::base::error_message(&e),
        )
    })?;
    wh.sandbox().map_err(|e| {
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
    blocking(move || match open(&state.project) {
        Ok(wh) => pages::index(&state.project, &wh).unwrap_or_else(bad_request),
        Err(reply) => reply,
    })
    .await
}

async fn report(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    blocking(move || {
        let (stem, format) = match name.rsplit_once('.') {
            Some((stem, "csv")) => (stem.to_string(), pages::Twin::Csv),
            Some((stem, "json")) => (stem.to_string(), pages::Twin::Json),
            _ => (name.clone(), pages::Twin::Page),
        };
        let report = match crate::sql::report::find_report(&state.project, &stem) {
            Ok(r) => r,
            Err(e) => return Reply::Error(StatusCode::NOT_FOUND, crate::base::error_message(&e)),
        };
        match open(&state.project) {
            Ok(wh) => pages::report(&wh, &report, &params, format).unwrap_or_else(bad_request),
            Err(reply) => reply,
        }
    })
    .await
}

async fn figures(
    State(state): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    blocking(move || match open(&state.project) {
        Ok(wh) => pages::figures(&wh, &params).unwrap_or_else(bad_request),
        Err(reply) => reply,
    })
    .await
}

async fn sql(
    State(state): State<AppState>,
    Query(params): Query<BTreeMap<String, String>>,
) -> Reply {
    blocking(move || match open(&state.project) {
        Ok(wh) => pages::sql(&wh, params.get("sql").map(String::as_str), state.limits),
        Err(reply) => reply,
    })
    .await
}

async fn checks(State(state): State<AppState>) -> Reply {
    blocking(move || match open(&state.project) {
        Ok(wh) => pages::checks(&wh).unwrap_or_else(bad_request),
        Err(reply) => reply,
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
    ready(listener.local_addr()?);
    axum::serve(listener, router(project, limits))
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
        crate::load::build(&project).unwrap();
        (dir, project)
    }

    async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
        let response = app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).to_string())
    }

    #[test]
    fn routes_answer_in_process() {
        let (_dir, project) = project();
        let app = router(project, Limits::default());
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
            let (status, page) = get(&app, "/figures?value=811.0&period=2Q06").await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("Operating Income") && page.contains("<mark>811</mark>"));
            let (status, page) = get(&app, "/sql?sql=ATTACH%20%27%2Ftmp%2Fx.db%27").await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
            let (status, _) = get(&app, "/reports/nosuch.csv").await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (status, page) = get(&app, "/reports/results_table?period=3Q99").await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(page.contains("is not one of"), "{page}");
        });
    }
}
