//! "Request a new invitation": the developer's button on an expired or replaced link, and the
//! admins' list of waiting requests (Consumers › Invitations › Requests).

use leptos::prelude::*;

use super::ApiError;
use crate::model::link_request::{LinkRequests, RequestAnswer};

/// The holder of an expired or replaced link asks for a new invitation (public: the link is
/// the proof). Unknown links count against the client like opened ones.
#[server(endpoint = "request_new_invitation")]
pub async fn request_new_invitation(token: String) -> Result<RequestAnswer, ApiError> {
    use crate::ssr::{rate_limit, services::invitations::requests, AppState};
    let state = AppState::from_context();
    rate_limit::refuse_after_bad_links(&state).await?;
    let outcome = requests::request(&state, &token, chrono::Utc::now()).await;
    let answer = super::invitations::counting_unknown_link(&state, outcome).await?;
    // Back to the link, which says what happens next (so it works without the app). The
    // token has just been matched to a stored link: one of ours (hex), safe in a path.
    super::redirect_with_query(
        &crate::domain::invitation::link_path(&token),
        &[("requested", answer.0.as_str())],
    );
    Ok(answer)
}

/// The waiting requests, oldest first.
#[server(endpoint = "list_link_requests")]
pub async fn list_link_requests() -> Result<LinkRequests, ApiError> {
    use crate::ssr::{services::invitations::requests, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(requests::waiting(&state.db, chrono::Utc::now()).await?)
}

/// How many requests wait (the navigation's badge).
#[server(endpoint = "link_request_count")]
pub async fn link_request_count() -> Result<u64, ApiError> {
    use crate::ssr::{services::invitations::requests, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(requests::waiting_count(&state.db).await?)
}

/// Grants a request: the address's invitation is resent (counted like a resend).
#[server(endpoint = "grant_link_request")]
pub async fn grant_link_request(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{
        services::{invitations::requests, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    super::invitations::count_invite_call(&state, &admin).await?;
    Ok(requests::grant(&state, Operator::Admin(&admin), id, chrono::Utc::now()).await?)
}

/// Declines a request; nothing is sent.
#[server(endpoint = "decline_link_request")]
pub async fn decline_link_request(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{services::invitations::requests, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(requests::decline(&state.db, &admin, id, chrono::Utc::now()).await?)
}
