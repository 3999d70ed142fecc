//! Settings › Webhooks: endpoints, their delivery logs, a test event, sending again.

use leptos::prelude::*;

use super::ApiError;
use crate::model::webhook::{DeliveryRow, NewWebhookEndpoint, WebhookEndpointRow};

#[server(endpoint = "list_webhooks")]
pub async fn list_webhooks() -> Result<Vec<WebhookEndpointRow>, ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(endpoints::list(&state.db).await?)
}

/// Adds an endpoint for `events` (comma-separated names, or `*` for all). The answer holds its
/// signing secret, shown once.
#[server(endpoint = "create_webhook")]
pub async fn create_webhook(
    url: String,
    description: Option<String>,
    events: String,
) -> Result<NewWebhookEndpoint, ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let settings = &state.settings.webhooks;
    let description = description.unwrap_or_default();
    let now = chrono::Utc::now();
    Ok(endpoints::create(
        &state.db,
        settings,
        &admin,
        &url,
        &description,
        &events,
        now,
    )
    .await?)
}

#[server(endpoint = "delete_webhook")]
pub async fn delete_webhook(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(endpoints::delete(&state.db, &admin, id, chrono::Utc::now()).await?)
}

/// Turns an endpoint that was turned off back on.
#[server(endpoint = "enable_webhook")]
pub async fn enable_webhook(id: i32) -> Result<WebhookEndpointRow, ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(endpoints::enable(&state.db, &admin, id, chrono::Utc::now()).await?)
}

/// The newest 50 deliveries of an endpoint.
#[server(endpoint = "webhook_deliveries")]
pub async fn webhook_deliveries(id: i32) -> Result<Vec<DeliveryRow>, ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(endpoints::deliveries(&state.db, id).await?)
}

#[server(endpoint = "send_test_webhook")]
pub async fn send_test_webhook(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(endpoints::send_test(&state.db, &admin, id, chrono::Utc::now()).await?)
}

/// Sends a finished delivery's event again (same `webhook-id`).
#[server(endpoint = "redeliver_webhook")]
pub async fn redeliver_webhook(delivery_id: i32) -> Result<(), ApiError> {
    use crate::ssr::{webhooks::endpoints, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(endpoints::redeliver(&state.db, delivery_id, chrono::Utc::now()).await?)
}
