//! `/api/v1/developers`: the accounts of Consumers › Developers.

use axum::extract::State;
use chrono::Utc;

use super::{
    auth::Caller,
    extract::{Id, Query},
    problem::{RestError, RestResult},
    types::{Developer, DeveloperPage, DeveloperQuery},
};
use crate::{
    domain::AccountAction,
    ssr::{
        services::{developers, operator::Operator},
        AppState,
    },
};

/// Lists accounts, newest first, 50 a page.
#[utoipa::path(get, path = "/developers", operation_id = "listDevelopers", tag = "developers", params(DeveloperQuery),
    responses((status = 200, description = "One page of accounts", body = DeveloperPage)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(query): Query<DeveloperQuery>,
) -> RestResult<axum::Json<DeveloperPage>> {
    let parsed = developers::DeveloperQuery::parse(
        query.search,
        query.state.map(|s| s.as_str().to_owned()),
        query.page,
    )?;
    let list = developers::list(&state.db, Operator::Token(&caller), &parsed).await?;
    Ok(axum::Json(DeveloperPage {
        data: list.rows.into_iter().map(Developer::from).collect(),
        total: list.total,
        page: list.page,
        page_size: list.page_size,
    }))
}

/// Deactivates an account: it can no longer sign in, and its sessions end at once.
#[utoipa::path(post, path = "/developers/{id}/deactivate", operation_id = "deactivateDeveloper", tag = "developers",
    params(("id" = i32, Path, description = "The account's id")),
    responses((status = 200, description = "The account as it is now", body = Developer),
        (status = 404, description = "No account has this id", body = super::Problem),
        (status = 409, description = "The account cannot be deactivated now (already inactive)", body = super::Problem)))]
pub async fn deactivate(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> RestResult<axum::Json<Developer>> {
    change(&state, &caller, id, AccountAction::Deactivate).await
}

/// Reactivates a deactivated account.
#[utoipa::path(post, path = "/developers/{id}/reactivate", operation_id = "reactivateDeveloper", tag = "developers",
    params(("id" = i32, Path, description = "The account's id")),
    responses((status = 200, description = "The account as it is now", body = Developer),
        (status = 404, description = "No account has this id", body = super::Problem),
        (status = 409, description = "The account was not deactivated", body = super::Problem)))]
pub async fn reactivate(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Id(id): Id,
) -> RestResult<axum::Json<Developer>> {
    change(&state, &caller, id, AccountAction::Reactivate).await
}

async fn change(
    state: &AppState,
    caller: &crate::ssr::services::operator::TokenCaller,
    id: i32,
    action: AccountAction,
) -> RestResult<axum::Json<Developer>> {
    // Administrators' accounts are the console's to change: a leaked token must not be able
    // to lock the admins out.
    if developers::role_of(&state.db, id).await? == Some(crate::domain::Role::Admin) {
        return Err(RestError(crate::model::ApiError::Disabled(
            "An API token cannot deactivate or reactivate an administrator: do it in Consumers \
             › Developers in the console."
                .into(),
        )));
    }
    let operator = Operator::Token(caller);
    let row = developers::set_account_state(&state.db, operator, id, action, Utc::now()).await?;
    Ok(axum::Json(row.into()))
}
