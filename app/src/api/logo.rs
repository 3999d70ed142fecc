//! Settings › Logo: the admin uploads a PNG or JPEG logo (read in the browser and sent as hex,
//! so the upload is an ordinary form post with the server functions' own protections) or
//! removes it; `GET /branding/logo` serves it.

use leptos::prelude::*;

use super::ApiError;

/// Replaces the portal's logo with the image in `hex` (the file's bytes as hexadecimal).
#[server(endpoint = "upload_logo")]
pub async fn upload_logo(hex: String) -> Result<(), ApiError> {
    use crate::ssr::{services::logo, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    // Two hex digits per byte: anything longer cannot be a logo, and is not decoded.
    if hex.len() > 2 * crate::domain::logo::MAX_LOGO_BYTES + 2 {
        return Err(ApiError::InvalidInput(
            "A logo can be at most 256 KB: export it smaller (a few hundred pixels wide is plenty)."
                .into(),
        ));
    }
    let bytes = ::hex::decode(hex.trim()).map_err(|_| {
        ApiError::InvalidInput("The upload could not be read: pick the image file again.".into())
    })?;
    logo::replace(&state.db, &admin, bytes, chrono::Utc::now()).await?;
    Ok(())
}

/// Removes the portal's logo.
#[server(endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<(), ApiError> {
    use crate::ssr::{services::logo, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(logo::remove(&state.db, &admin, chrono::Utc::now()).await?)
}

/// `GET /branding/logo`: the logo with the type its bytes have, `nosniff`, and an ETag; 404
/// when there is none.
#[cfg(feature = "ssr")]
pub async fn serve_logo(
    axum::extract::State(state): axum::extract::State<crate::ssr::AppState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::{
        http::{header, HeaderValue, StatusCode},
        response::IntoResponse,
    };
    let (kind, bytes, sha) = match crate::ssr::services::logo::get(&state.db).await {
        Ok(Some(found)) => found,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!("the logo could not be read: {e}");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let etag = format!("\"{sha}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes.into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(kind.content_type()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, value);
    }
    response
}
