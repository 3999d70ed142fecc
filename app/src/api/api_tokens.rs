//! Settings › API tokens: the tokens systems use to call `/api/v1`.

use leptos::prelude::*;

use super::ApiError;
use crate::model::api_token::{ApiTokenRow, NewApiToken};

/// Every token, newest first (revoked and expired ones too, until an admin looks no more).
#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenRow>, ApiError> {
    use crate::ssr::{services::api_tokens, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(api_tokens::list(&state.db).await?)
}

/// Creates a token named `name` with `scopes` (`read`, `write` or both, comma-separated) that
/// works for `lifetime_days` (1 to 365; 90 when not given). The answer holds the secret: it is
/// shown once and never again.
#[server(endpoint = "create_api_token")]
pub async fn create_api_token(
    name: String,
    scopes: String,
    lifetime_days: Option<u32>,
) -> Result<NewApiToken, ApiError> {
    use crate::ssr::{services::api_tokens, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let now = chrono::Utc::now();
    Ok(api_tokens::create(&state.db, &admin, &name, &scopes, lifetime_days, now).await?)
}

/// Revokes a token at once; the systems using it get 401 from their next request.
#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i32) -> Result<ApiTokenRow, ApiError> {
    use crate::ssr::{services::api_tokens, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(api_tokens::revoke(&state.db, &admin, id, chrono::Utc::now()).await?)
}
