//! The mail worker: claims due outbox rows, sends them, and records what became of each.

use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use lettre::message::Mailbox;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::{
    collections::BTreeMap,
    sync::atomic::{AtomicBool, Ordering},
};
use tokio::sync::watch;

use super::{
    backoff::random_retry_delay,
    queue::{self, AfterFailure, FailedFrom},
    templates::{
        InvitationEmail, Rendered, ReviewDigestEmail, SignUpNoticeEmail, WaitingRegistration,
    },
    transport::{compose, message_id, Handover, NotSent, Transport},
    MailError, MailSettings,
};
use crate::{
    domain::{effective_status, email_template::EmailKind, InvitationStatus, StoredStatus},
    ssr::{
        entities::{invitation, outbox},
        services::outbox::{Message, SignUpNoticeReason, ADMIN_REVIEW_NEEDED_KIND},
    },
};

mod decision;
mod lease;
mod recovery;
mod test_email;

use lease::Lease;

/// Rows claimed at once: several per pooled SMTP connection, so that the connections stay busy
/// for most of a batch (the last sends of a batch leave some idle).
const BATCH_SIZE: u64 = 64;

pub struct Worker {
    db: DatabaseConnection,
    transport: Transport,
    from: Mailbox,
    settings: MailSettings,
}

/// What an invitation email says besides its recipient.
struct InvitationData<'a> {
    link: &'a str,
    valid_until: DateTime<Utc>,
    invited_by: Option<&'a str>,
    self_sign_up: bool,
    as_admin: bool,
    reminder: bool,
}

/// A claimed row and its message (an admin's notice, waiting to be batched).
struct Claimed {
    row: outbox::Model,
    message: Message,
}

/// What a batch runs side by side: one row's email, or one admin's review digest (every
/// claimed notice to that admin, sent as one email).
enum Job {
    Single(outbox::Model, Box<Result<Message, serde_json::Error>>),
    Digest(String, Vec<Claimed>),
}

impl Job {
    fn ids(&self) -> Vec<i32> {
        match self {
            Job::Single(row, _) => vec![row.id],
            Job::Digest(_, entries) => entries.iter().map(|e| e.row.id).collect(),
        }
    }
}

/// What became of one email's send, once its rows reflect it.
enum Sent {
    /// Taken by the server (or written) and recorded.
    Yes,
    /// Its rows were no longer queued; it did not go out.
    Withdrawn,
    /// It did not go out: this error is to be recorded against its rows, found as `FailedFrom`
    /// says (refused at its end: they were recorded as sent).
    Not(MailError, FailedFrom),
}

/// What became of a job: run (its rows' outcomes recorded, or the error that stopped it), or
/// not started (its rows are handed back).
enum Outcome {
    Done(Result<(), MailError>),
    NotStarted(Vec<i32>),
}

impl Worker {
    /// The words an email of `kind` goes out with now (Settings › Emails, else the default).
    /// Read per email, so a change shows in the next email on every replica; if they cannot
    /// be read, the email goes out in the default words rather than waiting (like the name).
    async fn template(&self, kind: EmailKind) -> crate::domain::email_template::EmailTemplate {
        use crate::ssr::services::email_templates;
        let configured = &self.settings.invitation_subject;
        match email_templates::current(&self.db, kind, configured).await {
            Ok(template) => template,
            Err(error) => {
                tracing::warn!(
                    kind = kind.slug(),
                    "the {kind} email's words could not be read ({error}); the default is sent"
                );
                email_templates::default_for(kind, configured)
            }
        }
    }

    /// The portal's name as emails show it now: the admin's (Settings), else the configured
    /// one. Read per email, so a rename shows in the next email on every replica.
    async fn portal_name(&self) -> String {
        match crate::ssr::services::settings::load(&self.db).await {
            Ok(current) => current
                .portal_name_or(&self.settings.portal_name)
                .to_owned(),
            Err(_) => self.settings.portal_name.clone(),
        }
    }

