//! Reminders before an invitation expires, and developers' requests for a new invitation
//! (docs/reminders-and-requests.md). SQLite alters one column per statement, so each column
//! is its own statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Settings {
    Table,
    ReminderHours,
    AutoResendRequests,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    RemindAt,
    RemindedAt,
    ReminderTokenHash,
}

#[derive(DeriveIden)]
enum LinkRequests {
    Table,
    Id,
    InvitationId,
    Email,
    EmailNormalized,
    Status,
    WaitingEmail,
    RequestedAt,
    DecidedAt,
    DecidedBy,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

const REMIND_AT_INDEX: &str = "idx_invitations_remind_at";
const REMINDER_TOKEN_INDEX: &str = "idx_invitations_reminder_token_hash";
const REQUESTS_BY_ADDRESS: &str = "idx_link_requests_address";
const REQUESTS_BY_STATUS: &str = "idx_link_requests_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let add = |table: TableAlterStatement| async move { manager.alter_table(table).await };
        add(Table::alter()
            .table(Settings::Table)
            .add_column(integer(Settings::ReminderHours).default(24))
            .to_owned())
        .await?;
        add(Table::alter()
            .table(Settings::Table)
            .add_column(boolean(Settings::AutoResendRequests).default(false))
            .to_owned())
        .await?;
        add(Table::alter()
            .table(Invitations::Table)
            .add_column(timestamp_with_time_zone_null(Invitations::RemindAt))
            .to_owned())
        .await?;
        add(Table::alter()
            .table(Invitations::Table)
            .add_column(timestamp_with_time_zone_null(Invitations::RemindedAt))
            .to_owned())
        .await?;
        add(Table::alter()
            .table(Invitations::Table)
            .add_column(string_len_null(Invitations::ReminderTokenHash, 64))
            .to_owned())
        .await?;
        manager
            .create_index(
                Index::create()
                    .name(REMIND_AT_INDEX)
                    .table(Invitations::Table)
                    .col(Invitations::RemindAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(REMINDER_TOKEN_INDEX)
                    .table(Invitations::Table)
                    .col(Invitations::ReminderTokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LinkRequests::Table)
                    .col(pk_auto(LinkRequests::Id))
                    // Kept when the invitation goes (deleted, or a sign-up swept), so the
                    // address's limit still counts it.
                    .col(integer_null(LinkRequests::InvitationId))
                    .col(string_len(LinkRequests::Email, 254))
                    .col(string_len(LinkRequests::EmailNormalized, 254))
                    .col(string_len(LinkRequests::Status, 16))
                    .col(string_len_null(LinkRequests::WaitingEmail, 254).unique_key())
                    .col(timestamp_with_time_zone(LinkRequests::RequestedAt))
                    .col(timestamp_with_time_zone_null(LinkRequests::DecidedAt))
                    .col(integer_null(LinkRequests::DecidedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LinkRequests::Table, LinkRequests::InvitationId)
                            .to(Invitations::Table, Invitations::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LinkRequests::Table, LinkRequests::DecidedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(REQUESTS_BY_ADDRESS)
                    .table(LinkRequests::Table)
                    .col(LinkRequests::EmailNormalized)
                    .col(LinkRequests::RequestedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(REQUESTS_BY_STATUS)
                    .table(LinkRequests::Table)
                    .col(LinkRequests::Status)
                    .col(LinkRequests::RequestedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LinkRequests::Table).to_owned())
            .await?;
        for index in [REMIND_AT_INDEX, REMINDER_TOKEN_INDEX] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(Invitations::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Invitations::RemindAt,
            Invitations::RemindedAt,
            Invitations::ReminderTokenHash,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Invitations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Settings::ReminderHours, Settings::AutoResendRequests] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Settings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
