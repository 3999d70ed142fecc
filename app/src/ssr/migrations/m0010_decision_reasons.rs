//! The reason an admin gave when denying a registration, kept on the invitation for its details
//! in the list (the same words are in the audit log and in the email to the developer). NULL
//! for every earlier decision and for denials without a reason. VARCHAR(500): at most
//! `MAX_DECISION_REASON_CHARS` characters, which PostgreSQL and MariaDB count as characters,
//! not bytes.

use sea_orm_migration::{prelude::*, schema::*};

use super::m0002_invitations_settings_outbox::Invitations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Added {
    DecisionReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(string_len_null(Added::DecisionReason, 500))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .drop_column(Added::DecisionReason)
                    .to_owned(),
            )
            .await
    }
}
