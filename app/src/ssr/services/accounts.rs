//! Accounts: creation, sign-in and the first admin.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};

use crate::{
    domain::{Email, FullName, Password, Role, Standing, StoredStatus},
    model::account::SessionUser,
    ssr::{
        auth::password,
        entities::{account, invitation},
    },
};

/// The account as the pages see it once signed in; `None` for a row with a role this version
/// does not know (edited by hand), which then cannot sign in.
pub fn session_user(account: &account::Model) -> Option<SessionUser> {
    Some(SessionUser {
        id: account.id,
        role: Role::parse(&account.role)?,
        email: account.email.clone(),
        full_name: account.full_name.clone(),
        must_change_password: account.must_change_password,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account with the email {0} already exists")]
    EmailTaken(String),
    #[error("could not hash the password: {0}")]
    Hashing(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Creates an account; the email must not belong to another account in any letter case.
pub async fn create(
    db: &DatabaseConnection,
    email: &Email,
    full_name: &FullName,
    password: &Password,
    role: Role,
    active: bool,
) -> Result<account::Model, AccountError> {
    let password_hash = password::hash(password.expose().to_owned())
        .await
        .map_err(AccountError::Hashing)?;
    let inserted = account::ActiveModel {
        email: Set(email.as_str().to_owned()),
        email_normalized: Set(email.normalized()),
        full_name: Set(full_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(role.as_str().to_owned()),
        active: Set(active),
        created_at: Set(Utc::now()),
        must_change_password: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(model) => Ok(model),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Err(AccountError::EmailTaken(email.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The active account whose email and password match. Unknown, inactive and wrong-password
/// cases all return `None` after the same amount of hashing work, so neither the answer nor its
/// timing tells whether an account exists.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    candidate: &str,
) -> Result<Option<account::Model>, DbErr> {
    let found = match Email::parse(email) {
        Ok(email) => {
            account::Entity::find()
                .filter(account::Column::EmailNormalized.eq(email.normalized()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let stored = found.as_ref().map(|a| a.password_hash.clone());
    let matches = password::verify(candidate.to_owned(), stored).await;
    let account = found.filter(|a| matches && a.active);
    if let Some(account) = &account {
        if password::needs_rehash(&account.password_hash) {
            upgrade_hash(db, account, candidate).await?;
        }
    }
    Ok(account)
}

/// Re-hashes a just-verified password with the current settings, conditional on the old hash
/// (a password changed meanwhile is left alone). A failed hash keeps the old one.
async fn upgrade_hash(
    db: &DatabaseConnection,
    account: &account::Model,
    candidate: &str,
) -> Result<(), DbErr> {
    let Ok(upgraded) = password::hash(candidate.to_owned()).await else {
        return Ok(());
    };
    account::Entity::update_many()
        .col_expr(
            account::Column::PasswordHash,
            sea_orm::prelude::Expr::value(upgraded),
        )
        .filter(account::Column::Id.eq(account.id))
        .filter(account::Column::PasswordHash.eq(account.password_hash.clone()))
        .exec(db)
        .await?;
    tracing::info!(
        account_id = account.id,
        "password hash upgraded to the current argon2id settings"
    );
    Ok(())
}

/// Notes the time of a successful sign-in (shown on the Developers page).
pub async fn record_login(
    db: &DatabaseConnection,
    account_id: i32,
    now: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    account::Entity::update_many()
        .col_expr(
            account::Column::LastLoginAt,
            sea_orm::prelude::Expr::value(now),
        )
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The account must choose its own password at its next sign-in (someone else knows this one).
pub async fn require_password_change(
    db: &DatabaseConnection,
    account_id: i32,
) -> Result<(), DbErr> {
    account::Entity::update_many()
        .col_expr(
            account::Column::MustChangePassword,
            sea_orm::prelude::Expr::value(true),
        )
        .filter(account::Column::Id.eq(account_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    account::Entity::find().count(db).await
}

/// The standing of each account, by id: the one place that reads "this account's registration
/// was denied" from the database. An inactive account that no admin deactivated was denied
/// when its newest registration (the invitation it completed last) is Rejected, or was
/// Rejected and then resent (Inactivated: a completed invitation is only ever resent from
/// Rejected), until the new link is completed; otherwise it waits for review. A deactivated
/// account is Deactivated, whatever its registrations say.
pub async fn standings(
    db: &impl ConnectionTrait,
    models: &[account::Model],
) -> Result<HashMap<i32, Standing>, DbErr> {
    /// Bound on the ids in one `IN (...)` list.
    const CHUNK: usize = 500;
    let undecided: Vec<i32> = models
        .iter()
        .filter(|m| !m.active && m.deactivated_at.is_none())
        .map(|m| m.id)
        .collect();
    let mut newest_denied = HashMap::new();
    for chunk in undecided.chunks(CHUNK) {
        let registrations = invitation::Entity::find()
            .filter(invitation::Column::AccountId.is_in(chunk.iter().copied()))
            .order_by_asc(invitation::Column::Id)
            .all(db)
            .await?;
        // Ascending ids: the newest registration of an account has the last word.
        for registration in registrations {
            if let Some(id) = registration.account_id {
                let denied = [StoredStatus::Rejected, StoredStatus::Inactivated]
                    .iter()
                    .any(|status| registration.status == status.as_str());
                newest_denied.insert(id, denied);
            }
        }
    }
    Ok(models
        .iter()
        .map(|m| {
            let denied = newest_denied.get(&m.id).copied().unwrap_or(false);
            (
                m.id,
                Standing::of(m.active, m.deactivated_at.is_some(), denied),
            )
        })
        .collect())
}
