//! Columns for the Developers page and self sign-up: when an admin deactivated an account and
//! when it last signed in; the name and password hash a self-registering developer chose,
//! kept on the invitation until the confirmation link is used.

use sea_orm_migration::{prelude::*, schema::*};

use super::{
    m0001_accounts_and_sessions::Accounts, m0002_invitations_settings_outbox::Invitations,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Added {
    DeactivatedAt,
    LastLoginAt,
    SignUpFullName,
    SignUpPasswordHash,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        let added = [
            (
                Accounts::Table.into_iden(),
                timestamp_with_time_zone_null(Added::DeactivatedAt),
            ),
            (
                Accounts::Table.into_iden(),
                timestamp_with_time_zone_null(Added::LastLoginAt),
            ),
            (
                Invitations::Table.into_iden(),
                string_len_null(Added::SignUpFullName, 400),
            ),
            (
                Invitations::Table.into_iden(),
                string_len_null(Added::SignUpPasswordHash, 255),
            ),
        ];
        for (table, mut column) in added {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let dropped = [
            (Accounts::Table.into_iden(), Added::DeactivatedAt),
            (Accounts::Table.into_iden(), Added::LastLoginAt),
            (Invitations::Table.into_iden(), Added::SignUpFullName),
            (Invitations::Table.into_iden(), Added::SignUpPasswordHash),
        ];
        for (table, column) in dropped {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
