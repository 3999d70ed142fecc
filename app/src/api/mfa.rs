//! Two-step sign-in: the login's code step (`/login/code`), and the authenticator on the
//! profile page. Codes are limited per account (reserved before they are checked, given back
//! when right) on top of the code step's own limit.

use leptos::prelude::*;

use super::ApiError;
use crate::model::mfa::{CodeAccepted, CodeStep, Enrollment, MfaStatus};

/// How long a code step lasts and what it is for; `None` when this browser has no live step
/// (it ended, or the password was never typed here).
#[server(endpoint = "login_code_step")]
pub async fn login_code_step() -> Result<Option<CodeStep>, ApiError> {
    use crate::{
        domain::mfa::SecondStep,
        ssr::{auth::challenge, entities::account, services::mfa, AppState},
    };
    use sea_orm::EntityTrait;
    let state = AppState::from_context();
    let Some((_, step)) = challenge::current(&state, chrono::Utc::now()).await? else {
        return Ok(None);
    };
    let Some(account) = account::Entity::find_by_id(step.account_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // The step's own key; set up meanwhile (in another browser), the step asks for a code
    // like any other.
    let enrolling = step
        .pending_secret
        .as_deref()
        .filter(|_| step.purpose == challenge::PURPOSE_ENROLL && account.mfa_secret.is_none());
    let (step_kind, enrollment) = match enrolling {
        Some(secret) => (
            SecondStep::Enroll,
            Some(mfa::enrollment(
                secret,
                &account.email,
                &state.portal_name().await?,
            )),
        ),
        None => (SecondStep::Code, None),
    };
    Ok(Some(CodeStep {
        step: step_kind,
        email: account.email,
        enrollment,
        expires_at: step.expires_at,
    }))
}

/// The code step's form: a code from the app or a recovery code (or, when the portal made this
/// administrator set up an authenticator, its first code). A right code signs the browser in.
#[server(endpoint = "submit_login_code")]
pub async fn submit_login_code(code: String) -> Result<CodeAccepted, ApiError> {
    use crate::{
        domain::{mfa::WRONG_CODES_PER_STEP, redirect::safe_next},
        model::audit::AuditAction,
        ssr::{
            auth::challenge,
            entities::account,
            rate_limit,
            services::{accounts, audit, mfa, mfa::MfaError, sign_in::sign_in},
            AppState,
        },
    };
    use sea_orm::EntityTrait;
    let state = AppState::from_context();
    let now = chrono::Utc::now();
    let ended = || {
        ApiError::Conflict(
            "This sign-in step has ended (it lasts 5 minutes): log in again with your password."
                .into(),
        )
    };
    let (token, step) = challenge::current(&state, now).await?.ok_or_else(ended)?;
    let account = account::Entity::find_by_id(step.account_id)
        .one(&state.db)
        .await?
        .filter(|a| a.active);
    let Some(account) = account else {
        challenge::end(&state.db, &token).await?;
        challenge::clear_cookie(&state.settings);
        return Err(ApiError::InvalidCredentials);
    };
    let bucket = format!("login-code-account:{}", account.id);
    let limit = state.settings.rate_limits.login_failures_per_account;
    rate_limit::count(&state, &bucket, limit).await?;
    if !challenge::reserve_attempt(&state.db, &token, now).await? {
        rate_limit::release(&state, &bucket).await?;
        challenge::end(&state.db, &token).await?;
        challenge::clear_cookie(&state.settings);
        return Err(ApiError::Conflict(format!(
            "{WRONG_CODES_PER_STEP} wrong codes: for your account's safety, log in again with \
             your password."
        )));
    }
    let enrolling = step
        .pending_secret
        .as_deref()
        .filter(|_| step.purpose == challenge::PURPOSE_ENROLL && account.mfa_secret.is_none());
    let checked = if let Some(secret) = enrolling {
        mfa::confirm_login_enrollment(&state.db, account.id, secret, &code, now)
            .await
            .map(|codes| (codes, None))
    } else {
        mfa::verify(&state.db, account.id, &code, now)
            .await
            .map(|accepted| match accepted {
                mfa::Accepted::App => (Vec::new(), None),
                mfa::Accepted::RecoveryCode { left } => (Vec::new(), Some(left)),
            })
    };
    let (recovery_codes, recovery_codes_left) = match checked {
        Ok(found) => found,
        Err(e @ (MfaError::WrongCode | MfaError::CodeUsed | MfaError::InvalidInput(_))) => {
            audit::record(
                &state.db,
                audit::Actor::ANONYMOUS,
                AuditAction::LoginFailed,
                Some(&account.email),
                false,
                Some("the password was right, the code was not"),
                now,
            )
            .await?;
            // The last wrong code of the step: it ends, and the owner is told that someone
            // knows the password (once per step, by whoever ends it).
            if step.failures + 1 >= WRONG_CODES_PER_STEP
                && challenge::end(&state.db, &token).await?
            {
                challenge::clear_cookie(&state.settings);
                mfa::notify_wrong_codes(&state.db, &account.email, now).await?;
            }
            return Err(e.into());
        }
        Err(other) => {
            rate_limit::release(&state, &bucket).await?;
            return Err(other.into());
        }
    };
    rate_limit::release(&state, &bucket).await?;
    // The step is used once: of two right codes at once, one signs in.
    if !challenge::end(&state.db, &token).await? {
        return Err(ended());
    }
    challenge::clear_cookie(&state.settings);
    sign_in(&state, account.id, &account.email, now).await?;
    let home = accounts::session_user(&account).map_or("/", |user| user.home());
    let next = safe_next(step.next_path.as_deref(), &state.settings.public_url)
        .unwrap_or_else(|| home.to_owned());
    // New recovery codes are shown before the browser moves on.
    if recovery_codes.is_empty() {
        leptos_axum::redirect(&next);
    }
    Ok(CodeAccepted {
        next,
        recovery_codes,
        recovery_codes_left,
    })
}

/// The signed-in account's two-step sign-in, for its profile.
#[server(endpoint = "my_mfa")]
pub async fn my_mfa() -> Result<MfaStatus, ApiError> {
    use crate::ssr::{services::mfa, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    Ok(mfa::status(&state.db, user.id).await?)
}

/// Starts setting up an authenticator, after the account's password: a new key, shown as a
/// QR code and as text. Nothing changes for logins until its first code confirms it.
#[server(endpoint = "begin_mfa_enrollment")]
pub async fn begin_mfa_enrollment(current_password: String) -> Result<Enrollment, ApiError> {
    use crate::ssr::{services::mfa, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let issuer = state.portal_name().await?;
    limited(
        &state,
        user.id,
        mfa::begin_enrollment(&state.db, user.id, &current_password, &issuer),
    )
    .await
}

/// Confirms the authenticator being set up with its first code; returns the recovery codes
/// (shown once).
#[server(endpoint = "confirm_mfa_enrollment")]
pub async fn confirm_mfa_enrollment(code: String) -> Result<Vec<String>, ApiError> {
    use crate::ssr::{services::mfa, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let now = chrono::Utc::now();
    limited(
        &state,
        user.id,
        mfa::confirm_enrollment(&state.db, user.id, &code, now),
    )
    .await
}

/// New recovery codes in place of the old ones, after a code.
#[server(endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes(code: String) -> Result<Vec<String>, ApiError> {
    use crate::ssr::{services::mfa, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let now = chrono::Utc::now();
    limited(
        &state,
        user.id,
        mfa::regenerate_recovery_codes(&state.db, user.id, &code, now),
    )
    .await
}

/// Turns two-step sign-in off, with the password and a code.
#[server(endpoint = "disable_mfa")]
pub async fn disable_mfa(current_password: String, code: String) -> Result<(), ApiError> {
    use crate::ssr::{services::mfa, AppState};
    let state = AppState::from_context();
    let user = super::guard::require_account().await?;
    let now = chrono::Utc::now();
    limited(
        &state,
        user.id,
        mfa::disable(&state.db, user.id, &current_password, &code, now),
    )
    .await
}

/// Runs a change that a code (and maybe the password) confirms, counting it against the
/// account's limit first: a stolen session cannot guess codes or the password at leisure.
/// Only wrong answers keep their count.
#[cfg(feature = "ssr")]
async fn limited<T>(
    state: &crate::ssr::AppState,
    account_id: i32,
    change: impl std::future::Future<Output = Result<T, crate::ssr::services::mfa::MfaError>>,
) -> Result<T, ApiError> {
    use crate::ssr::{rate_limit, services::mfa::MfaError};
    let bucket = format!("mfa-change-account:{account_id}");
    let limit = state.settings.rate_limits.login_failures_per_account;
    rate_limit::count(state, &bucket, limit).await?;
    match change.await {
        Err(e @ (MfaError::WrongCode | MfaError::CodeUsed | MfaError::WrongPassword)) => {
            Err(e.into())
        }
        other => {
            rate_limit::release(state, &bucket).await?;
            Ok(other?)
        }
    }
}
