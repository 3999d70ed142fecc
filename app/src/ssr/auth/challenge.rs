//! The code step of a login: after a correct password, an account with two-step sign-in gets
//! no session yet but a login challenge, a random 256-bit id in a short-lived HttpOnly cookie
//! (only its hash in the `login_challenges` table). The code page works from it; a correct
//! code turns it into a session, too many wrong codes or five minutes end it.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, sea_query::ExprTrait, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr,
    EntityTrait, QueryFilter, Set,
};

use super::session::{append_set_cookie, cookie, request_cookie_token};
use crate::{
    domain::mfa::{SecondStep, CODE_STEP_MINUTES, WRONG_CODES_PER_STEP},
    ssr::{
        entities::login_challenge,
        random::{secret_token, token_hash},
        AppState, ServerSettings,
    },
};

fn cookie_name(settings: &ServerSettings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-portico_login_step"
    } else {
        "portico_login_step"
    }
}

pub const PURPOSE_CODE: &str = "code";
pub const PURPOSE_ENROLL: &str = "enroll";

/// The stored purpose of a step.
pub fn purpose_of(step: SecondStep) -> &'static str {
    match step {
        SecondStep::Enroll => PURPOSE_ENROLL,
        SecondStep::Code | SecondStep::None => PURPOSE_CODE,
    }
}

/// Starts the code step for `account_id` and gives this browser its cookie. A step the browser
/// already had ends first.
pub async fn start(
    state: &AppState,
    account_id: i32,
    step: SecondStep,
    next_path: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(old) = request_cookie_token(cookie_name(&state.settings)) {
        end(&state.db, &old).await?;
    }
    let token = secret_token();
    login_challenge::ActiveModel {
        id_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        purpose: Set(purpose_of(step).to_owned()),
        pending_secret: Set((step == SecondStep::Enroll).then(super::totp::new_secret)),
        next_path: Set(next_path),
        failures: Set(0),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::minutes(CODE_STEP_MINUTES)),
    }
    .insert(&state.db)
    .await?;
    let max_age = (CODE_STEP_MINUTES * 60) as u64;
    append_set_cookie(&cookie(
        &state.settings,
        cookie_name(&state.settings),
        &token,
        max_age,
    ));
    Ok(())
}

/// The current request's live step, if it has one.
pub async fn current(
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Option<(String, login_challenge::Model)>, DbErr> {
    let Some(token) = request_cookie_token(cookie_name(&state.settings)) else {
        return Ok(None);
    };
    let found = login_challenge::Entity::find_by_id(token_hash(&token))
        .filter(login_challenge::Column::ExpiresAt.gt(now))
        .one(&state.db)
        .await?;
    Ok(found.map(|row| (token, row)))
}

/// Counts one attempt at a code against the step, before the code is checked (so parallel
/// attempts cannot exceed the limit). `false` when the step is gone, expired or used up.
pub async fn reserve_attempt(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let reserved = login_challenge::Entity::update_many()
        .col_expr(
            login_challenge::Column::Failures,
            Expr::col(login_challenge::Column::Failures).add(1),
        )
        .filter(login_challenge::Column::IdHash.eq(token_hash(token)))
        .filter(login_challenge::Column::Failures.lt(WRONG_CODES_PER_STEP))
        .filter(login_challenge::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(reserved.rows_affected == 1)
}

/// Ends the step; `true` when this call ended it (a step is used once).
pub async fn end(db: &impl ConnectionTrait, token: &str) -> Result<bool, DbErr> {
    let deleted = login_challenge::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Ends every step of an account (its password changed or was reset, it was deactivated): a
/// step begun with the old password cannot finish.
pub async fn end_all_for_account_in(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> Result<u64, DbErr> {
    let deleted = login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Removes the step's cookie from this browser.
pub fn clear_cookie(settings: &ServerSettings) {
    append_set_cookie(&cookie(settings, cookie_name(settings), "", 0));
}
