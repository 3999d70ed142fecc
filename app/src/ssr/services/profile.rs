//! The signed-in account's own profile: its name and its password.

use sea_orm::{prelude::Expr, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use crate::{
    domain::{FullName, NewPassword},
    ssr::{
        auth::password,
        db::begin_write,
        entities::{account, session},
        random::token_hash,
        services::{
            outbox::{self, Message, SecurityEvent},
            password_reset, settings,
        },
    },
};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("the current password is wrong")]
    WrongPassword,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error("{0}")]
    Internal(String),
}

pub async fn rename(
    db: &DatabaseConnection,
    account_id: i32,
    full_name: &str,
) -> Result<String, ProfileError> {
    let name = FullName::parse(full_name).map_err(|e| {
        ProfileError::InvalidInput(crate::ssr::services::invitations::sentence(&e.to_string()))
    })?;
    account::Entity::update_many()
        .col_expr(account::Column::FullName, Expr::value(name.as_str()))
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(name.as_str().to_owned())
}

/// Changes the password after checking the current one. Every session of the account ends, the
/// current one included (a stolen session does not survive a password change, and the caller
/// gives this browser a new session id), reset links asked for before stop working, and the
/// owner is emailed a security notice; returns how many *other* sessions ended.
pub async fn change_password(
    db: &DatabaseConnection,
    account_id: i32,
    current_session_token: &str,
    current: &str,
    candidate: &str,
    confirmation: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, ProfileError> {
    let policy = settings::load(db).await?.password_policy;
    let parsed = NewPassword::parse(candidate, confirmation, policy);
    let mut problems = match &parsed {
        Ok(_) => Vec::new(),
        Err(e) => e.sentences("new password"),
    };
    let new = parsed.ok().map(NewPassword::into_password);
    if !candidate.is_empty() && candidate == current {
        problems.push("The new password must differ from the current one.".into());
    }
    let Some(new) = new.filter(|_| problems.is_empty()) else {
        return Err(ProfileError::InvalidInput(problems.join(" ")));
    };
    let found = account::Entity::find_by_id(account_id).one(db).await?;
    let email = found.as_ref().map(|a| a.email.clone()).unwrap_or_default();
    let stored = found.map(|a| a.password_hash);
    if !password::verify(current.to_owned(), stored.clone()).await {
        return Err(ProfileError::WrongPassword);
    }
    let hash = password::hash(new.expose().to_owned())
        .await
        .map_err(ProfileError::Internal)?;
    let txn = begin_write(db).await?;
    // Conditional on the hash just verified: two changes at once cannot both win.
    let changed = account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::MustChangePassword, Expr::value(false))
        .filter(account::Column::Id.eq(account_id))
        .filter(account::Column::PasswordHash.eq(stored))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(ProfileError::WrongPassword);
    }
    let others = session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .filter(session::Column::IdHash.ne(token_hash(current_session_token)))
        .exec(&txn)
        .await?;
    session::Entity::delete_by_id(token_hash(current_session_token))
        .exec(&txn)
        .await?;
    // A reset link asked for before the change would undo it: they stop working; a login
    // begun with the old password and waiting for its code cannot finish.
    password_reset::revoke_all(&txn, account_id).await?;
    crate::ssr::auth::challenge::end_all_for_account_in(&txn, account_id).await?;
    let notice = Message::SecurityNotice {
        event: SecurityEvent::PasswordChanged,
        at: now,
    };
    outbox::enqueue(&txn, &email, None, &notice, now).await?;
    txn.commit().await?;
    Ok(others.rows_affected)
}
