//! Which invitations match a term: the walk of a gram's index rows with its checks, the
//! candidates of a short term's range of grams, and a count bounded by [`COUNT_LIMIT`].

use sea_orm::{
    sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Query, SelectStatement},
    Condition, ConnectionTrait, EntityTrait, JoinType, Order, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, RelationTrait, Select,
};

use super::{
    page::{past_cursor, sort_columns, traversal},
    plan::{self, count_at, count_of, GramFilter, Walk},
    ListQuery, COUNT_LIMIT,
};
use crate::{
    model::invitation::SortKey,
    ssr::{
        entities::{invitation, invitation_gram},
        services::invitations::InvitationError,
    },
};

/// The rows of a walk: the walked gram's index rows whose signature has the walk's bits, in
/// `status` (by the index rows), whose address (each row holds it) passes `address`, a
/// condition on `invitation_grams.email_normalized` (none when the grams prove the match).
fn walked_rows(walk: &Walk, status: Option<&Condition>, address: Option<Condition>) -> Condition {
    use invitation_gram::{Column as G, Entity as Grams};
    let mut rows = Condition::all().add(Expr::col((Grams, G::Gram)).eq(walk.gram));
    // A bit test on the row before its address is compared.
    if let Some(mask) = walk.mask {
        let bits = Expr::col((Grams, G::Signature)).bit_and(mask);
        rows = rows.add(bits.eq(mask));
    }
    if let Some(status) = status {
        rows = rows.add(status.clone());
    }
    if let Some(address) = address {
        rows = rows.add(address);
    }
    rows
}

/// The invitations of a walk's rows (in date order, [`walked_rows`]) that pass `filter`.
pub(super) fn posting(
    walk: &Walk,
    status: Option<&Condition>,
    filter: Condition,
) -> Select<invitation::Entity> {
    invitation::Entity::find()
        .join_rev(
            JoinType::InnerJoin,
            invitation_gram::Relation::Invitation.def(),
        )
        .filter(walked_rows(walk, status, None))
        .filter(filter)
}

/// A walk's rows ([`walked_rows`]) by address (descending or not), read from the index rows
/// alone in the order of `idx_invitation_grams_email` (m0035): a query reading them stops at
/// its limit. Selects the invitation's id (the column its callers read), then its address.
///
/// `fenced` (PostgreSQL, no status or one without an expiry): the gram's rows are read in that order
/// in a derived table with `OFFSET 0`, which PostgreSQL neither merges into the query nor
/// pushes the walk's checks into. Its planner estimates the signature's bit test and the
/// address's LIKE at a few rows together, and then prefers reading the gram's rows in date
/// order and sorting "them": 100,174 rows for `ell.`, 95-112 ms, against under a millisecond
/// in address order. Fenced, the derived table is the gram's rows in address order, which only
/// the index gives without a sort. (With an expiry, the columns it compares are not in that
/// index: the query is left to the planner.)
fn by_address(
    walk: &Walk,
    status: Option<&Condition>,
    address: Option<Condition>,
    descending: bool,
    fenced: bool,
) -> SelectStatement {
    use invitation_gram::{Column as G, Entity as Grams};
    let order = if descending { Order::Desc } else { Order::Asc };
    let (key, id) = sort_columns(true, SortKey::Email);
    let mut ids = Query::select();
    ids.expr(id.clone()).expr(key.clone());
    if fenced {
        let mut in_order = Query::select();
        in_order
            .columns([
                G::Gram,
                G::InvitationId,
                G::EmailNormalized,
                G::Signature,
                G::Status,
            ])
            .from(Grams)
            .and_where(Expr::col((Grams, G::Gram)).eq(walk.gram))
            .order_by_expr(key.clone(), order.clone())
            .order_by_expr(id.clone(), order.clone())
            .offset(0);
        // Named as the table, so that the walk's checks read its columns as they are written.
        ids.from_subquery(in_order, Grams);
    } else {
        ids.from(Grams);
    }
    ids.cond_where(walked_rows(walk, status, address))
        .order_by_expr(key, order.clone())
        .order_by_expr(id, order);
    ids
}

/// The ids of one page among a walk's rows by address ([`by_address`]), stopping at the
/// page's last match: only the page's own invitations are read after. A derived table, for
/// `id IN (...)` (MariaDB takes no LIMIT in an `IN` subquery itself). The page is the rows
/// after the query's cursor, or after `skip` others, in the order read ([`traversal`]); the
/// caller orders the page's rows the same way.
pub(super) fn page_among(
    walk: &Walk,
    status: Option<&Condition>,
    address: Option<Condition>,
    query: &ListQuery,
    skip: u64,
    fenced: bool,
) -> SelectStatement {
    let (_, descending) = traversal(query);
    let mut ids = by_address(walk, status, address, descending, fenced);
    match past_cursor(query, true) {
        Some(past) => {
            ids.and_where(past);
        }
        None => {
            ids.offset(skip);
        }
    }
    ids.limit(query.page_size + 1);
    Query::select()
        .column(invitation_gram::Column::InvitationId)
        .from_subquery(ids, Alias::new("page_ids"))
        .to_owned()
}

/// In which order [`matching_ids`] walks, and so which matches it finds when there are more
/// than [`COUNT_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WalkOrder {
    /// The newest matches, newest first.
    Newest,
    /// The newest matches, sorted by address (ascending) by the database.
    NewestByAddress,
    /// The first matches by address (ascending), read in that order ([`by_address`], `fenced`
    /// as there): with more than the limit, the first pages by email are among them.
    ByAddress { fenced: bool },
}

/// The ids of the invitations matching a walked term ([`walked_rows`]), no more than one past
/// [`COUNT_LIMIT`], from the index rows alone, in `order`. Sorted by address, the order is the
/// database's collation, as the list's email order is.
pub(super) async fn matching_ids(
    db: &impl ConnectionTrait,
    walk: &Walk,
    status: Option<&Condition>,
    address: Option<Condition>,
    order: WalkOrder,
) -> Result<Vec<i32>, InvitationError> {
    use invitation_gram::{Column as G, Entity as Grams};
    let ids = if let WalkOrder::ByAddress { fenced } = order {
        let mut first = by_address(walk, status, address, false, fenced);
        first.limit(COUNT_LIMIT + 1);
        first
    } else {
        let mut select = Grams::find()
            .select_only()
            .column(G::InvitationId)
            .filter(walked_rows(walk, status, address));
        if order == WalkOrder::NewestByAddress {
            select = select.column(G::EmailNormalized);
        }
        let newest = select
            .order_by(G::InvitedAt, Order::Desc)
            .order_by(G::InvitationId, Order::Desc)
            .limit(COUNT_LIMIT + 1)
            .into_query();
        if order == WalkOrder::NewestByAddress {
            let matches = Alias::new("matches");
            Query::select()
                .column((matches.clone(), G::InvitationId))
                .from_subquery(newest, matches.clone())
                .order_by((matches.clone(), G::EmailNormalized), Order::Asc)
                .order_by((matches, G::InvitationId), Order::Asc)
                .to_owned()
        } else {
            newest
        }
    };
    let rows = db.query_all(&ids).await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect::<Result<_, _>>()?)
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
