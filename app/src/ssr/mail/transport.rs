//! Where emails go: an SMTP server (pooled connections, each email's last line held until
//! its row is recorded as sent), or, when none is configured, `.eml` files in a folder so that
//! a local user can read them and follow links.

use lettre::message::{Mailbox, MultiPart};
use std::{future::Future, path::PathBuf};

pub use super::smtp::{Handover, NotSent};
use super::{
    smtp::{SmtpSender, POOL_SIZE},
    templates::Rendered,
    MailError,
};

/// Which transport, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportSettings {
    /// lettre's URL form: `smtp://user:pass@host:587?tls=required`, `smtps://host:465`,
    /// `smtp://host:25` (no TLS, for a local relay or a capture server).
    Smtp { url: String },
    /// Write each email to this folder.
    Files { dir: PathBuf },
}

pub enum Transport {
    Smtp {
        sender: Box<SmtpSender>,
        /// The URL without its password, for messages.
        shown_as: String,
    },
    Files {
        dir: PathBuf,
    },
}

impl Transport {
    pub fn new(settings: &TransportSettings) -> Result<Self, MailError> {
        match settings {
            TransportSettings::Smtp { url } => Ok(Transport::Smtp {
                sender: Box::new(SmtpSender::new(url)?),
                shown_as: without_password(url),
            }),
            TransportSettings::Files { dir } => {
                std::fs::create_dir_all(dir).map_err(|source| MailError::MailDir {
                    path: dir.clone(),
                    source,
                })?;
                Ok(Transport::Files { dir: dir.clone() })
            }
        }
    }

    /// Where emails go, in words for the log.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp { shown_as, .. } => format!("through the SMTP server {shown_as}"),
            Transport::Files { dir } => format!(
                "as .eml files in {} (no PORTICO_SMTP_URL set)",
                dir.display()
            ),
        }
    }

    /// How many emails the worker sends at once: one per pooled SMTP connection (each send
    /// waits mostly on the server), or one at a time into the mail folder.
    pub fn concurrency(&self) -> usize {
        match self {
            Transport::Smtp { .. } => POOL_SIZE,
            Transport::Files { .. } => 1,
        }
    }

    /// Sends one email, and `record`s it as sent before its last step: the SMTP server reads
    /// the line that ends it once `record` hands it over (its commit on its way), the file
    /// gets its name once `record` is done. `record` answers whether its row was still
    /// queued; if not, that step is not taken. `name` names the
    /// file in file mode; `local_link`, when given, is logged in file mode only, so that
    /// someone running Portico locally can follow it.
    pub async fn send<R>(
        &self,
        email: lettre::Message,
        name: &str,
        local_link: Option<&str>,
        record: impl FnOnce(Handover) -> R,
    ) -> Result<(), NotSent>
    where
        R: Future<Output = Result<bool, MailError>>,
    {
        match self {
            Transport::Smtp { sender, .. } => {
                sender
                    .send(email.envelope(), &email.formatted(), record)
                    .await
            }
            Transport::Files { dir } => {
                let path = dir.join(format!("{name}.eml"));
                // Written under a temporary name first: a reader never sees half a file, and
                // the name is given only once the row is recorded.
                let partial = dir.join(format!(".{name}.eml.partial"));
                let file_error = |source| {
                    NotSent::Failed(MailError::File {
                        path: path.clone(),
                        source,
                    })
                };
                tokio::fs::write(&partial, email.formatted())
                    .await
                    .map_err(file_error)?;
                let recorded = record(Handover::nothing_held()).await;
                if !matches!(recorded, Ok(true)) {
                    let _ = tokio::fs::remove_file(&partial).await;
                }
                match recorded {
                    Ok(true) => {}
                    Ok(false) => return Err(NotSent::Withdrawn),
                    Err(error) => return Err(NotSent::NotRecorded(error)),
                }
                // Recorded as sent already: the caller puts the row back.
                tokio::fs::rename(&partial, &path).await.map_err(|source| {
                    NotSent::Refused(MailError::File {
                        path: path.clone(),
                        source,
                    })
                })?;
                let to = email
                    .envelope()
                    .to()
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                match local_link {
                    Some(link) => tracing::info!(
                        file = %path.display(),
                        "email to {to} written; to confirm that account locally, open {link}"
                    ),
                    None => tracing::info!(file = %path.display(), "email to {to} written"),
                }
                Ok(())
            }
        }
    }
}

