//! Settings › Administrators: every admin account, and demoting one to a developer (never the
//! last active admin, never oneself). Deactivation is the Developers page's, with the same rule.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use super::developers::{lock_active_admins, row_of, rows_for, DeveloperError};
use crate::{
    domain::{role_change::decide_demotion, Role},
    model::{
        account::{DeveloperRow, SessionUser},
        audit::AuditAction,
    },
    ssr::{
        db::begin_write,
        entities::account,
        services::{accounts, audit},
    },
};

/// Every admin account, active or not, oldest first.
pub async fn list(
    db: &DatabaseConnection,
    admin: &SessionUser,
) -> Result<Vec<DeveloperRow>, DeveloperError> {
    let models = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .order_by_asc(account::Column::CreatedAt)
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?;
    rows_for(db, Some(admin.id), &models).await
}

/// Makes an admin a developer. The active admins' rows are locked (in id order) before they
/// are counted, so two admins demoting each other at the same moment leave one admin.
pub async fn demote(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
    now: DateTime<Utc>,
) -> Result<DeveloperRow, DeveloperError> {
    let txn = begin_write(db).await?;
    let active_admins = lock_active_admins(&txn).await?;
    let model = account::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(DeveloperError::NotFound)?;
    let role = Role::parse(&model.role).ok_or_else(|| {
        DeveloperError::Internal(format!("account {id} has role {:?}", model.role))
    })?;
    let standing = accounts::standings(&txn, std::slice::from_ref(&model)).await?[&id];
    let others = active_admins.iter().filter(|a| a.id != id).count();
    decide_demotion(role, standing, model.id == admin.id, others)
        .map_err(DeveloperError::NotDemoted)?;
    let changed = account::Entity::update_many()
        .col_expr(account::Column::Role, Expr::value(Role::Developer.as_str()))
        .filter(account::Column::Id.eq(id))
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(DeveloperError::ChangedMeanwhile);
    }
    audit::record(
        &txn,
        audit::Actor::account(admin),
        AuditAction::RoleChanged,
        Some(&model.email),
        true,
        Some("administrator → developer"),
        now,
    )
    .await?;
    let row = row_of(&txn, Some(admin.id), id).await?;
    txn.commit().await?;
    Ok(row)
}
