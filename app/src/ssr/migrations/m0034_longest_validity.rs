//! `longest_validity`: the longest validity any invitation was made with, so that a search
//! for Pending invitations reads only the index rows sent since `now` less it
//! (`domain::earliest_unexpired_invitation`) instead of every stored-pending row of its gram,
//! most of them expired. Filled from what is already there: the longest of the default
//! validity, the saved setting, and every invitation's own (read once, in pages of ids; not
//! yet timed on a filled database).

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    domain::invitation::DEFAULT_VALIDITY_HOURS,
    ssr::entities::{invitation, settings},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Invitations read at a time.
const PAGE: u64 = 20_000;

#[derive(DeriveIden)]
enum LongestValidity {
    Table,
    Id,
    Hours,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LongestValidity::Table)
                    .col(integer(LongestValidity::Id).primary_key())
                    .col(integer(LongestValidity::Hours))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let mut longest = i64::from(DEFAULT_VALIDITY_HOURS);
        if let Some(saved) = settings::Entity::find().one(db).await? {
            longest = Ord::max(longest, i64::from(saved.validity_hours));
        }
        // Every invitation's, a page of ids at a time (a migration's connection may be a
        // transaction, which streams nothing).
        let mut after = 0;
        loop {
            let page: Vec<(i32, DateTime<Utc>, DateTime<Utc>)> = invitation::Entity::find()
                .select_only()
                .columns([
                    invitation::Column::Id,
                    invitation::Column::InvitedAt,
                    invitation::Column::ValidUntil,
                ])
                .filter(invitation::Column::Id.gt(after))
                .order_by_asc(invitation::Column::Id)
                .limit(PAGE)
                .into_tuple()
                .all(db)
                .await?;
            for (_, invited_at, valid_until) in &page {
                // Whole hours, rounded up: the bound may be longer than a validity, never
                // shorter.
                let micros = (*valid_until - *invited_at)
                    .num_microseconds()
                    .unwrap_or(i64::MAX);
                longest = Ord::max(
                    longest,
                    micros.saturating_add(3_599_999_999) / 3_600_000_000,
                );
            }
            match page.last() {
                Some((id, ..)) if page.len() as u64 == PAGE => after = *id,
                _ => break,
            }
        }
        let hours = <i32 as TryFrom<i64>>::try_from(longest).unwrap_or(i32::MAX);
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(LongestValidity::Table)
                    .columns([LongestValidity::Id, LongestValidity::Hours])
                    .values_panic([1.into(), hours.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LongestValidity::Table).to_owned())
            .await
    }
}
