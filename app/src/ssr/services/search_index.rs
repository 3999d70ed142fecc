//! Keeps `invitation_grams` (the address search index, see `domain::search`) in step with
//! `invitations`: rows are added in the transaction that inserts the invitation and removed in
//! the one that deletes it, so a search never sees one without the other.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};

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
    let rows: Vec<invitation_gram::ActiveModel> = entries
        .iter()
        .flat_map(|entry| {
            let invited_at = entry.invited_at.timestamp_micros();
            email_grams(entry.email_normalized)
                .into_iter()
                .map(move |gram| invitation_gram::ActiveModel {
                    gram: Set(gram),
                    invited_at: Set(invited_at),
                    invitation_id: Set(entry.invitation_id),
                })
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        invitation_gram::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
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
