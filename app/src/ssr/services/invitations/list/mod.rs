//! The invitations list: search by part of the email, filter by (effective) status, sort, page.
//! Built to stay fast over millions of rows: `plan` picks how to use the search index,
//! `cursor` pages by key, and the total is exact only up to [`COUNT_LIMIT`].

mod cursor;
mod plan;
mod prefix;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    sea_query::{Alias, Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement},
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, Order,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait, Select,
};

use super::{condition_filter, rows_for, InvitationError};
use crate::{
    domain::{invitation::paging, search::TermGrams, InvitationStatus},
    model::invitation::{InvitationList, SortKey, PAGE_SIZES},
    ssr::{
        db::like_pattern,
        entities::{invitation, invitation_gram},
    },
};
pub use cursor::{Cursor, CursorKey, Direction};
use plan::{count_at, count_of, GramFilter, Plan, Walk};

pub use crate::domain::invitation::paging::COUNT_LIMIT;

/// A term with more matches than [`COUNT_LIMIT`], in an order other than by date, is paged
/// from its walked gram's matches, sorted by the database, when that gram has at most this
/// many rows (a sort of a few thousand matches at most; each row walked costs a fraction of a
/// microsecond, each address checked 5-8 on PostgreSQL); beyond, from the sort column's index.
const SORTED_AMONG_ROWS: u64 = 10 * COUNT_LIMIT;

/// Timestamps are kept to the microsecond (every backend's precision), so a page link's key
/// compares equal to the row it was made from.
pub fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// A checked list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Lower-cased part of an email, or none.
    pub search: Option<String>,
    pub status: Option<InvitationStatus>,
    /// 1-based.
    pub page: u64,
    pub page_size: u64,
    pub sort: SortKey,
    pub descending: bool,
    /// Where a Previous/Next link continues from (then `page` is only shown, not skipped to).
    pub cursor: Option<Cursor>,
}

impl ListQuery {
    pub fn parse(
        search: Option<String>,
        status: Option<String>,
        page: Option<u64>,
        page_size: Option<u64>,
        sort: Option<String>,
        descending: Option<bool>,
        cursor: Option<String>,
    ) -> Result<Self, InvitationError> {
        let invalid = |m: String| InvitationError::InvalidInput(m);
        let search = search
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty());
        if search.as_ref().is_some_and(|s| s.chars().count() > 254) {
            return Err(invalid(
                "Search for at most 254 characters of an email address.".into(),
            ));
        }
        let status = match status.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(name) => Some(InvitationStatus::parse(name).ok_or_else(|| {
                invalid(format!(
                    "Unknown status {name:?}: choose all, pending, expired, waiting, approved, rejected or inactivated."
                ))
            })?),
        };
        let page = page.unwrap_or(1);
        if page == 0 || page > 1_000_000 {
            return Err(invalid("Pages are numbered from 1.".into()));
        }
        let page_size = page_size.unwrap_or(PAGE_SIZES[0]);
        // The page offers 20, 50 or 100; the REST API any size up to the largest.
        if !(1..=PAGE_SIZES[PAGE_SIZES.len() - 1]).contains(&page_size) {
            return Err(invalid("Show 1 to 100 invitations per page.".into()));
        }
        let sort = match sort.as_deref() {
            None | Some("") => SortKey::InvitedAt,
            Some(key) => SortKey::parse(key).ok_or_else(|| {
                invalid(format!(
                    "Unknown sort {key:?}: sort by invited_at, valid_until or email."
                ))
            })?,
        };
        let cursor = match cursor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(Cursor::parse(text, sort).ok_or_else(|| {
                invalid(
                    "This page link does not fit the list any more: go back to the first page."
                        .into(),
                )
            })?),
        };
        // Page numbers reach the rows the total counts (`domain::invitation::paging`).
        if cursor.is_none() && paging::beyond_numbered_pages(page, page_size) {
            let last_numbered = paging::last_numbered_page(page_size);
            return Err(invalid(format!(
                "Page numbers reach the first {COUNT_LIMIT} invitations (page {last_numbered} at \
                 {page_size} per page): follow Next from there to go further, or narrow the \
                 list with a search or a status."
            )));
        }
        Ok(Self {
            search,
            status,
            page,
            page_size,
            sort,
            descending: descending.unwrap_or(true),
            cursor,
        })
    }
}

