//! Sends due deliveries. Any number of replicas run it: a delivery is taken by a conditional
//! update that one worker wins (a lease), and its outcome is recorded only under that lease.
//! Deliveries of one endpoint about one address go in order: only the oldest pending one of
//! each (endpoint, address) is ever sent, so a retried event holds back the ones after it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use futures::{stream, StreamExt};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    prelude::Expr, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, Order,
    QueryFilter, QueryOrder, QuerySelect,
};
use tokio::sync::watch;

use super::{target, WebhookSettings, FAILED, PENDING, SUCCEEDED};
use crate::{
    domain::{
        webhook::{retry_delay, MAX_ATTEMPTS},
        Role,
    },
    ssr::{
        entities::{account, webhook_delivery, webhook_endpoint, webhook_event},
        services::outbox::{self, Message},
    },
};

/// Deliveries sent per round, side by side.
const BATCH: usize = 16;
const CONCURRENCY: usize = 8;
/// How often invitations whose time ran out are looked for (`invitation.expired`).
const EXPIRY_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

pub struct WebhookWorker {
    db: DatabaseConnection,
    settings: WebhookSettings,
}

/// The due deliveries that may go now, oldest first: pending, not claimed, to an enabled
/// endpoint (or a test event, which goes to its endpoint even while it is off, to check it
/// before turning it back on), and the oldest pending one of its endpoint and address, so that
/// a delivery being retried holds back the later ones about the same person. Chosen by the
/// database, so that a backlog of waiting or disabled deliveries never hides the due ones.
async fn due_heads(
    db: &DatabaseConnection,
    enabled: &[i32],
    now: DateTime<Utc>,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    use sea_orm::sea_query::{Alias, Query};
    let earlier = Alias::new("earlier");
    let table = webhook_delivery::Entity;
    let earlier_pending = Query::select()
        .expr(Expr::val(1))
        .from_as(table, earlier.clone())
        .and_where(Expr::col((earlier.clone(), webhook_delivery::Column::State)).eq(PENDING))
        .and_where(
            Expr::col((earlier.clone(), webhook_delivery::Column::EndpointId))
                .equals((table, webhook_delivery::Column::EndpointId)),
        )
        .and_where(
            Expr::col((earlier.clone(), webhook_delivery::Column::OrderingKey))
                .equals((table, webhook_delivery::Column::OrderingKey)),
        )
        .and_where(
            Expr::col((earlier, webhook_delivery::Column::Id))
                .lt(Expr::col((table, webhook_delivery::Column::Id))),
        )
        .to_owned();
    webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(webhook_delivery::Column::ClaimedUntil.is_null())
                .add(webhook_delivery::Column::ClaimedUntil.lt(now)),
        )
        .filter(
            Condition::any()
                .add(webhook_delivery::Column::EndpointId.is_in(enabled.to_vec()))
                .add(webhook_delivery::Column::OrderingKey.starts_with(super::TEST_PREFIX)),
        )
        .filter(Expr::exists(earlier_pending).not())
        .order_by(webhook_delivery::Column::Id, Order::Asc)
        .limit(BATCH as u64)
        .all(db)
        .await
}

impl WebhookWorker {
    pub fn new(db: DatabaseConnection, settings: WebhookSettings) -> Self {
        Self { db, settings }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        // The first look is an interval after the start, not at it: replicas starting together
        // do not all sweep at once.
        let mut last_expiry_check = std::time::Instant::now();
        while !*stop.borrow() {
            if last_expiry_check.elapsed() >= EXPIRY_CHECK_INTERVAL {
                last_expiry_check = std::time::Instant::now();
                if let Err(error) = super::announce_expiries(&self.db, Utc::now()).await {
                    tracing::warn!("announcing expired invitations failed, trying again: {error}");
                }
            }
            let busy = match self.run_once(Utc::now()).await {
                Ok(sent) => sent == BATCH,
                Err(error) => {
                    tracing::warn!("the webhook worker will try again shortly: {error}");
                    false
                }
            };
            if busy {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
                changed = stop.changed() => if changed.is_err() { break },
            }
        }
    }

