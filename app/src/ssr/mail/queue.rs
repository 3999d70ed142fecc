//! The worker's side of the outbox table: claiming due rows under a lease, and recording what
//! became of each. Every change after the claim is conditional on the row still being queued,
//! so a row that an admin's action dropped meanwhile is left alone.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, LockBehavior, LockType},
    ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use crate::ssr::{
    entities::outbox,
    services::outbox::{DROPPED, FAILED, QUEUED, SENT},
};

/// Longest `last_error` kept: enough for any SMTP reply, small enough for a tooltip.
const MAX_ERROR_LENGTH: usize = 500;

/// Queued, due, and not leased by a worker (or its lease ran out: that worker died).
fn due(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(outbox::Column::Status.eq(QUEUED))
        .add(outbox::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(outbox::Column::LockedUntil.is_null())
                .add(outbox::Column::LockedUntil.lt(now)),
        )
}

/// Claims up to `limit` due rows for this worker until `lease_until`, oldest first. Another
/// worker (in this process or another replica) never claims the same row while the lease runs.
pub async fn claim_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => claim_one_by_one(db, now, lease_until, limit).await,
        _ => claim_skip_locked(db, now, lease_until, limit).await,
    }
}

/// PostgreSQL and MariaDB/MySQL: rows locked by another worker's claim are skipped, not
/// waited for, and the lease is written before the row locks are released.
async fn claim_skip_locked(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let txn = db.begin().await?;
    let mut rows = outbox::Entity::find()
        .filter(due(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if !rows.is_empty() {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(lease_until))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    for row in &mut rows {
        row.locked_until = Some(lease_until);
    }
    Ok(rows)
}

/// SQLite has no row locks: each candidate is claimed by a conditional UPDATE that succeeds
/// for exactly one worker (the database serializes writers).
async fn claim_one_by_one(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let candidates = outbox::Entity::find()
        .filter(due(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(candidates.len());
    for mut row in candidates {
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(lease_until))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(due(now))
            .exec(db)
            .await?;
        if result.rows_affected == 1 {
            row.locked_until = Some(lease_until);
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// Moves the claim `held` on the rows `ids` that are still queued and still under it to
/// `until`; returns how many it renewed. A row whose claim changed (it ran out and another
/// worker claimed the row) is left to that worker.
pub async fn renew(
    db: &impl ConnectionTrait,
    ids: &[i32],
    held: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if ids.is_empty() {
        return Ok(0);
    }
    let renewed = outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedUntil, Expr::value(until))
        .filter(still_queued(ids))
        .filter(outbox::Column::LockedUntil.eq(held))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected)
}

/// Updates the rows `ids` that are still queued.
fn still_queued(ids: &[i32]) -> Condition {
    Condition::all()
        .add(outbox::Column::Id.is_in(ids.iter().copied()))
        .add(outbox::Column::Status.eq(QUEUED))
}

/// One email's rows are recorded as sent, each with the payload it keeps (without a link's
/// raw token), in one transaction, before the email's last line goes out: `committing` is
/// called once the commit is on its way to the database (not when none was still queued).
/// Answers how many were still queued (none: an admin dropped them or another worker sent
/// them, and the email is not to go out).
pub async fn mark_sent(
    db: &DatabaseConnection,
    rows: &[(&outbox::Model, String)],
    now: DateTime<Utc>,
    committing: impl FnOnce(),
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Nothing waits for the WAL's flush here (see committing below); what this gives up
        // is this update surviving a crash of the database itself within its WAL writer's
        // delay (200 ms by default): then the row is sent again, a duplicate, not a loss.
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF")
            .await?;
    }
    let mut recorded = 0;
    for (row, payload) in rows {
        recorded += outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(SENT))
            .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
            .col_expr(outbox::Column::SentAt, Expr::value(now))
            .col_expr(outbox::Column::Payload, Expr::value(payload.clone()))
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(outbox::Column::LastError, Expr::value(None::<String>))
            .filter(still_queued(&[row.id]))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    if recorded == 0 {
        txn.rollback().await?;
        return Ok(0);
    }
    // The commit's first poll writes it to the database's socket (sqlx sends a statement
    // before it waits for the answer), so the email's last line, written right after, and
    // the commit leave within microseconds of each other: a process killed before both
    // leaves a queued row and an unfinished message (discarded), after both a sent email.
    // Waiting for the commit's answer first made a kill in that round trip (several ms under
    // load) lose the email.
    let mut commit = std::pin::pin!(txn.commit());
    match futures::poll!(commit.as_mut()) {
        std::task::Poll::Ready(done) => {
            done?;
            committing();
        }
        std::task::Poll::Pending => {
            committing();
            commit.await?;
        }
    }
    Ok(recorded)
}

/// The email became pointless before it was sent; it will not be sent.
pub async fn mark_dropped(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    payload: String,
) -> Result<(), DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Status, Expr::value(DROPPED))
        .col_expr(outbox::Column::Payload, Expr::value(payload))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(still_queued(&[row.id]))
        .exec(db)
        .await?;
    Ok(())
}

/// What follows a failed attempt.
pub enum AfterFailure {
    RetryAt(DateTime<Utc>),
    /// Marked failed; the payload, when given, replaces the stored one (without secrets).
    GiveUp(Option<String>),
}

/// Where a failed attempt found its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedFrom {
    /// Still queued (the email never reached its end).
    Queued,
    /// Recorded as sent before the server refused the email at its end: the row is put back
    /// (its stored payload, with a link's token, for a retry) in the same statement.
    RecordedSent,
}

