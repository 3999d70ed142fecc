use sea_orm::entity::prelude::*;

/// Where an admin asked events to be sent. The secret signs them (Standard Webhooks); it must
/// be kept as is to sign, like an SMTP password.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_endpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub url: String,
    pub description: String,
    /// Comma-separated event names.
    pub events: String,
    /// `whsec_` and the base64 of 32 random bytes.
    pub secret: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
