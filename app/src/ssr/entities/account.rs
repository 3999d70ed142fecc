use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    #[sea_orm(unique)]
    pub email_normalized: String,
    pub full_name: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    /// Set while an admin has deactivated the account (not for a registration under review).
    pub deactivated_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    /// Someone else knows the password (it was generated and printed): the account must
    /// choose its own before it can do anything else.
    pub must_change_password: bool,
    /// The authenticator secret (base32) once its first code confirmed it: the account signs
    /// in with a code after its password.
    pub mfa_secret: Option<String>,
    /// A secret shown for enrollment, waiting for its first code.
    pub mfa_pending_secret: Option<String>,
    pub mfa_enabled_at: Option<DateTimeUtc>,
    /// The time step of the last code accepted: a code is never accepted twice.
    pub mfa_last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
