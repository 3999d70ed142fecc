//! The URL pieces every admin list shares: its page number and its query string.

use leptos_router::params::ParamsMap;

/// The 1-based page in a list's query; 1 when missing or malformed.
pub fn page_from(query: &ParamsMap) -> u64 {
    query
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// `path`, or `path?a=1&b=2` when there are query parts.
pub fn href(path: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}
