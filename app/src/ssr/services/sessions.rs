//! An account's sessions as its owner sees them (to recognise a browser they did not sign in
//! from, and end it), and an admin ending every session of a developer without deactivating
//! the account.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    domain::browser::describe_browser,
    model::{
        account::{ActiveSession, SessionUser},
        audit::AuditAction,
    },
    ssr::{
        auth::session as sessions,
        entities::{account, session},
        random::token_hash,
        services::audit,
        ServerSettings,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum SessionsError {
    /// No live session of this account has that id (it ended meanwhile).
    #[error("no such session")]
    NotFound,
    /// The session asked to end is the one making the request.
    #[error("this is the current session")]
    Current,
    /// No account has that id.
    #[error("no such account")]
    NoAccount,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The account's live sessions, most recently used first; `current_token` marks this browser's.
pub async fn list(
    db: &DatabaseConnection,
    settings: &ServerSettings,
    account_id: i32,
    current_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<ActiveSession>, DbErr> {
    let idle = chrono::Duration::from_std(settings.session_idle_timeout)
        .unwrap_or_else(|_| chrono::Duration::hours(12));
    let current = current_token.map(token_hash);
    let rows = session::Entity::find()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::LastSeenAt.gt(now - idle))
        .order_by_desc(session::Column::LastSeenAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ActiveSession {
            current: current.as_deref() == Some(row.id_hash.as_str()),
            browser: describe_browser(row.user_agent.as_deref()),
            address: row.client_ip,
            started_at: row.created_at,
            last_seen_at: row.last_seen_at,
            id: row.id_hash,
        })
        .collect())
}

/// Ends one of the account's own sessions (not the one asking: that is signing out).
pub async fn end_one(
    db: &DatabaseConnection,
    account_id: i32,
    id: &str,
    current_token: Option<&str>,
) -> Result<(), SessionsError> {
    if current_token.map(token_hash).as_deref() == Some(id) {
        return Err(SessionsError::Current);
    }
    let ended = session::Entity::delete_many()
        .filter(session::Column::IdHash.eq(id))
        .filter(session::Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    if ended.rows_affected == 0 {
        return Err(SessionsError::NotFound);
    }
    Ok(())
}

/// Ends every session of the account but the one asking (audited when there were any);
/// returns how many ended.
pub async fn end_others(
    db: &DatabaseConnection,
    user: &SessionUser,
    current_token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut others = session::Entity::delete_many().filter(session::Column::AccountId.eq(user.id));
    if let Some(current) = current_token {
        others = others.filter(session::Column::IdHash.ne(token_hash(current)));
    }
    let ended = others.exec(db).await?.rows_affected;
    // Nothing ended, nothing happened: the log keeps only what changed.
    if ended > 0 {
        let detail = format!("{ended} other session(s) ended by the account's owner");
        audit::record(
            db,
            audit::Actor::account(user),
            AuditAction::SessionsEnded,
            Some(&user.email),
            true,
            Some(&detail),
            now,
        )
        .await?;
    }
    Ok(ended)
}

/// An admin ends every session of an account (it stays active: its owner logs in again).
pub async fn end_all_of(
    db: &DatabaseConnection,
    admin: &SessionUser,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<u64, SessionsError> {
    let account = account::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(SessionsError::NoAccount)?;
    let ended = sessions::end_all_for_account(db, account_id).await?;
    let detail = format!("{ended} session(s) ended by an administrator");
    audit::record(
        db,
        audit::Actor::account(admin),
        AuditAction::SessionsEnded,
        Some(&account.email),
        true,
        Some(&detail),
        now,
    )
    .await?;
    Ok(ended)
}
