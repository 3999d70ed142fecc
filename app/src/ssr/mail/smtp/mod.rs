//! Sending through an SMTP server so that an email is taken once: each message's last line
//! waits until its row is recorded as sent (see `held`). Connections are pooled as lettre's
//! transport pools them (at most [`POOL_SIZE`], reused while they answer), but opened here,
//! because lettre's pooled transport writes a message and its end in one call.

mod held;
mod url;

use lettre::{
    address::Envelope,
    transport::smtp::{
        authentication::DEFAULT_MECHANISMS,
        client::{AsyncSmtpConnection, Tls},
        commands::{Data, Mail, Rcpt},
        extension::{Extension, MailBodyParameter, MailParameter},
    },
};
use std::{
    future::Future,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};
use tokio::{net::TcpStream, sync::Semaphore};

pub use self::held::Handover;
use self::held::{BodyThenHold, Gate, HeldStream, WrappedTls};
pub use self::url::SmtpServer;
use super::MailError;

/// Connections kept open to the SMTP server, and so emails sent at once.
pub const POOL_SIZE: usize = 16;
/// How long one step of the dialogue (connecting, a command, the message) may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(30);
/// A connection idle this long is closed rather than reused (lettre's pool's default).
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// A connection idle longer than this is asked NOOP before it carries an email: the server
/// may have closed it, and finding out at MAIL FROM would count as a failed attempt.
const CHECK_AFTER: Duration = Duration::from_secs(2);

/// Why an email did not end taken by the server and recorded.
#[derive(Debug)]
pub enum NotSent {
    /// Before its last line: the server does not have it; the row is as it was.
    Failed(MailError),
    /// The row's update failed: its last line was never written, the server drops it.
    NotRecorded(MailError),
    /// The update found the row no longer queued (an admin dropped it, or another worker
    /// whose lease it was sent it): the last line was not written.
    Withdrawn,
    /// The server refused the message at its end, after the row was recorded as sent: the
    /// caller puts the row back.
    Refused(MailError),
}

pub struct SmtpSender {
    server: SmtpServer,
    idle: Mutex<Vec<Idle>>,
    permits: Semaphore,
}

struct Connection {
    smtp: AsyncSmtpConnection,
    gate: Arc<Gate>,
}

struct Idle {
    connection: Connection,
    since: Instant,
}

impl SmtpSender {
    pub fn new(url: &str) -> Result<Self, MailError> {
        Ok(Self {
            server: url::parse(url).map_err(MailError::SmtpUrl)?,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(POOL_SIZE),
        })
    }

    /// Sends `message` to `envelope`'s recipients. Once the server has the whole message but
    /// its last line, `record` runs (the row's update); it calls [`Handover::hand_over`] once
    /// its commit is on its way, and the line goes out then. It answers whether the row was
    /// still queued.
    pub async fn send<R>(
        &self,
        envelope: &Envelope,
        message: &[u8],
        record: impl FnOnce(Handover) -> R,
    ) -> Result<(), NotSent>
    where
        R: Future<Output = Result<bool, MailError>>,
    {
        let _permit = self.permits.acquire().await.expect("never closed");
        let mut connection = self.connection().await.map_err(NotSent::Failed)?;
        let started = Instant::now();
        step(begin(&mut connection.smtp, envelope, message))
            .await
            .map_err(NotSent::Failed)?;
        let gate = connection.gate.clone();
        let answer = {
            let finishing = connection
                .smtp
                .message_iter(BodyThenHold::new(message, &gate));
            tokio::pin!(finishing);
            tokio::select! {
                // lettre gave up writing the body: the server has no end of message.
                written = &mut finishing => {
                    return Err(NotSent::Failed(match written {
                        Err(error) => error.into(),
                        // Not reached: the end of a message waits for the gate.
                        Ok(_) => MailError::SmtpConnection {
                            server: self.server.host.clone(),
                            reason: "the message ended before its row was recorded".into(),
                        },
                    }));
                }
                () = gate.closed() => {}
                () = tokio::time::sleep(STEP_TIMEOUT) => {
                    return Err(NotSent::Failed(MailError::SmtpTimeout("writing the message")));
                }
            }
            let writing = started.elapsed();
            // The record and the message's end side by side: the end goes out as soon as the
            // record hands it over, while the commit's answer is still on its way.
            let recording = record(Handover::new(gate.clone()));
            tokio::pin!(recording);
            let mut ended = None;
            let recorded = loop {
                tokio::select! {
                    // The record first: in the poll where it hands the line over, the line
                    // is written right after (polled second), not on a later turn of the task.
                    biased;
                    recorded = &mut recording => break recorded,
                    answer = &mut finishing, if ended.is_none() => ended = Some(answer),
                }
            };
            // A connection left here (an error, a withdrawn row) is dropped; a message without
            // its end is discarded by the server.
            match recorded {
                Ok(true) => {}
                Ok(false) => return Err(NotSent::Withdrawn),
                Err(error) => {
                    // Handed over and written before the commit's answer came back failed.
                    if gate.wrote_after_opening() {
                        tracing::warn!(
                            "an email went out but its commit failed ({error}); it is sent \
                             again when its claim runs out"
                        );
                    }
                    return Err(NotSent::NotRecorded(error));
                }
            }
            gate.open();
            let ending = Instant::now();
            let answer = match ended {
                Some(answer) => Ok(answer),
                None => tokio::time::timeout(STEP_TIMEOUT, finishing).await,
            };
            metrics::histogram!("portico_email_send_seconds")
                .record((writing + ending.elapsed()).as_secs_f64());
            answer
        };
        match answer {
            Ok(Ok(_)) => {
                self.give_back(connection);
                Ok(())
            }
            // A reply with a code: the server refused this message. The connection is not
            // reused (a 421 means the server is closing it).
            Ok(Err(error)) if error.is_permanent() || error.is_transient() => {
                Err(NotSent::Refused(error.into()))
            }
            // The line never left: the server has no end of message and drops it.
            Ok(Err(error)) if !gate.wrote_after_opening() => Err(NotSent::Refused(error.into())),
            Err(_) if !gate.wrote_after_opening() => Err(NotSent::Refused(MailError::SmtpTimeout(
                "writing the end of the message",
            ))),
            // No reply: the server has the whole message and most likely took it. It stays
            // recorded as sent, as sending it again could deliver it twice.
            Ok(Err(error)) => {
                tracing::warn!(
                    "the SMTP server did not answer after the end of an email ({error}); it is \
                     recorded as sent"
                );
                Ok(())
            }
            Err(_) => {
                tracing::warn!(
                    "the SMTP server did not answer within {} s after the end of an email; it \
                     is recorded as sent",
                    STEP_TIMEOUT.as_secs()
                );
                Ok(())
            }
        }
    }

