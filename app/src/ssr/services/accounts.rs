//! Accounts: creation, sign-in and the first admin.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set, SqlErr,
};

use crate::{
    domain::{Email, FullName, Password, Role},
    ssr::{auth::password, entities::account},
};

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

pub async fn count(db: &DatabaseConnection) -> Result<u64, DbErr> {
    account::Entity::find().count(db).await
}
