//! Webhooks, received by a real HTTP receiver (`support/webhook_receiver.py`) that checks every
//! signature with the `standardwebhooks` package (PyPI), never with Portico's own code.

mod delivery;
mod endpoints;

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use app::model::webhook::{DeliveryRow, NewWebhookEndpoint};
use serde_json::Value;

use crate::support::{eventually, maildev::free_port, ok, when, TestApp};

/// A test server whose webhooks may reach loopback, retrying fast.
pub async fn app_with(disable_after: i32) -> TestApp {
    TestApp::spawn_with(|config| {
        config.webhooks.allow_private = true;
        config.webhooks.retry_base_ms = 200;
        config.webhooks.poll_ms = 50;
        config.webhooks.disable_after = disable_after;
        config.webhooks.timeout_seconds = 2;
    })
    .await
}

/// Adds an endpoint for `events` at a free local port as the bootstrap admin, and returns it
/// with a receiver for that port (not started yet).
pub async fn endpoint_and_receiver(app: &TestApp, events: &str) -> (NewWebhookEndpoint, Receiver) {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hook");
    let endpoint = add_endpoint(app, &url, events).await;
    let receiver = Receiver::on(port, &endpoint.secret);
    (endpoint, receiver)
}

/// Adds an endpoint for `events` at `url` as the bootstrap admin.
pub async fn add_endpoint(app: &TestApp, url: &str, events: &str) -> NewWebhookEndpoint {
    app.login_as_admin().await;
    ok(app
        .call(
            "create_webhook",
            &[("url", url), ("description", "Billing"), ("events", events)],
        )
        .await)
    .await
}

pub struct Receiver {
    pub port: u16,
    secret: String,
    out: PathBuf,
    child: Option<Child>,
}

impl Receiver {
    /// A receiver on `port` (not started yet) for the endpoint whose secret is `secret`.
    pub fn on(port: u16, secret: &str) -> Self {
        let out = std::env::temp_dir().join(format!("portico-webhooks-{}.jsonl", free_port()));
        let _ = std::fs::remove_file(&out);
        Self {
            port,
            secret: secret.to_owned(),
            out,
            child: None,
        }
    }

    /// Starts it (again) on its port; `extra` are the script's options.
    pub fn start(&mut self, extra: &[&str]) {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/api/support/webhook_receiver.py"
        );
        let mut child = Command::new("python3")
            .env("PYTHONPATH", python_path())
            .arg(script)
            .arg(self.port.to_string())
            .arg(&self.secret)
            .arg(&self.out)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the receiver needs the standardwebhooks package (scripts/test.sh installs it)"
        );
        self.child = Some(child);
    }

    /// Kills it at once (SIGKILL): requests in flight get no answer.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// What was received, once `done` holds for it.
    pub async fn until(&self, what: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        eventually(what, async || when(self.received(), |r| done(r))).await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(&self.out);
    }
}

fn python_path() -> String {
    let tools = std::env::var("PORTICO_TOOLS_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/portico-tools",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    match std::env::var("PYTHONPATH") {
        Ok(existing) if !existing.is_empty() => format!("{tools}/python:{existing}"),
        _ => format!("{tools}/python"),
    }
}

/// The endpoint's delivery log once `done` holds for it. The receiver has a request before
/// Portico has recorded the answer, so a test that saw the request waits here for the log to
/// follow.
pub async fn deliveries_until(
    app: &TestApp,
    endpoint_id: &str,
    what: &str,
    done: impl Fn(&[DeliveryRow]) -> bool,
) -> Vec<DeliveryRow> {
    eventually(what, async || {
        let log: Vec<DeliveryRow> =
            ok(app.call("webhook_deliveries", &[("id", endpoint_id)]).await).await;
        when(log, |log| done(log))
    })
    .await
}

/// The accepted (2xx-answered) requests of `received`.
pub fn accepted(received: &[Value]) -> Vec<&Value> {
    received
        .iter()
        .filter(|r| {
            r["status"]
                .as_u64()
                .is_some_and(|s| (200..300).contains(&s))
        })
        .collect()
}
