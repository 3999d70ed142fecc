use sea_orm::entity::prelude::*;

/// The answer given to a POST with an `Idempotency-Key`, replayed when the same token sends
/// the same key again (for 24 hours).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    /// SHA-256 of the method, path and body: the same key with another request is refused.
    pub request_hash: String,
    /// 0 while the first request is still being answered.
    pub status_code: i32,
    pub location: Option<String>,
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
