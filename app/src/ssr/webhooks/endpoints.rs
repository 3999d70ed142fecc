//! Settings › Webhooks: endpoints added, listed, turned back on and removed by admins; each
//! one's delivery log, a test event, and sending a delivery again.

use chrono::{DateTime, Utc};
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, Order,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{sign, target, WebhookSettings, FAILED, PENDING, SUCCEEDED};
use crate::{
    domain::webhook::{parse_target_url, EventType},
    model::{
        account::SessionUser,
        audit::AuditAction,
        webhook::{DeliveryRow, NewWebhookEndpoint, WebhookEndpointRow},
    },
    ssr::entities::{webhook_delivery, webhook_endpoint, webhook_event},
};

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("{0}")]
    InvalidInput(String),
    #[error("no such endpoint or delivery")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// How many deliveries the log shows.
pub const LOG_SIZE: u64 = 50;

pub async fn create(
    db: &DatabaseConnection,
    settings: &WebhookSettings,
    admin: &SessionUser,
    url: &str,
    description: &str,
    events: &str,
    now: DateTime<Utc>,
) -> Result<NewWebhookEndpoint, WebhookError> {
    let url = parse_target_url(url).map_err(WebhookError::InvalidInput)?;
    target::check_reachable_kind(&url, settings.allow_private_targets)
        .await
        .map_err(WebhookError::InvalidInput)?;
    let events = EventType::parse_list(events).map_err(WebhookError::InvalidInput)?;
    let description = description.trim();
    if description.chars().count() > 200 || description.chars().any(char::is_control) {
        return Err(WebhookError::InvalidInput(
            "The description is one line of at most 200 characters.".into(),
        ));
    }
    let secret = sign::new_secret();
    let txn = crate::ssr::db::begin_write(db).await?;
    let model = webhook_endpoint::ActiveModel {
        url: Set(url.to_string()),
        description: Set(description.to_owned()),
        events: Set(events
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(",")),
        secret: Set(secret.clone()),
        created_by: Set(Some(admin.id)),
        created_at: Set(now),
        enabled: Set(true),
        disabled_reason: Set(None),
        consecutive_failures: Set(0),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let detail = format!("events: {}", model.events);
    audit(
        &txn,
        admin,
        AuditAction::WebhookAdded,
        &model.url,
        Some(&detail),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(NewWebhookEndpoint {
        endpoint: row(model),
        secret,
    })
}

pub async fn list(db: &DatabaseConnection) -> Result<Vec<WebhookEndpointRow>, DbErr> {
    Ok(webhook_endpoint::Entity::find()
        .order_by(webhook_endpoint::Column::Id, Order::Asc)
        .all(db)
        .await?
        .into_iter()
        .map(row)
        .collect())
}

/// Removes an endpoint with its deliveries (nothing more is sent to it).
pub async fn delete(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(WebhookError::NotFound)?;
    let deleted = webhook_endpoint::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(WebhookError::NotFound);
    }
    audit(
        &txn,
        admin,
        AuditAction::WebhookRemoved,
        &endpoint.url,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn audit(
    txn: &impl sea_orm::ConnectionTrait,
    admin: &SessionUser,
    action: AuditAction,
    url: &str,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let actor = crate::ssr::services::audit::Actor::account(admin);
    crate::ssr::services::audit::record(txn, actor, action, Some(url), true, detail, now).await
}

/// Turns a disabled endpoint back on: its count of failures starts again, and deliveries
/// still waiting continue.
pub async fn enable(
    db: &DatabaseConnection,
    admin: &SessionUser,
    id: i32,
    now: DateTime<Utc>,
) -> Result<WebhookEndpointRow, WebhookError> {
    let txn = crate::ssr::db::begin_write(db).await?;
    let updated = webhook_endpoint::Entity::update_many()
        .col_expr(webhook_endpoint::Column::Enabled, Expr::value(true))
        .col_expr(
            webhook_endpoint::Column::DisabledReason,
            Expr::value(None::<String>),
        )
        .col_expr(
            webhook_endpoint::Column::ConsecutiveFailures,
            Expr::value(0),
        )
        .filter(webhook_endpoint::Column::Id.eq(id))
        .filter(webhook_endpoint::Column::Enabled.eq(false))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(WebhookError::Conflict(
            "This endpoint is on already, or was removed; refresh the list.".into(),
        ));
    }
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(WebhookError::NotFound)?;
    audit(
        &txn,
        admin,
        AuditAction::WebhookEnabled,
        &endpoint.url,
        None,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(row(endpoint))
}

async fn find(db: &DatabaseConnection, id: i32) -> Result<webhook_endpoint::Model, WebhookError> {
    webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(WebhookError::NotFound)
}

/// The newest deliveries of an endpoint.
pub async fn deliveries(
    db: &DatabaseConnection,
    endpoint_id: i32,
) -> Result<Vec<DeliveryRow>, WebhookError> {
    find(db, endpoint_id).await?;
    let rows = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint_id))
        .order_by(webhook_delivery::Column::Id, Order::Desc)
        .limit(LOG_SIZE)
        .all(db)
        .await?;
    let event_ids: Vec<i32> = rows.iter().map(|r| r.event_id).collect();
    let events: std::collections::HashMap<i32, webhook_event::Model> =
        webhook_event::Entity::find()
            .filter(webhook_event::Column::Id.is_in(event_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
    Ok(rows
        .into_iter()
        .map(|d| {
            let event = events.get(&d.event_id);
            DeliveryRow {
                id: d.id,
                event_id: event.map(|e| e.event_id.clone()).unwrap_or_default(),
                event_type: event.map(|e| e.event_type.clone()).unwrap_or_default(),
                next_attempt_at: (d.state == PENDING).then_some(d.next_attempt_at),
                state: d.state,
                attempts: d.attempts,
                last_status: d.last_status,
                last_error: d.last_error,
                response_ms: d.response_ms,
                created_at: d.created_at,
                last_attempt_at: d.last_attempt_at,
            }
        })
        .collect())
}

/// Queues a `portico.test` event to this endpoint alone (also when it is disabled, to check
/// it before turning it back on).
pub async fn send_test(
    db: &DatabaseConnection,
    admin: &SessionUser,
    endpoint_id: i32,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let endpoint = find(db, endpoint_id).await?;
    let data = json!({ "message": "A test event from Portico", "sent_by": admin.email });
    let event = super::store_event(db, EventType::Test, data, now).await?;
    super::queue(
        db,
        endpoint.id,
        event.id,
        &format!("test:{}", event.id),
        now,
    )
    .await?;
    Ok(())
}

/// Sends a delivery again, as a new delivery of the same event (same `webhook-id`), after a
/// receiver was fixed.
pub async fn redeliver(
    db: &DatabaseConnection,
    delivery_id: i32,
    now: DateTime<Utc>,
) -> Result<(), WebhookError> {
    let delivery = webhook_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .ok_or(WebhookError::NotFound)?;
    if delivery.state == PENDING {
        return Err(WebhookError::Conflict(
            "This delivery is still being tried: wait for its outcome.".into(),
        ));
    }
    debug_assert!(delivery.state == SUCCEEDED || delivery.state == FAILED);
    super::queue(
        db,
        delivery.endpoint_id,
        delivery.event_id,
        &delivery.ordering_key,
        now,
    )
    .await?;
    Ok(())
}

fn row(model: webhook_endpoint::Model) -> WebhookEndpointRow {
    WebhookEndpointRow {
        id: model.id,
        url: model.url,
        description: model.description,
        events: model.events.split(',').map(str::to_owned).collect(),
        enabled: model.enabled,
        disabled_reason: model.disabled_reason,
        created_at: model.created_at,
        consecutive_failures: model.consecutive_failures,
    }
}
