//! A real SMTP capture server for a test: the npm package maildev (2.2.1, installed into
//! `end2end/node_modules` by `make test`), started on free ports and read back through its
//! HTTP API (`GET /email`). It is killed by its process id when the value is dropped.

use super::{eventually, eventually::PATIENCE, when};
use serde_json::Value;
use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// How long no further email must arrive before a count is taken as final.
const QUIET: Duration = Duration::from_millis(1500);

pub struct Maildev {
    pub smtp_port: u16,
    pub web_port: u16,
    child: Child,
    client: reqwest::Client,
    /// Where this maildev keeps its messages (killed, it cannot remove the folder itself).
    mail_dir: PathBuf,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The SMTP URL of a server on `port` (plain SMTP, as a local capture server speaks it).
pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}")
}

fn binary() -> PathBuf {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules/.bin/maildev");
    assert!(
        path.exists(),
        "the SMTP capture server maildev is not installed at {}: run `make test` once (it installs \
         the npm packages of end2end/), or `npm ci` in end2end/",
        path.display()
    );
    path
}

impl Maildev {
    /// Starts maildev on free ports.
    pub async fn start() -> Self {
        Self::launch(None).await
    }

    /// Starts maildev with its SMTP server on `smtp_port` (chosen earlier by the test).
    pub async fn start_on(smtp_port: u16) -> Self {
        Self::launch(Some(smtp_port)).await
    }

    /// Another process can take a free port before maildev binds it; maildev then exits, and
    /// it is started again on other ports.
    async fn launch(smtp_port: Option<u16>) -> Self {
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_launch(smtp_port.unwrap_or_else(free_port)).await {
                Ok(maildev) => return maildev,
                Err(error) => last_error = error,
            }
        }
        panic!("maildev did not start: {last_error}");
    }

    async fn try_launch(smtp_port: u16) -> Result<Self, String> {
        let web_port = free_port();
        let mail_dir = std::env::temp_dir().join(format!("portico-maildev-{smtp_port}-{web_port}"));
        std::fs::create_dir_all(&mail_dir).map_err(|e| e.to_string())?;
        let log_path = mail_dir.join("maildev.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let child = Command::new(binary())
            .args(["--smtp", &smtp_port.to_string()])
            .args(["--web", &web_port.to_string()])
            .args(["--ip", "127.0.0.1", "--silent", "--mail-directory"])
            .arg(&mail_dir)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("{e} (is Node.js installed?)"))?;
        let mut maildev = Self {
            smtp_port,
            web_port,
            child,
            client: reqwest::Client::new(),
            mail_dir,
        };
        let started = Instant::now();
        loop {
            let smtp_up = tokio::net::TcpStream::connect(("127.0.0.1", smtp_port))
                .await
                .is_ok();
            if smtp_up && maildev.try_emails().await.is_some() {
                return Ok(maildev);
            }
            let exited = matches!(maildev.child.try_wait(), Ok(Some(_)));
            if exited || started.elapsed() > PATIENCE {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!(
                    "no answer on ports {smtp_port} (SMTP) and {web_port} (web) after {:?}; \
                     its log: {log}",
                    started.elapsed()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn smtp_url(&self) -> String {
        smtp_url(self.smtp_port)
    }

    async fn try_emails(&self) -> Option<Vec<Value>> {
        let response = self
            .client
            .get(format!("http://127.0.0.1:{}/email", self.web_port))
            .send()
            .await
            .ok()?;
        response.json().await.ok()
    }

    /// Every email received so far (asked again if maildev does not answer at once, as on a
    /// busy machine).
    pub async fn emails(&self) -> Vec<Value> {
        let what = format!(
            "maildev's web API (port {}) to list its emails",
            self.web_port
        );
        eventually(&what, async || self.try_emails().await.ok_or("no answer")).await
    }

    /// The emails to `to` whose subject contains `subject`, once at least `count` of them
    /// arrived (in the order maildev received them).
    pub async fn emails_to(&self, to: &str, subject: &str, count: usize) -> Vec<Value> {
        let what = format!("{count} email(s) to {to} about {subject:?}");
        eventually(&what, async || {
            let emails = self.emails().await;
            when(about(&emails, to, subject), |found| found.len() >= count)
                .map_err(|_| subjects(&emails))
        })
        .await
    }

    /// Waits until at least `count` emails arrived, then until none more arrive for a moment;
    /// returns them all (so a test can check that no email came twice).
    pub async fn settled(&self, count: usize) -> Vec<Value> {
        let what = format!("{count} emails");
        let mut emails = eventually(&what, async || {
            when(self.emails().await, |emails| emails.len() >= count).map_err(|e| subjects(&e))
        })
        .await;
        loop {
            tokio::time::sleep(QUIET).await;
            let now = self.emails().await;
            if now.len() == emails.len() {
                return now;
            }
            emails = now;
        }
    }
}

impl Drop for Maildev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.mail_dir);
    }
}

/// The single recipient of an email.
pub fn recipient(email: &Value) -> String {
    email["to"][0]["address"]
        .as_str()
        .expect("an email with a recipient")
        .to_owned()
}

pub fn subjects(emails: &[Value]) -> Vec<(String, String)> {
    emails
        .iter()
        .map(|e| (recipient(e), e["subject"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// Of `emails`, those to `to` whose subject contains `subject`.
pub fn about(emails: &[Value], to: &str, subject: &str) -> Vec<Value> {
    emails
        .iter()
        .filter(|e| recipient(e) == to && e["subject"].as_str().unwrap_or("").contains(subject))
        .cloned()
        .collect()
}

/// The invitation link in an email's plain-text part.
pub fn invitation_link(email: &Value) -> String {
    link_in(email, "/invitation/")
}

/// The link in an email's plain-text part whose path contains `path`.
pub fn link_in(email: &Value, path: &str) -> String {
    let text = email["text"].as_str().expect("a plain-text part");
    text.split_whitespace()
        .find(|word| word.contains(path))
        .unwrap_or_else(|| panic!("no {path} link in {text}"))
        .to_owned()
}

/// The token at the end of an emailed link (an invitation's or a password reset's).
pub fn token_of(link: &str) -> String {
    let token = link.rsplit('/').next().unwrap_or_default().to_owned();
    assert_eq!(token.len(), 64, "not a token: {link}");
    token
}

/// The mail worker on, sending through `url`, polling and retrying quickly.
pub fn with_smtp(url: String) -> impl FnOnce(&mut server::Config) {
    move |config| {
        config.mail.mail_worker = true;
        config.mail.smtp_url = Some(url);
        config.mail.mail_poll_ms = 50;
        config.mail.mail_retry_base_ms = 200;
    }
}
