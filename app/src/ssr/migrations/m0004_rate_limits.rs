//! Rate-limit counters, in the database so that every replica counts the same attempts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    /// What is counted and for whom, e.g. `login-ip:203.0.113.7` (hashed when it names a
    /// person, see `ssr::rate_limit`).
    Bucket,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(string_len(RateLimits::Bucket, 128).primary_key())
                    .col(timestamp_with_time_zone(RateLimits::WindowStart))
                    .col(integer(RateLimits::Hits))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await
    }
}
