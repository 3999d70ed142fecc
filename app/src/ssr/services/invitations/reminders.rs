//! Reminders: a Pending invitation whose reminder is due is emailed once more, with a link of
//! its own (the first email's link keeps working; either uses the invitation up). When a
//! reminder is due was fixed when the invitation was made (`domain::invitation::reminder`).
//!
//! Any number of replicas may run this at once: each reminder is claimed by a conditional
//! update (`WHERE reminded_at IS NULL AND status = 'pending' ...`) in the transaction that
//! queues its email, so exactly one replica sends it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    prelude::Expr, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{
    domain::{Role, StoredStatus},
    model::audit::AuditAction,
    ssr::{
        db::begin_write,
        entities::invitation,
        random::{secret_token, token_hash},
        services::{audit, outbox, settings},
    },
};

/// Reminders queued per transaction.
const BATCH: u64 = 200;

/// No reminder goes in an invitation's last hour: one that came due while reminders were off
/// or the servers were down would arrive too late to help.
const LAST_USEFUL: Duration = Duration::hours(1);

/// Due and not yet sent: still Pending, more than an hour from expiry, never reminded.
fn due(now: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(invitation::Column::RemindAt.lte(now))
        .add(invitation::Column::RemindedAt.is_null())
        .add(invitation::Column::Status.eq(StoredStatus::Pending.as_str()))
        .add(invitation::Column::ValidUntil.gt(now + LAST_USEFUL))
}

/// Queues every reminder due at `now`; returns how many. Nothing is sent while reminders are
/// turned off in the settings.
pub async fn send_due(
    db: &DatabaseConnection,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    if settings::load(db).await?.reminder.is_off() {
        return Ok(0);
    }
    let mut sent = 0;
    loop {
        let (queued, seen) = send_batch(db, public_url, now).await?;
        sent += queued;
        if seen < BATCH {
            return Ok(sent);
        }
    }
}

/// One batch in one transaction: (reminders queued, rows looked at).
async fn send_batch(
    db: &DatabaseConnection,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<(u64, u64), DbErr> {
    let txn = begin_write(db).await?;
    let rows = invitation::Entity::find()
        .filter(due(now))
        .order_by_asc(invitation::Column::RemindAt)
        // Every replica locks a batch's rows in the same order.
        .order_by_asc(invitation::Column::Id)
        .limit(BATCH)
        .all(&txn)
        .await?;
    let inviters = super::account_names(&txn, rows.iter().filter_map(|r| r.invited_by)).await?;
    let mut queued = 0;
    for row in &rows {
        let token = secret_token();
        let claimed = invitation::Entity::update_many()
            .col_expr(invitation::Column::RemindedAt, Expr::value(now))
            .col_expr(
                invitation::Column::ReminderTokenHash,
                Expr::value(token_hash(&token)),
            )
            .filter(invitation::Column::Id.eq(row.id))
            .filter(due(now))
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 0 {
            continue; // Another replica reminded it, or it changed meanwhile.
        }
        let message = outbox::Message::Invitation {
            link: format!(
                "{public_url}{}",
                crate::domain::invitation::link_path(&token)
            ),
            valid_until: row.valid_until,
            invited_by: row.invited_by.and_then(|id| inviters.get(&id).cloned()),
            self_sign_up: super::registration::is_sign_up(row),
            as_admin: row.role == Role::Admin.as_str(),
            reminder: true,
        };
        outbox::enqueue(&txn, &row.email, Some(row.id), &message, now).await?;
        audit::record(
            &txn,
            audit::Actor::PORTAL,
            AuditAction::Reminded,
            Some(&row.email),
            true,
            Some(&format!(
                "the invitation expires {}",
                crate::ssr::mail::templates::utc_words(row.valid_until)
            )),
            now,
        )
        .await?;
        queued += 1;
    }
    txn.commit().await?;
    Ok((queued, rows.len() as u64))
}
