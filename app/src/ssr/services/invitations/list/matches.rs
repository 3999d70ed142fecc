//! Which invitations match a term: the walk of a gram's index rows with its checks, the
//! candidates of a short term's range of grams, and a count bounded by [`COUNT_LIMIT`].

use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, Order, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait, Select,
};

use super::{
    plan::{self, count_at, count_of, GramFilter, Walk},
    COUNT_LIMIT,
};
use crate::ssr::{
    entities::{invitation, invitation_gram},
    services::invitations::InvitationError,
};

/// The invitations of one gram's index rows (walked in date order) that also have the walk's
/// other grams, are in `status` (by the index rows) and pass `filter`.
pub(super) fn posting(
    walk: &Walk,
    status: Option<&Condition>,
    filter: Condition,
) -> Select<invitation::Entity> {
    let mut select = invitation::Entity::find()
        .join_rev(
            JoinType::InnerJoin,
            invitation_gram::Relation::Invitation.def(),
        )
        .filter(invitation_gram::Column::Gram.eq(walk.gram))
        .filter(walk_checks(walk, status));
    if let Some(status) = status {
        select = select.filter(status.clone());
    }
    select.filter(filter)
}

/// The ids of the invitations matching a walked term, newest first, no more than one past
/// [`COUNT_LIMIT`]. Only the index rows are read when the grams prove the match; otherwise
/// each candidate's address is checked.
pub(super) async fn matching_ids(
    db: &impl ConnectionTrait,
    walk: &Walk,
    status: Option<&Condition>,
    address: Option<Condition>,
) -> Result<Vec<i32>, InvitationError> {
    use invitation_gram::{Column as G, Entity as Grams};
    let mut select = Grams::find()
        .select_only()
        .column(G::InvitationId)
        .filter(G::Gram.eq(walk.gram))
        .filter(walk_checks(walk, status));
    if let Some(status) = status {
        select = select.filter(status.clone());
    }
    if let Some(address) = address {
        // Each walked row's invitation, looked up by id (a subquery rather than a join, for
        // the reason `fenced` gives).
        let mut lookup = Query::select();
        lookup
            .expr(Expr::val(1))
            .from(invitation::Entity)
            .and_where(
                Expr::col((invitation::Entity, invitation::Column::Id))
                    .equals((Grams, G::InvitationId)),
            )
            .cond_where(address);
        select = select.filter(Expr::exists(fenced(lookup)));
    }
    let ids = select
        .order_by(G::InvitedAt, Order::Desc)
        .order_by(G::InvitationId, Order::Desc)
        .limit(COUNT_LIMIT + 1)
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids)
}

/// The walked index row's invitation also has the walk's other grams: its signature has their
/// bits, it is in the set of the `within` gram's invitations (in `status`), read once, and each
/// `also` gram is an `EXISTS` lookup by primary key in the index.
fn walk_checks(walk: &Walk, status: Option<&Condition>) -> Condition {
    use invitation_gram::{Column as G, Entity as Grams};
    let mut condition = Condition::all();
    if let Some(mask) = walk.mask {
        // First, from the walked index row alone: its address has a bit of every gram.
        let bits = Expr::col((Grams, G::Signature)).bit_and(mask);
        condition = condition.add(bits.eq(mask));
    }
    if let Some(gram) = walk.within {
        // Unaliased, so the status condition (on `invitation_grams`) is the set's own.
        let mut set = Query::select();
        set.column(G::InvitationId)
            .from(Grams)
            .and_where(Expr::col((Grams, G::Gram)).eq(gram));
        if let Some(status) = status {
            set.cond_where(status.clone());
        }
        // Inside COALESCE, not alone in the WHERE: PostgreSQL then keeps it a set built once
        // and probed per row (a "hashed SubPlan") instead of planning a join it could walk the
        // wrong way; SQLite builds the set once either way.
        let member = Expr::col((Grams, G::InvitationId)).in_subquery(set);
        condition = condition.add(Expr::expr(Func::coalesce([member, Expr::val(false)])));
    }
    for (n, gram) in walk.also.iter().enumerate() {
        let other = Alias::new(format!("also{n}"));
        let mut lookup = Query::select();
        lookup
            .expr(Expr::val(1))
            .from_as(Grams, other.clone())
            .and_where(Expr::col((other.clone(), G::Gram)).eq(*gram))
            .and_where(Expr::col((other.clone(), G::InvitedAt)).equals((Grams, G::InvitedAt)))
            .and_where(Expr::col((other, G::InvitationId)).equals((Grams, G::InvitationId)));
        condition = condition.add(Expr::exists(fenced(lookup)));
    }
    condition
}

