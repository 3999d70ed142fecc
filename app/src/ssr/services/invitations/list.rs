//! The invitations list: search by part of the email, filter by (effective) status, sort, page.

use chrono::{DateTime, Utc};
use sea_orm::{
    sea_query::LikeExpr, ColumnTrait, DatabaseConnection, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::{condition_filter, rows_for, InvitationError};
use crate::ssr::db::like_pattern;
use crate::{
    api::invitations::{InvitationPage, SortKey, PAGE_SIZES},
    domain::InvitationStatus,
    ssr::entities::invitation,
};

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
}

impl ListQuery {
    pub fn parse(
        search: Option<String>,
        status: Option<String>,
        page: Option<u64>,
        page_size: Option<u64>,
        sort: Option<String>,
        descending: Option<bool>,
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
        if !PAGE_SIZES.contains(&page_size) {
            return Err(invalid("Show 20, 50 or 100 invitations per page.".into()));
        }
        let sort = match sort.as_deref() {
            None | Some("") => SortKey::InvitedAt,
            Some(key) => SortKey::parse(key).ok_or_else(|| {
                invalid(format!(
                    "Unknown sort {key:?}: sort by invited_at, valid_until or email."
                ))
            })?,
        };
        Ok(Self {
            search,
            status,
            page,
            page_size,
            sort,
            descending: descending.unwrap_or(true),
        })
    }
}

pub async fn list(
    db: &DatabaseConnection,
    query: &ListQuery,
    now: DateTime<Utc>,
) -> Result<InvitationPage, InvitationError> {
    let mut select = invitation::Entity::find();
    if let Some(term) = &query.search {
        select = select.filter(
            invitation::Column::EmailNormalized
                .like(LikeExpr::new(like_pattern(term)).escape('\\')),
        );
    }
    if let Some(status) = query.status {
        select = select.filter(condition_filter(status.stored_condition(), now));
    }
    let total = select.clone().count(db).await?;
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let column = match query.sort {
        SortKey::InvitedAt => invitation::Column::InvitedAt,
        SortKey::ValidUntil => invitation::Column::ValidUntil,
        SortKey::Email => invitation::Column::EmailNormalized,
    };
    let models = select
        .order_by(column, order.clone())
        .order_by(invitation::Column::Id, order)
        .offset((query.page - 1) * query.page_size)
        .limit(query.page_size)
        .all(db)
        .await?;
    let rows = rows_for(db, &models, now).await?;
    Ok(InvitationPage {
        rows,
        total,
        page: query.page,
        page_size: query.page_size,
    })
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
        )
        .unwrap();
        assert_eq!(ok.search.as_deref(), Some("ab"));
        assert_eq!(ok.status, Some(InvitationStatus::Expired));
        assert_eq!(
            (ok.page, ok.page_size, ok.sort, ok.descending),
            (1, 20, SortKey::InvitedAt, true)
        );
        for bad in [
            ListQuery::parse(None, Some("lost".into()), None, None, None, None),
            ListQuery::parse(None, None, Some(0), None, None, None),
            ListQuery::parse(None, None, None, Some(7), None, None),
            ListQuery::parse(None, None, None, None, Some("name".into()), None),
        ] {
            assert!(matches!(bad, Err(InvitationError::InvalidInput(_))));
        }
    }
}