    /// Checks the settings (sender address, SMTP URL, mail folder). Call it inside the Tokio
    /// runtime: the SMTP connection pool runs a task.
    pub fn new(db: DatabaseConnection, settings: MailSettings) -> Result<Self, MailError> {
        let from = settings
            .from
            .parse()
            .map_err(|_| MailError::From(settings.from.clone()))?;
        let transport = Transport::new(&settings.transport)?;
        Ok(Self {
            db,
            transport,
            from,
            settings,
        })
    }

    /// Sends due emails every poll interval until `stop` turns true (or its sender is gone).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!("the mail worker sends emails {}", self.transport.describe());
        while !*stop.borrow() {
            let full_batch = match self.run_once().await {
                Ok(claimed) => claimed as u64 == BATCH_SIZE,
                Err(error) => {
                    tracing::warn!("the mail worker will try again shortly: {error}");
                    false
                }
            };
            if full_batch {
                continue; // more may be due right now
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
        tracing::info!("the mail worker stopped");
    }

    /// Claims one batch of due emails and sends them, several at once (one per pooled SMTP
    /// connection); returns how many rows it claimed. Each row's outcome is recorded as soon as
    /// its own send ends. A send is not started once the lease runs out or after an error
    /// that is not the email's own (the database): those rows are handed back unsent.
    pub async fn run_once(&self) -> Result<usize, MailError> {
        let now = Utc::now();
        let lease = Lease::starting(now);
        let rows = queue::claim_due(&self.db, now, lease.until(), BATCH_SIZE).await?;
        let claimed = rows.len();
        let ids: Vec<i32> = rows.iter().map(|row| row.id).collect();
        let mut jobs = Vec::with_capacity(claimed);
        let mut digests: BTreeMap<String, Vec<Claimed>> = BTreeMap::new();
        for row in rows {
            match serde_json::from_str::<Message>(&row.payload) {
                Ok(message @ Message::AdminReviewNeeded { .. }) => digests
                    .entry(row.recipient.clone())
                    .or_default()
                    .push(Claimed { row, message }),
                parsed => jobs.push(Job::Single(row, Box::new(parsed))),
            }
        }
        jobs.extend(
            digests
                .into_iter()
                .map(|(recipient, entries)| Job::Digest(recipient, entries)),
        );

        let halted = AtomicBool::new(false);
        let sending = stream::iter(jobs)
            .map(|job| self.run_job(job, &lease, &halted))
            .buffer_unordered(self.transport.concurrency())
            .collect::<Vec<Outcome>>();
        let outcomes = tokio::select! {
            outcomes = sending => outcomes,
            never = lease.keep(&self.db, &ids) => match never {},
        };
        let mut unsent = Vec::new();
        let mut first_error = None;
        for outcome in outcomes {
            match outcome {
                Outcome::Done(Ok(())) => {}
                Outcome::Done(Err(error)) => {
                    first_error.get_or_insert(error);
                }
                Outcome::NotStarted(ids) => unsent.extend(ids),
            }
        }
        let handed_back = queue::postpone(&self.db, &unsent, Utc::now()).await;
        if let Some(error) = first_error {
            return Err(error);
        }
        handed_back?;
        Ok(claimed)
    }

    /// Runs one job of a batch unless the lease is running out or another job of the batch
    /// failed (`halted`); a job that fails sets `halted`.
    async fn run_job(&self, job: Job, lease: &Lease, halted: &AtomicBool) -> Outcome {
        if halted.load(Ordering::Relaxed) || lease.running_out() {
            return Outcome::NotStarted(job.ids());
        }
        let done = match job {
            Job::Single(row, parsed) => self.deliver(row, *parsed).await,
            Job::Digest(recipient, entries) => self.deliver_digest(&recipient, entries).await,
        };
        if done.is_err() {
            halted.store(true, Ordering::Relaxed);
        }
        Outcome::Done(done)
    }

    /// Sends the email of one row on its own and records the outcome.
    async fn deliver(
        &self,
        row: outbox::Model,
        parsed: Result<Message, serde_json::Error>,
    ) -> Result<(), MailError> {
        let message = match parsed {
            Ok(message) => message,
            Err(error) => return self.record_failure(&row, &error.into(), None).await,
        };
        match message {
            Message::Invitation {
                ref link,
                valid_until,
                ref invited_by,
                self_sign_up,
                as_admin,
                reminder,
            } => {
                // What the row keeps once it is no longer queued: no raw token.
                let kept = message.without_secrets().to_payload()?;
                let invitation = InvitationData {
                    link,
                    valid_until,
                    invited_by: invited_by.as_deref(),
                    self_sign_up,
                    as_admin,
                    reminder,
                };
                self.deliver_invitation(&row, invitation, kept).await
            }
            Message::SignUpNotice { reason } => {
                let login_link = format!("{}/login", self.settings.public_url);
                let rendered = SignUpNoticeEmail {
                    portal_name: &self.portal_name().await,
                    already_registered: reason == SignUpNoticeReason::AlreadyRegistered,
                    login_link: &login_link,
                }
                .render();
                let kept = row.payload.clone();
                self.deliver_rendered(&row, rendered, kept, None).await
            }
            Message::PasswordReset => self.deliver_password_reset(&row).await,
            Message::SecurityNotice { event, at } => {
                self.deliver_security_notice(&row, event, at).await
            }
            Message::WebhookDisabled { ref url, failures } => {
                let settings_link = format!("{}/admin/settings", self.settings.public_url);
                let rendered = super::templates::webhook::WebhookDisabledEmail {
                    portal_name: &self.portal_name().await,
                    url,
                    failures,
                    settings_link: &settings_link,
                }
                .render();
                let kept = row.payload.clone();
                self.deliver_rendered(&row, rendered, kept, None).await
            }
            Message::RegistrationDecision {
                approved,
                ref full_name,
                ref reason,
            } => {
                self.deliver_decision(&row, approved, full_name, reason.as_deref())
                    .await
            }
            Message::TestEmail {
                email,
                ref subject,
                ref body,
                ref name,
            } => self.deliver_test(&row, email, subject, body, name).await,
            // run_once batches these by recipient; one reaching here is a digest of one.
            Message::AdminReviewNeeded { .. } => {
                let recipient = row.recipient.clone();
                self.deliver_digest(&recipient, vec![Claimed { row, message }])
                    .await
            }
        }
    }

    /// Sends an invitation (its link, valid-until and inviter) unless the invitation stopped
    /// being Pending meanwhile; `kept` is the payload the row keeps afterwards.
    async fn deliver_invitation(
        &self,
        row: &outbox::Model,
        invitation: InvitationData<'_>,
        kept: String,
    ) -> Result<(), MailError> {
        let now = Utc::now();
        let Some(pending) = self
            .invitation_still_pending(row.invitation_id, now)
            .await?
        else {
            queue::mark_dropped(&self.db, row, kept).await?;
            tracing::info!(
                outbox_id = row.id,
                "the invitation email to {} is not sent: its invitation was deleted, replaced \
                 or expired meanwhile",
                row.recipient
            );
            return Ok(());
        };
        let kind = EmailKind::for_invitation(
            invitation.self_sign_up,
            invitation.as_admin,
            invitation.reminder,
        );
        let rendered = InvitationEmail {
            portal_name: &self.portal_name().await,
            invitee_email: &row.recipient,
            invitee_name: pending.as_deref(),
            link: invitation.link,
            valid_until: invitation.valid_until,
            invited_by: invitation.invited_by,
            now,
            template: &self.template(kind).await,
        }
        .render();
        self.deliver_rendered(row, rendered, kept, Some(invitation.link))
            .await
    }

    /// Sends one rendered email for `row` and records the outcome; `kept` is the payload the
    /// row keeps afterwards, `link` is logged by the file transport.
    async fn deliver_rendered(
        &self,
        row: &outbox::Model,
        rendered: Rendered,
        kept: String,
        link: Option<&str>,
    ) -> Result<(), MailError> {
        let now = Utc::now();
        let id = message_id(&self.from, &[row.id], row.created_at);
        let email = match compose(&self.from, &row.recipient, id, rendered) {
            Ok(email) => email,
            Err(error) => return self.record_failure(row, &error, Some(kept)).await,
        };
        let kept_payload = &kept;
        let record = |handover: Handover| async move {
            let rows = [(row, kept_payload.clone())];
            let recorded = queue::mark_sent(&self.db, &rows, Utc::now(), || handover.hand_over());
            Ok(recorded.await? > 0)
        };
        let sent = self
            .transport
            .send(email, &file_name(row, now), link, record)
            .await;
        match Self::after_send(&[row], sent)? {
            Sent::Withdrawn => Ok(()),
            Sent::Not(error, from) => {
                self.record_failure_from(row, &error, Some(kept), from)
                    .await
            }
            Sent::Yes => {
                metrics::counter!("portico_emails_sent_total").increment(1);
                tracing::debug!(
                    outbox_id = row.id,
                    kind = %row.kind,
                    "email sent to {}",
                    row.recipient
                );
                Ok(())
            }
        }
    }

    /// What a send's outcome leaves to do: nothing (sent and recorded, or withdrawn), the
    /// email's own error to record against its rows (which were recorded as sent if the
    /// server refused it at its end), or an error of the database that stops the batch.
    fn after_send(rows: &[&outbox::Model], sent: Result<(), NotSent>) -> Result<Sent, MailError> {
        match sent {
            Ok(()) => Ok(Sent::Yes),
            Err(NotSent::Failed(error)) => Ok(Sent::Not(error, FailedFrom::Queued)),
            Err(NotSent::NotRecorded(error)) => Err(error),
            Err(NotSent::Withdrawn) => {
                tracing::info!(
                    outbox_id = rows.first().map(|row| row.id),
                    "an email was not sent: its row was no longer queued (dropped by an \
                     admin, or sent by another worker)"
                );
                Ok(Sent::Withdrawn)
            }
            Err(NotSent::Refused(error)) => Ok(Sent::Not(error, FailedFrom::RecordedSent)),
        }
    }

    /// Whether the invitation behind an email still waits for its developer (not deleted,
    /// not replaced by a resend, not used, not expired), with the name it suggests if any.
    async fn invitation_still_pending(
        &self,
        invitation_id: Option<i32>,
        now: DateTime<Utc>,
    ) -> Result<Option<Option<String>>, MailError> {
        let Some(id) = invitation_id else {
            return Ok(Some(None));
        };
        Ok(invitation::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|i| {
                // The status rules decide (an invitation past its valid-until is Expired).
                StoredStatus::parse(&i.status)
                    .map(|stored| effective_status(stored, i.valid_until, now))
                    == Some(InvitationStatus::Pending)
            })
            .map(|i| i.sign_up_full_name))
    }

