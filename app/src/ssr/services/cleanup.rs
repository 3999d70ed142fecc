//! Housekeeping: rows that nothing reads any more are removed by a periodic sweep. Every
//! statement is a conditional delete of rows that are stale by their own timestamps, so any
//! number of replicas may sweep at the same time: a row is deleted once, by whoever is first,
//! and a sweep never touches a row that is still in use.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};

use crate::{
    domain::StoredStatus,
    model::invitation::Origin,
    ssr::{
        db::begin_write,
        entities::{
            idempotency_key, invitation, login_challenge, rate_limit, session, webhook_delivery,
            webhook_event,
        },
        services::{outbox, search_index},
        ServerSettings,
    },
};

/// How long an unfinished sign-up is kept after its link expired: an admin can still see it
/// (and resend it) for a week; after that it only keeps a stranger's name and address.
pub const UNCONFIRMED_SIGN_UP_GRACE_DAYS: i64 = 7;

/// Sign-ups removed per transaction, so a sweep never holds a long write lock.
const SIGN_UP_BATCH: u64 = 200;

/// How long the answer to a request with an `Idempotency-Key` is replayed.
pub const IDEMPOTENCY_KEPT_FOR: Duration = Duration::hours(24);

/// What one sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    /// Login code steps past their five minutes.
    pub login_steps: u64,
    pub rate_limits: u64,
    pub sign_ups: u64,
    /// Answers kept for `Idempotency-Key` retries past their 24 hours.
    pub idempotency_keys: u64,
    /// Webhook deliveries finished more than [`WEBHOOK_LOG_DAYS`] ago, and their events.
    pub webhook_deliveries: u64,
}

/// How long finished webhook deliveries stay in the endpoints' logs.
pub const WEBHOOK_LOG_DAYS: i64 = 30;

/// Removes expired and idle sessions, login code steps that ran out, rate-limit windows that have closed, and unconfirmed
/// sign-ups whose link expired more than [`UNCONFIRMED_SIGN_UP_GRACE_DAYS`] ago.
pub async fn sweep(
    db: &DatabaseConnection,
    settings: &ServerSettings,
    now: DateTime<Utc>,
) -> Result<Swept, DbErr> {
    let idle = Duration::from_std(settings.session_idle_timeout).unwrap_or(Duration::hours(12));
    let sessions = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(now - idle)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let login_steps = login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    // A window is over once its longest possible length has passed.
    let longest = settings.rate_limits.longest_window();
    let longest = Duration::from_std(longest).unwrap_or(Duration::days(1));
    let rate_limits = rate_limit::Entity::delete_many()
        .filter(rate_limit::Column::WindowStart.lte(now - longest))
        .exec(db)
        .await?
        .rows_affected;
    let idempotency_keys = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lte(now - IDEMPOTENCY_KEPT_FOR))
        .exec(db)
        .await?
        .rows_affected;
    let log_cutoff = now - Duration::days(WEBHOOK_LOG_DAYS);
    let webhook_deliveries = webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::State.ne(crate::ssr::webhooks::PENDING))
        .filter(webhook_delivery::Column::CreatedAt.lte(log_cutoff))
        .exec(db)
        .await?
        .rows_affected;
    // Events that no delivery needs any more.
    webhook_event::Entity::delete_many()
        .filter(webhook_event::Column::OccurredAt.lte(log_cutoff))
        .filter(
            webhook_event::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(webhook_delivery::Column::EventId)
                    .from(webhook_delivery::Entity)
                    .to_owned(),
            ),
        )
        .exec(db)
        .await?;
    let mut sign_ups = 0;
    loop {
        let removed = remove_unconfirmed_sign_ups(db, now).await?;
        sign_ups += removed;
        if removed < SIGN_UP_BATCH {
            break;
        }
    }
    Ok(Swept {
        sessions,
        login_steps,
        rate_limits,
        sign_ups,
        idempotency_keys,
        webhook_deliveries,
    })
}

/// A self sign-up never finished (still Pending, or replaced by a later sign-up) whose link
/// expired more than the grace period ago.
fn unconfirmed_sign_up(now: DateTime<Utc>) -> Condition {
    let cutoff = now - Duration::days(UNCONFIRMED_SIGN_UP_GRACE_DAYS);
    Condition::all()
        .add(invitation::Column::Origin.eq(Origin::SelfRegistration.as_str()))
        .add(invitation::Column::AccountId.is_null())
        .add(invitation::Column::Status.is_in([
            StoredStatus::Pending.as_str(),
            StoredStatus::Inactivated.as_str(),
        ]))
        .add(invitation::Column::ValidUntil.lte(cutoff))
}

/// Removes one batch of stale sign-ups with their search-index rows and queued emails, in
/// one transaction; returns how many went.
async fn remove_unconfirmed_sign_ups(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = begin_write(db).await?;
    let stale = invitation::Entity::find()
        .filter(unconfirmed_sign_up(now))
        .limit(SIGN_UP_BATCH)
        .all(&txn)
        .await?;
    let mut removed = 0;
    for row in &stale {
        // Conditional again: a replica sweeping at the same moment, or a confirmation that
        // just came in, wins; then this row is left alone.
        let deleted = invitation::Entity::delete_many()
            .filter(invitation::Column::Id.eq(row.id))
            .filter(unconfirmed_sign_up(now))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 1 {
            search_index::remove(&txn, &search_index::Entry::from(row)).await?;
            outbox::drop_queued_for_invitation(&txn, row.id).await?;
            removed += 1;
        }
    }
    txn.commit().await?;
    Ok(removed)
}

/// Sweeps every `interval` until `stop` turns true; failures are logged and retried at the
/// next turn (housekeeping never stops the server).
pub async fn run(
    db: DatabaseConnection,
    settings: std::sync::Arc<ServerSettings>,
    interval: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match sweep(&db, &settings, Utc::now()).await {
            Ok(swept) if swept != Swept::default() => tracing::info!(
                sessions = swept.sessions,
                login_steps = swept.login_steps,
                rate_limits = swept.rate_limits,
                sign_ups = swept.sign_ups,
                "housekeeping removed stale rows"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!("housekeeping failed, trying again next time: {e}"),
        }
        match search_index::count_grams_if_due(&db, Utc::now()).await {
            Ok(true) => tracing::info!("the search index's common grams were counted again"),
            Ok(false) => {}
            Err(e) => tracing::warn!("counting the search index's grams failed: {e}"),
        }
        let now = Utc::now();
        match super::invitations::reminders::send_due(&db, &settings.public_url, now).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(reminders = sent, "reminders queued"),
            Err(e) => tracing::warn!("sending reminders failed, trying again next time: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
