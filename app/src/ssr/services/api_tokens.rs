//! API tokens: made by an admin (Settings › API tokens), shown once, kept as a hash, checked on
//! every `/api/v1` request against the database (so a revocation holds at once on every
//! replica), and revoked by any admin.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DbErr, EntityTrait, Order, QueryFilter, QueryOrder, Set,
};

use crate::{
    domain::{
        api_token::{Scopes, TokenName, SHOWN_PREFIX_CHARS, TOKEN_PREFIX},
        Role,
    },
    model::{
        account::SessionUser,
        api_token::{ApiTokenRow, NewApiToken},
        audit::AuditAction,
    },
    ssr::{
        db::begin_write,
        entities::{account, api_token},
        random::{secret_token, token_hash},
        services::{accounts, audit, operator::TokenCaller},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum ApiTokenError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such token")]
    NotFound,
    #[error("the token was revoked already")]
    AlreadyRevoked,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// How often a token's "last used" is written at most: a busy integration does not turn every
/// read into a write.
const LAST_USE_PRECISION: Duration = Duration::seconds(60);

pub async fn create(
    db: &DatabaseConnection,
    admin: &SessionUser,
    name: &str,
    scopes: &str,
    lifetime_days: Option<u32>,
    now: DateTime<Utc>,
) -> Result<NewApiToken, ApiTokenError> {
    let name = TokenName::parse(name).map_err(ApiTokenError::InvalidInput)?;
    let scopes = Scopes::parse(scopes).map_err(ApiTokenError::InvalidInput)?;
    let days = crate::domain::api_token::parse_lifetime_days(lifetime_days)
        .map_err(ApiTokenError::InvalidInput)?;
    let secret = format!("{TOKEN_PREFIX}{}", secret_token());
    let txn = begin_write(db).await?;
    let model = api_token::ActiveModel {
        name: Set(name.as_str().to_owned()),
        token_hash: Set(token_hash(&secret)),
        prefix: Set(secret[..SHOWN_PREFIX_CHARS].to_owned()),
        scopes: Set(scopes.as_str().to_owned()),
        created_by: Set(admin.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(i64::from(days))),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let detail = format!("scopes {}, valid {days} days", scopes.as_str());
    audit::record(
        &txn,
        audit::Actor::account(admin),
        AuditAction::ApiTokenCreated,
        Some(name.as_str()),
        true,
        Some(&detail),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(NewApiToken {
        token: row(model, Some(admin.email.clone())),
        secret,
    })
}

/// Every token, newest first, with its creator's email.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ApiTokenRow>, DbErr> {
    let rows = api_token::Entity::find()
        .find_also_related(account::Entity)
        .order_by(api_token::Column::Id, Order::Desc)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(token, creator)| row(token, creator.map(|a| a.email)))
        .collect())
}

/// Revokes a token at once: the next request with it is refused, on every replica.
pub async fn revoke(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
    now: DateTime<Utc>,
) -> Result<ApiTokenRow, ApiTokenError> {
    let txn = begin_write(db).await?;
    let token = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ApiTokenError::NotFound)?;
    let revoked = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected == 0 {
        return Err(ApiTokenError::AlreadyRevoked);
    }
    audit::record(
        &txn,
        audit::Actor::account(admin),
        AuditAction::ApiTokenRevoked,
        Some(&token.name),
        true,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    let creator = account::Entity::find_by_id(token.created_by)
        .one(db)
        .await?
        .map(|a| a.email);
    Ok(row(
        api_token::Model {
            revoked_at: Some(now),
            ..token
        },
        creator,
    ))
}

/// The caller a bearer token stands for: only a token that is neither revoked nor expired,
/// whose creator is still an active admin who has chosen their own password. Anything else is
/// `None`, whatever the reason (the answer does not tell a guesser which).
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<TokenCaller>, DbErr> {
    if !secret.starts_with(TOKEN_PREFIX) || secret.len() > 200 {
        return Ok(None);
    }
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(secret)))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    let Some((token, Some(creator))) = found else {
        return Ok(None);
    };
    let Some(admin) = accounts::session_user(&creator)
        .filter(|a| creator.active && a.role == Role::Admin && !a.must_change_password)
    else {
        return Ok(None);
    };
    let Ok(scopes) = Scopes::parse(&token.scopes) else {
        return Ok(None);
    };
    if token
        .last_used_at
        .is_none_or(|at| at + LAST_USE_PRECISION <= now)
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .filter(
                Condition::any()
                    .add(api_token::Column::LastUsedAt.is_null())
                    .add(api_token::Column::LastUsedAt.lt(now - LAST_USE_PRECISION)),
            )
            .exec(db)
            .await?;
    }
    Ok(Some(TokenCaller::new(token.id, token.name, scopes, admin)))
}

fn row(token: api_token::Model, created_by: Option<String>) -> ApiTokenRow {
    ApiTokenRow {
        id: token.id,
        name: token.name,
        prefix: token.prefix,
        scopes: Scopes::parse(&token.scopes).unwrap_or_default(),
        created_by,
        created_at: token.created_at,
        expires_at: token.expires_at,
        last_used_at: token.last_used_at,
        revoked_at: token.revoked_at,
    }
}
