//! A page along the sort column's index, read only as far as a bound.
//!
//! A common term by expiry has two ways to its page: the expiry's index read from the page's
//! start, each row's address checked, until a page matches; or its walked gram's matches,
//! sorted by the database. The first costs what the order puts before the matches, which
//! nothing tells in advance: a few hundred rows for a term one address in ten has
//! (`cyberdyne.ai` at 100,000 invitations), most of the index for a term whose matches are
//! the last to expire. The second costs the gram's rows. So the index is read first, but only
//! over as many rows as would cost a fraction of the sort; the sort follows when they do not
//! hold the page. (By email, until m0035, the same held; the gram's rows are now read in
//! address order.)

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
};

use super::{
    page::{fetch_page, past_cursor, sort_columns, traversal, PageFrom, PageParts},
    ListQuery,
};
use crate::{
    model::invitation::SortKey,
    ssr::{entities::invitation, services::invitations::InvitationError},
};

/// How many rows of the expiry's index are read for each row of the walked gram before its
/// matches are sorted instead (the gram's rows, at most the join's own bound,
/// `SORTED_AMONG_ROWS`). Sorting by expiry costs about 3 microseconds per row of the gram on
/// PostgreSQL (each match's invitation is read); a row of the index checked from the index
/// alone costs about a tenth of that (docs/search.md). By email the gram's rows are read in
/// address order instead (m0035), with no read here first. So a bound that does not hold the
/// page costs a part of the sort that follows it, and a term spread evenly over the alphabet
/// finds its page within it when 50 of its matches come within the gram's rows: at 1,000,000
/// invitations, a term whose walked gram has 7,100 rows or more.
pub(super) const INDEX_ROWS_PER_GRAM_ROW: u64 = 1;

/// The page `select` finds along the sort column's index (as [`PageFrom::Index`] reads it),
/// among the next `rows` rows in that order (after the page link's cursor, or after the rows
/// the page number skips): `None` when those rows do not hold the whole page and the row after
/// it, so that the caller reads the page another way.
pub(super) async fn page(
    db: &impl ConnectionTrait,
    select: Select<invitation::Entity>,
    rows: u64,
    skip: u64,
    query: &ListQuery,
) -> Result<Option<PageParts>, InvitationError> {
    let (backwards, descending) = traversal(query);
    let Some((key, id)) = last_row_within(db, rows, skip, query).await? else {
        // Fewer rows than that are left in this order: reading them all costs less.
        return Ok(Some(
            fetch_page(db, select, PageFrom::Index, skip, query).await?,
        ));
    };
    let (key_column, id_column) = sort_columns(false, query.sort);
    let row = Expr::tuple([key_column, id_column]);
    let bound = Expr::tuple([key, Expr::val(id)]);
    let within = select.filter(if descending {
        row.gte(bound)
    } else {
        row.lte(bound)
    });
    let parts = fetch_page(db, within, PageFrom::Index, skip, query).await?;
    // The page link past the page says whether the row after it was found.
    let whole = if backwards {
        parts.1.is_some()
    } else {
        parts.2.is_some()
    };
    Ok(whole.then_some(parts))
}

/// The sort key and id of the last of the next `rows` rows in the order read (past the cursor,
/// or the skipped rows and `rows` more), read from the sort column's index alone; `None` when
/// the order has fewer left.
async fn last_row_within(
    db: &impl ConnectionTrait,
    rows: u64,
    skip: u64,
    query: &ListQuery,
) -> Result<Option<(Expr, i32)>, InvitationError> {
    let (_, descending) = traversal(query);
    let order = if descending { Order::Desc } else { Order::Asc };
    let (key_column, id_column) = sort_columns(false, query.sort);
    let mut last = invitation::Entity::find()
        .select_only()
        .expr(key_column.clone())
        .expr(id_column.clone())
        .order_by(key_column, order.clone())
        .order_by(id_column, order);
    let before = match past_cursor(query, false) {
        Some(past) => {
            last = last.filter(past);
            0
        }
        None => skip,
    };
    let last = last.offset(before + Ord::max(rows, 1) - 1).limit(1);
    Ok(match query.sort {
        SortKey::Email => last
            .into_tuple::<(String, i32)>()
            .one(db)
            .await?
            .map(|(key, id)| (Expr::val(key), id)),
        SortKey::InvitedAt | SortKey::ValidUntil => last
            .into_tuple::<(DateTime<Utc>, i32)>()
            .one(db)
            .await?
            .map(|(key, id)| (Expr::val(key), id)),
    })
}
