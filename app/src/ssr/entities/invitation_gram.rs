//! The search index of invitation addresses: one row per distinct gram of an address (see
//! `domain::search`), with the invitation's date so a gram's rows come newest first straight
//! from the primary key, and its status and expiry so a gram's rows of one status come newest
//! first from `idx_invitation_grams_status` (gram, status, date, id, valid-until), and the
//! address's signature (a bit per gram) and the address itself in both, so that a walk checks
//! a row's match from the index row alone.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitation_grams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub gram: i64,
    /// The invitation's `invited_at`, in microseconds since 1970.
    #[sea_orm(primary_key, auto_increment = false)]
    pub invited_at: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub invitation_id: i32,
    /// The invitation's stored status, changed with it (see `search_index::restatus`).
    pub status: String,
    /// The invitation's `valid_until`, in microseconds since 1970 (never changes).
    pub valid_until: i64,
    /// One bit per gram of the invitation's address (`domain::search::signature`), the same on
    /// each of its rows: a walk passes over the rows lacking a term's other grams from the
    /// index alone.
    pub signature: i64,
    /// The invitation's address (`invitations.email_normalized`, which never changes), the
    /// same on each of its rows: a walked row's match is checked on the row itself instead
    /// of by looking up its invitation (m0033).
    pub email_normalized: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::invitation::Entity",
        from = "Column::InvitationId",
        to = "super::invitation::Column::Id"
    )]
    Invitation,
}

impl ActiveModelBehavior for ActiveModel {}
