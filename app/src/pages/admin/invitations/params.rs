//! The invitations view's state, kept in the URL query so a view can be bookmarked and the
//! back button works.

use leptos_router::params::ParamsMap;

use crate::model::invitation::{SortKey, PAGE_SIZES};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    pub search: String,
    /// A status name, or empty for all.
    pub status: String,
    pub page: u64,
    /// Where the page continues from (a Previous/Next link's key), empty for "skip to `page`".
    pub cursor: String,
    pub page_size: u64,
    pub sort: SortKey,
    pub descending: bool,
}

impl Default for ListParams {
    fn default() -> Self {
        Self {
            search: String::new(),
            status: String::new(),
            page: 1,
            cursor: String::new(),
            page_size: PAGE_SIZES[0],
            sort: SortKey::default(),
            descending: true,
        }
    }
}

impl ListParams {
    /// Reads the query, falling back to defaults for anything missing or malformed.
    pub fn from_query(query: &ParamsMap) -> Self {
        let defaults = Self::default();
        let text = |key: &str| query.get(key).unwrap_or_default();
        Self {
            search: text("q"),
            status: text("status"),
            page: crate::pages::admin::list_url::page_from(query),
            cursor: text("at"),
            page_size: text("size")
                .parse()
                .ok()
                .filter(|s| PAGE_SIZES.contains(s))
                .unwrap_or(defaults.page_size),
            sort: SortKey::parse(&text("sort")).unwrap_or(defaults.sort),
            descending: text("dir") != "asc",
        }
    }

    /// The URL of this view.
    pub fn href(&self) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!(
                "q={}",
                crate::components::auth::encode_query_value(&self.search)
            ));
        }
        if !self.status.is_empty() {
            parts.push(format!("status={}", self.status));
        }
        if self.page != 1 {
            parts.push(format!("page={}", self.page));
        }
        if !self.cursor.is_empty() {
            parts.push(format!(
                "at={}",
                crate::components::auth::encode_query_value(&self.cursor)
            ));
        }
        if self.page_size != PAGE_SIZES[0] {
            parts.push(format!("size={}", self.page_size));
        }
        if self.sort != SortKey::default() {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if !self.descending {
            parts.push("dir=asc".into());
        }
        crate::pages::admin::list_url::href("/admin/invitations", &parts)
    }

    /// The CSV export of every row of this view (all pages, same search, status and sort).
    pub fn export_href(&self) -> String {
        let mut parts = vec![
            format!("sort={}", self.sort.as_str()),
            format!("descending={}", self.descending),
        ];
        if !self.search.is_empty() {
            parts.push(format!(
                "search={}",
                crate::components::auth::encode_query_value(&self.search)
            ));
        }
        if !self.status.is_empty() {
            parts.push(format!("status={}", self.status));
        }
        format!("/admin/invitations/export.csv?{}", parts.join("&"))
    }

    /// The same view sorted by `key`: a second click on the sorted column flips the order.
    pub fn sorted_by(&self, key: SortKey) -> Self {
        let descending = if self.sort == key {
            !self.descending
        } else {
            key.descending_first()
        };
        Self {
            sort: key,
            descending,
            ..self.first_page()
        }
    }

    /// The first page of the same view (after a change of filter, sort or page size).
    pub fn first_page(&self) -> Self {
        Self {
            page: 1,
            cursor: String::new(),
            ..self.clone()
        }
    }

    /// Page `page`, reached through a page link's `cursor` (none for the first page, which
    /// needs no key).
    pub fn at_page(&self, page: u64, cursor: &str) -> Self {
        if page <= 1 {
            return self.first_page();
        }
        Self {
            page,
            cursor: cursor.to_owned(),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_survives_the_round_trip_through_its_url() {
        let params = ListParams {
            search: "a b@x".into(),
            status: "expired".into(),
            page: 3,
            cursor: "a12.1764000000000000000".into(),
            page_size: 50,
            sort: SortKey::Email,
            descending: false,
        };
        let href = params.href();
        let query = href.split_once('?').unwrap().1;
        let mut map = ParamsMap::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap();
            map.insert(k.to_owned(), v.replace("%20", " ").replace("%40", "@"));
        }
        assert_eq!(ListParams::from_query(&map), params);
        assert_eq!(ListParams::default().href(), "/admin/invitations");
    }

    #[test]
    fn sorting_a_column_twice_flips_its_order_and_returns_to_page_one() {
        let params = ListParams {
            page: 4,
            cursor: "a1.2".into(),
            ..Default::default()
        };
        let once = params.sorted_by(SortKey::ValidUntil);
        assert_eq!(
            (once.sort, once.descending, once.page, once.cursor.as_str()),
            (SortKey::ValidUntil, true, 1, "")
        );
        assert!(!once.sorted_by(SortKey::ValidUntil).descending);
    }

    #[test]
    fn page_links_carry_their_key_except_to_the_first_page() {
        let params = ListParams::default();
        assert_eq!(
            params.at_page(2, "a5.9").href(),
            "/admin/invitations?page=2&at=a5.9"
        );
        assert_eq!(params.at_page(1, "b5.9").href(), "/admin/invitations");
    }
}