/// Records a failed attempt: the row is tried again at a later time, or marked failed. One
/// conditional statement, so a row is never left half-recorded.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    row: &outbox::Model,
    error: &str,
    next: AfterFailure,
    from: FailedFrom,
) -> Result<(), DbErr> {
    let error: String = error.chars().take(MAX_ERROR_LENGTH).collect();
    let refused_at_end = from == FailedFrom::RecordedSent;
    let mut update = outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(row.attempts + 1))
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        );
    let (status, payload) = match next {
        AfterFailure::RetryAt(at) => {
            update = update.col_expr(outbox::Column::NextAttemptAt, Expr::value(at));
            let payload = refused_at_end.then(|| row.payload.clone());
            (refused_at_end.then_some(QUEUED), payload)
        }
        AfterFailure::GiveUp(payload) => (Some(FAILED), payload),
    };
    if let Some(status) = status {
        update = update.col_expr(outbox::Column::Status, Expr::value(status));
    }
    if let Some(payload) = payload {
        update = update.col_expr(outbox::Column::Payload, Expr::value(payload));
    }
    update = if refused_at_end {
        update
            .col_expr(outbox::Column::SentAt, Expr::value(None::<DateTime<Utc>>))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::Status.eq(SENT))
    } else {
        update.filter(still_queued(&[row.id]))
    };
    update.exec(db).await?;
    Ok(())
}

/// Hands rows back unsent and without counting an attempt, due again at `at`.
pub async fn postpone(
    db: &impl ConnectionTrait,
    ids: &[i32],
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(at))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(None::<DateTime<Utc>>),
        )
        .filter(still_queued(ids))
        .exec(db)
        .await?;
    Ok(())
}

