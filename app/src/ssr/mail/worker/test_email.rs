//! The worker's test emails: an admin's draft of an editable email, sent to themself with the
//! values a preview shows (Settings › Emails › Send me a test).

use super::{MailError, Worker};
use crate::{
    domain::email_template::EmailKind,
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
        let kept = row.payload.clone();
        let now = Utc::now();
        let home = format!("{}/", self.settings.public_url);
        let portal_name = self.portal_name().await;
        let example = Example::new(&portal_name, &row.recipient, admin_name, &home, now);
        // Checked when queued, and again here (the rules may have changed meanwhile): words
        // that break them fail the row for good instead of being tried again.
        let mut rendered = match email_templates::preview(kind, subject, body, &example) {
            Ok(rendered) => rendered,
            Err(e) => {
                let error = MailError::Build(e.to_string());
                return self.record_failure(row, &error, Some(kept)).await;
            }
        };
        rendered.subject = format!("[Test] {}", rendered.subject);
        self.deliver_rendered(row, rendered, kept, None).await
    }
}
