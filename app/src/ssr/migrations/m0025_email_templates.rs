//! The admins' own words for the developer-facing emails (Settings › Emails): one row per
//! email kind that was changed; no row means the default words.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailTemplates {
    Table,
    Kind,
    Subject,
    Body,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailTemplates::Table)
                    // The kind's slug (`invitation`, `password-reset`...).
                    .col(string_len(EmailTemplates::Kind, 40).primary_key())
                    // Characters, not bytes: a subject of 150 characters fits in 600.
                    .col(string_len(EmailTemplates::Subject, 600))
                    .col(text(EmailTemplates::Body))
                    .col(integer_null(EmailTemplates::UpdatedBy))
                    .col(timestamp_with_time_zone(EmailTemplates::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EmailTemplates::Table, EmailTemplates::UpdatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailTemplates::Table).to_owned())
            .await
    }
}
