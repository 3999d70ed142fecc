//! How far the invitations list counts and numbers its pages. Totals are counted exactly up to
//! [`COUNT_LIMIT`] rows (beyond it the list says "1,000+"), and page numbers reach only the
//! pages those rows fill: past them the Next links, which carry the last row's key, go on at
//! any depth for the cost of the first page (skipping rows by number cost up to a second on
//! PostgreSQL at 1,000,000 rows). A search that finds more than a thousand rows is refined, not
//! paged through by number.

/// Totals are counted exactly up to this many rows. (At 10,000 a common term's count cost
/// 30-200 ms on PostgreSQL at 1,000,000 rows.)
pub const COUNT_LIMIT: u64 = 1_000;

/// The last page that can be asked for by number at `page_size` rows per page.
pub fn last_numbered_page(page_size: u64) -> u64 {
    COUNT_LIMIT.div_ceil(page_size.max(1))
}

/// Whether page `page` (asked for by number, not by a Next link's key) is past the numbered
/// pages.
pub fn beyond_numbered_pages(page: u64, page_size: u64) -> bool {
    page > last_numbered_page(page_size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_reach_exactly_the_rows_the_total_counts() {
        assert_eq!(last_numbered_page(20), 50);
        assert_eq!(last_numbered_page(50), 20);
        assert_eq!(last_numbered_page(100), 10);
        assert_eq!(
            last_numbered_page(300),
            4,
            "a last page not full still has a number"
        );
        assert!(!beyond_numbered_pages(50, 20));
        assert!(beyond_numbered_pages(51, 20));
        assert_eq!(last_numbered_page(0), COUNT_LIMIT, "no division by zero");
    }
}
