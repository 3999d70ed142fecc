//! The signed-in account's profile: name and password.

use leptos::prelude::*;

use super::ApiError;

/// Changes the signed-in account's full name; returns the name as saved.
#[server(endpoint = "update_profile")]
pub async fn update_profile(full_name: String) -> Result<String, ApiError> {
    use crate::ssr::{services::profile, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    Ok(profile::rename(&state.db, user.id, &full_name).await?)
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
    use crate::{
        model::audit::AuditAction,
        ssr::{
            auth::session,
            rate_limit,
            services::{audit, profile, profile::ProfileError},
            AppState,
        },
    };
    let state = AppState::from_context();
    // The one thing an account that must choose its own password can do.
    let user = super::guard::require_signed_in().await?;
    let token = session::request_token(&state).unwrap_or_default();
    // Reserved before the current password is checked, given back unless it was wrong.
    let bucket = format!("password-change-account:{}", user.id);
    let limit = state.settings.rate_limits.login_failures_per_account;
    rate_limit::count(&state, &bucket, limit).await?;
    let now = chrono::Utc::now();
    let changed = profile::change_password(
        &state.db,
        user.id,
        &token,
        &current_password,
        &password,
        &confirmation,
        now,
    )
    .await;
    let actor = audit::Actor::account(&user);
    let action = AuditAction::PasswordChanged;
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
            .await?;
            return Err(ProfileError::WrongPassword.into());
        }
        Err(other) => {
            rate_limit::release(&state, &bucket).await?;
            return Err(other.into());
        }
    };
    rate_limit::release(&state, &bucket).await?;
    session::start(&state, user.id, now).await?;
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
    .await?;
    Ok(ended)
}
