//! The restricted portal's content, for signed-in active accounts only.

use leptos::prelude::*;

use super::ApiError;

/// The portal home, rendered from the admin's Markdown to safe HTML.
#[server(endpoint = "portal_home")]
pub async fn portal_home() -> Result<String, ApiError> {
    use crate::ssr::{markdown, services::settings, AppState};
    let state = AppState::from_context();
    super::guard::require_account().await?;
    let settings = settings::load(&state.db).await?;
    Ok(markdown::render(&settings.portal_content))
}
