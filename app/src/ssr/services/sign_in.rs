//! Signing an account in, in this browser: the one path a login and a completed pre-approved
//! registration both take, so that both end the browser's old session, start a fresh one,
//! record the time and leave the same audit entry.

use chrono::{DateTime, Utc};
use sea_orm::DbErr;

use crate::{
    model::audit::AuditAction,
    ssr::{
        auth::session,
        services::{accounts, audit},
        AppState,
    },
};

pub async fn sign_in(
    state: &AppState,
    account_id: i32,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    session::start(state, account_id, now).await?;
    accounts::record_login(&state.db, account_id, now).await?;
    audit::record(
        &state.db,
        audit::Actor::of(account_id, email),
        AuditAction::LoginSucceeded,
        Some(email),
        true,
        None,
        now,
    )
    .await
}
