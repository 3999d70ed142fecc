//! A status with an expiry (Pending is the stored `pending` not yet expired, Expired the rest)
//! read along another order's index, on SQLite.
//!
//! SQLite has an index for the status with the expiry and one for the status with each order.
//! Given `status = 'pending' AND valid_until > now ORDER BY invited_at DESC LIMIT 21`, it takes
//! the expiry's: every unexpired Pending row, then sorted. At 1,000,000 generated invitations
//! those are 5,000 rows, 18-32 ms, when the order's index finds the page among the first rows
//! it reads (an invitation's expiry follows its date, so the unexpired are the newest): under
//! 1 ms. By email, 13-14 ms against 2 ms: the order's index read until a page is unexpired.
//! SQLite's planner has no figures that tell the two apart (it knows no value's frequency), so
//! the list tells it: the count, read first, says how many rows the status has. Up to the
//! count's limit, the expiry's index reads no more than the count did, and sorting them costs
//! little; beyond it, the comparison is written `+valid_until`, which SQLite documents as the
//! way to keep a term from choosing an index ("Disqualifying WHERE clause terms using
//! unary-+"), and the order's index is read. PostgreSQL keeps value statistics and chooses on
//! its own; MariaDB is left to its planner.

use chrono::{DateTime, Utc};
use sea_orm::{sea_query::Expr, Condition, ConnectionTrait, DbBackend};

use crate::{
    domain::{
        invitation::{ExpiryCondition, StoredCondition},
        InvitationStatus,
    },
    model::invitation::SortKey,
    ssr::services::invitations::condition_filter_on,
};

/// Whether a page of `status` in `sort` order, of a list counted past the limit, is read along
/// that order's index with [`unindexed`]: on SQLite, for a status with an expiry, in an order
/// other than the expiry's own.
pub(super) fn read_along_order(
    db: &impl ConnectionTrait,
    status: InvitationStatus,
    sort: SortKey,
) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
        && sort != SortKey::ValidUntil
        && status.stored_condition().expiry != ExpiryCondition::Either
}

/// The rows of `condition` at `now`, its expiry compared as `+valid_until` (SQLite's unary
/// plus, which leaves the value as it is): the same rows, found through another index.
pub(super) fn unindexed(condition: StoredCondition, now: DateTime<Utc>) -> Condition {
    condition_filter_on(
        condition,
        now,
        Expr::cust("+\"invitations\".\"valid_until\""),
    )
}
