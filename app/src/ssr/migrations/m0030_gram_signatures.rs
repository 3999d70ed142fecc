//! Each search index row learns its address's signature (`domain::search::signature`: one bit
//! per gram of the address), and both of the index's orders carry it, so a walk of one gram's
//! rows passes over those lacking a term's other grams from the index alone. Before, each
//! walked row looked up the next two grams by key (2-3 microseconds each on PostgreSQL), and a
//! term whose grams are common counted its matches in tens of milliseconds at 1,000,000
//! invitations.
//!
//! The table is made again and filled from `invitations`, in batches by id (as m0026 once
//! did); on PostgreSQL its two indexes are built after the rows are in (one sort each instead
//! of an insert per row), with the signature as an included column. On SQLite (`WITHOUT
//! ROWID`) and MariaDB (InnoDB) the primary key is the table, which holds the signature; their
//! index by status gets it as its last column.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use sea_orm_migration::prelude::*;

use crate::ssr::{entities::invitation, services::search_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Invitations indexed per step of the rebuild.
const BATCH: u64 = 2_000;

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
        rebuild(&db).await?;
        for statement in after {
            db.execute_unprepared(statement).await?;
        }
        // The planner's statistics, counted again: a database older than m0026 reached m0027
        // with the index empty (m0026 no longer fills it), and would wait a day for a count.
        search_index::count_grams(&db, Utc::now()).await?;
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

/// What the index needs of an invitation: id, address, date, status, valid-until.
type StoredRow = (i32, String, DateTime<Utc>, String, DateTime<Utc>);

/// Indexes every stored invitation, in batches by id.
async fn rebuild(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let mut after = 0;
    loop {
        // The columns the index needs, by name: a later migration's columns do not exist yet.
        let batch: Vec<StoredRow> = invitation::Entity::find()
            .select_only()
            .columns([
                invitation::Column::Id,
                invitation::Column::EmailNormalized,
                invitation::Column::InvitedAt,
                invitation::Column::Status,
                invitation::Column::ValidUntil,
            ])
            .filter(invitation::Column::Id.gt(after))
            .order_by_asc(invitation::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.0;
        let entries: Vec<search_index::Entry> = batch
            .iter()
            .map(
                |(id, email, invited_at, status, valid_until)| search_index::Entry {
                    invitation_id: *id,
                    email_normalized: email,
                    invited_at: *invited_at,
                    status: status.trim_end(),
                    valid_until: *valid_until,
                },
            )
            .collect();
        search_index::add(db, &entries).await?;
    }
}
