//! The worker's decision emails: a registration approved (with the login link) or not (with
//! the admin's reason, if any).

use super::{super::templates::DecisionEmail, MailError, Worker};
use crate::ssr::entities::outbox;

impl Worker {
    pub(super) async fn deliver_decision(
        &self,
        row: &outbox::Model,
        approved: bool,
        full_name: &str,
        reason: Option<&str>,
    ) -> Result<(), MailError> {
        let login_link = format!("{}/login", self.settings.public_url);
        let rendered = DecisionEmail {
            portal_name: &self.portal_name().await,
            recipient: &row.recipient,
            full_name,
            approved,
            reason,
            login_link: &login_link,
            template: &self.template(DecisionEmail::kind(approved)).await,
        }
        .render();
        let kept = row.payload.clone();
        self.deliver_rendered(row, rendered, kept, None).await
    }
}
