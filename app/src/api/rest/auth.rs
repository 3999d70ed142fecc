//! Who calls `/api/v1`: a bearer token, never a browser session (the session cookie is not
//! read here, so a page cannot make a signed-in admin's browser call the API: no CSRF surface).
//! Each request is checked against the database (a revocation holds at once on every replica),
//! against the token's scopes, and against its per-token rate limit.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts, Method},
};

use super::problem::RestError;
use crate::{
    domain::api_token::Scope,
    model::ApiError,
    ssr::{rate_limit, services::api_tokens, services::operator::TokenCaller, AppState},
};

/// The token behind the request, authenticated and allowed the request's method.
pub struct Caller(pub TokenCaller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, RestError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or(ApiError::Unauthenticated)?;
        let caller = api_tokens::authenticate(&state.db, secret, chrono::Utc::now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let limit = state.settings.rate_limits.api_requests_per_token;
        rate_limit::count(state, &format!("api-token:{}", caller.token_id), limit).await?;
        let needed = if matches!(parts.method, Method::GET | Method::HEAD) {
            Scope::Read
        } else {
            Scope::Write
        };
        if !caller.scopes.allow(needed) {
            return Err(RestError(ApiError::Disabled(format!(
                "This token may {} only: this request needs the {} scope. Create a token with \
                 it under Settings › API tokens.",
                caller.scopes.as_str(),
                needed.as_str()
            ))));
        }
        Ok(Caller(caller))
    }
}
