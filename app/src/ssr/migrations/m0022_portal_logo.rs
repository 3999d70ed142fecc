//! The portal's logo (Settings › Logo): one row, its bytes and their type. A table of its own
//! so that reading the settings, which every request does, never reads an image.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PortalLogo {
    Table,
    Id,
    ContentType,
    Bytes,
    Sha256,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // MySQL's BLOB holds 64 KB; a logo may have 256 KB.
        let bytes = if manager.get_database_backend() == sea_orm::DatabaseBackend::MySql {
            ColumnDef::new(PortalLogo::Bytes)
                .custom(Alias::new("mediumblob"))
                .not_null()
                .to_owned()
        } else {
            blob(PortalLogo::Bytes)
        };
        manager
            .create_table(
                Table::create()
                    .table(PortalLogo::Table)
                    .col(integer(PortalLogo::Id).primary_key())
                    .col(string_len(PortalLogo::ContentType, 16))
                    .col(bytes)
                    .col(string_len(PortalLogo::Sha256, 64))
                    .col(timestamp_with_time_zone(PortalLogo::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortalLogo::Table).to_owned())
            .await
    }
}
