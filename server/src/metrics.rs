//! Prometheus metrics at `/metrics`: request latencies by route kind and status, the outbox's
//! depth (read from the database at scrape time, so every replica reports the shared queue),
//! and the emails sent and failed by this instance's worker.

use std::{sync::OnceLock, time::Instant};

use app::ssr::{entities::outbox, services::outbox::QUEUED, AppState};
use axum::{
    extract::{Request, State},
    http::{header, StatusCode},
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

/// Few label values: one per server function, and a class for everything else.
fn route_of(path: &str) -> String {
    if let Some(name) = path.strip_prefix("/api/") {
        format!("/api/{}", name.split('/').next().unwrap_or(""))
    } else if path.starts_with("/pkg/") {
        "static".into()
    } else if matches!(path, "/healthz" | "/readyz" | "/metrics") {
        path.into()
    } else {
        "page".into()
    }
}

pub async fn record_request(request: Request, next: Next) -> Response {
    let route = route_of(request.uri().path());
    let method = request.method().to_string();
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

pub async fn render(State(state): State<AppState>) -> Response {
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
    #[test]
    fn routes_are_grouped_into_few_labels() {
        assert_eq!(
            super::route_of("/api/list_invitations"),
            "/api/list_invitations"
        );
        assert_eq!(super::route_of("/pkg/portico.wasm"), "static");
        assert_eq!(super::route_of("/admin/invitations"), "page");
        assert_eq!(super::route_of("/invitation/abc"), "page");
        assert_eq!(super::route_of("/metrics"), "/metrics");
    }
}
