//! Forgotten passwords. A request only queues an email for the typed address (the same work
//! whatever the address is, so neither the answer nor its timing says whether it has an
//! account); the mail worker then issues a single-use link for an account that can sign in.
//! Choosing the new password uses the link up, ends every session of the account, and tells
//! its owner by email, all in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QuerySelect, Set,
};

use crate::{
    domain::{
        password_reset::{reset_link_expires_at, ResetLinkState},
        Email, NewPassword,
    },
    model::{account::ResetLanding, audit::AuditAction},
    ssr::{
        auth::{password, session},
        db::begin_write,
        entities::{account, password_reset},
        random::{secret_token, token_hash},
        services::{
            audit,
            outbox::{self, Message, SecurityEvent},
            settings,
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum PasswordResetError {
    /// The new password breaks the policy or differs from its confirmation.
    #[error("{0}")]
    InvalidInput(String),
    /// The link cannot be used (expired, used, replaced or unknown).
    #[error("{}", .0.title())]
    Link(ResetLinkState),
    /// The account was deactivated after the link was sent.
    #[error("the account can no longer sign in")]
    CannotSignIn,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

/// Queues the reset email for `email`. Whether the address has an account is decided by the
/// mail worker, not here.
pub async fn request(
    db: &impl ConnectionTrait,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::enqueue(db, email.as_str(), None, &Message::PasswordReset, now).await
}

/// Issues a new link for an account, replacing its older ones; returns the raw token (for the
/// email only) and when it stops working.
pub async fn issue(
    db: &DatabaseConnection,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(String, DateTime<Utc>), DbErr> {
    let token = secret_token();
    let expires_at = reset_link_expires_at(now);
    let txn = begin_write(db).await?;
    // The account's row, locked: two requests for one account take turns (one live link
    // each time), and requests for different accounts never wait on each other. A delete by
    // account id would lock the index gap where the account's links go on MySQL/MariaDB, and
    // two of those followed by their inserts deadlock (seen with two accounts asking at once).
    account::Entity::find_by_id(account_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let older: Vec<i32> = password_reset::Entity::find()
        .select_only()
        .column(password_reset::Column::Id)
        .filter(password_reset::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(&txn)
        .await?;
    if !older.is_empty() {
        password_reset::Entity::delete_many()
            .filter(password_reset::Column::Id.is_in(older))
            .exec(&txn)
            .await?;
    }
    password_reset::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((token, expires_at))
}

/// The link's row and its state now.
async fn find(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(Option<password_reset::Model>, ResetLinkState), DbErr> {
    let row = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?;
    let state = match &row {
        None => ResetLinkState::Unknown,
        Some(r) if r.used_at.is_some() => ResetLinkState::Used,
        Some(r) if r.expires_at <= now => ResetLinkState::Expired,
        Some(_) => ResetLinkState::Usable,
    };
    Ok((row, state))
}

/// What the link's page shows. Opening the page never uses the link up.
pub async fn landing(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<ResetLanding, DbErr> {
    let (row, state) = find(db, token, now).await?;
    let email = match (&row, state) {
        (Some(row), ResetLinkState::Usable) => account::Entity::find_by_id(row.account_id)
            .one(db)
            .await?
            .map(|a| a.email),
        _ => None,
    };
    Ok(ResetLanding { state, email })
}

/// The account whose password was reset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub account_id: i32,
    pub email: String,
    /// Sessions ended (every session of the account).
    pub sessions_ended: u64,
}

/// Sets the new password with a usable link. The link is used up by a conditional update, so
/// of two submissions of one link only one wins; the account must still be able to sign in.
pub async fn complete(
    db: &DatabaseConnection,
    token: &str,
    candidate: &str,
    confirmation: &str,
    now: DateTime<Utc>,
) -> Result<Reset, PasswordResetError> {
    let (row, state) = find(db, token, now).await?;
    let Some(row) = row.filter(|_| state == ResetLinkState::Usable) else {
        return Err(PasswordResetError::Link(state));
    };
    let policy = settings::load(db).await?.password_policy;
    let new = NewPassword::parse(candidate, confirmation, policy)
        .map_err(|e| PasswordResetError::InvalidInput(e.sentences("new password").join(" ")))?
        .into_password();
    let hash = password::hash(new.expose().to_owned())
        .await
        .map_err(PasswordResetError::Internal)?;

    let txn = begin_write(db).await?;
    let used = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::Id.eq(row.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        // Another submission of this link won, or a newer link replaced it, meanwhile.
        return Err(PasswordResetError::Link(ResetLinkState::Used));
    }
    // Only an account that can still sign in (not deactivated since the link was sent).
    let changed = account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::MustChangePassword, Expr::value(false))
        .filter(account::Column::Id.eq(row.account_id))
        .filter(account::Column::Active.eq(true))
        .exec(&txn)
        .await?;
    let Some(account) = account::Entity::find_by_id(row.account_id)
        .one(&txn)
        .await?
        .filter(|_| changed.rows_affected == 1)
    else {
        return Err(PasswordResetError::CannotSignIn);
    };
    let sessions_ended = session::end_all_for_account_in(&txn, account.id).await?;
    let notice = Message::SecurityNotice {
        event: SecurityEvent::PasswordReset,
        at: now,
    };
    outbox::enqueue(&txn, &account.email, None, &notice, now).await?;
    let detail = format!("with an emailed link; {sessions_ended} session(s) ended");
    audit::record(
        &txn,
        audit::Actor::of(account.id, &account.email),
        AuditAction::PasswordReset,
        Some(&account.email),
        true,
        Some(&detail),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Reset {
        account_id: account.id,
        email: account.email,
        sessions_ended,
    })
}

/// Every outstanding link of an account stops working (its password was changed otherwise).
pub async fn revoke_all(db: &impl ConnectionTrait, account_id: i32) -> Result<(), DbErr> {
    password_reset::Entity::delete_many()
        .filter(password_reset::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}