/// The `Message-ID` of the email of the outbox rows `ids` (one, or a digest's), the first
/// created at `created_at`: the same on every attempt. Should an email ever go out twice (a
/// database that lost its last commits in a crash), mail systems that collapse duplicates
/// show it once, and it can be told apart from a second email. A digest that
/// gained a row is another email, with another ID.
pub fn message_id(
    from: &Mailbox,
    ids: &[i32],
    created_at: chrono::DateTime<chrono::Utc>,
) -> String {
    let rows = match ids {
        [] => "none".to_owned(),
        [one] => one.to_string(),
        [first, .., last] => format!("{first}-{last}-{}", ids.len()),
    };
    let domain = from.email.domain();
    let domain = idna::domain_to_ascii(domain).unwrap_or_else(|_| "portico.invalid".to_owned());
    format!("<outbox.{rows}.{}@{domain}>", created_at.timestamp_millis())
}

/// Builds the MIME message: plain text and HTML alternatives.
pub fn compose(
    from: &Mailbox,
    recipient: &str,
    message_id: String,
    rendered: Rendered,
) -> Result<lettre::Message, MailError> {
    let to: Mailbox = recipient
        .parse()
        .map_err(|_| MailError::Recipient(recipient.to_owned()))?;
    lettre::Message::builder()
        .message_id(Some(message_id))
        .from(from.clone())
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))
        .map_err(|e| MailError::Build(e.to_string()))
}

fn without_password(url: &str) -> String {
    crate::ssr::redact::url_without_password(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(subject: &str) -> Rendered {
        Rendered {
            subject: subject.into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        }
    }

    #[test]
    fn an_email_has_a_plain_and_an_html_part() {
        let from: Mailbox = "Portico <no-reply@portico.localhost>".parse().unwrap();
        let created = chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
        let id = message_id(&from, &[42], created);
        assert_eq!(
            message_id(&from, &[42, 43, 47], created),
            "<outbox.42-47-3.1700000000123@portico.localhost>"
        );
        let email = compose(&from, "dev@example.com", id, rendered("Hello")).unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        assert!(raw.contains("Message-ID: <outbox.42.1700000000123@portico.localhost>\r\n"));
        assert!(raw.contains("From: Portico <no-reply@portico.localhost>\r\n"));
        assert!(raw.contains("To: dev@example.com\r\n"));
        assert!(raw.contains("Subject: Hello\r\n"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(raw.contains("Content-Type: text/html; charset=utf-8"));
    }

    #[test]
    fn a_recipient_that_is_not_an_address_is_refused() {
        let from: Mailbox = "p@portico.localhost".parse().unwrap();
        let error = compose(
            &from,
            "not an address\r\nBcc: x@y.z",
            "<x@y>".into(),
            rendered("Hi"),
        )
        .unwrap_err();
        assert!(matches!(error, MailError::Recipient(_)));
    }

    #[test]
    fn smtp_passwords_are_hidden_in_descriptions() {
        assert_eq!(
            without_password("smtp://user:secret@mail.example.com:587?tls=required"),
            "smtp://user:***@mail.example.com:587?tls=required"
        );
        assert_eq!(
            without_password("smtp://127.0.0.1:1025"),
            "smtp://127.0.0.1:1025"
        );
    }

    #[test]
    fn an_smtp_url_is_checked_when_the_transport_is_made() {
        let bad = Transport::new(&TransportSettings::Smtp {
            url: "http://mail.example.com".into(),
        });
        assert!(matches!(bad, Err(MailError::SmtpUrl(_))));
        let good = Transport::new(&TransportSettings::Smtp {
            url: "smtp://user:pa%24s@mail.example.com:587?tls=required".into(),
        })
        .unwrap();
        assert_eq!(
            good.describe(),
            "through the SMTP server smtp://user:***@mail.example.com:587?tls=required"
        );
    }
}
