//! Forgotten passwords: ask for a link, open it, choose a new password.

use leptos::prelude::*;

use super::ApiError;
use crate::model::account::ResetLanding;

/// Asks for a password-reset email. The answer is the same for every well-formed address,
/// with or without an account (the email itself says what applies), and so is the work done
/// before answering. Limited per client address and per recipient.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    use crate::{
        domain::Email,
        ssr::{rate_limit, services::password_reset, AppState},
    };
    let state = AppState::from_context();
    let email = Email::parse(&email).map_err(|e| {
        ApiError::InvalidInput(format!(
            "This email address is not valid: {e}. Type the address you log in with."
        ))
    })?;
    let limits = &state.settings.rate_limits;
    let ip = rate_limit::ip_bucket(&state, "password-resets-ip");
    rate_limit::count(&state, &ip, limits.password_resets_per_ip).await?;
    let recipient = rate_limit::account_bucket("mails-recipient", email.as_str());
    rate_limit::count(&state, &recipient, limits.mails_per_recipient).await?;
    password_reset::request(&state.db, &email, chrono::Utc::now()).await?;
    // The page says where the email went (`/forgot-password?sent=`).
    super::redirect_with_query("/forgot-password", &[("sent", email.as_str())]);
    Ok(())
}

/// What a reset link's page shows (public). Opening it never uses the link up; unknown links
/// count against the client like unknown invitation links.
#[server(endpoint = "password_reset_landing")]
pub async fn password_reset_landing(token: String) -> Result<ResetLanding, ApiError> {
    use crate::{
        domain::password_reset::ResetLinkState,
        ssr::{rate_limit, services::password_reset, AppState},
    };
    let state = AppState::from_context();
    rate_limit::refuse_after_bad_links(&state).await?;
    let landing = password_reset::landing(&state.db, &token, chrono::Utc::now()).await?;
    if landing.state == ResetLinkState::Unknown {
        rate_limit::count_bad_link(&state).await?;
    }
    Ok(landing)
}

/// Sets a new password with a reset link (single use). Every session of the account ends,
/// this browser's included: the person logs in with the new password next, so a second
/// factor, once enrolled, is still asked for.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirmation: String,
) -> Result<(), ApiError> {
    use crate::{
        domain::password_reset::ResetLinkState,
        ssr::{
            auth::session,
            rate_limit,
            services::password_reset::{self, PasswordResetError},
            AppState,
        },
    };
    let state = AppState::from_context();
    rate_limit::refuse_after_bad_links(&state).await?;
    let now = chrono::Utc::now();
    match password_reset::complete(&state.db, &token, &password, &confirmation, now).await {
        Ok(reset) => {
            // Whoever was signed in in this browser is signed out too.
            if let Some(old) = session::request_token(&state) {
                session::end(&state.db, &old).await?;
            }
            session::clear_from_response(&state.settings);
            super::redirect_with_query("/login", &[("reset", "1"), ("email", &reset.email)]);
            Ok(())
        }
        Err(PasswordResetError::Link(ResetLinkState::Unknown)) => {
            rate_limit::count_bad_link(&state).await?;
            Err(PasswordResetError::Link(ResetLinkState::Unknown).into())
        }
        Err(other) => Err(other.into()),
    }
}
