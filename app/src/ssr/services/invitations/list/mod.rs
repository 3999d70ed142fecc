//! The invitations list: search by part of the email, filter by (effective) status, sort, page.
//! Built to stay fast over millions of rows: `plan` picks how to use the search index,
//! `cursor` pages by key, and the total is exact only up to [`COUNT_LIMIT`].

mod cursor;
mod expiry;
mod matches;
mod page;
mod plan;
mod prefix;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    sea_query::LikeExpr, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter,
};

use super::{condition_filter, rows_for, InvitationError};
use crate::{
    domain::{
        invitation::{paging, ExpiryCondition},
        search::TermGrams,
        InvitationStatus,
    },
    model::invitation::{InvitationList, SortKey, PAGE_SIZES},
    ssr::{
        db::like_pattern,
        entities::{invitation, invitation_gram},
        services::longest_validity,
    },
};
pub use cursor::{Cursor, CursorKey, Direction};
use matches::{
    candidate_ids, count_rows, matching_ids, page_among, posting, range_total, WalkOrder,
};
use page::{fetch_page, PageFrom, PageParts};
use plan::Plan;

pub use crate::domain::invitation::paging::COUNT_LIMIT;

/// A term with more matches than [`COUNT_LIMIT`], by expiry, is paged from its walked gram's
/// matches, sorted by the database, when that gram has at most this many rows (each match's
/// invitation is read, about 3 microseconds on PostgreSQL); beyond, from the expiry's index,
/// checked row by row however far its matches come in that order. By email, the gram's rows
/// are read in address order instead (`idx_invitation_grams_email`, m0035).
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
    // What the status asks of the expiry (`Either` without a status).
    let expiry = query
        .status
        .map_or(ExpiryCondition::Either, |s| s.stored_condition().expiry);
    let status_rows = match query.status {
        Some(status) if grams.is_some() => {
            let longest = match expiry {
                ExpiryCondition::Unexpired => longest_validity::load(db).await?,
                ExpiryCondition::Expired | ExpiryCondition::Either => None,
            };
            Some(plan::status_rows(status, now, longest))
        }
        _ => None,
    };
    let plan = plan::choose(db, grams.as_ref(), query.sort, status_rows.as_ref()).await?;
    // A three-character term is its own gram, and a short term's range holds only grams
    // starting with it: then the index rows prove the match and no address is checked.
    let proven = grams.as_ref().zip(term).is_some_and(|(g, t)| g.is_exact(t));
    let from_index = matches!(plan, Plan::Candidates { .. } | Plan::Posting(_));
    let like = term.map(|term| contains(invitation::Column::EmailNormalized, term));
    // What a walk checks on each of the gram's rows (the address it holds), and what a page
    // checks on each invitation.
    let address = term
        .filter(|_| !proven)
        .map(|term| contains(invitation_gram::Column::EmailNormalized, term));
    let mut term_filter = Condition::all();
    if let Some(like) = like.filter(|_| !(proven && from_index)) {
        term_filter = term_filter.add(like);
    }
    let mut filter = term_filter.clone();
    if let Some(status) = query.status {
        filter = filter.add(condition_filter(status.stored_condition(), now));
    }
    let skip = (query.page - 1) * query.page_size;
    let (select, from, skip, (total, total_is_lower_bound)) = match plan {
        Plan::Nothing => return Ok(empty_page(query)),
        Plan::Scan | Plan::ShortScan { .. } => {
            let select = invitation::Entity::find().filter(filter);
            let counted = match plan {
                Plan::ShortScan { low, high } if query.status.is_none() => {
                    range_total(db, low, high).await?
                }
                _ => None,
            };
            let total = match counted {
                Some(total) => total,
                None => count_rows(db, select.clone()).await?,
            };
            // Many rows in a status with an expiry: read along the order's index (see
            // `expiry::unindexed`), on SQLite.
            let select = match query.status {
                Some(status) if total.1 && expiry::read_along_order(db, status, query.sort) => {
                    invitation::Entity::find()
                        .filter(term_filter.add(expiry::unindexed(status.stored_condition(), now)))
                }
                _ => select,
            };
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
        Plan::Posting(ref walk) | Plan::ScanWithTerm(ref walk) => {
            // One walk of the gram's rows finds the matches, up to one past the count's limit:
            // that is the total, and often the page too. By email without a status, the walk
            // reads the gram's rows in address order (m0035), so that past the limit the first
            // pages are among the matches found; otherwise it reads them newest first, and by
            // email the matches found come sorted by their address.
            let by_address = query.sort == SortKey::Email;
            // PostgreSQL's planner is kept to the index's address order (`matches::by_address`).
            let fenced = db.get_database_backend() == DbBackend::Postgres
                && expiry == ExpiryCondition::Either;
            // Not with a status: its rows are a key range of the index in date order, not of
            // the one in address order, which would read every status's (Rejected by email
            // past 1,000: 10.4 -> 19.4 ms p95 on PostgreSQL).
            let order = match (by_address, query.status) {
                (true, None) => WalkOrder::ByAddress { fenced },
                (true, Some(_)) => WalkOrder::NewestByAddress,
                (false, _) => WalkOrder::Newest,
            };
            let mut ids =
                matching_ids(db, walk, status_rows.as_ref(), address.clone(), order).await?;
            let found = ids.len() as u64;
            // The walk's order is the page's when the list is by date, newest first, or by
            // email once every match is found (from the first page or a page number), or, read
            // in address order, when the page and the row after it are among the first found.
            let newest_first =
                matches!(plan, Plan::Posting(_)) && query.descending && query.cursor.is_none();
            let every_by_address = by_address
                && query.cursor.is_none()
                && (found <= COUNT_LIMIT
                    || matches!(order, WalkOrder::ByAddress { .. })
                        && !query.descending
                        && skip + query.page_size < found);
            if every_by_address && query.descending {
                ids.reverse();
            }
            let total = if found <= COUNT_LIMIT {
                (found, false)
            } else {
                (COUNT_LIMIT, true)
            };
            if every_by_address
                || newest_first && (found <= COUNT_LIMIT || skip + query.page_size < found)
            {
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
            } else if query.sort == SortKey::Email {
                // By email: the walked gram's rows in address order (m0035), read until the
                // page's matches are found; only the page's invitations are read after.
                let ids = page_among(walk, status_rows.as_ref(), address, query, skip, fenced);
                let select =
                    invitation::Entity::find().filter(invitation::Column::Id.in_subquery(ids));
                (select, PageFrom::Rows, 0, total)
            } else if walk.rows <= SORTED_AMONG_ROWS {
                // A common term whose walked gram has few rows, by expiry: first the expiry's
                // index, but only over as many rows as that gram has, which is enough where the
                // term is dense (one address in ten has `cyberdyne.ai`); then that gram's
                // matches, which the database sorts (a bounded sort), rather than the index
                // read on however far its matches are (190 ms for `aret.rossu`, whose matches
                // all start with an `m`).
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
                // A common term by expiry whose walked gram has many rows: the expiry's
                // index, checked row by row.
                let select = invitation::Entity::find().filter(filter);
                (select, PageFrom::Index, skip, total)
            }
        }
    };
    let parts = fetch_page(db, select, from, skip, query).await?;
    finish(db, parts, (total, total_is_lower_bound), query, now).await
}

/// `column` contains `term` (a LIKE, its metacharacters escaped).
fn contains(column: impl ColumnTrait, term: &str) -> Condition {
    Condition::all().add(column.like(LikeExpr::new(like_pattern(term)).escape('\\')))
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
