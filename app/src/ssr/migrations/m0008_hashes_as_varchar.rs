//! Token and session hashes become VARCHAR(64) on PostgreSQL. As CHAR(64) (bpchar) they were
//! compared with the driver's text parameters by casting the column to text, which PostgreSQL
//! cannot answer from the index: every session check and invitation link read the whole table
//! (seen at 1,000,000 invitations: a token lookup was a sequential scan). SQLite and MariaDB
//! compare either type through the index, so only PostgreSQL changes.

use sea_orm::{ConnectionTrait, DatabaseBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [(&str, &str); 2] = [("sessions", "id_hash"), ("invitations", "token_hash")];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "VARCHAR(64)").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        retype(manager, "CHAR(64)").await
    }
}

async fn retype(manager: &SchemaManager<'_>, sql_type: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for (table, column) in COLUMNS {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE {table} ALTER COLUMN {column} TYPE {sql_type}"
            ))
            .await?;
    }
    Ok(())
}
