use sea_orm::entity::prelude::*;

/// A login between its correct password and its code: the browser holds the random id in a
/// short-lived cookie, the table only its hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    pub account_id: i32,
    /// `code` (type a code) or `enroll` (set up an authenticator first).
    pub purpose: String,
    /// For `enroll`: the authenticator key this step shows, made for it alone (a key shown to
    /// anyone else, even with the password, is never the one enabled here).
    pub pending_secret: Option<String>,
    /// Where the login was going.
    pub next_path: Option<String>,
    /// Wrong codes typed in this step so far.
    pub failures: i32,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
