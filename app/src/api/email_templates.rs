//! Settings › Emails: the developer-facing emails' words, listed, previewed, saved, reset and
//! sent to the admin as a test. Admins only.

use leptos::prelude::*;

use super::ApiError;
use crate::model::email_template::{EmailTemplateSummary, EmailTemplateView, PreviewAnswer};

/// Every editable email, with whether its words were changed.
#[server(endpoint = "list_email_templates")]
pub async fn list_email_templates() -> Result<Vec<EmailTemplateSummary>, ApiError> {
    use crate::ssr::{services::email_templates, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(email_templates::list(&state.db).await?)
}

/// One email's words now, beside its defaults; `kind` is its slug (`invitation`...).
#[server(endpoint = "email_template")]
pub async fn email_template(kind: String) -> Result<EmailTemplateView, ApiError> {
    use crate::ssr::{services::email_templates, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    let kind = parse_kind(&kind)?;
    Ok(email_templates::view(&state.db, kind, &state.settings.invitation_subject).await?)
}

/// The email `subject` and `body` would send, filled with example values, or what to fix
/// first. Stores nothing.
#[server(endpoint = "preview_email_template")]
pub async fn preview_email_template(
    kind: String,
    subject: String,
    body: String,
) -> Result<PreviewAnswer, ApiError> {
    use crate::ssr::{
        services::email_templates::{self, EmailTemplateError},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let kind = parse_kind(&kind)?;
    let portal_name = state.portal_name().await?;
    let now = chrono::Utc::now();
    let home = format!("{}/", state.settings.public_url);
    let example =
        email_templates::Example::new(&portal_name, &admin.email, &admin.full_name, &home, now);
    match email_templates::preview(kind, &subject, &body, &example) {
        Ok(email) => Ok(PreviewAnswer::Email(
            crate::model::email_template::EmailPreview {
                subject: email.subject,
                html: email.html,
                text: email.text,
            },
        )),
        Err(EmailTemplateError::Invalid(problems)) => Ok(PreviewAnswer::Problems(problems.0)),
        Err(other) => Err(other.into()),
    }
}

/// Stores the admins' words for `kind`; refused with every problem if they break its rules.
#[server(endpoint = "save_email_template")]
pub async fn save_email_template(
    kind: String,
    subject: String,
    body: String,
) -> Result<(), ApiError> {
    use crate::ssr::{
        services::{email_templates, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let kind = parse_kind(&kind)?;
    let now = chrono::Utc::now();
    Ok(email_templates::save(
        &state.db,
        Operator::Admin(&admin),
        kind,
        &subject,
        &body,
        now,
    )
    .await?)
}

/// Returns `kind` to the default words.
#[server(endpoint = "reset_email_template")]
pub async fn reset_email_template(kind: String) -> Result<(), ApiError> {
    use crate::ssr::{
        services::{email_templates, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let kind = parse_kind(&kind)?;
    let now = chrono::Utc::now();
    Ok(email_templates::reset(&state.db, Operator::Admin(&admin), kind, now).await?)
}

/// Emails the admin the draft `subject` and `body` as they would be sent, with example
/// values (it need not be saved). Counts against the admin's address like any email to it.
#[server(endpoint = "send_test_email")]
pub async fn send_test_email(kind: String, subject: String, body: String) -> Result<(), ApiError> {
    use crate::ssr::{rate_limit, services::email_templates, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let kind = parse_kind(&kind)?;
    let recipient = rate_limit::account_bucket("mails-recipient", &admin.email);
    let limits = &state.settings.rate_limits;
    rate_limit::count(&state, &recipient, limits.mails_per_recipient).await?;
    let now = chrono::Utc::now();
    Ok(email_templates::send_test(&state.db, &admin, kind, &subject, &body, now).await?)
}

#[cfg(feature = "ssr")]
fn parse_kind(slug: &str) -> Result<crate::domain::email_template::EmailKind, ApiError> {
    crate::domain::email_template::EmailKind::parse(slug)
        .map_err(|e| ApiError::NotFound(e.to_string()))
}
