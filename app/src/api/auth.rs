//! Signing in and out, and who is signed in.

use leptos::prelude::*;

use super::ApiError;
use crate::model::{account::SessionUser, mfa::LoginOutcome};

/// Signs in with email and password. Unknown, inactive, waiting, rejected and wrong-password
/// accounts all get the same answer. A new session id is issued on every login. An account
/// with two-step sign-in (or an administrator the portal requires it of) is sent on to the code
/// step instead, with no session until its code is right.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<LoginOutcome, ApiError> {
    use super::error::internal;
    use crate::{
        domain::mfa::{second_step, SecondStep},
        model::audit::AuditAction,
        ssr::{
            auth::challenge,
            rate_limit,
            services::{accounts, audit, settings, sign_in::sign_in},
            AppState,
        },
    };
    let state = AppState::from_context();

    // Failed logins are limited per account (any typed email, known or not, so the limit
    // reveals nothing; every spelling of one address shares a bucket) and per client address.
    // The attempt is reserved in both buckets *before* the password is checked, by one
    // conditional statement each: however many attempts arrive at once, on however many
    // replicas, no more passwords are checked than the limit allows. A login that succeeds
    // gives its reservations back, so only failures count.
    let limits = &state.settings.rate_limits;
    let account_bucket = rate_limit::account_bucket("login-account", &email);
    let ip_bucket = rate_limit::ip_bucket(&state, "login-ip");
    rate_limit::count(&state, &account_bucket, limits.login_failures_per_account).await?;
    if let Err(refused) = rate_limit::count(&state, &ip_bucket, limits.login_failures_per_ip).await
    {
        rate_limit::release(&state, &account_bucket).await?;
        return Err(refused.into());
    }
    let found = accounts::authenticate(&state.db, &email, &password).await?;
    let now = chrono::Utc::now();
    let Some(account) = found else {
        audit::record(
            &state.db,
            audit::Actor::ANONYMOUS,
            AuditAction::LoginFailed,
            Some(email.trim()),
            false,
            None,
            now,
        )
        .await?;
        return Err(ApiError::InvalidCredentials);
    };
    rate_limit::release(&state, &account_bucket).await?;
    rate_limit::release(&state, &ip_bucket).await?;
    let user =
        accounts::session_user(&account).ok_or_else(|| internal("signing in", "unknown role"))?;
    let next = crate::domain::redirect::safe_next(next.as_deref(), &state.settings.public_url);
    let required = settings::load(&state.db).await?.require_admin_mfa;
    let step = second_step(user.role, account.mfa_secret.is_some(), required);
    if step != SecondStep::None {
        challenge::start(&state, account.id, step, next, now).await?;
        leptos_axum::redirect("/login/code");
        return Ok(LoginOutcome::CodeNeeded { step });
    }
    sign_in(&state, user.id, &user.email, now).await?;
    leptos_axum::redirect(&next.unwrap_or_else(|| user.home().to_owned()));
    Ok(LoginOutcome::SignedIn { user })
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::ssr::{auth::session, AppState};
    let state = AppState::from_context();

    if let Some(token) = session::request_token(&state) {
        session::end(&state.db, &token).await?;
    }
    session::clear_from_response(&state.settings);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in account, or `None` for an anonymous visitor.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, ApiError> {
    super::guard::current_account().await
}
