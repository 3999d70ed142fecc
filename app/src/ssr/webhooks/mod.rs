//! Webhooks: events written in the transaction of the change they report (so an event exists
//! exactly when its change does), one delivery per subscribed endpoint, sent by the
//! [`worker`] with retries, in order per address, signed per Standard Webhooks.

pub mod endpoints;
pub mod sign;
pub mod target;
pub mod worker;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde_json::{json, Value};

use crate::{
    domain::webhook::EventType,
    ssr::entities::{account, invitation, webhook_delivery, webhook_endpoint, webhook_event},
};

pub const PENDING: &str = "pending";
pub const SUCCEEDED: &str = "succeeded";
pub const FAILED: &str = "failed";
/// The ordering key of test events (each its own), which go out even while their endpoint is
/// turned off.
pub const TEST_PREFIX: &str = "test:";

/// How this instance sends webhooks.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Deliveries may go to private, loopback and link-local addresses (tests, or an operator
    /// whose receivers are on the internal network).
    pub allow_private_targets: bool,
    /// The wait after the first failed try; each next one is six times longer (at most 6 h).
    pub retry_base: std::time::Duration,
    /// An enabled endpoint is turned off after this many failed tries in a row.
    pub disable_after_failures: i32,
    /// How often the worker looks for due deliveries.
    pub poll_interval: std::time::Duration,
    /// How long one try may take.
    pub timeout: std::time::Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            retry_base: std::time::Duration::from_secs(5),
            disable_after_failures: 50,
            poll_interval: std::time::Duration::from_secs(1),
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

/// Records `event` about `subject` (an address: deliveries about one address keep their
/// order) for every enabled endpoint subscribed to it; nothing is stored when none is.
pub async fn emit(
    db: &impl ConnectionTrait,
    event: EventType,
    subject: &str,
    data: Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let endpoints: Vec<webhook_endpoint::Model> = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter(|e| subscribed(e, event))
        .collect();
    if endpoints.is_empty() {
        return Ok(());
    }
    let stored = store_event(db, event, data, now).await?;
    for endpoint in endpoints {
        queue(db, endpoint.id, stored.id, subject, now).await?;
    }
    Ok(())
}

fn subscribed(endpoint: &webhook_endpoint::Model, event: EventType) -> bool {
    endpoint
        .events
        .split(',')
        .any(|name| name.trim() == event.as_str())
}

pub(crate) async fn store_event(
    db: &impl ConnectionTrait,
    event: EventType,
    data: Value,
    now: DateTime<Utc>,
) -> Result<webhook_event::Model, DbErr> {
    let event_id = format!("msg_{}", &crate::ssr::random::secret_token()[..32]);
    let payload = json!({
        "type": event.as_str(),
        "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "data": data,
    });
    webhook_event::ActiveModel {
        event_id: Set(event_id),
        event_type: Set(event.as_str().to_owned()),
        payload: Set(payload.to_string()),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub(crate) async fn queue(
    db: &impl ConnectionTrait,
    endpoint_id: i32,
    event_id: i32,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<webhook_delivery::Model, DbErr> {
    webhook_delivery::ActiveModel {
        endpoint_id: Set(endpoint_id),
        event_id: Set(event_id),
        ordering_key: Set(subject.to_lowercase().chars().take(300).collect()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_attempt_at: Set(None),
        last_status: Set(None),
        last_error: Set(None),
        response_ms: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// An invitation as events describe it.
pub fn invitation_data(model: &invitation::Model, status: &str) -> Value {
    json!({
        "invitation": {
            "id": model.id,
            "email": model.email,
            "status": status,
            "role": model.role,
            "origin": model.origin,
            "pre_approved": model.pre_approved,
            "invited_at": model.invited_at,
            "valid_until": model.valid_until,
        }
    })
}

/// An account as events describe it.
pub fn developer_data(model: &account::Model) -> Value {
    json!({
        "developer": {
            "id": model.id,
            "email": model.email,
            "full_name": model.full_name,
            "role": model.role,
        }
    })
}

/// Sends `invitation.expired` once for each Pending invitation whose time ran out (by the
/// sweep; the conditional update makes it once across replicas). Returns how many.
pub async fn announce_expiries(
    db: &sea_orm::DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::{prelude::Expr, QuerySelect, TransactionTrait};
    let subscribed = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::Enabled.eq(true))
        .all(db)
        .await?
        .iter()
        .any(|e| subscribed(e, EventType::InvitationExpired));
    let due = || {
        invitation::Entity::find()
            .filter(invitation::Column::Status.eq(crate::domain::StoredStatus::Pending.as_str()))
            .filter(invitation::Column::ValidUntil.lte(now))
            .filter(invitation::Column::ExpiryAnnouncedAt.is_null())
    };
    if !subscribed {
        // Nobody listens: mark them, so that an endpoint added later is not sent old news.
        let marked = invitation::Entity::update_many()
            .col_expr(invitation::Column::ExpiryAnnouncedAt, Expr::value(now))
            .filter(invitation::Column::Status.eq(crate::domain::StoredStatus::Pending.as_str()))
            .filter(invitation::Column::ValidUntil.lte(now))
            .filter(invitation::Column::ExpiryAnnouncedAt.is_null())
            .exec(db)
            .await?;
        return Ok(marked.rows_affected);
    }
    let mut announced = 0;
    for model in due().limit(200).all(db).await? {
        let txn = db.begin().await?;
        let claimed = invitation::Entity::update_many()
            .col_expr(invitation::Column::ExpiryAnnouncedAt, Expr::value(now))
            .filter(invitation::Column::Id.eq(model.id))
            .filter(invitation::Column::ExpiryAnnouncedAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let data = invitation_data(&model, "expired");
            emit(&txn, EventType::InvitationExpired, &model.email, data, now).await?;
            announced += 1;
        }
        txn.commit().await?;
    }
    Ok(announced)
}
