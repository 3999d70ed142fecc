//! Keeps `invitation_grams` (the address search index, see `domain::search`) in step with
//! `invitations`: rows are added in the transaction that inserts the invitation and removed in
//! the one that deletes it, so a search never sees one without the other.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, Set, Statement,
};

use crate::{
    domain::search::email_grams,
    ssr::entities::{invitation, invitation_gram},
};

/// Index rows per INSERT: 3 parameters each, well under every backend's limit (SQLite's is
/// 32,766).
const ROWS_PER_INSERT: usize = 5_000;

/// What the index needs to know of an invitation.
pub struct Entry<'a> {
    pub invitation_id: i32,
    pub email_normalized: &'a str,
    pub invited_at: DateTime<Utc>,
}

impl<'a> Entry<'a> {
    pub fn new(invitation_id: i32, email_normalized: &'a str, invited_at: DateTime<Utc>) -> Self {
        Self {
            invitation_id,
            email_normalized,
            invited_at,
        }
    }
}

impl<'a> From<&'a invitation::Model> for Entry<'a> {
    fn from(model: &'a invitation::Model) -> Self {
        Self::new(model.id, &model.email_normalized, model.invited_at)
    }
}

/// Indexes invitations, in the caller's transaction.
pub async fn add(db: &impl ConnectionTrait, entries: &[Entry<'_>]) -> Result<(), DbErr> {
    let mut rows: Vec<(i64, i64, i32)> = entries
        .iter()
        .flat_map(|entry| {
            let invited_at = entry.invited_at.timestamp_micros();
            email_grams(entry.email_normalized)
                .into_iter()
                .map(move |gram| (gram, invited_at, entry.invitation_id))
        })
        .collect();
    // In primary-key order, each B-tree page the rows land on is visited once.
    rows.sort_unstable();
    if db.get_database_backend() == DbBackend::Postgres {
        return add_unnested(db, &rows).await;
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let models =
            chunk.iter().map(
                |&(gram, invited_at, invitation_id)| invitation_gram::ActiveModel {
                    gram: Set(gram),
                    invited_at: Set(invited_at),
                    invitation_id: Set(invitation_id),
                },
            );
        invitation_gram::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// PostgreSQL: all rows in one statement of three array parameters, instead of multi-row
/// VALUES lists of 15,000 parameters each.
async fn add_unnested(db: &impl ConnectionTrait, rows: &[(i64, i64, i32)]) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let grams: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let dates: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let ids: Vec<i32> = rows.iter().map(|r| r.2).collect();
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO invitation_grams (gram, invited_at, invitation_id) \
         SELECT * FROM UNNEST($1::int8[], $2::int8[], $3::int4[])",
        [grams.into(), dates.into(), ids.into()],
    ))
    .await?;
    Ok(())
}

/// Removes an invitation from the index, in the caller's transaction. Each row is found by its
/// whole primary key, so this touches only the invitation's own rows.
pub async fn remove(db: &impl ConnectionTrait, entry: &Entry<'_>) -> Result<(), DbErr> {
    invitation_gram::Entity::delete_many()
        .filter(invitation_gram::Column::Gram.is_in(email_grams(entry.email_normalized)))
        .filter(invitation_gram::Column::InvitedAt.eq(entry.invited_at.timestamp_micros()))
        .filter(invitation_gram::Column::InvitationId.eq(entry.invitation_id))
        .exec(db)
        .await?;
    Ok(())
}
