//! Prometheus metrics at `/metrics`: request latencies by route and status, the outbox's depth
//! (read from the database at scrape time, so every replica reports the shared queue), and the
//! emails sent and failed by this instance's worker.
//!
//! The page is not public: it answers only with `Authorization: Bearer <PORTICO_METRICS_TOKEN>`,
//! and not at all when no token is configured. Every label takes a value from a fixed set (the
//! routes the router knows, a few methods, the status codes), so no request can add a series.

use std::{sync::OnceLock, time::Instant};

use app::ssr::{entities::outbox, services::outbox::QUEUED, AppState};
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Latency buckets in seconds: fine below 50 ms, where the budgets are.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide recorder (a process has one, however many servers it runs, as tests do).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .expect("valid buckets")
            .install_recorder()
            .expect("the only metrics recorder of this process")
    })
}

/// Installs the recorder before the first request.
pub fn init() {
    handle();
}

/// The route label: the pattern of the route the router matched (a page's pattern such as
/// `/invitation/{token}`, a server function's `/api/<name>`, `/healthz`...), `static` for the
/// site's files under `/pkg`, and `other` for everything the router does not know (unknown
/// paths and server functions, public assets served by the fallback): a fixed set, whatever
/// is requested.
fn route_label(matched: Option<&str>, path: &str) -> String {
    match matched {
        _ if path.starts_with("/pkg/") => "static".into(),
        Some(pattern) => pattern.into(),
        None => "other".into(),
    }
}

/// The method label: the methods Portico serves, and `other` for the rest.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        _ => "other",
    }
}

pub async fn record_request(request: Request, next: Next) -> Response {
    let route = route_label(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        request.uri().path(),
    );
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        "portico_http_request_duration_seconds",
        "route" => route,
        "method" => method,
        "status" => status
    )
    .record(started.elapsed().as_secs_f64());
    response
}

/// Who may read `/metrics`: the holder of this token, or nobody when there is none.
#[derive(Clone)]
pub struct MetricsAccess {
    pub state: AppState,
    pub token: Option<String>,
}

/// Whether `headers` carry `Authorization: Bearer <token>`. Both sides are hashed first, so
/// the comparison takes the same time wherever they differ.
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    use sha2::{Digest, Sha256};
    let offered = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let (a, b) = (Sha256::digest(offered.trim()), Sha256::digest(token));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}

pub async fn render(State(access): State<MetricsAccess>, headers: HeaderMap) -> Response {
    let Some(token) = access.token.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "Metrics are off. Set PORTICO_METRICS_TOKEN and scrape with that bearer token.\n",
        )
            .into_response();
    };
    if !authorized(&headers, token) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "Send Authorization: Bearer <PORTICO_METRICS_TOKEN> to read the metrics.\n",
        )
            .into_response();
    }
    let state = access.state;
    match outbox::Entity::find()
        .filter(outbox::Column::Status.eq(QUEUED))
        .count(&state.db)
        .await
    {
        Ok(queued) => metrics::gauge!("portico_outbox_queued").set(queued as f64),
        Err(e) => tracing::warn!("metrics: could not count the outbox: {e}"),
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_labelled_from_a_fixed_set() {
        let list = "/api/list_invitations";
        assert_eq!(route_label(Some(list), list), list);
        let page = "/invitation/{token}";
        assert_eq!(route_label(Some(page), "/invitation/abc"), page);
        assert_eq!(route_label(None, "/pkg/portico.wasm"), "static");
        assert_eq!(route_label(None, "/api/no_such_function"), "other");
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }

    #[test]
    fn only_the_configured_bearer_token_reads_the_metrics() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            headers
        };
        assert!(authorized(&with("Bearer s3cret"), "s3cret"));
        assert!(!authorized(&with("Bearer s3cre"), "s3cret"));
        assert!(!authorized(&with("s3cret"), "s3cret"));
        assert!(!authorized(&HeaderMap::new(), "s3cret"));
    }
}
