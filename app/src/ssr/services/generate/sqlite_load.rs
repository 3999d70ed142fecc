//! A large run on SQLite: transactions of up to [`CHUNK`] invitations, each with a page cache
//! large enough to hold the search index's pages it changes. Committed batch by batch, each of
//! the run's commits wrote every index page its batch touched to the WAL (a batch's ~16,000
//! index rows land on pages all over the index), and the checkpoints after them wrote the same
//! pages again into the database file: most of a 100,000-row run was the kernel's time spent
//! writing (BENCHMARKS.md, "A faster machine of the Intel kind"). In one transaction a page is
//! written once, when the cache spills it or at the commit. A failure or a kill rolls back the
//! chunk under way; the chunks before it stay.
//!
//! A chunk's index rows are added together at its end, in the index's order (about 3,200,000
//! rows, sorted in memory): one pass over the index, each page read and changed once. Added
//! batch by batch, each batch's rows landed all over an index larger than the cache past about
//! 300,000 invitations, and each chunk read most pages back many times: 1,000,000 invitations
//! took 61 minutes (on an earlier machine), 5 min 31 s this way (BENCHMARKS.md, "SQLite filled
//! in sorted chunks").

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

/// Invitations per transaction. A whole run of 1,000,000 as one transaction was still going
/// after 15 minutes, its uncommitted WAL at 3.5 GB: once the index outgrows the cache, every
/// spilled page goes to a WAL that no checkpoint can shorten until the end. 100,000, measured
/// whole (29 s), bounds the WAL to about one chunk's pages and lets a checkpoint follow each.
pub const CHUNK: usize = 100_000;

/// The run's page cache, in KiB (SQLite's negative `cache_size`): 1 GiB, about the size of the
/// search index of 150,000 invitations; a larger run spills what does not fit.
const RUN_CACHE_KIB: i64 = 1024 * 1024;

/// The connection's page cache before the run, to be set again before it goes back to the pool.
pub struct Cache {
    before: i64,
}

/// Enlarges the page cache of `txn`'s connection for the run.
pub async fn enlarge(txn: &DatabaseTransaction) -> Result<Cache, DbErr> {
    let before = txn
        .query_one_raw(sea_orm::Statement::from_string(
            txn.get_database_backend(),
            "PRAGMA cache_size",
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(-2000);
    txn.execute_unprepared(&format!("PRAGMA cache_size = -{RUN_CACHE_KIB}"))
        .await?;
    Ok(Cache { before })
}

impl Cache {
    /// Sets the connection's page cache back; its pages still to be written go at the commit.
    pub async fn restore(self, txn: &DatabaseTransaction) -> Result<(), DbErr> {
        txn.execute_unprepared(&format!("PRAGMA cache_size = {}", self.before))
            .await?;
        Ok(())
    }
}
