//! On PostgreSQL, an index of each invitation's id with its normalized address, so that a
//! search's walk checks a walked row's address from an index alone. A walk checks the address
//! of every row its grams let through (`list::matches`), each by id: through the primary key,
//! that read the invitation's row from the table, about 4.5 microseconds a check at 1,000,000
//! invitations; from this index (57 MB there, a quarter of the table's 234 MB, so it stays in
//! the buffer cache), about 3. Counting the 1,001 matches of `nus.lov`: 8.8 ms before, 6.4
//! with it (BENCHMARKS.md, "An address checked from an index, a short term counted from its
//! range, and a connection's TLS").
//!
//! SQLite and MariaDB need nothing: a lookup by key reads the row from the key's own B-tree
//! (the rowid table, the clustered primary key).

use sea_orm::DatabaseBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitations {
    Table,
    Id,
    EmailNormalized,
}

const NAME: &str = "idx_invitations_id_email";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(Invitations::Table)
                    .col(Invitations::Id)
                    .col(Invitations::EmailNormalized)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(Invitations::Table)
                    .to_owned(),
            )
            .await
    }
}
