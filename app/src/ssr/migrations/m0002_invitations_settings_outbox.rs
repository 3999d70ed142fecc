use sea_orm_migration::{prelude::*, schema::*};

use super::m0001_accounts_and_sessions::Accounts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Invitations {
    Table,
    Id,
    Email,
    EmailNormalized,
    /// The normalized email while the row is Pending or Waiting, NULL otherwise. Its unique
    /// index allows one live invitation per address on every backend (MariaDB has no partial
    /// indexes, and NULLs never collide).
    LiveEmail,
    Status,
    Origin,
    InvitedBy,
    PreApproved,
    TokenHash,
    InvitedAt,
    ValidUntil,
    SupersedesId,
    AccountId,
    CompletedAt,
    DecidedAt,
    DecidedBy,
}

#[derive(DeriveIden)]
enum Settings {
    Table,
    Id,
    AutoApprove,
    ValidityHours,
    SelfRegistration,
    LoginBackground,
    PortalContent,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Recipient,
    InvitationId,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(pk_auto(Invitations::Id))
                    .col(string_len(Invitations::Email, 254))
                    .col(string_len(Invitations::EmailNormalized, 254))
                    .col(string_len_null(Invitations::LiveEmail, 254).unique_key())
                    .col(string_len(Invitations::Status, 16))
                    .col(string_len(Invitations::Origin, 24))
                    .col(integer_null(Invitations::InvitedBy))
                    .col(boolean(Invitations::PreApproved))
                    .col(char_len_uniq(Invitations::TokenHash, 64))
                    .col(timestamp_with_time_zone(Invitations::InvitedAt))
                    .col(timestamp_with_time_zone(Invitations::ValidUntil))
                    .col(integer_null(Invitations::SupersedesId))
                    .col(integer_null(Invitations::AccountId))
                    .col(timestamp_with_time_zone_null(Invitations::CompletedAt))
                    .col(timestamp_with_time_zone_null(Invitations::DecidedAt))
                    .col(integer_null(Invitations::DecidedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::InvitedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Invitations::Table, Invitations::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_invitations_invited_at", vec![Invitations::InvitedAt]),
            (
                "idx_invitations_status_invited_at",
                vec![Invitations::Status, Invitations::InvitedAt],
            ),
            ("idx_invitations_email", vec![Invitations::EmailNormalized]),
            ("idx_invitations_valid_until", vec![Invitations::ValidUntil]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Invitations::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Settings::Table)
                    // One row (id = 1): the portal's settings.
                    .col(integer(Settings::Id).primary_key())
                    .col(boolean(Settings::AutoApprove))
                    .col(integer(Settings::ValidityHours))
                    .col(string_len(Settings::SelfRegistration, 24))
                    .col(string_len(Settings::LoginBackground, 7))
                    .col(text(Settings::PortalContent))
                    .col(timestamp_with_time_zone(Settings::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_auto(Outbox::Id))
                    .col(string_len(Outbox::Kind, 32))
                    .col(string_len(Outbox::Recipient, 254))
                    .col(integer_null(Outbox::InvitationId))
                    .col(text(Outbox::Payload))
                    .col(string_len(Outbox::Status, 16))
                    .col(integer(Outbox::Attempts))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_invitation")
                    .table(Outbox::Table)
                    .col(Outbox::InvitationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Outbox::Table.into_iden(),
            Settings::Table.into_iden(),
            Invitations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
