//! `/api/v1/invitations`: the same services and rules as the Invitations page.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
};
use chrono::Utc;

use super::{
    auth::Caller,
    extract::{Id, Json, Query},
    idempotency::{self, Answer},
    problem::{RestError, RestResult},
    types::{
        BatchReport, BatchResult, DecisionName, Invitation, InvitationPage, InvitationQuery,
        NewInvitation, NewInvitations, Order, Review, RoleName,
    },
};
use crate::{
    domain::Role,
    model::{
        invitation::{InviteOutcome, ReviewDecision},
        ApiError,
    },
    ssr::{
        services::{invitations, operator::Operator},
        AppState,
    },
};

/// Lists invitations, newest first unless sorted otherwise, a page at a time.
#[utoipa::path(get, path = "/invitations", operation_id = "listInvitations", tag = "invitations", params(InvitationQuery),
    responses((status = 200, description = "One page of invitations", body = InvitationPage)))]
pub async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<InvitationQuery>,
) -> RestResult<axum::Json<InvitationPage>> {
    let parsed = invitations::ListQuery::parse(
        query.search,
        query.status.map(|s| s.as_str().to_owned()),
        None,
        query.limit,
        query.sort.map(|s| s.as_str().to_owned()),
        Some(query.order != Some(Order::Asc)),
        query.cursor,
    )?;
    let list = invitations::list(&state.db, &parsed, Utc::now()).await?;
    Ok(axum::Json(InvitationPage {
        data: list.rows.into_iter().map(Invitation::from).collect(),
        total: list.total,
        total_is_lower_bound: list.total_is_lower_bound,
        next_cursor: list.next,
        previous_cursor: list.previous,
    }))
}

/// Reads one invitation.
#[utoipa::path(get, path = "/invitations/{id}", operation_id = "getInvitation", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation's id")),
    responses((status = 200, description = "The invitation", body = Invitation),
        (status = 404, description = "No invitation has this id", body = super::Problem)))]
pub async fn get_one(
    State(state): State<AppState>,
    _caller: Caller,
    Id(id): Id,
) -> RestResult<axum::Json<Invitation>> {
    let row = invitations::get(&state.db, id, Utc::now()).await?;
    Ok(axum::Json(row.into()))
}

/// Invites one address and emails it the link. Send `Idempotency-Key` to retry safely.
#[utoipa::path(post, path = "/invitations", operation_id = "createInvitation", tag = "invitations", request_body = NewInvitation,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried request answer as the first did, without inviting twice (kept 24 hours): 1 to 255 visible ASCII characters, e.g. a UUID")),
    responses((status = 201, description = "Invited; `Location` names the invitation", body = Invitation,
            headers(("Location" = String, description = "The invitation's URL"))),
        (status = 409, description = "The address already has an account or a live invitation, or a domain rule refuses it", body = super::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let request = format!("POST /invitations {}", String::from_utf8_lossy(&body));
    idempotency::once(&state, caller.token_id, &headers, &request, async {
        let Json(new) = parse_json::<NewInvitation>(&headers, &body)?;
        let role = role_for_token(new.role)?;
        // One address, checked before anything is stored (the service reads lists).
        crate::domain::Email::parse(&new.email)
            .map_err(|e| RestError::invalid(format!("`email` is not an address: {e}.")))?;
        count_invite_call(&state, &caller).await?;
        let operator = Operator::Token(&caller);
        let now = Utc::now();
        let report =
            invitations::invite(&state, operator, &new.email, new.pre_approved, role, now).await?;
        let entry = match report.entries.as_slice() {
            [entry] => entry.clone(),
            _ => return Err(RestError::invalid(
                "Send one address in `email`; to invite several, POST /api/v1/invitations/batch.",
            )),
        };
        let id = match entry.outcome {
            InviteOutcome::Invited { invitation_id } => invitation_id,
            InviteOutcome::Invalid { reason } => return Err(RestError::invalid(reason)),
            other => return Err(RestError(ApiError::Conflict(other.message()))),
        };
        let row = invitations::get(&state.db, id, now).await?;
        Ok(Answer {
            status: StatusCode::CREATED,
            location: Some(format!("/api/v1/invitations/{id}")),
            body: serde_json::to_value(Invitation::from(row)).unwrap_or_default(),
        })
    })
    .await
}

/// Invites up to 1,000 addresses at once; each gets its own outcome, and the valid ones are
/// invited even when others are refused. Send `Idempotency-Key` to retry safely.
#[utoipa::path(post, path = "/invitations/batch", operation_id = "createInvitations", tag = "invitations", request_body = NewInvitations,
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,255}$", description = "Makes a retried request answer as the first did, without inviting twice (kept 24 hours): 1 to 255 visible ASCII characters, e.g. a UUID")),
    responses((status = 200, description = "Each address's outcome, in the order sent", body = BatchReport)))]
