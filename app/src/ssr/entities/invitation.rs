use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub email_normalized: String,
    pub live_email: Option<String>,
    /// The stored status (never "expired": expiry is derived from `valid_until`).
    pub status: String,
    pub origin: String,
    pub invited_by: Option<i32>,
    pub pre_approved: bool,
    pub token_hash: String,
    pub invited_at: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    pub supersedes_id: Option<i32>,
    pub account_id: Option<i32>,
    pub completed_at: Option<DateTimeUtc>,
    /// When `invitation.expired` was sent for it (once, by the sweep).
    pub expiry_announced_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<i32>,
    /// What the admin gave as the reason of a denial, if anything (migration m0010).
    pub decision_reason: Option<String>,
    /// A self-registration's name as given at sign-up, suggested on its link's page.
    pub sign_up_full_name: Option<String>,
    /// No longer written (passwords are chosen on the link's page, never at sign-up) and
    /// erased by migration m0009; kept so older servers still run on this schema.
    pub sign_up_password_hash: Option<String>,
    /// The role of the account the invitation creates: `developer` or `admin`.
    pub role: String,
    /// When its reminder is due (fixed at insert from the settings; none for a resent
    /// invitation or with reminders off), and when it went (migration m0023).
    pub remind_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    /// The reminder's link: a second token for the same invitation, so the first email's
    /// link keeps working too. Either link uses the invitation up.
    pub reminder_token_hash: Option<String>,
    /// When its link's page was first opened (the dashboard's "link opened"; migration m0024).
    pub first_opened_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
