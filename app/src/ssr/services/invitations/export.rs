//! The invitations list as a CSV file: every row that matches the list's current search,
//! status and sort (not only the page on screen), read page by page through the list's own
//! query, so an export of a million rows never holds more than one page in memory.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::DatabaseConnection;

use super::{list, list::Cursor, InvitationError, ListQuery};
use crate::model::invitation::InvitationRow;

/// Rows read per page.
pub const EXPORT_PAGE_SIZE: u64 = 100;

/// The CSV's first line.
pub const CSV_HEADER: &str = "email,status,origin,role,pre_approved,invited_at,valid_until,\
full_name,completed_at,delivery,decision,decided_at,decision_reason\r\n";

/// Walks the list's pages with its cursors.
pub struct Pages {
    query: ListQuery,
    done: bool,
}

impl Pages {
    /// All the rows `query` matches, from its first page, [`EXPORT_PAGE_SIZE`] at a time.
    pub fn new(mut query: ListQuery) -> Self {
        query.page = 1;
        query.page_size = EXPORT_PAGE_SIZE;
        query.cursor = None;
        Self { query, done: false }
    }

    /// The next page's rows; `None` after the last.
    pub async fn next(
        &mut self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<InvitationRow>>, InvitationError> {
        if self.done {
            return Ok(None);
        }
        let page = list(db, &self.query, now).await?;
        match page
            .next
            .as_deref()
            .and_then(|next| Cursor::parse(next, self.query.sort))
        {
            Some(cursor) => {
                self.query.cursor = Some(cursor);
                self.query.page += 1;
            }
            None => self.done = true,
        }
        Ok(Some(page.rows))
    }
}

/// One row as a CSV line (RFC 4180, CRLF-terminated).
pub fn csv_line(row: &InvitationRow) -> String {
    let at = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let decision = row.decision.as_ref();
    let fields = [
        row.email.clone(),
        row.status.as_str().to_owned(),
        row.origin.as_str().to_owned(),
        row.role.as_str().to_owned(),
        row.pre_approved.to_string(),
        at(row.invited_at),
        at(row.valid_until),
        row.full_name.clone().unwrap_or_default(),
        row.completed_at.map(at).unwrap_or_default(),
        row.delivery
            .as_ref()
            .map(|d| d.state.as_str().to_owned())
            .unwrap_or_default(),
        decision
            .map(|d| if d.approved { "accepted" } else { "denied" }.to_owned())
            .unwrap_or_default(),
        decision.map(|d| at(d.at)).unwrap_or_default(),
        decision.and_then(|d| d.reason.clone()).unwrap_or_default(),
    ];
    let mut line = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A CSV field: quoted when it holds a comma, quote or line break (quotes doubled). Text a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR: a name
/// or a reason typed by someone else) is prefixed with `'` so it stays text.
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_needed_and_formulas_stay_text() {
        assert_eq!(field("ada@example.com"), "ada@example.com");
        assert_eq!(field("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("@sum"), "'@sum");
    }
}
