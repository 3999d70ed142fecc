//! The HTTP routes: health checks, the Leptos pages and server functions, static files.

use app::{shell, ssr::AppState, App};
use axum::{
    body::Body,
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::Response,
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use crate::Config;

pub fn build(state: AppState, config: &Config) -> Router {
    crate::metrics::init();
    let leptos_options = LeptosOptions::builder()
        .output_name("portico")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        .build();
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());

    Router::new()
        .leptos_routes_with_context(&leptos_options, routes, provide_state.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            provide_state,
            shell,
        ))
        .with_state(leptos_options)
        .merge(health_routes(state))
        .layer(axum::middleware::from_fn(server_fn_error_status))
        .layer(axum::middleware::from_fn(crate::metrics::record_request))
        .layer(axum::middleware::from_fn_with_state(
            crate::security::AllowedOrigin::from_public_url(&config.public_url),
            crate::security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::security::ServedOverHttps(config.public_url.starts_with("https://")),
            crate::security::security_headers,
        ))
}

/// Errors raised by Leptos itself before a server function runs (fields that do not decode,
/// an unknown function) arrive as 500; give them the status their `ApiError` stands for, so
/// bad input is a 4xx, never a 500.
async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<app::api::ApiError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn health_routes(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::render))
        .with_state(state)
}

/// Ready when the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match app::ssr::db::migrations_applied(&state.db).await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}
