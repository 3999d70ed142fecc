//! The HTTP routes: health checks, the Leptos pages and server functions, the site build's
//! files (precompressed, under /pkg) and the public assets.

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
    let routes = route_list();
    let own_origin = crate::security::AllowedOrigin::from_public_url(&config.public_url);
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());

    Router::new()
        .leptos_routes_with_context(&leptos_options, routes, provide_state.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .nest_service(
            "/pkg",
            crate::static_files::router(&config.site_root.join("pkg")),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(
            provide_state,
            shell,
        ))
        .with_state(leptos_options)
        .merge(download_routes(state.clone()))
        .merge(app::api::rest::router(state.clone()))
        .merge(health_routes(state, config.metrics_token.clone()))
        .layer(axum::middleware::from_fn_with_state(
            own_origin.clone(),
            server_fn_error_status,
        ))
        .layer(axum::middleware::from_fn(require_form_encoding))
        .layer(axum::middleware::from_fn(limit_request_body))
        // A stalled client (a body that never ends) or a stuck handler holds a connection and
        // its work for at most this long.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(config.request_timeout_seconds),
        ))
        .layer(axum::middleware::from_fn(crate::metrics::record_request))
        .layer(axum::middleware::from_fn_with_state(
            own_origin,
            crate::security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            crate::security::ServedOverHttps(config.public_url.starts_with("https://")),
            crate::security::security_headers,
        ))
}

/// The app's routes, generated once per process.
///
/// Generating them renders the app with every resource's loading suspended, through a
/// process-wide flag in Leptos (`SuppressResourceLoad`, leptos-rs/leptos#4773): a page rendered
/// meanwhile by another server of the same process (tests run many) would wait forever for its
/// data. Once is before any server exists, so nothing can be rendering then.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The largest request body accepted. The largest legitimate one is the settings form with
/// the portal content at its limit (100,000 characters, about 1.2 MB form-encoded at worst);
/// an invitation of 1,000 addresses is a few hundred KB.
pub const MAX_REQUEST_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Refuses a body over [`MAX_REQUEST_BODY_BYTES`] with 413 and a message, before anything
/// reads it (server functions would otherwise buffer a body of any size). A declared length
/// is refused at once; a body without one is read up to the limit.
async fn limit_request_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY_BYTES as u64) {
        return body_too_large();
    }
    let request = if declared.is_some() {
        request
    } else {
        let (parts, body) = request.into_parts();
        match axum::body::to_bytes(body, MAX_REQUEST_BODY_BYTES).await {
            Ok(bytes) => Request::from_parts(parts, Body::from(bytes)),
            Err(_) => return body_too_large(),
        }
    };
    next.run(request).await
}

fn body_too_large() -> Response {
    let error = app::api::ApiError::InvalidInput(format!(
        "The request is too large: at most {} MB is accepted. Send less at once, for example \
         at most 1,000 addresses per invitation.",
        MAX_REQUEST_BODY_BYTES / (1024 * 1024)
    ));
    json_error(StatusCode::PAYLOAD_TOO_LARGE, &error)
}

/// Server functions take their arguments form-encoded (what the app's own client sends). A
/// body in another encoding, or with none named, is refused with 415 and a message instead of
/// being read as a form regardless.
async fn require_form_encoding(request: Request, next: Next) -> Response {
    if !is_server_function(request.uri().path()) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let media_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or_default());
    let acceptable = match media_type {
        Some(value) => value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .eq_ignore_ascii_case("application/x-www-form-urlencoded"),
        // No type is fine for an empty body only: there is nothing to misread.
        None => {
            !headers.contains_key(http::header::TRANSFER_ENCODING)
                && headers
                    .get(http::header::CONTENT_LENGTH)
                    .is_none_or(|length| length == "0")
        }
    };
    if acceptable {
        return next.run(request).await;
    }
    let error = app::api::ApiError::InvalidInput(format!(
        "Send the fields form-encoded (Content-Type: application/x-www-form-urlencoded), not {}.",
        media_type.map_or("without a content type".to_owned(), |t| format!("as {t}"))
    ));
    json_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error)
}

/// Server functions live under `/api/`; the REST API under `/api/v1` is JSON and answers its
/// own errors as problems.
fn is_server_function(path: &str) -> bool {
    path.starts_with("/api/") && !(path == app::api::rest::BASE || path.starts_with("/api/v1/"))
}

fn json_error(status: StatusCode, error: &app::api::ApiError) -> Response {
    let mut response = Response::new(Body::from(
        serde_json::to_vec(error).expect("an ApiError serializes"),
    ));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A server function's error, and the errors Leptos raises before one runs (fields that do not
/// decode, an unknown function), arrive as 500: give each the status its `ApiError` stands for
/// (`ApiError::status`, the one place that decides it) and, for a rate limit, `Retry-After`. So
/// server functions just return their error with `?`, and bad input is a 4xx, never a 500.
///
/// A form posted by the browser itself (before the app has hydrated, or without JavaScript)
/// is sent back to its page with the error in the URL, where the form shows it; that needs a
/// redirect status, not the error's, or the browser shows the bare error body instead. Leptos
/// builds that URL from the request's Referer, so only a page of this site is redirected to.
async fn server_fn_error_status(
    State(own): State<crate::security::AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let is_api = is_server_function(request.uri().path());
    let response = next.run(request).await;
    let back_to_own_page = |location: &str| {
        location
            .to_ascii_lowercase()
            .strip_prefix(&*own.0)
            .is_some_and(|path| path.starts_with('/'))
    };
    if !is_api {
        return response;
    }
    // An error answered to a form the browser posted itself: Leptos redirects back to the page
    // with the error in the URL (`__err=`), where the form shows it.
    let form_error_redirect = response
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|location| (location.contains("__err="), back_to_own_page(location)));
    match form_error_redirect {
        Some((true, true)) => {
            let (mut parts, body) = response.into_parts();
            parts.status = StatusCode::SEE_OTHER;
            return Response::from_parts(parts, body);
        }
        // Never a redirect to another site: the error is answered here, with its status.
        Some((true, false)) => {}
        _ if response.status() != StatusCode::INTERNAL_SERVER_ERROR => return response,
        _ => {}
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(http::header::LOCATION);
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    match serde_json::from_slice::<app::api::ApiError>(&bytes) {
        Ok(error) => {
            parts.status = error.status();
            if let app::api::ApiError::RateLimited(seconds) = error {
                parts
                    .headers
                    .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
        }
        Err(_) if parts.status.is_redirection() => parts.status = StatusCode::BAD_REQUEST,
        Err(_) => {}
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Files outside the server functions: the accent color's stylesheet (every page links it),
/// and what an admin downloads.
fn download_routes(state: AppState) -> Router {
    Router::new()
        .route("/branding.css", get(app::api::theme::branding_css))
        .route("/branding/logo", get(app::api::logo::serve_logo))
        .route(
            "/admin/invitations/export.csv",
            get(app::api::export::invitations_csv),
        )
        .with_state(state)
}

fn health_routes(state: AppState, metrics_token: Option<String>) -> Router {
    let metrics = crate::metrics::MetricsAccess {
        state: state.clone(),
        token: metrics_token.filter(|token| !token.trim().is_empty()),
    };
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
        .merge(
            Router::new()
                .route("/metrics", get(crate::metrics::render))
                .with_state(metrics),
        )
}

/// Ready when the database answers and every migration is applied.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match app::ssr::db::migrations_applied(&state.db).await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}
