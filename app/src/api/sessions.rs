//! The signed-in account's sessions (Profile › Sessions), and an admin signing a developer out
//! everywhere.

use leptos::prelude::*;

use super::ApiError;
use crate::model::account::ActiveSession;

/// The signed-in account's live sessions, most recently used first.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<ActiveSession>, ApiError> {
    use crate::ssr::{auth::session, services::sessions, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let token = session::request_token(&state);
    let now = chrono::Utc::now();
    Ok(sessions::list(&state.db, &state.settings, user.id, token.as_deref(), now).await?)
}

/// Ends one of the signed-in account's other sessions.
#[server(endpoint = "end_session")]
pub async fn end_session(id: String) -> Result<(), ApiError> {
    use crate::ssr::{auth::session, services::sessions, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let token = session::request_token(&state);
    Ok(sessions::end_one(&state.db, user.id, &id, token.as_deref()).await?)
}

/// Ends every session of the signed-in account but this browser's; returns how many ended.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, ApiError> {
    use crate::ssr::{auth::session, services::sessions, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let token = session::request_token(&state);
    let now = chrono::Utc::now();
    Ok(sessions::end_others(&state.db, &user, token.as_deref(), now).await?)
}

/// Admin: ends every session of an account, which stays active; returns how many ended.
#[server(endpoint = "end_sessions_of")]
pub async fn end_sessions_of(id: i32) -> Result<u64, ApiError> {
    use crate::ssr::{services::sessions, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(sessions::end_all_of(&state.db, &admin, id, chrono::Utc::now()).await?)
}