/// A per-row check that the database must run for each walked row, in the walk's order.
/// PostgreSQL turns a plain `EXISTS` into a join, and as it takes the grams of one address for
/// independent it expects a handful of rows and chose to hash-join whole grams (100,000 rows of
/// `ies` and `s.c` for `ries.co`: 0.8 s) instead of walking the first 1,001 in date order
/// (a few milliseconds). `OFFSET 0` keeps the subquery a subquery on every backend.
fn fenced(mut lookup: SelectStatement) -> SelectStatement {
    lookup.limit(1).offset(0);
    lookup
}

/// The invitations a short term's range of grams points at: fewer than the limit. Every
/// status's, as walking a range for one status could read every row of the range; the page's
/// own filter keeps the status.
pub(super) async fn candidate_ids(
    db: &impl ConnectionTrait,
    low: i64,
    high: i64,
) -> Result<Vec<i32>, InvitationError> {
    let mut select = invitation_gram::Entity::find()
        .select_only()
        .column(invitation_gram::Column::InvitationId);
    QueryTrait::query(&mut select).limit(plan::CANDIDATE_LIMIT);
    GramFilter::Between(low, high).apply(QueryTrait::query(&mut select), None);
    let mut ids: Vec<i32> = select.into_tuple().all(db).await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// How many invitations a short term's range of grams points at (its rows prove the match),
/// no further than one past [`COUNT_LIMIT`], from at most [`RANGE_ROWS`] of its rows; `None`
/// when those rows are too few invitations to tell (an address with the term many times has
/// as many rows in the range: `ab` in `abab@x.io`). Not for one status: a range holds every
/// status's rows, and those of a rare one may be far apart in it (Rejected `.c`: 29 ms).
///
/// Counting in the table instead reads it until one past the limit match, which is soon for
/// most short terms, and most of the table when their matches come late in it: of the 34,726
/// addresses with `n8` at 1,000,000 generated invitations, most are ids 800,000 to 899,999 (a
/// name ending in n, then a number from 8), so that count read 682,316 rows (54-197 ms) where
/// this one reads 2,002 index rows.
pub(super) async fn range_total(
    db: &impl ConnectionTrait,
    low: i64,
    high: i64,
) -> Result<Option<(u64, bool)>, InvitationError> {
    use invitation_gram::{Column as G, Entity as Grams};
    let mut rows = Query::select();
    rows.column(G::InvitationId).from(Grams).limit(RANGE_ROWS);
    GramFilter::Between(low, high).apply(&mut rows, None);
    let counted = Query::select()
        .expr(Func::count(Expr::col(Asterisk)))
        .expr(Func::count_distinct(Expr::col(G::InvitationId)))
        .from_subquery(rows, Alias::new("range_rows"))
        .to_owned();
    let row = db
        .query_one(&counted)
        .await?
        .ok_or_else(|| InvitationError::Internal("the range count returned no row".into()))?;
    let (read, invitations) = (count_at(&row, 0)?, count_at(&row, 1)?);
    Ok(if invitations > COUNT_LIMIT {
        Some((COUNT_LIMIT, true))
    } else if read < RANGE_ROWS {
        Some((invitations, false))
    } else {
        None
    })
}

/// The rows of a short term's range [`range_total`] reads at most: twice one past the count's
/// limit, so that unless most addresses have the term twice, more than the limit are found.
const RANGE_ROWS: u64 = 2 * (COUNT_LIMIT + 1);

/// Counts the rows of `select`, no further than one past [`COUNT_LIMIT`].
pub(super) async fn count_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> Result<(u64, bool), InvitationError> {
    let mut rows = select.select_only().expr(Expr::val(1));
    QueryTrait::query(&mut rows).limit(COUNT_LIMIT + 1);
    let statement = count_of(QueryTrait::into_query(rows));
    let row = db
        .query_one(&statement)
        .await?
        .ok_or_else(|| InvitationError::Internal("the count returned no row".into()))?;
    let total = count_at(&row, 0)?;
    Ok(if total > COUNT_LIMIT {
        (COUNT_LIMIT, true)
    } else {
        (total, false)
    })
}
