//! The restricted portal's content, for signed-in active accounts only.

use leptos::prelude::*;

use super::ApiError;

/// The portal home, rendered from the admin's Markdown to safe HTML.
#[server(endpoint = "portal_home")]
pub async fn portal_home() -> Result<String, ApiError> {
    use crate::ssr::{auth::require_account, markdown, services::settings, AppState};
    let state = AppState::from_context();
    require_account().await.map_err(super::error::respond)?;
    let settings = settings::load(&state.db).await.map_err(|e| {
        super::error::respond(super::error::internal("reading the portal content", e))
    })?;
    Ok(markdown::render(&settings.portal_content))
}
