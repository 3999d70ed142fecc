//! The transactional outbox: an email is a row written in the same transaction as the change
//! that causes it, so a crash between commit and send loses nothing. The mail worker sends the
//! rows and records each one's delivery.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};

use crate::ssr::entities::outbox;

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
/// The email became pointless before it was sent (its invitation was deleted or replaced).
pub const DROPPED: &str = "dropped";

/// The typed data of each kind of email; the templates render it when the email is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    Invitation {
        link: String,
        valid_until: DateTime<Utc>,
        invited_by: Option<String>,
        /// The developer signed up themselves: the email confirms their address.
        #[serde(default)]
        self_sign_up: bool,
        /// The invitation makes its holder an administrator.
        #[serde(default)]
        as_admin: bool,
        /// The reminder before the invitation expires (its link is the reminder's own token).
        #[serde(default)]
        reminder: bool,
    },
    /// Someone tried to sign up with an address that already has an account or invitation:
    /// its owner is told (the sign-up form itself says the same thing in every case).
    SignUpNotice { reason: SignUpNoticeReason },
    AdminReviewNeeded {
        developer_email: String,
        developer_name: String,
    },
    /// An admin accepted (`approved`) or denied a registration that waited for review; the
    /// developer is told, with the admin's reason for a denial if they gave one.
    RegistrationDecision {
        approved: bool,
        full_name: String,
        #[serde(default)]
        reason: Option<String>,
    },
    /// Someone asked for a password reset for the recipient address (typed, known or not: the
    /// request is answered the same in every case). The worker decides when it sends: a
    /// fresh single-use link for an account that can sign in, a note saying why not for one
    /// that cannot, nothing for an address without an account. The link's token is made
    /// then, so no raw token is ever stored.
    PasswordReset,
    /// Something changed about the account's security: its owner is told, in case it was
    /// not them.
    SecurityNotice {
        event: SecurityEvent,
        at: DateTime<Utc>,
    },
    /// A webhook endpoint kept failing and was turned off: every admin is told.
    WebhookDisabled { url: String, failures: i32 },
    /// An admin's draft of an editable email, sent to themself with example values
    /// (Settings › Emails › Send me a test).
    TestEmail {
        email: crate::domain::email_template::EmailKind,
        subject: String,
        body: String,
        /// The admin's name, standing in for the developer's.
        name: String,
    },
}

/// What a security notice tells an account's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityEvent {
    /// Changed on the profile page, with the current password.
    PasswordChanged,
    /// Reset with an emailed link.
    PasswordReset,
    /// Two-step sign-in was set up: logins now ask for a code.
    MfaEnrolled,
    /// Two-step sign-in was turned off.
    MfaDisabled,
    /// A recovery code was used to sign in.
    RecoveryCodeUsed,
    /// New recovery codes replaced the old ones.
    RecoveryCodesReplaced,
    /// A login had the right password, then only wrong codes until its step ended.
    WrongCodes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignUpNoticeReason {
    /// The address already has an account.
    AlreadyRegistered,
    /// The address already has an invitation to use or a registration under review.
    AlreadyInvited,
}

/// The `kind` column of each message.
pub const INVITATION_KIND: &str = "invitation";
pub const SIGN_UP_NOTICE_KIND: &str = "sign_up_notice";
pub const ADMIN_REVIEW_NEEDED_KIND: &str = "admin_review_needed";
pub const REGISTRATION_DECISION_KIND: &str = "registration_decision";
pub const PASSWORD_RESET_KIND: &str = "password_reset";
pub const SECURITY_NOTICE_KIND: &str = "security_notice";
pub const WEBHOOK_DISABLED_KIND: &str = "webhook_disabled";
pub const TEST_EMAIL_KIND: &str = "test_email";

impl Message {
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Invitation { .. } => INVITATION_KIND,
            Message::SignUpNotice { .. } => SIGN_UP_NOTICE_KIND,
            Message::AdminReviewNeeded { .. } => ADMIN_REVIEW_NEEDED_KIND,
            Message::RegistrationDecision { .. } => REGISTRATION_DECISION_KIND,
            Message::PasswordReset => PASSWORD_RESET_KIND,
            Message::SecurityNotice { .. } => SECURITY_NOTICE_KIND,
            Message::WebhookDisabled { .. } => WEBHOOK_DISABLED_KIND,
            Message::TestEmail { .. } => TEST_EMAIL_KIND,
        }
    }

    /// The message as kept once it no longer waits to be sent: an invitation's link carries
    /// the raw token, so it is cleared and the token does not linger in the database.
    pub fn without_secrets(&self) -> Message {
        match self {
            Message::Invitation {
                valid_until,
                invited_by,
                self_sign_up,
                as_admin,
                reminder,
                ..
            } => Message::Invitation {
                link: String::new(),
                valid_until: *valid_until,
                invited_by: invited_by.clone(),
                self_sign_up: *self_sign_up,
                as_admin: *as_admin,
                reminder: *reminder,
            },
            other => other.clone(),
        }
    }

    /// The JSON stored in the `payload` column.
    pub fn to_payload(&self) -> Result<String, DbErr> {
        serde_json::to_string(self).map_err(|e| DbErr::Custom(e.to_string()))
    }
}

pub async fn enqueue(
    db: &impl ConnectionTrait,
    recipient: &str,
    invitation_id: Option<i32>,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = message.to_payload()?;
    outbox::ActiveModel {
        kind: Set(message.kind().to_owned()),
        recipient: Set(recipient.to_owned()),
        invitation_id: Set(invitation_id),
        payload: Set(payload),
        status: Set(QUEUED.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks the still-queued emails of an invitation as dropped (it was deleted or replaced).
pub async fn drop_queued_for_invitation(
    db: &impl ConnectionTrait,
    invitation_id: i32,
) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            sea_orm::sea_query::Expr::value(DROPPED),
        )
        .filter(outbox::Column::InvitationId.eq(invitation_id))
        .filter(outbox::Column::Status.eq(QUEUED))
        .exec(db)
        .await?;
    Ok(())
}

/// The newest invitation email of each of some invitations (a resend's email belongs to the
/// new invitation, so "newest" only matters when the same row was emailed twice).
pub async fn newest_invitation_emails(
    db: &impl ConnectionTrait,
    invitation_ids: impl Iterator<Item = i32>,
) -> Result<std::collections::HashMap<i32, outbox::Model>, DbErr> {
    use sea_orm::QueryOrder;
    let ids: Vec<i32> = invitation_ids.collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows = outbox::Entity::find()
        .filter(outbox::Column::InvitationId.is_in(ids))
        .filter(outbox::Column::Kind.eq(INVITATION_KIND))
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await?;
    // Ascending ids: a later row replaces an earlier one.
    Ok(rows
        .into_iter()
        .filter_map(|row| row.invitation_id.map(|id| (id, row)))
        .collect())
}
