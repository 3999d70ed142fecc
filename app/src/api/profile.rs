//! The signed-in account's profile: name and password.

use leptos::prelude::*;

use super::ApiError;

#[cfg(feature = "ssr")]
fn map_error(error: crate::ssr::services::profile::ProfileError) -> ApiError {
    use crate::ssr::services::profile::ProfileError as E;
    let api = match error {
        E::InvalidInput(message) => ApiError::InvalidInput(message),
        E::WrongPassword => ApiError::InvalidInput(
            "The current password is not right: type the password you log in with now.".into(),
        ),
        E::Database(e) => super::error::internal("profile", e),
        E::Internal(e) => super::error::internal("profile", e),
    };
    super::error::respond(api)
}

/// Changes the signed-in account's full name; returns the name as saved.
#[server(endpoint = "update_profile")]
pub async fn update_profile(full_name: String) -> Result<String, ApiError> {
    use crate::ssr::{auth::require_account, services::profile, AppState};
    let state = AppState::from_context();
    let user = require_account().await.map_err(super::error::respond)?;
    profile::rename(&state.db, user.id, &full_name)
        .await
        .map_err(map_error)
}

/// Changes the password (the current one is required); returns how many other sessions were
/// ended.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    confirmation: String,
) -> Result<u64, ApiError> {
    use crate::ssr::{
        auth::{guard::request_token, require_account},
        services::{audit, profile},
        AppState,
    };
    let state = AppState::from_context();
    let user = require_account().await.map_err(super::error::respond)?;
    let token = request_token(&state).unwrap_or_default();
    let ended = profile::change_password(
        &state.db,
        user.id,
        &token,
        &current_password,
        &password,
        &confirmation,
    )
    .await
    .map_err(map_error)?;
    let detail = format!("{ended} other session(s) ended");
    let actor = audit::Actor::account(&user);
    let action = crate::api::activity::AuditAction::PasswordChanged;
    audit::record(
        &state.db,
        actor,
        action,
        Some(&user.email),
        true,
        Some(&detail),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| super::error::respond(super::error::internal("changing the password", e)))?;
    Ok(ended)
}
