//! What every server function can reach: the database and the settings of this instance.
//! Nothing here is mutable in-process, so any number of replicas can share one database.

use sea_orm::DatabaseConnection;
use std::{sync::Arc, time::Duration};

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<ServerSettings>,
}

#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// The public origin users reach Portico at, e.g. `https://portal.example.com`. Links in
    /// emails and the Origin check use it, never the request's Host header.
    pub public_url: String,
    /// A session ends after this long without a request.
    pub session_idle_timeout: Duration,
    /// A session ends this long after login, whatever its activity.
    pub session_absolute_timeout: Duration,
    pub rate_limits: crate::ssr::rate_limit::RateLimits,
    /// The configured portal name (`PORTICO_PORTAL_NAME`): used until an admin sets one in
    /// Settings (see [`AppState::portal_name`]).
    pub portal_name: String,
    /// The invitation email's default subject (`PORTICO_INVITATION_SUBJECT`), until an admin
    /// words it in Settings › Emails.
    pub invitation_subject: String,
    /// How webhooks are sent (`PORTICO_WEBHOOKS_*`).
    pub webhooks: crate::ssr::webhooks::WebhookSettings,
}

impl ServerSettings {
    /// Cookies get `Secure` and the `__Host-` prefix only when Portico is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl AppState {
    /// The state provided to server functions through Leptos' context.
    pub fn from_context() -> Self {
        leptos::prelude::expect_context::<AppState>()
    }

    /// The portal's name now: the admin's (Settings), else the configured one. Shown on the
    /// login cards, in the top bar and page titles, and as the authenticator apps' issuer.
    pub async fn portal_name(&self) -> Result<String, sea_orm::DbErr> {
        let current = crate::ssr::services::settings::load(&self.db).await?;
        Ok(current
            .portal_name_or(&self.settings.portal_name)
            .to_owned())
    }
}
