//! Email delivery: the worker that sends the outbox's rows (see `services::outbox`), the
//! templates that word them, and the transports (SMTP, or `.eml` files when none is set).
//!
//! Every decision lives in the database (claims are leases on rows, the digest's pace comes
//! from `sent_at`), so any number of replicas can run a worker against one database.

mod backoff;
mod queue;
mod smtp;
pub mod templates;
mod transport;
mod worker;

pub use backoff::{retry_delay, MAX_DELAY};
pub use transport::{Handover, NotSent, Transport, TransportSettings};
pub use worker::Worker;

use std::{path::PathBuf, time::Duration};

/// What the mail worker needs to know, from the server's configuration.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: TransportSettings,
    /// The sender, e.g. `Portico <no-reply@portico.example.com>`.
    pub from: String,
    pub portal_name: String,
    /// The invitation's subject; `{portal}` stands for the portal's name.
    pub invitation_subject: String,
    /// The public origin, for links that are not in the payload (the admin's review page).
    pub public_url: String,
    /// After this many failed attempts an email is marked failed.
    pub max_attempts: u32,
    /// How often the worker looks for due emails.
    pub poll_interval: Duration,
    /// The wait after a first failed attempt; it doubles after each further one.
    pub retry_base: Duration,
    /// At most one "waiting for your review" email per admin in this time; registrations
    /// that arrive meanwhile are listed together in the next one.
    pub review_digest_interval: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("PORTICO_SMTP_URL is not a usable SMTP URL ({0}); expected e.g. smtp://user:password@host:587?tls=required")]
    SmtpUrl(String),
    #[error("the sender address {0:?} is not a valid mailbox; expected e.g. Portico <no-reply@example.com>")]
    From(String),
    #[error("cannot create the mail folder {}: {source}", path.display())]
    MailDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the recipient {0:?} is not an address an email can be sent to")]
    Recipient(String),
    #[error("the email could not be put together: {0}")]
    Build(String),
    #[error("the email could not be handed to the SMTP server: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("cannot reach the SMTP server {server}: {reason}")]
    SmtpConnection { server: String, reason: String },
    #[error("the SMTP server did not answer in time ({0})")]
    SmtpTimeout(&'static str),
    #[error("the SMTP server cannot take {0}")]
    SmtpUnsupported(&'static str),
    #[error("cannot write the email to {}: {source}", path.display())]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the queued email's data cannot be read: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("the outbox could not be read or updated: {0}")]
    Database(#[from] sea_orm::DbErr),
}

impl MailError {
    /// Whether trying again cannot help (a refused address, a malformed row): the email is
    /// marked failed at once instead of being retried.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Recipient(_)
            | MailError::Build(_)
            | MailError::Payload(_)
            | MailError::SmtpUnsupported(_) => true,
            MailError::Smtp(error) => error.is_permanent(),
            _ => false,
        }
    }
}