    /// An idle connection that still answers, or a new one.
    async fn connection(&self) -> Result<Connection, MailError> {
        loop {
            let idle = {
                let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                // Connections idle too long are closed, not only the one taken.
                idle.retain(|connection| connection.since.elapsed() <= IDLE_LIMIT);
                idle.pop()
            };
            let Some(Idle {
                mut connection,
                since,
            }) = idle
            else {
                break;
            };
            let idle_for = since.elapsed();
            if idle_for > IDLE_LIMIT {
                continue;
            }
            if idle_for < CHECK_AFTER || step_ok(connection.smtp.test_connected()).await {
                return Ok(connection);
            }
        }
        step(self.connect()).await
    }

    fn give_back(&self, connection: Connection) {
        if !connection.smtp.has_broken() {
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Idle {
                    connection,
                    since: Instant::now(),
                });
        }
    }

    /// Connects, greets, upgrades to TLS and logs in as the URL says (as lettre's transport
    /// does), with every write through a gate.
    async fn connect(&self) -> Result<Connection, MailError> {
        let server = &self.server;
        let unreachable = |reason: String| MailError::SmtpConnection {
            server: format!("{}:{}", server.host, server.port),
            reason,
        };
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let gate = Arc::new(Gate::default());
        let stream = HeldStream::new(tcp, gate.clone());
        let mut smtp = match &server.tls {
            // lettre marks its stream type deprecated as public API (private from 0.12); it is
            // the one way to get lettre's own TLS (certificates, versions) over a held stream.
            #[allow(deprecated)]
            Tls::Wrapper(parameters) => {
                let mut tls =
                    lettre::transport::smtp::client::AsyncNetworkStream::use_existing_tokio1(
                        Box::new(stream),
                    );
                tls.upgrade_tls(parameters.clone()).await?;
                AsyncSmtpConnection::connect_with_transport(
                    Box::new(WrappedTls::new(tls)),
                    &server.hello_name,
                )
                .await?
            }
            _ => {
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &server.hello_name)
                    .await?
            }
        };
        match &server.tls {
            Tls::Required(parameters) => {
                if !smtp.can_starttls() {
                    return Err(unreachable(
                        "it does not offer STARTTLS, which tls=required asks for".into(),
                    ));
                }
                smtp.starttls(parameters.clone(), &server.hello_name)
                    .await?;
            }
            Tls::Opportunistic(parameters) if smtp.can_starttls() => {
                smtp.starttls(parameters.clone(), &server.hello_name)
                    .await?;
            }
            _ => {}
        }
        if let Some(credentials) = &server.credentials {
            smtp.auth(DEFAULT_MECHANISMS, credentials).await?;
        }
        Ok(Connection { smtp, gate })
    }
}

/// MAIL FROM, RCPT TO and DATA, with the options the message needs (as lettre's `send`).
async fn begin(
    smtp: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<(), MailError> {
    let mut options = Vec::new();
    let mut addresses = envelope.from().into_iter().chain(envelope.to());
    if addresses.any(|a| !AsRef::<str>::as_ref(a).is_ascii()) {
        if !smtp.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(MailError::SmtpUnsupported(
                "an address with non-ASCII characters (the server lacks SMTPUTF8)",
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !message.is_ascii() {
        if !smtp.server_info().supports_feature(Extension::EightBitMime) {
            return Err(MailError::SmtpUnsupported(
                "a message with 8-bit characters (the server lacks 8BITMIME)",
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    smtp.command(Mail::new(envelope.from().cloned(), options))
        .await?;
    for to in envelope.to() {
        smtp.command(Rcpt::new(to.clone(), Vec::new())).await?;
    }
    smtp.command(Data).await?;
    Ok(())
}

/// One step of the dialogue, given [`STEP_TIMEOUT`].
async fn step<T>(future: impl Future<Output = Result<T, MailError>>) -> Result<T, MailError> {
    tokio::time::timeout(STEP_TIMEOUT, future)
        .await
        .map_err(|_| MailError::SmtpTimeout("a step of the SMTP dialogue"))?
}

async fn step_ok(future: impl Future<Output = bool>) -> bool {
    tokio::time::timeout(STEP_TIMEOUT, future)
        .await
        .unwrap_or(false)
}
