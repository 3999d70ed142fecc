//! Signing in and out, and who is signed in.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::Role;

/// The signed-in account as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i32,
    pub email: String,
    pub full_name: String,
    pub role: Role,
}

impl SessionUser {
    /// Where this account lands after signing in when it was not going anywhere in particular.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::Admin => "/admin",
            Role::Developer => "/portal",
        }
    }
}

/// Only same-site paths are followed after login, so a crafted link cannot send a user to
/// another site (open redirect).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_owned)
}

/// Signs in with email and password. Unknown, inactive, waiting, rejected and wrong-password
/// accounts all get the same answer. A new session id is issued on every login.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<SessionUser, ApiError> {
    use crate::api::error::{internal, respond};
    use crate::ssr::{
        auth::{guard, session},
        services::accounts,
        AppState,
    };
    let state = AppState::from_context();

    use crate::api::activity::AuditAction;
    use crate::ssr::{rate_limit, services::audit};
    // Failed logins are counted per account (any typed email, known or not, so the limit
    // reveals nothing) and per client address; a full bucket refuses before any checking.
    let limits = &state.settings.rate_limits;
    let account_bucket = rate_limit::bucket("login-account", &email.trim().to_lowercase());
    let ip_bucket = rate_limit::ip_bucket(&state, "login-ip");
    rate_limit::refuse_if_full(&state, &account_bucket, limits.login_failures_per_account).await?;
    rate_limit::refuse_if_full(&state, &ip_bucket, limits.login_failures_per_ip).await?;
    let found = accounts::authenticate(&state.db, &email, &password)
        .await
        .map_err(|e| respond(internal("signing in", e)))?;
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
        .await
        .map_err(|e| respond(internal("signing in", e)))?;
        rate_limit::count(&state, &account_bucket, limits.login_failures_per_account).await?;
        rate_limit::count(&state, &ip_bucket, limits.login_failures_per_ip).await?;
        return Err(respond(ApiError::InvalidCredentials));
    };
    let user = SessionUser {
        id: account.id,
        role: Role::parse(&account.role)
            .ok_or_else(|| respond(internal("signing in", "unknown role")))?,
        email: account.email,
        full_name: account.full_name,
    };
    // Drop the session this browser had before, if any: a login always starts a fresh one.
    if let Some(old) = guard::request_token(&state) {
        session::end(&state.db, &old)
            .await
            .map_err(|e| respond(internal("signing in", e)))?;
    }
    let token = session::create(&state.db, &state.settings, user.id, now)
        .await
        .map_err(|e| respond(internal("starting a session", e)))?;
    accounts::record_login(&state.db, user.id, now)
        .await
        .map_err(|e| respond(internal("signing in", e)))?;
    audit::record(
        &state.db,
        audit::Actor::account(&user),
        AuditAction::LoginSucceeded,
        Some(&user.email),
        true,
        None,
        now,
    )
    .await
    .map_err(|e| respond(internal("signing in", e)))?;
    session::attach_to_response(&state.settings, &token);
    let target = safe_next(next.as_deref()).unwrap_or_else(|| user.home().to_owned());
    leptos_axum::redirect(&target);
    Ok(user)
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    use crate::api::error::{internal, respond};
    use crate::ssr::{
        auth::{guard, session},
        AppState,
    };
    let state = AppState::from_context();

    if let Some(token) = guard::request_token(&state) {
        session::end(&state.db, &token)
            .await
            .map_err(|e| respond(internal("signing out", e)))?;
    }
    session::clear_from_response(&state.settings);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in account, or `None` for an anonymous visitor.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, ApiError> {
    crate::ssr::auth::current_account()
        .await
        .map_err(crate::api::error::respond)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/admin?page=2")),
            Some("/admin?page=2".into())
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
