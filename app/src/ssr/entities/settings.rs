use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub auto_approve: bool,
    pub validity_hours: i32,
    pub self_registration: String,
    pub password_policy: String,
    pub login_background: String,
    pub portal_content: String,
    pub require_admin_mfa: bool,
    pub accent_color: String,
    pub portal_name: Option<String>,
    /// Hours before expiry a Pending invitation is reminded of; 0 for none (migration m0023).
    pub reminder_hours: i32,
    pub auto_resend_requests: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
