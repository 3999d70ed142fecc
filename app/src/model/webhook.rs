//! Webhooks as Settings › Webhooks shows them: endpoints and their delivery logs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpointRow {
    pub id: i32,
    pub url: String,
    pub description: String,
    /// The subscribed events' names.
    pub events: Vec<String>,
    pub enabled: bool,
    /// Why it was turned off, when the deliveries kept failing.
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Failed tries since the last success.
    pub consecutive_failures: i32,
}

/// An endpoint just added: its signing secret is in this answer and nowhere else on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhookEndpoint {
    pub endpoint: WebhookEndpointRow,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: i32,
    /// The event's id, the same on every try (`webhook-id`).
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `succeeded` or `failed` (every try used).
    pub state: String,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub response_ms: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}
