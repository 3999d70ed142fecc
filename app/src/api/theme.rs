//! `GET /branding.css`: the accent color chosen in Settings, as CSS variables that override
//! the stylesheet's defaults on every page (the HTML shell links it after the stylesheet). A
//! stylesheet rather than inline styles: every page, signed in or not, gets it the same way,
//! before it paints, and the Content-Security-Policy stays `style-src 'self'`.

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
};

use crate::{
    domain::{accent::default_accent, HexColor},
    ssr::{services::settings, AppState},
};

pub async fn branding_css(State(state): State<AppState>) -> Response {
    let accent = match settings::load(&state.db).await {
        Ok(settings) => settings.accent_color,
        Err(e) => {
            // The page still works in Portico's own colors.
            tracing::warn!("the accent color could not be read, serving the default: {e}");
            default_accent()
        }
    };
    let mut response = css(&accent).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    // Revalidated on every page: a new accent shows on the next page load.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// The stylesheet for `accent` (a parsed `#rrggbb`, so nothing else can get into the CSS).
pub fn css(accent: &HexColor) -> String {
    format!(
        "/* Settings › Accent color */\n\
         :root {{ --brand: {a}; --brand-dark: color-mix(in srgb, {a} 80%, black); --link: {a}; \
         --focus: 0 0 0 3px color-mix(in srgb, {a} 35%, transparent); }}\n\
         @media (prefers-color-scheme: dark) {{ :root {{ --link: color-mix(in srgb, {a} 40%, white); }} }}\n",
        a = accent.as_str()
    )
}
