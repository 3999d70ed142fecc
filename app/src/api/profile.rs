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
/// ended. This browser continues in a new session (a new id). Wrong current passwords are
/// limited like failed logins (a stolen session cannot be used to guess the password) and
/// audited.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    confirmation: String,
) -> Result<u64, ApiError> {
    use super::error::{internal, respond};
    use crate::ssr::{
        auth::{guard::request_token, require_account, session},
        rate_limit,
        services::{audit, profile, profile::ProfileError},
        AppState,
    };
    let state = AppState::from_context();
    let user = require_account().await.map_err(respond)?;
    let token = request_token(&state).unwrap_or_default();
    // Reserved before the current password is checked, given back unless it was wrong.
    let bucket = format!("password-change-account:{}", user.id);
    let limit = state.settings.rate_limits.login_failures_per_account;
    rate_limit::count(&state, &bucket, limit).await?;
    let changed = profile::change_password(
        &state.db,
        user.id,
        &token,
        &current_password,
        &password,
        &confirmation,
    )
    .await;
    let now = chrono::Utc::now();
    let actor = audit::Actor::account(&user);
    let action = crate::api::activity::AuditAction::PasswordChanged;
    let ended = match changed {
        Ok(ended) => ended,
        Err(ProfileError::WrongPassword) => {
            let detail = "the current password was wrong";
            audit::record(
                &state.db,
                actor,
                action,
                Some(&user.email),
                false,
                Some(detail),
                now,
            )
            .await
            .map_err(|e| respond(internal("changing the password", e)))?;
            return Err(map_error(ProfileError::WrongPassword));
        }
        Err(other) => {
            rate_limit::release(&state, &bucket).await?;
            return Err(map_error(other));
        }
    };
    rate_limit::release(&state, &bucket).await?;
    session::start(&state, user.id, now)
        .await
        .map_err(|e| respond(internal("starting a new session", e)))?;
    let detail = format!("{ended} other session(s) ended; this browser has a new session");
    audit::record(
        &state.db,
        actor,
        action,
        Some(&user.email),
        true,
        Some(&detail),
        now,
    )
    .await
    .map_err(|e| respond(internal("changing the password", e)))?;
    Ok(ended)
}
