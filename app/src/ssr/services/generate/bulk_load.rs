//! PostgreSQL's own advice for a large load ("Populating a Database" in its manual): drop the
//! indexes and constraints of the tables being filled, insert, then build them again. Each
//! index row inserted one at a time lands on a random page of an index far larger than the
//! buffer cache (the search index has about 32 rows per invitation), and each page's first
//! change after a checkpoint writes the whole page to the WAL; built at the end, an index is
//! one sort. The invitations' primary key stays: a run reads each batch's new ids back by it.
//!
//! Everything happens in the run's one transaction (PostgreSQL's DDL is transactional): a run
//! that fails or is killed leaves the tables, their indexes and their constraints as they were.
//! The dropped indexes are rebuilt from their own definitions (`pg_get_indexdef`,
//! `pg_get_constraintdef`), so nothing here repeats the migrations.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

/// The tables a run fills.
const TABLES: &str = "'invitations', 'invitation_grams'";

/// What was dropped, to be built again in this order: primary and unique keys, then the other
/// indexes.
pub struct Dropped {
    rebuild: Vec<String>,
}

/// Drops the indexes and keys of the generated tables but the invitations' primary key, within
/// `txn`, which holds both tables locked until it ends. Foreign keys stay: a generated
/// invitation's are empty, which costs their check nothing, and dropping one would lock the
/// table it references as well.
pub async fn drop_indexes(txn: &DatabaseTransaction) -> Result<Dropped, DbErr> {
    // Both locks at once, in the order the app's own transactions take them (an invitation,
    // then its index rows), so that a request waits for the run rather than deadlocking it.
    txn.execute_unprepared("LOCK TABLE invitations, invitation_grams IN ACCESS EXCLUSIVE MODE")
        .await?;
    let constraints = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT quote_ident(c.conname), c.conrelid::regclass::text, \
                 pg_get_constraintdef(c.oid) \
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 WHERE t.relname IN ({TABLES}) AND t.relnamespace = current_schema()::regnamespace \
                 AND c.contype IN ('p', 'u') \
                 AND NOT (t.relname = 'invitations' AND c.contype = 'p')"
            ),
        ))
        .await?;
    let indexes = txn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) \
                 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid \
                 WHERE t.relname IN ({TABLES}) AND t.relnamespace = current_schema()::regnamespace \
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            ),
        ))
        .await?;
    let (mut drops, mut rebuild) = (Vec::new(), Vec::new());
    for row in &constraints {
        let (name, table, definition): (String, String, String) = (
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
        );
        drops.push(format!("ALTER TABLE {table} DROP CONSTRAINT {name}"));
        rebuild.push(format!(
            "ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
        ));
    }
    for row in &indexes {
        let (name, definition): (String, String) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
        drops.push(format!("DROP INDEX {name}"));
        rebuild.push(definition);
    }
    for statement in &drops {
        txn.execute_unprepared(statement).await?;
    }
    Ok(Dropped { rebuild })
}

impl Dropped {
    /// Builds again what [`drop_indexes`] dropped, each index by one sort.
    pub async fn rebuild(self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        // Each build sorts its whole index: more memory for the sort than a query's default.
        txn.execute_unprepared("SET LOCAL maintenance_work_mem = '512MB'")
            .await?;
        for statement in &self.rebuild {
            txn.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
