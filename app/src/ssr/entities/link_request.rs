use sea_orm::entity::prelude::*;

/// A developer's "Request a new invitation" from an expired or replaced link, about the
/// address's current invitation (docs/reminders-and-requests.md).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The invitation asked about (none once it was deleted: the request stays, and still
    /// counts towards the address's limit).
    pub invitation_id: Option<i32>,
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
