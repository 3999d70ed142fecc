//! `invitation_gram_stats`: how many invitations have each common gram, counted now and again
//! by the housekeeping sweep (`search_index::count_grams`), so the list walks the rarest of a
//! term's common grams instead of the first.

use sea_orm_migration::{prelude::*, schema::*};

use crate::ssr::services::search_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum InvitationGramStats {
    Table,
    Gram,
    Invitations,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InvitationGramStats::Table)
                    .col(big_integer(InvitationGramStats::Gram).primary_key())
                    .col(big_integer(InvitationGramStats::Invitations))
                    .to_owned(),
            )
            .await?;
        search_index::count_grams(manager.get_connection(), chrono::Utc::now()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(InvitationGramStats::Table).to_owned())
            .await
    }
}
