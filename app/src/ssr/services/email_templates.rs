//! The admins' words for the developer-facing emails (Settings › Emails): read by the mail
//! worker for every email it sends, listed, changed and reset by admins, previewed and sent to
//! the admin as a test. What a valid template is belongs to `domain::email_template`.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::OnConflict, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set,
};

use crate::{
    domain::email_template::{EmailKind, EmailTemplate, TemplateProblems},
    model::{
        account::SessionUser,
        audit::AuditAction,
        email_template::{EmailTemplateSummary, EmailTemplateView},
    },
    ssr::{
        db::begin_write,
        entities::{account, email_template},
        mail::templates::{
            editable::{self, Values},
            Rendered,
        },
        services::{audit, operator::Operator, outbox},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum EmailTemplateError {
    #[error("{0}")]
    Invalid(TemplateProblems),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The defaults, with the configured invitation subject (`PORTICO_INVITATION_SUBJECT`).
pub fn default_for(kind: EmailKind, invitation_subject: &str) -> EmailTemplate {
    match kind {
        EmailKind::Invitation => EmailTemplate::default_with_subject(kind, invitation_subject),
        other => EmailTemplate::default_for(other),
    }
}

/// The words an email of `kind` is sent with now: the admins', else the default. Read per
/// email, so a change shows in the next email on every replica.
pub async fn current(
    db: &impl ConnectionTrait,
    kind: EmailKind,
    invitation_subject: &str,
) -> Result<EmailTemplate, DbErr> {
    let row = email_template::Entity::find_by_id(kind.slug().to_owned())
        .one(db)
        .await?;
    Ok(row
        .and_then(|row| stored(kind, &row))
        .unwrap_or_else(|| default_for(kind, invitation_subject)))
}

/// A stored row as a template; one that no longer meets the rules (they changed since it was
/// saved) gives way to the default, with a warning.
fn stored(kind: EmailKind, row: &email_template::Model) -> Option<EmailTemplate> {
    match EmailTemplate::parse(kind, &row.subject, &row.body) {
        Ok(template) => Some(template),
        Err(problems) => {
            tracing::warn!(
                kind = kind.slug(),
                "the stored words of the {kind} email are not usable ({problems}); the default is sent"
            );
            None
        }
    }
}

/// Every editable email, with whether its words were changed and by whom.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<EmailTemplateSummary>, DbErr> {
    let rows = email_template::Entity::find()
        .find_also_related(account::Entity)
        .all(db)
        .await?;
    Ok(EmailKind::ALL
        .into_iter()
        .map(|kind| {
            let row = rows.iter().find(|(row, _)| row.kind == kind.slug());
            EmailTemplateSummary {
                kind,
                customized: row.is_some(),
                updated_at: row.map(|(row, _)| row.updated_at),
                updated_by: row.and_then(|(_, by)| by.as_ref().map(|a| a.email.clone())),
            }
        })
        .collect())
}

/// One email's words now, beside its defaults.
pub async fn view(
    db: &DatabaseConnection,
    kind: EmailKind,
    invitation_subject: &str,
) -> Result<EmailTemplateView, DbErr> {
    let found = email_template::Entity::find_by_id(kind.slug().to_owned())
        .find_also_related(account::Entity)
        .one(db)
        .await?;
    let default = default_for(kind, invitation_subject);
    let current = found
        .as_ref()
        .and_then(|(row, _)| stored(kind, row))
        .unwrap_or_else(|| default.clone());
    Ok(EmailTemplateView {
        kind,
        subject: current.subject().to_owned(),
        body: current.body().to_owned(),
        default_subject: default.subject().to_owned(),
        default_body: default.body().to_owned(),
        customized: found.is_some(),
        updated_at: found.as_ref().map(|(row, _)| row.updated_at),
        updated_by: found.and_then(|(_, by)| by.map(|a| a.email)),
    })
}

/// Stores an admin's words for `kind` (refused with every problem if they break the rules).
pub async fn save(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    kind: EmailKind,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), EmailTemplateError> {
    let template =
        EmailTemplate::parse(kind, subject, body).map_err(EmailTemplateError::Invalid)?;
    let txn = begin_write(db).await?;
    let row = email_template::ActiveModel {
        kind: Set(kind.slug().to_owned()),
        subject: Set(template.subject().to_owned()),
        body: Set(template.body().to_owned()),
        updated_by: Set(operator.account().map(|a| a.id)),
        updated_at: Set(now),
    };
    // One statement whether the row exists or not: two admins saving at once both succeed,
    // the last save wins (a failed insert would abort a PostgreSQL transaction).
    email_template::Entity::insert(row)
        .on_conflict(
            OnConflict::column(email_template::Column::Kind)
                .update_columns([
                    email_template::Column::Subject,
                    email_template::Column::Body,
                    email_template::Column::UpdatedBy,
                    email_template::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        operator.actor(),
        AuditAction::EmailTemplateChanged,
        Some(kind.label()),
        true,
        Some(&format!("subject: {}", template.subject())),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Returns `kind` to its default words (nothing to do if they were not changed).
pub async fn reset(
    db: &DatabaseConnection,
    operator: Operator<'_>,
    kind: EmailKind,
    now: DateTime<Utc>,
) -> Result<(), EmailTemplateError> {
    let txn = begin_write(db).await?;
    let deleted = email_template::Entity::delete_by_id(kind.slug().to_owned())
        .exec(&txn)
        .await?;
    if deleted.rows_affected > 0 {
        audit::record(
            &txn,
            operator.actor(),
            AuditAction::EmailTemplateReset,
            Some(kind.label()),
            true,
            None,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// What a subject and body would send, filled with an example: the admin as the developer,
/// the portal's home as the link, a link valid for the portal's usual time.
pub fn preview(
    kind: EmailKind,
    subject: &str,
    body: &str,
    example: &Example<'_>,
) -> Result<Rendered, EmailTemplateError> {
    let template =
        EmailTemplate::parse(kind, subject, body).map_err(EmailTemplateError::Invalid)?;
    let values = example.values();
    let quote = (kind == EmailKind::RegistrationDenied).then_some(editable::Quote::reason(
        "(The reason an administrator types when denying, if any, is quoted here.)",
    ));
    Ok(editable::render(&template, &values, quote))
}

/// The values a preview and a test email are filled with.
#[derive(Debug, Clone)]
pub struct Example<'a> {
    pub portal_name: &'a str,
    pub admin_email: &'a str,
    pub admin_name: &'a str,
    /// The portal's home page, standing in for the link.
    pub home: &'a str,
    pub valid_until: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

impl<'a> Example<'a> {
    /// An example where the link stays valid for three days.
    pub fn new(
        portal_name: &'a str,
        admin_email: &'a str,
        admin_name: &'a str,
        home: &'a str,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            portal_name,
            admin_email,
            admin_name,
            home,
            valid_until: now + chrono::Duration::hours(72),
            now,
        }
    }

    fn values(&self) -> Values<'_> {
        Values {
            portal_name: self.portal_name,
            recipient: self.admin_email,
            name: Some(self.admin_name),
            link: Some(self.home),
            valid_until: Some(self.valid_until),
            invited_by: Some(self.admin_name),
            now: self.now,
        }
    }
}

/// Queues the email as `subject` and `body` would send it, to the admin themself (the words
/// need not be saved). The mail worker renders it like any other, with the example values.
pub async fn send_test(
    db: &DatabaseConnection,
    admin: &SessionUser,
    kind: EmailKind,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), EmailTemplateError> {
    let template =
        EmailTemplate::parse(kind, subject, body).map_err(EmailTemplateError::Invalid)?;
    let message = outbox::Message::TestEmail {
        email: kind,
        subject: template.subject().to_owned(),
        body: template.body().to_owned(),
        name: admin.full_name.clone(),
    };
    outbox::enqueue(db, &admin.email, None, &message, now).await?;
    Ok(())
}
