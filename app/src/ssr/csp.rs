//! The Content-Security-Policy of the HTML pages: scripts only from this origin or carrying the
//! per-response nonce that Leptos stamps on its hydration and resource scripts; WASM may be
//! compiled ('wasm-unsafe-eval'), nothing may frame the page, no plugins, no <base>.

use leptos::prelude::use_context;

/// The policy for a page whose scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; form-action 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

/// Sets the page policy on the response being rendered (called from the HTML shell).
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&page_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
