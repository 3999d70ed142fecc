//! The longest validity any invitation was made with (entities::longest_validity): read by a
//! search for Pending invitations, raised wherever invitations may be made valid for longer.
//! Only ever raised, by a conditional update, so two replicas saving settings at once leave
//! the longer of the two.

use sea_orm::{sea_query::Expr, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::{
    domain::Validity,
    ssr::entities::longest_validity::{Column, Entity},
};

const ROW_ID: i32 = 1;

/// The longest validity invitations were made with; `None` when that is not known (the row
/// missing or edited beyond any validity), and then a search reads without the bound.
pub async fn load(db: &impl ConnectionTrait) -> Result<Option<Validity>, DbErr> {
    let row = Entity::find_by_id(ROW_ID).one(db).await?;
    Ok(row
        .and_then(|row| u32::try_from(row.hours).ok())
        .and_then(|hours| Validity::from_hours(hours).ok()))
}

/// Records that invitations may now be made valid for `validity`: called before (or in the
/// same transaction as) the first is, so that no invitation is ever longer than the record.
pub async fn raise(db: &impl ConnectionTrait, validity: Validity) -> Result<(), DbErr> {
    let hours = i32::try_from(validity.hours()).unwrap_or(i32::MAX);
    Entity::update_many()
        .col_expr(Column::Hours, Expr::value(hours))
        .filter(Column::Id.eq(ROW_ID))
        .filter(Column::Hours.lt(hours))
        .exec(db)
        .await?;
    Ok(())
}
