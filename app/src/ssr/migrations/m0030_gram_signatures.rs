//! Each search index row learns its address's signature (`domain::search::signature`: one bit
//! per gram of the address), and both of the index's orders carry it, so a walk of one gram's
//! rows passes over those lacking a term's other grams from the index alone. Before, each
//! walked row looked up the next two grams by key (2-3 microseconds each on PostgreSQL), and a
//! term whose grams are common counted its matches in tens of milliseconds at 1,000,000
//! invitations.
//!
//! The table is made again, with the signature as an included column of PostgreSQL's two
//! indexes; on SQLite (`WITHOUT ROWID`) and MariaDB (InnoDB) the primary key is the table,
//! which holds the signature, and their index by status gets it as its last column.
//!
//! It was filled here from `invitations`; m0033 makes it again (with each row's address) and
//! fills it, so this migration now leaves it empty: the rebuild used the index's current code,
//! which writes a column this migration's table does not have.

use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table's columns, the same on every backend but for the 64-bit integers' type.
fn columns(backend: DatabaseBackend) -> String {
    let big = match backend {
        DatabaseBackend::Sqlite => "INTEGER",
        _ => "BIGINT",
    };
    format!(
        "gram {big} NOT NULL, invited_at {big} NOT NULL, invitation_id INTEGER NOT NULL, \
         status VARCHAR(16) NOT NULL, valid_until {big} NOT NULL, \
         signature {big} NOT NULL DEFAULT -1"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One transaction, so one connection: on SQLite another pooled connection could still
        // hold the dropped table's schema, and refuse the new index's name as taken.
        let db = manager.get_connection().begin().await?;
        let backend = manager.get_database_backend();
        db.execute_unprepared("DROP TABLE invitation_grams").await?;
        let columns = columns(backend);
        let key = "PRIMARY KEY (gram, invited_at, invitation_id)";
        let table = match backend {
            DatabaseBackend::Sqlite => {
                format!("CREATE TABLE invitation_grams ({columns}, {key}) WITHOUT ROWID")
            }
            // Its indexes come once the rows are in (below).
            DatabaseBackend::Postgres => format!("CREATE TABLE invitation_grams ({columns})"),
            // MariaDB, MySQL
            _ => format!("CREATE TABLE invitation_grams ({columns}, {key})"),
        };
        let after: &[&str] = if backend == DatabaseBackend::Postgres {
            &[
                "ALTER TABLE invitation_grams ADD CONSTRAINT invitation_grams_pkey \
                 PRIMARY KEY (gram, invited_at, invitation_id) INCLUDE (signature)",
                "CREATE INDEX idx_invitation_grams_status ON invitation_grams \
                 (gram, status, invited_at, invitation_id, valid_until) INCLUDE (signature)",
            ]
        } else {
            &[
                "CREATE INDEX idx_invitation_grams_status ON invitation_grams \
               (gram, status, invited_at, invitation_id, valid_until, signature)",
            ]
        };
        db.execute_unprepared(&table).await?;
        for statement in after {
            db.execute_unprepared(statement).await?;
        }
        db.commit().await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to m0029's shape, rows kept: the column goes, the indexes lose it.
        let db = manager.get_connection().begin().await?;
        let backend = manager.get_database_backend();
        let statements: &[&str] = match backend {
            DatabaseBackend::Postgres => &[
                "ALTER TABLE invitation_grams DROP CONSTRAINT invitation_grams_pkey",
                "DROP INDEX idx_invitation_grams_status",
                "ALTER TABLE invitation_grams DROP COLUMN signature",
                "ALTER TABLE invitation_grams ADD PRIMARY KEY (gram, invited_at, invitation_id)",
            ],
            DatabaseBackend::Sqlite => &[
                "DROP INDEX idx_invitation_grams_status",
                "ALTER TABLE invitation_grams DROP COLUMN signature",
            ],
            _ => &[
                "DROP INDEX idx_invitation_grams_status ON invitation_grams",
                "ALTER TABLE invitation_grams DROP COLUMN signature",
            ],
        };
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        db.execute_unprepared(
            "CREATE INDEX idx_invitation_grams_status ON invitation_grams \
             (gram, status, invited_at, invitation_id, valid_until)",
        )
        .await?;
        db.commit().await
    }
}