pub async fn list(
    db: &DatabaseConnection,
    query: &ListQuery,
    now: DateTime<Utc>,
) -> Result<InvitationList, InvitationError> {
    let term = query.search.as_deref();
    let grams = term.and_then(TermGrams::of);
    // The index rows carry each invitation's status, so a whole gram's rows of one status are
    // one key range (a rare status no longer means reading many invitations per match).
    let status_rows = query.status.map(|status| plan::status_rows(status, now));
    let plan = plan::choose(db, grams.as_ref(), query.sort, status_rows.as_ref()).await?;
    // A three-character term is its own gram, and a short term's range holds only grams
    // starting with it: then the index rows prove the match and no address is checked.
    let proven = grams.as_ref().zip(term).is_some_and(|(g, t)| g.is_exact(t));
    let from_index = matches!(plan, Plan::Candidates { .. } | Plan::Posting(_));
    let like = term.map(|term| {
        Condition::all().add(
            invitation::Column::EmailNormalized
                .like(LikeExpr::new(like_pattern(term)).escape('\\')),
        )
    });
    // What a walk of the gram's rows checks on each invitation, and what a page checks.
    let address = like.clone().filter(|_| !proven);
    let mut filter = Condition::all();
    if let Some(like) = like.filter(|_| !(proven && from_index)) {
        filter = filter.add(like);
    }
    if let Some(status) = query.status {
        filter = filter.add(condition_filter(status.stored_condition(), now));
    }
    let skip = (query.page - 1) * query.page_size;
    let (select, from, skip, (total, total_is_lower_bound)) = match plan {
        Plan::Nothing => return Ok(empty_page(query)),
        Plan::Scan | Plan::ScanWithTerm(None) => {
            let select = invitation::Entity::find().filter(filter);
            let total = count_rows(db, select.clone()).await?;
            // With a term, each row's address is checked in the sort column's index first.
            let from = if term.is_some() {
                PageFrom::Index
            } else {
                PageFrom::Rows
            };
            (select, from, skip, total)
        }
        Plan::Candidates { low, high } => {
            let ids = candidate_ids(db, low, high).await?;
            let select = invitation::Entity::find()
                .filter(invitation::Column::Id.is_in(ids))
                .filter(filter);
            let total = count_rows(db, select.clone()).await?;
            (select, PageFrom::Rows, skip, total)
        }
        Plan::Posting(ref walk) | Plan::ScanWithTerm(Some(ref walk)) => {
            // One walk of the gram's rows finds the matches, newest first, up to one past the
            // count's limit: that is the total, and often the page too.
            let ids = matching_ids(db, walk, status_rows.as_ref(), address).await?;
            let found = ids.len() as u64;
            // The walk's order is the page's only when the list is by date, newest first.
            let newest_first =
                matches!(plan, Plan::Posting(_)) && query.descending && query.cursor.is_none();
            let total = if found <= COUNT_LIMIT {
                (found, false)
            } else {
                (COUNT_LIMIT, true)
            };
            if newest_first && (found <= COUNT_LIMIT || skip + query.page_size < found) {
                // The page is among the matches found, in their order: only its rows (and the
                // one after, which says whether there is a next page) are read.
                let from = (skip as usize).min(ids.len());
                let to = ((skip + query.page_size + 1) as usize).min(ids.len());
                let page = ids[from..to].to_vec();
                let select = invitation::Entity::find().filter(invitation::Column::Id.is_in(page));
                (select, PageFrom::Rows, 0, total)
            } else if found <= COUNT_LIMIT {
                // Every match is known: the page is theirs in any order, at any depth.
                let select = invitation::Entity::find().filter(invitation::Column::Id.is_in(ids));
                (select, PageFrom::Rows, skip, total)
            } else if let Plan::Posting(walk) = &plan {
                // Deeper, or the other way round: the gram's rows walked in that order.
                (
                    posting(walk, status_rows.as_ref(), filter),
                    PageFrom::Grams,
                    skip,
                    total,
                )
            } else if walk.rows <= SORTED_AMONG_ROWS {
                // A common term whose walked gram has few rows, in another order: first the sort
                // column's index, but only over as many rows as that gram has, which is enough
                // where the term is dense (one address in ten has `cyberdyne.ai`);
                // then that gram's matches, which the database sorts (a bounded sort), rather
                // than the index read on however far its matches are (190 ms for
                // `aret.rossu`, whose matches all start with an `m`).
                let along_index = invitation::Entity::find().filter(filter.clone());
                let rows = walk.rows * prefix::INDEX_ROWS_PER_GRAM_ROW;
                if let Some(parts) = prefix::page(db, along_index, rows, skip, query).await? {
                    return finish(db, parts, total, query, now).await;
                }
                (
                    posting(walk, status_rows.as_ref(), filter),
                    PageFrom::Rows,
                    skip,
                    total,
                )
            } else {
                // A common term in another order: the sort column's index, checked row by row.
                let select = invitation::Entity::find().filter(filter);
                (select, PageFrom::Index, skip, total)
            }
        }
    };
    let parts = fetch_page(db, select, from, skip, query).await?;
    finish(db, parts, (total, total_is_lower_bound), query, now).await
}

