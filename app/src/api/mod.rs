//! Server functions, one module per area. Each is thin: authenticate (`guard`), parse the input,
//! call one service function, and pass any failure on with `?` (`error` turns every layer's
//! error into the one `ApiError`). They are public HTTP endpoints under `/api/`.

pub mod activity;
pub mod administrators;
pub mod api_tokens;
pub mod auth;
pub mod dashboard;
pub mod developers;
pub mod domain_rules;
pub mod email_templates;
pub mod error;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod guard;
pub mod invitations;
pub mod link_requests;
pub mod logo;
pub mod mfa;
pub mod password_reset;
pub mod portal;
pub mod profile;
#[cfg(feature = "ssr")]
pub mod rest;
pub mod sessions;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod theme;
pub mod webhooks;

pub use crate::model::ApiError;

/// Sends the browser on to `path` with `query` (encoded): how a form's success reaches the next
/// page, with or without the app (a page without it shows what the URL says, `/signup?sent=`).
#[cfg(feature = "ssr")]
pub(crate) fn redirect_with_query(path: &str, query: &[(&str, &str)]) {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    leptos_axum::redirect(&format!("{path}?{query}"));
}