    /// One round: claims due deliveries and sends them; returns how many it sent.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        let endpoints: HashMap<i32, webhook_endpoint::Model> = webhook_endpoint::Entity::find()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        if endpoints.is_empty() {
            // The usual case of a portal without webhooks: one cheap query a round.
            return Ok(0);
        }
        let enabled: Vec<i32> = endpoints
            .values()
            .filter(|e| e.enabled)
            .map(|e| e.id)
            .collect();
        let due = due_heads(&self.db, &enabled, now).await?;
        // Whole seconds: the outcome is recorded only where the lease is still this value, and
        // MariaDB keeps timestamps to the second. Long enough for every wave of the batch,
        // each try bounded by the timeout (the name lookup included).
        let waves = BATCH.div_ceil(CONCURRENCY) as i32;
        let per_try =
            Duration::from_std(self.settings.timeout).unwrap_or(Duration::seconds(10)) * 2;
        let lease = (now + per_try * waves + Duration::seconds(30)).trunc_subsecs(0);
        let mut claimed = Vec::new();
        for delivery in due {
            let won = webhook_delivery::Entity::update_many()
                .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(lease))
                .filter(webhook_delivery::Column::Id.eq(delivery.id))
                .filter(webhook_delivery::Column::State.eq(PENDING))
                .filter(
                    Condition::any()
                        .add(webhook_delivery::Column::ClaimedUntil.is_null())
                        .add(webhook_delivery::Column::ClaimedUntil.lt(now)),
                )
                .exec(&self.db)
                .await?;
            if won.rows_affected == 1 && endpoints.contains_key(&delivery.endpoint_id) {
                claimed.push(delivery);
            }
        }
        let count = claimed.len();
        let results: Vec<Result<(), DbErr>> = stream::iter(claimed)
            .map(|delivery| {
                let endpoint = endpoints[&delivery.endpoint_id].clone();
                self.deliver(delivery, endpoint, lease)
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        results.into_iter().collect::<Result<Vec<()>, DbErr>>()?;
        Ok(count)
    }

    async fn deliver(
        &self,
        delivery: webhook_delivery::Model,
        endpoint: webhook_endpoint::Model,
        lease: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        let Some(event) = webhook_event::Entity::find_by_id(delivery.event_id)
            .one(&self.db)
            .await?
        else {
            return Ok(());
        };
        let started = Utc::now();
        let timestamp = started.timestamp();
        let answer = match super::sign::signature(
            &endpoint.secret,
            &event.event_id,
            timestamp,
            &event.payload,
        ) {
            Ok(signature) => {
                let headers = [
                    ("webhook-id", event.event_id.clone()),
                    ("webhook-timestamp", timestamp.to_string()),
                    ("webhook-signature", signature),
                ];
                target::post(
                    &endpoint.url,
                    self.settings.allow_private_targets,
                    &headers,
                    event.payload.clone(),
                    self.settings.timeout,
                )
                .await
            }
            Err(error) => target::Answer {
                status: None,
                error: Some(error),
                elapsed_ms: 0,
            },
        };
        let now = Utc::now();
        let attempts = delivery.attempts + 1;
        let (state, next) = if answer.succeeded() {
            (SUCCEEDED, now)
        } else if attempts >= MAX_ATTEMPTS {
            (FAILED, now)
        } else {
            let wait = retry_delay(self.settings.retry_base, attempts);
            (
                PENDING,
                now + Duration::from_std(wait).unwrap_or(Duration::hours(6)),
            )
        };
        let error = answer
            .error
            .as_deref()
            .map(|e| e.chars().take(500).collect::<String>());
        let recorded = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::State, Expr::value(state))
            .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
            .col_expr(
                webhook_delivery::Column::ClaimedUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(
                webhook_delivery::Column::LastAttemptAt,
                Expr::value(started),
            )
            .col_expr(
                webhook_delivery::Column::LastStatus,
                Expr::value(answer.status.map(i32::from)),
            )
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(
                webhook_delivery::Column::ResponseMs,
                Expr::value(Some(answer.elapsed_ms)),
            )
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .filter(webhook_delivery::Column::ClaimedUntil.eq(lease))
            .exec(&self.db)
            .await?;
        if recorded.rows_affected == 0 {
            // The lease ran out and another worker took the delivery over.
            return Ok(());
        }
        if answer.succeeded() {
            webhook_endpoint::Entity::update_many()
                .col_expr(
                    webhook_endpoint::Column::ConsecutiveFailures,
                    Expr::value(0),
                )
                .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
                .exec(&self.db)
                .await?;
            return Ok(());
        }
        self.count_failure(&endpoint, now).await
    }

    /// Counts a failed try against the endpoint; the one that reaches the limit turns it off
    /// and emails every active admin (once: the update that disables it is conditional).
    async fn count_failure(
        &self,
        endpoint: &webhook_endpoint::Model,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        use sea_orm::TransactionTrait;
        webhook_endpoint::Entity::update_many()
            .col_expr(
                webhook_endpoint::Column::ConsecutiveFailures,
                Expr::col(webhook_endpoint::Column::ConsecutiveFailures).add(1),
            )
            .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
            .exec(&self.db)
            .await?;
        let limit = self.settings.disable_after_failures;
        let reason = format!(
            "Turned off after {limit} failed tries in a row. Fix the receiver, send a test \
             event, then turn it back on."
        );
        let txn = self.db.begin().await?;
        let disabled = webhook_endpoint::Entity::update_many()
            .col_expr(webhook_endpoint::Column::Enabled, Expr::value(false))
            .col_expr(
                webhook_endpoint::Column::DisabledReason,
                Expr::value(Some(reason)),
            )
            .filter(webhook_endpoint::Column::Id.eq(endpoint.id))
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .filter(webhook_endpoint::Column::ConsecutiveFailures.gte(limit))
            .exec(&txn)
            .await?;
        if disabled.rows_affected == 1 {
            tracing::warn!(url = %endpoint.url, "a webhook endpoint was turned off after {limit} failed tries");
            let admins = account::Entity::find()
                .filter(account::Column::Role.eq(Role::Admin.as_str()))
                .filter(account::Column::Active.eq(true))
                .all(&txn)
                .await?;
            let message = Message::WebhookDisabled {
                url: endpoint.url.clone(),
                failures: limit,
            };
            for admin in admins {
                outbox::enqueue(&txn, &admin.email, None, &message, now).await?;
            }
        }
        txn.commit().await
    }
}
