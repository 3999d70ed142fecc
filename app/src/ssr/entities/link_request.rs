use sea_orm::entity::prelude::*;

/// A developer's "Request a new invitation" from an expired or replaced link, about the
/// address's current invitation (docs/reminders-and-requests.md).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The invitation a grant resends.
    pub invitation_id: i32,
    pub email: String,
    pub email_normalized: String,
    /// `waiting`, `granted` or `declined`.
    pub status: String,
    /// The normalized address while the request waits, else none: unique, so one request
    /// waits per address even with several replicas.
    pub waiting_email: Option<String>,
    pub requested_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
