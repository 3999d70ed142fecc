//! Self sign-ups no longer take a password: it is chosen on the emailed link's page, by whoever
//! reads that mailbox (see SECURITY.md, "Self sign-up"). The password hashes that unfinished
//! sign-ups stored before are never read again, so they are erased; the column stays, empty,
//! so that an older server started by mistake on this database still runs.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE invitations SET sign_up_password_hash = NULL \
                 WHERE sign_up_password_hash IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Erased hashes cannot come back; unfinished sign-ups ask for a password either way.
        Ok(())
    }
}
