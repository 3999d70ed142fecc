//! The worker's test emails: an admin's draft of an editable email, sent to themself with the
//! values a preview shows (Settings › Emails › Send me a test).

use super::{MailError, Worker};
use crate::{
    domain::email_template::{EmailKind, EmailTemplate},
    ssr::{
        entities::outbox,
        services::email_templates::{self, Example},
    },
};
use chrono::Utc;

impl Worker {
    pub(super) async fn deliver_test(
        &self,
        row: &outbox::Model,
        kind: EmailKind,
        subject: &str,
        body: &str,
        admin_name: &str,
    ) -> Result<(), MailError> {
        // Checked when queued; checked again in case the rules changed meanwhile.
        EmailTemplate::parse(kind, subject, body)
            .map_err(|problems| MailError::Build(problems.to_string()))?;
        let now = Utc::now();
        let home = format!("{}/", self.settings.public_url);
        let portal_name = self.portal_name().await;
        let example = Example::new(&portal_name, &row.recipient, admin_name, &home, now);
        let mut rendered = email_templates::preview(kind, subject, body, &example)
            .map_err(|e| MailError::Build(e.to_string()))?;
        rendered.subject = format!("[Test] {}", rendered.subject);
        let kept = row.payload.clone();
        let email = super::super::templates::Rendered {
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        };
        self.deliver_rendered(row, email, kept, None).await
    }
}