pub async fn create_many(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let request = format!("POST /invitations/batch {}", String::from_utf8_lossy(&body));
    idempotency::once(&state, caller.token_id, &headers, &request, async {
        let Json(new) = parse_json::<NewInvitations>(&headers, &body)?;
        let role = role_for_token(new.role)?;
        if new.emails.is_empty() {
            return Err(RestError::invalid("Send at least one address in `emails`."));
        }
        if let Some(position) = new
            .emails
            .iter()
            .position(|e| e.contains([';', ',', '\n', '\r']) || e.trim().is_empty())
        {
            return Err(RestError::invalid(format!(
                "Entry {} is empty or holds several addresses: send one address per entry of \
                 `emails`.",
                position + 1
            )));
        }
        count_invite_call(&state, &caller).await?;
        let operator = Operator::Token(&caller);
        let input = new.emails.join(";");
        let report =
            invitations::invite(&state, operator, &input, new.pre_approved, role, Utc::now())
                .await?;
        let results: Vec<BatchResult> = report.entries.into_iter().map(Into::into).collect();
        let invited = results.iter().filter(|r| r.outcome == "invited").count();
        let body = BatchReport {
            invited,
            refused: results.len() - invited,
            results,
        };
        Ok(Answer {
            status: StatusCode::OK,
            location: None,
            body: serde_json::to_value(body).unwrap_or_default(),
        })
    })
    .await
}

/// Replaces a Pending, Expired or denied invitation with a new one (new link, new validity)
/// and emails it.
#[utoipa::path(post, path = "/invitations/{id}/resend", operation_id = "resendInvitation", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation's id")),
    responses((status = 201, description = "The new invitation; `Location` names it", body = Invitation,
            headers(("Location" = String, description = "The new invitation's URL"))),
        (status = 404, description = "No invitation has this id", body = super::Problem),
        (status = 409, description = "This invitation cannot be resent in its status", body = super::Problem)))]
pub async fn resend(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> RestResult<Answer> {
    count_invite_call(&state, &caller).await?;
    let row = invitations::resend(&state, Operator::Token(&caller), id, Utc::now()).await?;
    Ok(Answer {
        status: StatusCode::CREATED,
        location: Some(format!("/api/v1/invitations/{}", row.id)),
        body: serde_json::to_value(Invitation::from(row)).unwrap_or_default(),
    })
}

/// Deletes a Pending or Expired invitation; its link stops working.
#[utoipa::path(delete, path = "/invitations/{id}", operation_id = "deleteInvitation", tag = "invitations",
    params(("id" = i32, Path, description = "The invitation's id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No invitation has this id", body = super::Problem),
        (status = 409, description = "This invitation cannot be deleted in its status", body = super::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> RestResult<StatusCode> {
    invitations::delete(&state.db, Operator::Token(&caller), id, Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts or denies a Waiting registration; the developer is emailed the decision.
#[utoipa::path(post, path = "/invitations/{id}/review", operation_id = "reviewInvitation", tag = "invitations", request_body = Review,
    params(("id" = i32, Path, description = "The invitation's id")),
    responses((status = 200, description = "The reviewed invitation", body = Invitation),
        (status = 404, description = "No invitation has this id", body = super::Problem),
        (status = 409, description = "The registration is not Waiting", body = super::Problem)))]
pub async fn review(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
    Json(review): Json<Review>,
) -> RestResult<axum::Json<Invitation>> {
    let decision = match review.decision {
        DecisionName::Accept => ReviewDecision::Accept,
        DecisionName::Deny => ReviewDecision::Deny,
    };
    let operator = Operator::Token(&caller);
    let now = Utc::now();
    let row = invitations::review(
        &state.db,
        operator,
        id,
        decision,
        review.reason.as_deref(),
        now,
    )
    .await?;
    Ok(axum::Json(row.into()))
}

/// A token invites developers only: an administrator is invited from the console, by a
/// signed-in admin, so that a leaked token cannot create a lasting administrator account.
fn role_for_token(role: Option<RoleName>) -> Result<Role, RestError> {
    match role.map_or(Role::Developer, Role::from) {
        Role::Admin => Err(RestError(ApiError::Disabled(
            "An API token cannot invite administrators: invite them from Consumers › \
             Invitations in the console."
                .into(),
        ))),
        role => Ok(role),
    }
}

/// Invite and resend calls through any of an admin's tokens count against that admin's hourly
/// limit, the same as in the console (more tokens do not mean more invitations).
async fn count_invite_call(
    state: &AppState,
    caller: &crate::ssr::services::operator::TokenCaller,
) -> Result<(), RestError> {
    Ok(crate::api::invitations::count_invite_call(state, &caller.admin).await?)
}

/// The body as JSON (read here rather than by an extractor: the idempotency check needs the
/// bytes first).
fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Json<T>, RestError> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(RestError::invalid(
            "Send the body as JSON, with Content-Type: application/json.",
        ));
    }
    serde_json::from_slice(body).map(Json).map_err(|e| {
        RestError::invalid(format!(
            "The body does not fit this operation ({e}): see its schema in /api/v1/openapi.json."
        ))
    })
}
