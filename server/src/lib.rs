//! The Portico server: configuration, start-up and the HTTP router. The app itself (pages,
//! server functions, services) lives in the `app` crate; this crate only wires it together.

pub mod bench_anchor;
pub mod bench_helpers;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod load_report;
pub mod metrics;
pub mod router;
pub mod security;
pub mod static_files;
pub mod telemetry;

use std::net::SocketAddr;
use tokio::net::TcpListener;

pub use config::Config;

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// Started by [`Application::run`]; `None` when this instance runs no mail worker.
    mail_worker: Option<app::ssr::mail::Worker>,
    /// What the housekeeping sweep started by [`Application::run`] works on.
    state: app::ssr::AppState,
    cleanup_interval: std::time::Duration,
    /// Whether [`Application::run`] starts the webhook worker.
    webhook_worker: bool,
}

/// How long a stopping server waits for the mail worker to finish the email in hand.
const MAIL_WORKER_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

impl Application {
    /// Connects to and migrates the database, creates the first admin when there is none,
    /// checks the mail settings, and binds the listener.
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| StartupError::Bind(format!("cannot listen on {}: {e}", config.bind)))?;
        Self::build_on(config, listener).await
    }

    /// Like [`Application::build`], on a listener bound by the caller (tests bind port 0 first
    /// so that the public URL can name the real port).
    pub async fn build_on(config: &Config, listener: TcpListener) -> Result<Self, StartupError> {
        let db = app::ssr::db::connect(&config.database_url)
            .await
            .map_err(|e| {
                StartupError::Database(format!("cannot open {}: {e}", redact(&config.database_url)))
            })?;
        app::ssr::db::migrate(&db)
            .await
            .map_err(|e| StartupError::Database(format!("migrating failed: {e}")))?;
        bootstrap::ensure_first_admin(&db, config).await?;
        let mail_worker = if config.mail.mail_worker {
            let worker = app::ssr::mail::Worker::new(db.clone(), config.mail_settings())
                .map_err(|e| StartupError::Mail(e.to_string()))?;
            Some(worker)
        } else {
            tracing::info!("this instance runs no mail worker (PORTICO_MAIL_WORKER=false)");
            None
        };
        let state = app::ssr::AppState {
            db,
            settings: std::sync::Arc::new(config.server_settings()),
        };
        let router = router::build(state.clone(), config);
        Ok(Self {
            listener,
            router,
            mail_worker,
            state,
            cleanup_interval: std::time::Duration::from_secs(config.cleanup_interval_seconds),
            webhook_worker: config.webhooks.worker,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Starts the mail worker (when configured) and the housekeeping sweep, and serves until
    /// ctrl-c or SIGTERM; then lets the worker finish the email in hand.
    pub async fn run(self) -> std::io::Result<()> {
        let (stop_worker, stop) = tokio::sync::watch::channel(false);
        tokio::spawn(app::ssr::services::cleanup::run(
            self.state.db.clone(),
            self.state.settings.clone(),
            self.cleanup_interval,
            stop.clone(),
        ));
        if self.webhook_worker {
            let webhooks = app::ssr::webhooks::worker::WebhookWorker::new(
                self.state.db.clone(),
                self.state.settings.webhooks.clone(),
            );
            // A delivery cut off by the stop is sent again once its lease runs out.
            tokio::spawn(webhooks.run(stop.clone()));
        }
        let worker = self
            .mail_worker
            .map(|worker| tokio::spawn(worker.run(stop)));
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        let _ = stop_worker.send(true);
        if let Some(worker) = worker {
            if tokio::time::timeout(MAIL_WORKER_GRACE, worker)
                .await
                .is_err()
            {
                tracing::warn!(
                    "the mail worker did not stop in time; an email it was sending is sent \
                     again by the next worker once its claim runs out"
                );
            }
        }
        served
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(String),
    #[error("{0}")]
    Bind(String),
    #[error("first admin: {0}")]
    Admin(String),
    #[error("mail: {0}")]
    Mail(String),
}

/// The configured database, connected and migrated (every one-shot subcommand starts so).
pub async fn migrated_database(config: &Config) -> Result<sea_orm::DatabaseConnection, String> {
    let db = app::ssr::db::connect(&config.database_url)
        .await
        .map_err(|e| format!("cannot open {}: {e}", redact(&config.database_url)))?;
    app::ssr::db::migrate(&db)
        .await
        .map_err(|e| format!("migrating {} failed: {e}", redact(&config.database_url)))?;
    Ok(db)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    app::ssr::redact::url_without_password(url)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_the_password_of_a_database_url() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite://data/p.db"), "sqlite://data/p.db");
    }
}
