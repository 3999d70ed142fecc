//! The longest validity any invitation was made with (one row, id 1), raised whenever an
//! invitation could be made valid for longer (the settings' validity saved, the generator's
//! invitations) and never lowered: an invitation unexpired now was sent within it, so a search
//! for Pending invitations reads only the index rows since then
//! (`domain::earliest_unexpired_invitation`, m0034).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "longest_validity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub hours: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
