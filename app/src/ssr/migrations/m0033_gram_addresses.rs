//! Each search index row holds its invitation's address, in both of the index's orders, so a
//! walk checks a walked row's match on the index row itself. Before, each row the grams and
//! the signature let through had its address looked up by id: about 3 microseconds a check on
//! PostgreSQL (from `idx_invitations_id_email`, m0031, dropped here as nothing reads it any
//! more), so a term with 1,000 matches paid at least 3 ms of lookups, and the set or lookups
//! of its next grams before them (docs/search.md, "The address in the index rows").
//!
//! The table is made again and filled from `invitations`, in batches by id (as m0030 did); on
//! PostgreSQL its two indexes are built after the rows are in (one sort each instead of an
//! insert per row), the signature and the address as included columns. On SQLite (`WITHOUT
//! ROWID`) and MariaDB (InnoDB) the primary key is the table, which holds both; their index by
//! status gets them as its last columns.

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

const KEY: &str = "PRIMARY KEY (gram, invited_at, invitation_id)";

/// The table's columns, the same on every backend but for the 64-bit integers' type; the
/// address as `invitations.email_normalized` is.
fn columns(backend: DatabaseBackend) -> String {
    let big = match backend {
        DatabaseBackend::Sqlite => "INTEGER",
        _ => "BIGINT",
    };
    format!(
        "gram {big} NOT NULL, invited_at {big} NOT NULL, invitation_id INTEGER NOT NULL, \
         status VARCHAR(16) NOT NULL, valid_until {big} NOT NULL, \
         signature {big} NOT NULL DEFAULT -1, email_normalized VARCHAR(254) NOT NULL"
    )
}

/// The two orders of the index, built once the rows are in: with the signature and the
/// address (`with_address`) or, going back to m0030's shape, the signature alone.
fn indexes(backend: DatabaseBackend, with_address: bool) -> Vec<String> {
    let carried = if with_address {
        "signature, email_normalized"
    } else {
        "signature"
    };
    match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "ALTER TABLE invitation_grams ADD CONSTRAINT invitation_grams_pkey \
                 {KEY} INCLUDE ({carried})"
            ),
            format!(
                "CREATE INDEX idx_invitation_grams_status ON invitation_grams \
                 (gram, status, invited_at, invitation_id, valid_until) INCLUDE ({carried})"
            ),
        ],
        _ => vec![format!(
            "CREATE INDEX idx_invitation_grams_status ON invitation_grams \
             (gram, status, invited_at, invitation_id, valid_until, {carried})"
        )],
    }
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
        let table = match backend {
            DatabaseBackend::Sqlite => {
                format!("CREATE TABLE invitation_grams ({columns}, {KEY}) WITHOUT ROWID")
            }
            // Its indexes come once the rows are in (below).
            DatabaseBackend::Postgres => format!("CREATE TABLE invitation_grams ({columns})"),
            // MariaDB, MySQL
            _ => format!("CREATE TABLE invitation_grams ({columns}, {KEY})"),
        };
        db.execute_unprepared(&table).await?;
        rebuild(&db).await?;
        for statement in indexes(backend, true) {
            db.execute_unprepared(&statement).await?;
        }
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared("DROP INDEX IF EXISTS idx_invitations_id_email")
                .await?;
        }
        // The planner's statistics, counted again: a database older than m0030 reached here
        // with the index empty (m0030 no longer fills it), and would wait a day for a count.
        search_index::count_grams(&db, Utc::now()).await?;
        db.commit().await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Back to m0032's shape, rows kept: the column goes, the indexes lose it, and
        // PostgreSQL's index of ids and addresses (m0031) comes back.
        let db = manager.get_connection().begin().await?;
        let backend = manager.get_database_backend();
        let drops: &[&str] = match backend {
            DatabaseBackend::Postgres => &[
                "ALTER TABLE invitation_grams DROP CONSTRAINT invitation_grams_pkey",
                "DROP INDEX idx_invitation_grams_status",
            ],
            DatabaseBackend::Sqlite => &["DROP INDEX idx_invitation_grams_status"],
            _ => &["DROP INDEX idx_invitation_grams_status ON invitation_grams"],
        };
        for statement in drops {
            db.execute_unprepared(statement).await?;
        }
        db.execute_unprepared("ALTER TABLE invitation_grams DROP COLUMN email_normalized")
            .await?;
        for statement in indexes(backend, false) {
            db.execute_unprepared(&statement).await?;
        }
        if backend == DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX idx_invitations_id_email ON invitations (id, email_normalized)",
            )
            .await?;
        }
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
