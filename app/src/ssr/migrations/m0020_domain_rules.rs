//! Domain rules (Settings › Domain rules): one rule per mail domain, allow or deny, with or
//! without its subdomains.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DomainRules {
    Table,
    Id,
    Domain,
    Kind,
    IncludeSubdomains,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DomainRules::Table)
                    .col(pk_auto(DomainRules::Id))
                    // Lower-case ASCII, so the unique index means one rule per domain on every
                    // backend whatever its collation.
                    .col(string_len_uniq(DomainRules::Domain, 253))
                    .col(string_len(DomainRules::Kind, 8))
                    .col(boolean(DomainRules::IncludeSubdomains))
                    .col(integer_null(DomainRules::CreatedBy))
                    .col(timestamp_with_time_zone(DomainRules::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DomainRules::Table, DomainRules::CreatedBy)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DomainRules::Table).to_owned())
            .await
    }
}
