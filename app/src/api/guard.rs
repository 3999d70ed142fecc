//! The checks every server function starts with. Authorization happens here, on the server,
//! whatever the UI shows or hides.

use chrono::Utc;

use super::ApiError;
use crate::{
    domain::Role,
    model::account::SessionUser,
    ssr::{auth::session, services::accounts, AppState},
};

/// The signed-in, active account of the current request, if any.
pub async fn current_account() -> Result<Option<SessionUser>, ApiError> {
    let state = AppState::from_context();
    match session::request_token(&state) {
        Some(token) => account_of_session(&state, &token).await,
        None => Ok(None),
    }
}

/// The active account whose session `token` is, if any: also for routes outside the server
/// functions (a download), which read the cookie from their own request.
pub async fn account_of_session(
    state: &AppState,
    token: &str,
) -> Result<Option<SessionUser>, ApiError> {
    let found = session::resolve(&state.db, &state.settings, token, Utc::now()).await?;
    Ok(found
        .filter(|a| a.active)
        .and_then(|a| accounts::session_user(&a)))
}

/// Any signed-in, active account, or 401; 403 while the account must first choose its own
/// password (only changing it, signing out and reading who is signed in work then).
pub async fn require_account() -> Result<SessionUser, ApiError> {
    own_password_chosen(require_signed_in().await?)
}

/// 403 while the account must first choose its own password.
pub fn own_password_chosen(user: SessionUser) -> Result<SessionUser, ApiError> {
    if user.must_change_password {
        return Err(ApiError::PasswordChangeRequired);
    }
    Ok(user)
}

/// Any signed-in, active account, or 401, even one that must still choose its own password:
/// for the functions that let it do so.
pub async fn require_signed_in() -> Result<SessionUser, ApiError> {
    current_account().await?.ok_or(ApiError::Unauthenticated)
}

/// A signed-in, active admin: 401 when anonymous, 403 for a developer.
pub async fn require_admin() -> Result<SessionUser, ApiError> {
    admin_only(require_account().await?)
}

/// 403 unless `user` is an admin.
pub fn admin_only(user: SessionUser) -> Result<SessionUser, ApiError> {
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(ApiError::Forbidden)
    }
}
