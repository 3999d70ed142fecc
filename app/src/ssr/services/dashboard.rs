//! The onboarding dashboard: a funnel per week over the last twelve weeks, the median time to
//! an account, delivery failures, and what waits for the admins. Every figure is a count over
//! an indexed range of `invited_at` (one query per week), so the page costs the same however
//! many invitations are older.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{
    domain::{
        dashboard::{last_weeks, median_seconds, DASHBOARD_WEEKS},
        StoredStatus,
    },
    model::dashboard::{Dashboard, FunnelWeek},
    ssr::{
        entities::{invitation, outbox as outbox_row},
        services::outbox,
    },
};

/// Completed registrations read for the median, newest invitations first.
const MEDIAN_SAMPLE: u64 = 20_000;

/// Invitations in the funnel: every one but those a resend replaced (each address counts
/// once, with its newest invitation).
fn counted() -> sea_orm::Condition {
    sea_orm::Condition::all().add(invitation::Column::Status.ne(StoredStatus::Inactivated.as_str()))
}

pub async fn load(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Dashboard, DbErr> {
    let starts = last_weeks(now, DASHBOARD_WEEKS);
    let first = starts[0];
    let mut weeks = Vec::with_capacity(starts.len());
    for (i, start) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .copied()
            .unwrap_or(*start + Duration::weeks(1));
        let (invited, opened, created, approved): (i64, i64, i64, i64) = invitation::Entity::find()
            .select_only()
            .column_as(Expr::col(invitation::Column::Id).count(), "invited")
            // An account made without its page's opening noted (opened before the tracking
            // existed) still counts as opened: nobody registers without opening the link.
            .column_as(
                Expr::case(
                    sea_orm::Condition::any()
                        .add(invitation::Column::FirstOpenedAt.is_not_null())
                        .add(invitation::Column::CompletedAt.is_not_null()),
                    Expr::val(1),
                )
                .count(),
                "opened",
            )
            .column_as(
                Expr::col(invitation::Column::CompletedAt).count(),
                "created",
            )
            .column_as(
                Expr::case(
                    invitation::Column::Status.eq(StoredStatus::Approved.as_str()),
                    Expr::val(1),
                )
                .count(),
                "approved",
            )
            .filter(counted())
            .filter(invitation::Column::InvitedAt.gte(*start))
            .filter(invitation::Column::InvitedAt.lt(end))
            .into_tuple()
            .one(db)
            .await?
            .unwrap_or_default();
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        weeks.push(FunnelWeek {
            start: *start,
            invited: count(invited),
            opened: count(opened),
            created: count(created),
            approved: count(approved),
        });
    }
    let completions: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::InvitedAt)
        .column(invitation::Column::CompletedAt)
        .filter(counted())
        .filter(invitation::Column::InvitedAt.gte(first))
        .filter(invitation::Column::CompletedAt.is_not_null())
        .order_by_desc(invitation::Column::InvitedAt)
        .limit(MEDIAN_SAMPLE)
        .into_tuple()
        .all(db)
        .await?;
    let durations: Vec<i64> = completions
        .iter()
        .filter_map(|(invited, completed)| completed.map(|c| (c - *invited).num_seconds()))
        .collect();
    let accounts_measured = durations.len() as u64;
    let delivery_failures = outbox_row::Entity::find()
        .filter(outbox_row::Column::Kind.eq(outbox::INVITATION_KIND))
        .filter(outbox_row::Column::Status.eq(outbox::FAILED))
        .filter(outbox_row::Column::CreatedAt.gte(first))
        .count(db)
        .await?;
    let reviews_waiting = invitation::Entity::find()
        .filter(invitation::Column::Status.eq(StoredStatus::Waiting.as_str()))
        .count(db)
        .await?;
    let requests_waiting = super::invitations::requests::waiting_count(db).await?;
    Ok(Dashboard {
        weeks,
        median_to_account_seconds: median_seconds(durations),
        accounts_measured,
        delivery_failures,
        reviews_waiting,
        requests_waiting,
    })
}