/// When an email of `kind` last went to `recipient`, if ever.
pub async fn last_sent(
    db: &impl ConnectionTrait,
    kind: &str,
    recipient: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .filter(outbox::Column::Recipient.eq(recipient))
        .filter(outbox::Column::Status.eq(SENT))
        .order_by_desc(outbox::Column::SentAt)
        .one(db)
        .await?
        .and_then(|row| row.sent_at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use sea_orm::{ActiveModelTrait, ConnectOptions, Database, Set};
    use sea_orm_migration::MigratorTrait;

    async fn database() -> DatabaseConnection {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.unwrap();
        crate::ssr::migrations::Migrator::up(&db, None)
            .await
            .unwrap();
        db
    }

    async fn queued(db: &DatabaseConnection, now: DateTime<Utc>) -> i32 {
        outbox::ActiveModel {
            kind: Set("invitation".into()),
            recipient: Set("dev@example.com".into()),
            payload: Set("{}".into()),
            status: Set(QUEUED.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap()
        .id
    }

    async fn stored(db: &DatabaseConnection, id: i32) -> outbox::Model {
        outbox::Entity::find_by_id(id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
    }

    async fn locked_until(db: &DatabaseConnection, id: i32) -> Option<DateTime<Utc>> {
        stored(db, id).await.locked_until
    }

    #[tokio::test]
    async fn a_renewed_claim_holds_its_rows_and_a_claim_that_changed_is_left_to_its_new_worker() {
        let db = database().await;
        let now = Utc::now();
        let (kept, sent, taken) = (
            queued(&db, now).await,
            queued(&db, now).await,
            queued(&db, now).await,
        );
        let held = now + Duration::seconds(60);
        assert_eq!(claim_due(&db, now, held, 10).await.unwrap().len(), 3);
        // One was sent meanwhile; another's claim ran out and a second worker claimed it.
        let sent_row = outbox::Entity::find_by_id(sent)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            mark_sent(&db, &[(&sent_row, "{}".into())], now, || {})
                .await
                .unwrap(),
            1
        );
        let theirs = now + Duration::seconds(45);
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(theirs))
            .filter(outbox::Column::Id.eq(taken))
            .exec(&db)
            .await
            .unwrap();

        let renewed_until = now + Duration::seconds(80);
        let renewed = renew(&db, &[kept, sent, taken], held, renewed_until)
            .await
            .unwrap();
        assert_eq!(renewed, 1);
        assert_eq!(locked_until(&db, kept).await, Some(renewed_until));
        assert_eq!(
            locked_until(&db, sent).await,
            None,
            "a sent row is not claimed again"
        );
        assert_eq!(
            locked_until(&db, taken).await,
            Some(theirs),
            "their claim is theirs"
        );
        // Within the renewed claim no other worker takes the kept row; once the second
        // worker's claim runs out, its row is due again.
        let later = now + Duration::seconds(70);
        let again = claim_due(&db, later, later + Duration::seconds(60), 10)
            .await
            .unwrap();
        assert_eq!(again.iter().map(|row| row.id).collect::<Vec<_>>(), [taken]);
    }

    #[tokio::test]
    async fn a_row_recorded_as_sent_whose_email_the_server_refused_is_queued_again_with_its_link() {
        let db = database().await;
        let now = Utc::now();
        let id = queued(&db, now).await;
        let claimed = claim_due(&db, now, now + Duration::seconds(60), 10)
            .await
            .unwrap()
            .remove(0);
        let kept = r#"{"kept":true}"#.to_owned();
        assert_eq!(
            mark_sent(&db, &[(&claimed, kept.clone())], now, || {})
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            mark_sent(&db, &[(&claimed, kept)], now, || {})
                .await
                .unwrap(),
            0,
            "a row recorded once is not recorded again (its email is not sent twice)"
        );

        let retry_at = now + Duration::seconds(30);
        let refused = AfterFailure::RetryAt(retry_at);
        record_failure(
            &db,
            &claimed,
            "452 mailbox full",
            refused,
            FailedFrom::RecordedSent,
        )
        .await
        .unwrap();
        let row = stored(&db, id).await;
        assert_eq!(
            (row.status.as_str(), row.attempts, row.sent_at),
            (QUEUED, 1, None)
        );
        assert_eq!(
            row.payload, claimed.payload,
            "the payload with its link is back"
        );
        assert_eq!((row.locked_until, row.next_attempt_at), (None, retry_at));
        assert_eq!(row.last_error.as_deref(), Some("452 mailbox full"));
        // Not applied twice, nor to a row that is queued.
        let again = AfterFailure::RetryAt(retry_at);
        record_failure(&db, &claimed, "again", again, FailedFrom::RecordedSent)
            .await
            .unwrap();
        let row = stored(&db, id).await;
        assert_eq!(row.last_error.as_deref(), Some("452 mailbox full"));
    }
}
