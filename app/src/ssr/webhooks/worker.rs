//! Sends due deliveries. Any number of replicas run it: a delivery is taken by a conditional
//! update that one worker wins (a lease), and its outcome is recorded only under that lease.
//! Deliveries of one endpoint about one address go in order: only the oldest pending one of
//! each (endpoint, address) is ever sent, so a retried event holds back the ones after it.

use std::collections::{HashMap, HashSet};

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

/// Pending deliveries looked at per round: the oldest ones, so the head of every group among
/// them is really its oldest.
const WINDOW: u64 = 500;
/// Deliveries sent per round, side by side.
const BATCH: usize = 16;
const CONCURRENCY: usize = 8;
/// How often invitations whose time ran out are looked for (`invitation.expired`).
const EXPIRY_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

pub struct WebhookWorker {
    db: DatabaseConnection,
    settings: WebhookSettings,
}

impl WebhookWorker {
    pub fn new(db: DatabaseConnection, settings: WebhookSettings) -> Self {
        Self { db, settings }
    }

    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut last_expiry_check: Option<std::time::Instant> = None;
        while !*stop.borrow() {
            if last_expiry_check.is_none_or(|at| at.elapsed() >= EXPIRY_CHECK_INTERVAL) {
                last_expiry_check = Some(std::time::Instant::now());
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
            .filter(webhook_endpoint::Column::Enabled.eq(true))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        if endpoints.is_empty() {
            return Ok(0);
        }
        let pending = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::State.eq(PENDING))
            .order_by(webhook_delivery::Column::Id, Order::Asc)
            .limit(WINDOW)
            .all(&self.db)
            .await?;
        let mut seen = HashSet::new();
        let due: Vec<webhook_delivery::Model> = pending
            .into_iter()
            // The oldest pending delivery of each endpoint and address, and only it.
            .filter(|d| seen.insert((d.endpoint_id, d.ordering_key.clone())))
            .filter(|d| endpoints.contains_key(&d.endpoint_id))
            .filter(|d| d.next_attempt_at <= now && d.claimed_until.is_none_or(|c| c < now))
            .take(BATCH)
            .collect();
        // Whole seconds: the outcome is recorded only where the lease is still this value, and
        // MariaDB keeps timestamps to the second.
        let lease = (now
            + Duration::from_std(self.settings.timeout).unwrap_or(Duration::seconds(10))
            + Duration::seconds(30))
        .trunc_subsecs(0);
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
            if won.rows_affected == 1 {
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
