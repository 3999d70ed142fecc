//! Keyset paging: a page link carries the sort key and id of the row it continues from, so
//! the next page is an index seek at any depth instead of skipping (OFFSET) every row before.
//!
//! Written as `a<id>.<key>` (rows after) or `b<id>.<key>` (rows before), where the key is the
//! sort column's value: nanoseconds since 1970 for the dates (exactly as stored, so the row a
//! link was made from compares equal to it), the address for `email`.

use chrono::{DateTime, Utc};

use crate::model::invitation::SortKey;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CursorKey {
    Time(DateTime<Utc>),
    Email(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub direction: Direction,
    pub id: i32,
    pub key: CursorKey,
}

impl Cursor {
    pub fn encode(&self) -> String {
        let direction = match self.direction {
            Direction::After => 'a',
            Direction::Before => 'b',
        };
        let key = match &self.key {
            CursorKey::Time(t) => t.timestamp_nanos_opt().unwrap_or(i64::MAX).to_string(),
            CursorKey::Email(e) => e.clone(),
        };
        format!("{direction}{}.{key}", self.id)
    }

    /// Reads a cursor made for `sort`; `None` when it is malformed or made for another sort.
    pub fn parse(text: &str, sort: SortKey) -> Option<Self> {
        let direction = match text.chars().next()? {
            'a' => Direction::After,
            'b' => Direction::Before,
            _ => return None,
        };
        let (id, key) = text[1..].split_once('.')?;
        let id = id.parse().ok()?;
        let key = match sort {
            SortKey::Email if !key.is_empty() && key.chars().count() <= 254 => {
                CursorKey::Email(key.to_owned())
            }
            SortKey::Email => return None,
            SortKey::InvitedAt | SortKey::ValidUntil => {
                CursorKey::Time(DateTime::from_timestamp_nanos(key.parse().ok()?))
            }
        };
        Some(Self { direction, id, key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let at = DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap();
        for (cursor, sort) in [
            (
                Cursor {
                    direction: Direction::After,
                    id: 7,
                    key: CursorKey::Time(at),
                },
                SortKey::InvitedAt,
            ),
            (
                Cursor {
                    direction: Direction::Before,
                    id: 9,
                    key: CursorKey::Email("a.b@c.io".into()),
                },
                SortKey::Email,
            ),
        ] {
            assert_eq!(Cursor::parse(&cursor.encode(), sort), Some(cursor));
        }
        for bad in ["", "x1.2", "a.2", "ab.2", "a1", "a1.", "a1.12x"] {
            assert_eq!(Cursor::parse(bad, SortKey::InvitedAt), None, "{bad:?}");
        }
        assert_eq!(Cursor::parse("a1.", SortKey::Email), None);
    }
}
