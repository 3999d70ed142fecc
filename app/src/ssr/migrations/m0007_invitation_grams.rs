//! The search index of invitation addresses (`invitation_grams`, see `domain::search`). Made
//! empty here: m0026 rebuilds it with each invitation's status, from every stored invitation.
//!
//! The primary key (gram, invited_at, invitation_id) is the index itself: on SQLite the table
//! is `WITHOUT ROWID` and on MariaDB/MySQL InnoDB clusters by it, so no second copy is kept.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InvitationGrams {
    Table,
    Gram,
    InvitedAt,
    InvitationId,
}

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
        // The invitations stored before are indexed by m0026, which rebuilds the table with
        // their statuses.
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InvitationGrams::Table).to_owned())
            .await
    }
}