    /// One email to one admin listing every registration in `entries`, unless the last one went
    /// out less than the digest interval ago: then they wait and go together after it.
    async fn deliver_digest(
        &self,
        recipient: &str,
        entries: Vec<Claimed>,
    ) -> Result<(), MailError> {
        let ids: Vec<i32> = entries.iter().map(|e| e.row.id).collect();
        let interval = chrono::Duration::from_std(self.settings.review_digest_interval)
            .unwrap_or(chrono::Duration::MAX);
        let last = queue::last_sent(&self.db, ADMIN_REVIEW_NEEDED_KIND, recipient).await?;
        if let Some(next_allowed) = last.and_then(|last| last.checked_add_signed(interval)) {
            if next_allowed > Utc::now() {
                queue::postpone(&self.db, &ids, next_allowed).await?;
                return Ok(());
            }
        }
        let mut registrations: Vec<WaitingRegistration> = Vec::new();
        for entry in &entries {
            if let Message::AdminReviewNeeded {
                developer_email,
                developer_name,
            } = &entry.message
            {
                if !registrations.iter().any(|r| &r.email == developer_email) {
                    registrations.push(WaitingRegistration {
                        name: developer_name.clone(),
                        email: developer_email.clone(),
                    });
                }
            }
        }
        let rendered = ReviewDigestEmail {
            portal_name: &self.portal_name().await,
            registrations: &registrations,
            review_link: &format!("{}/admin", self.settings.public_url),
        }
        .render();
        let now = Utc::now();
        let id = message_id(&self.from, &ids, entries[0].row.created_at);
        let rows: Vec<&outbox::Model> = entries.iter().map(|entry| &entry.row).collect();
        // Rows an admin dropped meanwhile are in the email but not recorded by it.
        let recorded_rows = std::sync::atomic::AtomicU64::new(0);
        let sent = match compose(&self.from, recipient, id, rendered) {
            Err(error) => Err(NotSent::Failed(error)),
            Ok(email) => {
                let kept: Vec<(&outbox::Model, String)> =
                    rows.iter().map(|row| (*row, row.payload.clone())).collect();
                let record = |handover: Handover| async {
                    let recorded = queue::mark_sent(&self.db, &kept, now, || handover.hand_over());
                    let recorded = recorded.await?;
                    recorded_rows.store(recorded, Ordering::Relaxed);
                    Ok(recorded > 0)
                };
                self.transport
                    .send(email, &file_name(rows[0], now), None, record)
                    .await
            }
        };
        match Self::after_send(&rows, sent)? {
            Sent::Withdrawn => {}
            Sent::Not(error, from) => {
                for row in rows {
                    self.record_failure_from(row, &error, None, from).await?;
                }
            }
            Sent::Yes => {
                metrics::counter!("portico_emails_sent_total")
                    .increment(recorded_rows.load(Ordering::Relaxed));
                tracing::debug!(
                    "review digest listing {} registration(s) sent to {recipient}",
                    registrations.len()
                );
            }
        }
        Ok(())
    }

