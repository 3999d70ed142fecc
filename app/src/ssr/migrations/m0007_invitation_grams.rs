//! The search index of invitation addresses (`invitation_grams`, see `domain::search`), filled
//! for the invitations that already exist.
//!
//! The primary key (gram, invited_at, invitation_id) is the index itself: on SQLite the table
//! is `WITHOUT ROWID` and on MariaDB/MySQL InnoDB clusters by it, so no second copy is kept.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use sea_orm_migration::prelude::*;

use crate::ssr::{entities::invitation, services::search_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InvitationGrams {
    Table,
    Gram,
    InvitedAt,
    InvitationId,
}

/// Invitations indexed per step of the backfill.
const BACKFILL_BATCH: u64 = 2_000;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE TABLE invitation_grams (gram INTEGER NOT NULL, \
                     invited_at INTEGER NOT NULL, invitation_id INTEGER NOT NULL, \
                     PRIMARY KEY (gram, invited_at, invitation_id)) WITHOUT ROWID",
                )
                .await?;
        } else {
            manager
                .create_table(
                    Table::create()
                        .table(InvitationGrams::Table)
                        .col(
                            ColumnDef::new(InvitationGrams::Gram)
                                .big_integer()
                                .not_null(),
                        )
                        .col(
                            ColumnDef::new(InvitationGrams::InvitedAt)
                                .big_integer()
                                .not_null(),
                        )
                        .col(
                            ColumnDef::new(InvitationGrams::InvitationId)
                                .integer()
                                .not_null(),
                        )
                        .primary_key(
                            Index::create()
                                .col(InvitationGrams::Gram)
                                .col(InvitationGrams::InvitedAt)
                                .col(InvitationGrams::InvitationId),
                        )
                        .to_owned(),
                )
                .await?;
        }
        backfill(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InvitationGrams::Table).to_owned())
            .await
    }
}

/// Indexes the invitations stored before this migration, in batches by id.
async fn backfill(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let mut after = 0;
    loop {
        let batch: Vec<(i32, String, chrono::DateTime<chrono::Utc>)> = invitation::Entity::find()
            .select_only()
            .columns([
                invitation::Column::Id,
                invitation::Column::EmailNormalized,
                invitation::Column::InvitedAt,
            ])
            .filter(invitation::Column::Id.gt(after))
            .order_by_asc(invitation::Column::Id)
            .limit(BACKFILL_BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0;
        let entries: Vec<search_index::Entry> = batch
            .iter()
            .map(|(id, email, invited_at)| search_index::Entry::new(*id, email, *invited_at))
            .collect();
        search_index::add(db, &entries).await?;
    }
}