/// The list of a page's rows and links, with the total.
async fn finish(
    db: &impl ConnectionTrait,
    (rows, previous, next, page): PageParts,
    (total, total_is_lower_bound): (u64, bool),
    query: &ListQuery,
    now: DateTime<Utc>,
) -> Result<InvitationList, InvitationError> {
    Ok(InvitationList {
        rows: rows_for(db, &rows, now).await?,
        total,
        total_is_lower_bound,
        page,
        page_size: query.page_size,
        previous,
        next,
    })
}

/// The invitations of one gram's index rows (walked in date order) that also have the walk's
/// other grams, are in `status` (by the index rows) and pass `filter`.
fn posting(
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
async fn matching_ids(
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

fn empty_page(query: &ListQuery) -> InvitationList {
    InvitationList {
        rows: Vec::new(),
        total: 0,
        total_is_lower_bound: false,
        page: 1,
        page_size: query.page_size,
        previous: None,
        next: None,
    }
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
async fn candidate_ids(
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

/// Counts the rows of `select`, no further than one past [`COUNT_LIMIT`].
async fn count_rows<E: EntityTrait>(
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

type PageParts = (Vec<invitation::Model>, Option<String>, Option<String>, u64);

/// How a page's rows are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageFrom {
    /// Read in the sort column's order, whole.
    Rows,
    /// Walking a gram's index rows, in date order.
    Grams,
    /// The page's ids first, from the sort column's index alone, then those rows. For a term
    /// checked row by row: on PostgreSQL the invitations' indexes also hold the address and
    /// the id (m0029), so the rows that do not match are never read (the page of a common
    /// term sorted by email read 860,000 rows in 1.8 s, its index alone 0.1 s).
    Index,
}

/// One page in the requested order, with the links to the pages before and after it: the
/// rows after `skip` others (or after the query's cursor), found as `from` says.
async fn fetch_page(
    db: &impl ConnectionTrait,
    select: Select<invitation::Entity>,
    from: PageFrom,
    skip: u64,
    query: &ListQuery,
) -> Result<PageParts, InvitationError> {
    let by_grams = from == PageFrom::Grams;
    let (backwards, descending) = traversal(query);
    let order = if descending { Order::Desc } else { Order::Asc };
    let (key_column, id_column) = sort_columns(by_grams, query.sort);
    let mut select = select
        .order_by(key_column, order.clone())
        .order_by(id_column, order)
        .limit(query.page_size + 1);
    match past_cursor(query, by_grams) {
        Some(past) => select = select.filter(past),
        None => select = select.offset(skip),
    }
    let mut rows = if from == PageFrom::Index {
        by_ids_first(db, select).await?
    } else {
        select.all(db).await?
    };
    let more = rows.len() as u64 > query.page_size;
    rows.truncate(query.page_size as usize);
    if backwards {
        rows.reverse();
    }
    let cursor_at = |row: &invitation::Model, direction: Direction| {
        Cursor {
            direction,
            id: row.id,
            key: match query.sort {
                SortKey::InvitedAt => CursorKey::Time(row.invited_at),
                SortKey::ValidUntil => CursorKey::Time(row.valid_until),
                SortKey::Email => CursorKey::Email(row.email_normalized.clone()),
            },
        }
        .encode()
    };
    let (has_previous, has_next) = if backwards {
        (more, true)
    } else {
        (query.cursor.is_some() || query.page > 1, more)
    };
    // Back at the start, the page is the first whatever the link said.
    let page = if backwards && !more { 1 } else { query.page };
    let previous = has_previous
        .then(|| rows.first().map(|r| cursor_at(r, Direction::Before)))
        .flatten();
    let next = has_next
        .then(|| rows.last().map(|r| cursor_at(r, Direction::After)))
        .flatten();
    Ok((rows, previous, next, page))
}

/// Whether the page is read backwards (towards a Previous link's rows), and so whether the
/// rows are read in descending order (the list's order, reversed when backwards).
fn traversal(query: &ListQuery) -> (bool, bool) {
    let backwards = query
        .cursor
        .as_ref()
        .is_some_and(|c| c.direction == Direction::Before);
    (backwards, query.descending != backwards)
}

/// The rows past the page link's cursor in the order read, if the page has one.
fn past_cursor(query: &ListQuery, by_grams: bool) -> Option<Expr> {
    let cursor = query.cursor.as_ref()?;
    let (_, descending) = traversal(query);
    let (key_column, id_column) = sort_columns(by_grams, query.sort);
    let key = match (&cursor.key, by_grams) {
        (CursorKey::Time(t), true) => Expr::val(t.timestamp_micros()),
        (CursorKey::Time(t), _) => Expr::val(*t),
        (CursorKey::Email(e), _) => Expr::val(e.clone()),
    };
    let row = Expr::tuple([key_column, id_column]);
    let at = Expr::tuple([key, Expr::val(cursor.id)]);
    Some(if descending { row.lt(at) } else { row.gt(at) })
}

/// The rows `select` finds, its ids read first (see [`PageFrom::Index`]), in its order.
async fn by_ids_first(
    db: &impl ConnectionTrait,
    select: Select<invitation::Entity>,
) -> Result<Vec<invitation::Model>, InvitationError> {
    let ids: Vec<i32> = select
        .select_only()
        .column(invitation::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = invitation::Entity::find()
        .filter(invitation::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    // A page is at most 101 rows.
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok(rows)
}

/// The columns the rows come ordered by: the index's own copy of the date when walking a
/// gram's rows, the invitation's column otherwise. Qualified, as a join has both dates.
fn sort_columns(by_grams: bool, sort: SortKey) -> (Expr, Expr) {
    use invitation::{Column as I, Entity as Invitations};
    match (by_grams, sort) {
        (true, _) => gram_order(),
        (_, SortKey::InvitedAt) => (
            Expr::col((Invitations, I::InvitedAt)),
            Expr::col((Invitations, I::Id)),
        ),
        (_, SortKey::ValidUntil) => (
            Expr::col((Invitations, I::ValidUntil)),
            Expr::col((Invitations, I::Id)),
        ),
        (_, SortKey::Email) => (
            Expr::col((Invitations, I::EmailNormalized)),
            Expr::col((Invitations, I::Id)),
        ),
    }
}

/// The order of one gram's index rows (its primary key after the gram): date, then id.
fn gram_order() -> (Expr, Expr) {
    use invitation_gram::{Column as G, Entity as Grams};
    (
        Expr::col((Grams, G::InvitedAt)),
        Expr::col((Grams, G::InvitationId)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_are_checked_with_readable_errors() {
        let ok = ListQuery::parse(
            Some("  Ab ".into()),
            Some("expired".into()),
            None,
            None,
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(ok.search.as_deref(), Some("ab"));
        assert_eq!(ok.status, Some(InvitationStatus::Expired));
        assert_eq!(
            (ok.page, ok.page_size, ok.sort, ok.descending),
            (1, 20, SortKey::InvitedAt, true)
        );
        for bad in [
            ListQuery::parse(None, Some("lost".into()), None, None, None, None, None),
            ListQuery::parse(None, None, Some(0), None, None, None, None),
            ListQuery::parse(None, None, Some(51), Some(20), None, None, None),
            ListQuery::parse(None, None, Some(11), Some(100), None, None, None),
            ListQuery::parse(None, None, None, Some(101), None, None, None),
            ListQuery::parse(None, None, None, None, Some("name".into()), None, None),
            ListQuery::parse(None, None, None, None, None, None, Some("zz".into())),
        ] {
            assert!(matches!(bad, Err(InvitationError::InvalidInput(_))));
        }
        // The last numbered page, and any depth by a Next link.
        let last = ListQuery::parse(None, None, Some(50), Some(20), None, None, None);
        assert_eq!(last.unwrap().page, 50);
        let cursor = Some("a7.1764000000123456000".to_owned());
        let deep = ListQuery::parse(None, None, Some(5_000), Some(20), None, None, cursor);
        assert_eq!(deep.unwrap().page, 5_000);
    }
}
