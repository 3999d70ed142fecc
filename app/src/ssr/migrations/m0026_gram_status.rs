//! The search index learns each invitation's stored status and expiry, so that a search with
//! a status filter walks only the index rows of that status (`idx_invitation_grams_status`:
//! gram, status, date, id, valid-until) instead of reading each matching invitation to check
//! its status: `ada` + Rejected went through about 20 invitations per row shown.
//!
//! The table was rebuilt here from `invitations`; m0030 rebuilds it again (with each address's
//! signature), so this migration now leaves it empty for m0030 to fill: the rebuild used the
//! index's current code, which writes columns this migration's table does not have.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InvitationGrams {
    Table,
    Gram,
    InvitedAt,
    InvitationId,
    Status,
    ValidUntil,
}

/// The index by status, named once for `up` and `down`.
const STATUS_INDEX: &str = "idx_invitation_grams_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InvitationGrams::Table).to_owned())
            .await?;
        create_table(manager, true).await?;
        manager
            .create_index(
                Index::create()
                    .name(STATUS_INDEX)
                    .table(InvitationGrams::Table)
                    .col(InvitationGrams::Gram)
                    .col(InvitationGrams::Status)
                    .col(InvitationGrams::InvitedAt)
                    .col(InvitationGrams::InvitationId)
                    .col(InvitationGrams::ValidUntil)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to m0007's shape, left empty: that version's code indexes new invitations only.
        manager
            .drop_table(Table::drop().table(InvitationGrams::Table).to_owned())
            .await?;
        create_table(manager, false).await
    }
}

/// The table, with or without the status columns. The primary key (gram, invited_at,
/// invitation_id) is the index itself: on SQLite the table is `WITHOUT ROWID` and on
/// MariaDB/MySQL InnoDB clusters by it.
async fn create_table(manager: &SchemaManager<'_>, with_status: bool) -> Result<(), DbErr> {
    if manager.get_database_backend() == DatabaseBackend::Sqlite {
        let status = if with_status {
            "status VARCHAR(16) NOT NULL, valid_until INTEGER NOT NULL, "
        } else {
            ""
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE TABLE invitation_grams (gram INTEGER NOT NULL, \
                 invited_at INTEGER NOT NULL, invitation_id INTEGER NOT NULL, {status}\
                 PRIMARY KEY (gram, invited_at, invitation_id)) WITHOUT ROWID"
            ))
            .await?;
        return Ok(());
    }
    let mut table = Table::create();
    table
        .table(InvitationGrams::Table)
        .col(big_integer(InvitationGrams::Gram))
        .col(big_integer(InvitationGrams::InvitedAt))
        .col(integer(InvitationGrams::InvitationId));
    if with_status {
        table
            .col(string_len(InvitationGrams::Status, 16))
            .col(big_integer(InvitationGrams::ValidUntil));
    }
    table.primary_key(
        Index::create()
            .col(InvitationGrams::Gram)
            .col(InvitationGrams::InvitedAt)
            .col(InvitationGrams::InvitationId),
    );
    manager.create_table(table.to_owned()).await
}