    /// Schedules the next attempt with backoff, or marks the row failed when trying again
    /// cannot help or the attempts are used up (`final_payload` then replaces its payload).
    async fn record_failure(
        &self,
        row: &outbox::Model,
        error: &MailError,
        final_payload: Option<String>,
    ) -> Result<(), MailError> {
        self.record_failure_from(row, error, final_payload, FailedFrom::Queued)
            .await
    }

    /// [`Worker::record_failure`] for a row found `from` that state.
    async fn record_failure_from(
        &self,
        row: &outbox::Model,
        error: &MailError,
        final_payload: Option<String>,
        from: FailedFrom,
    ) -> Result<(), MailError> {
        let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
        let max = self.settings.max_attempts;
        if error.is_permanent() || attempts >= max {
            queue::record_failure(
                &self.db,
                row,
                &error.to_string(),
                AfterFailure::GiveUp(final_payload),
                from,
            )
            .await?;
            metrics::counter!("portico_emails_failed_total").increment(1);
            tracing::warn!(
                outbox_id = row.id,
                "the {} email to {} failed for good after {attempts} attempt(s): {error}",
                row.kind,
                row.recipient
            );
        } else {
            let delay = random_retry_delay(self.settings.retry_base, attempts);
            let at = Utc::now() + chrono::Duration::from_std(delay).expect("at most an hour");
            let next = AfterFailure::RetryAt(at);
            queue::record_failure(&self.db, row, &error.to_string(), next, from).await?;
            metrics::counter!("portico_email_attempts_failed_total").increment(1);
            tracing::warn!(
                outbox_id = row.id,
                "the {} email to {} was not sent (attempt {attempts} of {max}); trying again \
                 in {} s: {error}",
                row.kind,
                row.recipient,
                delay.as_secs().max(1)
            );
        }
        Ok(())
    }
}

/// `20250311T093000-42-invitation`: sorts by time, unique per outbox row.
fn file_name(row: &outbox::Model, now: DateTime<Utc>) -> String {
    format!("{}-{}-{}", now.format("%Y%m%dT%H%M%S"), row.id, row.kind)
}
