//! Request guards and response headers every route gets.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The origin (scheme://host[:port]) state-changing requests must come from.
#[derive(Clone)]
pub struct AllowedOrigin(pub Arc<str>);

impl AllowedOrigin {
    pub fn from_public_url(public_url: &str) -> Self {
        // https://host:port/path -> https://host:port
        let origin = match public_url.find("://") {
            Some(scheme_end) => {
                let rest = &public_url[scheme_end + 3..];
                let host_end = rest.find('/').unwrap_or(rest.len());
                &public_url[..scheme_end + 3 + host_end]
            }
            None => public_url,
        };
        Self(Arc::from(origin.to_ascii_lowercase()))
    }
}

/// Refuses cross-site state changes (CSRF): Leptos server functions do no such check
/// themselves. Browsers send `Sec-Fetch-Site` and `Origin` with every POST; a request from
/// another site is refused with 403. Requests without either header (non-browser clients,
/// which carry no ambient cookies of a victim) pass.
pub async fn refuse_cross_site(
    State(allowed): State<AllowedOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state {
        let headers = request.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| site.eq_ignore_ascii_case("cross-site"));
        let foreign_origin = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|origin| !origin.eq_ignore_ascii_case(&allowed.0));
        if cross_site || foreign_origin {
            return (
                StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"Forbidden\":null}",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// Whether Portico is served over https (then browsers are told to keep using it: HSTS).
#[derive(Clone, Copy)]
pub struct ServedOverHttps(pub bool);

/// Headers that keep pages out of frames, stop MIME sniffing and keep tokens (which live in
/// invitation URLs) out of Referer headers sent to other sites. HTML pages carry their own
/// Content-Security-Policy with the response's script nonce; everything else gets a strict one.
///
/// Pages and server-function answers carry account data (names, addresses, lists), so no
/// cache may keep them (`Cache-Control: no-store`): not a shared proxy, and not the browser's
/// back/forward history after a sign-out on a shared computer. Responses that set their own
/// policy (the site's static files) keep it.
pub async fn security_headers(
    State(https): State<ServedOverHttps>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if (server_function || is_page) && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'",
            ),
        );
    }
    if https.0 {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::AllowedOrigin;

    #[test]
    fn the_allowed_origin_is_the_public_url_without_its_path() {
        assert_eq!(
            &*AllowedOrigin::from_public_url("https://Portal.example.com:8443/base").0,
            "https://portal.example.com:8443"
        );
        assert_eq!(
            &*AllowedOrigin::from_public_url("http://127.0.0.1:3000").0,
            "http://127.0.0.1:3000"
        );
    }
}
