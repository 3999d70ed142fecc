//! The checks every server function starts with. Authorization happens here, on the server,
//! whatever the UI shows or hides.

use chrono::Utc;

use super::session;
use crate::{
    api::{auth::SessionUser, error::internal, ApiError},
    domain::Role,
    ssr::AppState,
};

/// The session token sent with the current request, if any.
pub fn request_token(state: &AppState) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| session::token_from_cookies(&state.settings, header))
}

/// The signed-in, active account of the current request, if any.
pub async fn current_account() -> Result<Option<SessionUser>, ApiError> {
    let state = AppState::from_context();
    let Some(token) = request_token(&state) else {
        return Ok(None);
    };
    let found = session::resolve(&state.db, &state.settings, &token, Utc::now())
        .await
        .map_err(|e| internal("reading the session", e))?;
    Ok(found.filter(|a| a.active).and_then(|a| {
        Some(SessionUser {
            id: a.id,
            role: Role::parse(&a.role)?,
            email: a.email,
            full_name: a.full_name,
        })
    }))
}

/// Any signed-in, active account, or 401.
pub async fn require_account() -> Result<SessionUser, ApiError> {
    current_account().await?.ok_or(ApiError::Unauthenticated)
}

/// A signed-in, active admin: 401 when anonymous, 403 for a developer.
pub async fn require_admin() -> Result<SessionUser, ApiError> {
    let user = require_account().await?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(ApiError::Forbidden)
    }
}
