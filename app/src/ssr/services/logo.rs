//! The portal's logo on the database: replaced or removed by an admin (audited), read by the
//! handler that serves it and, as a version only, by the branding every page shows.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QuerySelect, Set};
use sha2::{Digest, Sha256};

use crate::{
    domain::logo::{check_logo, LogoType},
    model::{account::SessionUser, audit::AuditAction},
    ssr::{db::begin_write, entities::portal_logo, services::audit},
};

const ROW_ID: i32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum LogoError {
    #[error("{0}")]
    InvalidInput(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The logo to serve: its type, bytes and hash.
pub async fn get(db: &impl ConnectionTrait) -> Result<Option<(LogoType, Vec<u8>, String)>, DbErr> {
    let Some(row) = portal_logo::Entity::find_by_id(ROW_ID).one(db).await? else {
        return Ok(None);
    };
    Ok(LogoType::parse(&row.content_type).map(|t| (t, row.bytes, row.sha256)))
}

/// The current logo's version (its hash), without reading the image.
pub async fn version(db: &impl ConnectionTrait) -> Result<Option<String>, DbErr> {
    portal_logo::Entity::find_by_id(ROW_ID)
        .select_only()
        .column(portal_logo::Column::Sha256)
        .into_tuple::<String>()
        .one(db)
        .await
}

/// Replaces the logo with `bytes` (checked: PNG or JPEG, at most 256 KB).
pub async fn replace(
    db: &DatabaseConnection,
    admin: &SessionUser,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<String, LogoError> {
    let kind = check_logo(&bytes).map_err(|e| LogoError::InvalidInput(sentence(&e)))?;
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len();
    let txn = begin_write(db).await?;
    portal_logo::Entity::delete_by_id(ROW_ID).exec(&txn).await?;
    portal_logo::Entity::insert(portal_logo::ActiveModel {
        id: Set(ROW_ID),
        content_type: Set(kind.content_type().to_owned()),
        bytes: Set(bytes),
        sha256: Set(sha.clone()),
        updated_at: Set(now),
    })
    .exec(&txn)
    .await?;
    let detail = format!(
        "logo replaced ({}, {} KB)",
        kind.content_type(),
        size.div_ceil(1024)
    );
    audit::record(
        &txn,
        audit::Actor::account(admin),
        AuditAction::SettingsChanged,
        None,
        true,
        Some(&detail),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(sha)
}

/// Removes the logo; the portal's name stands alone again.
pub async fn remove(
    db: &DatabaseConnection,
    admin: &SessionUser,
    now: DateTime<Utc>,
) -> Result<(), LogoError> {
    let txn = begin_write(db).await?;
    let removed = portal_logo::Entity::delete_by_id(ROW_ID).exec(&txn).await?;
    if removed.rows_affected > 0 {
        audit::record(
            &txn,
            audit::Actor::account(admin),
            AuditAction::SettingsChanged,
            None,
            true,
            Some("logo removed"),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

fn sentence(text: &str) -> String {
    crate::ssr::services::invitations::sentence(text)
}
