//! The worker's account-recovery emails: answering a password-reset request, and the security
//! notices that follow a change of password.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    super::templates::recovery::{PasswordResetEmail, ResetRefusedEmail, SecurityNoticeEmail},
    queue, MailError, Worker,
};
use crate::{
    domain::{
        email_template::EmailKind,
        password_reset::{reset_link_path, ResetReply},
        Email, Standing,
    },
    model::audit::AuditAction,
    ssr::{
        entities::{account, outbox},
        services::{accounts, audit, outbox::SecurityEvent, password_reset},
    },
};

impl Worker {
    /// Answers a password-reset request: a new single-use link (replacing older ones) for an
    /// account that can sign in, a note saying why not for one that cannot, nothing for an
    /// address without an account. Decided here, not when asked, so that the request does the
    /// same work for every address.
    pub(super) async fn deliver_password_reset(
        &self,
        row: &outbox::Model,
    ) -> Result<(), MailError> {
        let now = Utc::now();
        let kept = row.payload.clone();
        let found = match Email::parse(&row.recipient) {
            Ok(email) => {
                account::Entity::find()
                    .filter(account::Column::EmailNormalized.eq(email.normalized()))
                    .one(&self.db)
                    .await?
            }
            Err(_) => None,
        };
        let Some(account) = found else {
            queue::mark_dropped(&self.db, row, kept).await?;
            tracing::info!(
                outbox_id = row.id,
                "no password-reset email to {}: no account has this address",
                row.recipient
            );
            return Ok(());
        };
        let standing = accounts::standings(&self.db, std::slice::from_ref(&account))
            .await?
            .get(&account.id)
            .copied()
            .unwrap_or(Standing::AwaitingReview);
        let actor = audit::Actor::ANONYMOUS;
        let requested = AuditAction::PasswordResetRequested;
        match ResetReply::for_standing(standing) {
            ResetReply::Link => {
                let (token, valid_until) = password_reset::issue(&self.db, account.id, now).await?;
                let link = format!("{}{}", self.settings.public_url, reset_link_path(&token));
                let detail = "a single-use link was emailed";
                audit::record(
                    &self.db,
                    actor,
                    requested,
                    Some(&account.email),
                    true,
                    Some(detail),
                    now,
                )
                .await?;
                let rendered = PasswordResetEmail {
                    portal_name: &self.portal_name().await,
                    recipient: &row.recipient,
                    name: &account.full_name,
                    link: &link,
                    valid_until,
                    now,
                    template: &self.template(EmailKind::PasswordReset).await,
                }
                .render();
                self.deliver_rendered(row, rendered, kept, Some(&link))
                    .await
            }
            ResetReply::CannotSignIn(standing) => {
                let detail = format!(
                    "no link: the account is {} (its owner was told why)",
                    standing.label().to_lowercase()
                );
                audit::record(
                    &self.db,
                    actor,
                    requested,
                    Some(&account.email),
                    false,
                    Some(&detail),
                    now,
                )
                .await?;
                let rendered = ResetRefusedEmail {
                    portal_name: &self.portal_name().await,
                    recipient: &row.recipient,
                    standing,
                }
                .render();
                self.deliver_rendered(row, rendered, kept, None).await
            }
        }
    }

    /// Tells an account's owner that its password changed (with a way back if it was not them).
    pub(super) async fn deliver_security_notice(
        &self,
        row: &outbox::Model,
        event: SecurityEvent,
        at: DateTime<Utc>,
    ) -> Result<(), MailError> {
        let forgot_link = format!("{}/forgot-password", self.settings.public_url);
        let rendered = SecurityNoticeEmail {
            portal_name: &self.portal_name().await,
            recipient: &row.recipient,
            event,
            at,
            forgot_link: &forgot_link,
        }
        .render();
        let kept = row.payload.clone();
        self.deliver_rendered(row, rendered, kept, None).await
    }
}
