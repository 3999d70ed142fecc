//! Fills a database with realistic invitations for benchmarks and demos (`server generate`):
//! every status, spread over the past months, with plausible addresses. Rows go in batches,
//! each batch one transaction, so a large run neither holds one huge transaction nor leaves
//! half a batch behind; except a large run (at least as many invitations as are stored), which
//! goes in large transactions: on PostgreSQL one, which builds the indexes once at its end
//! (`bulk_load`) and which a failure or a kill rolls back whole; on SQLite one per 100,000
//! invitations, each writing a changed page once (`sqlite_load`).

mod bulk_load;
mod sqlite_load;

use chrono::{DateTime, Duration, Utc};
use rand::{rngs::StdRng, Rng, SeedableRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};

use crate::{
    domain::{StoredStatus, Validity},
    model::invitation::Origin,
    ssr::{db::begin_write, entities::invitation, random::token_hash, services::search_index},
};

const FIRST: [&str; 16] = [
    "ada",
    "alan",
    "grace",
    "linus",
    "barbara",
    "ken",
    "margaret",
    "dennis",
    "radia",
    "guido",
    "frances",
    "edsger",
    "katherine",
    "tim",
    "hedy",
    "john",
];
const LAST: [&str; 16] = [
    "lovelace",
    "turing",
    "hopper",
    "torvalds",
    "liskov",
    "thompson",
    "hamilton",
    "ritchie",
    "perlman",
    "rossum",
    "allen",
    "dijkstra",
    "johnson",
    "berners-lee",
    "lamarr",
    "backus",
];
const DOMAINS: [&str; 10] = [
    "example.com",
    "acme.io",
    "globex.net",
    "initech.dev",
    "umbrella.org",
    "hooli.com",
    "stark-industries.co",
    "wayne.example",
    "cyberdyne.ai",
    "tyrell.systems",
];

/// Rows per insert (and per transaction): under every backend's parameter limit.
const BATCH: usize = 500;

/// Inserts `count` invitations; returns how many were written. `seed` makes runs repeatable.
///
/// A run may add to a database that already has invitations (the benchmark's cost curve grows
/// one database from 10,000 to 1,000,000 rows), so its addresses are numbered from the highest
/// id already stored: every earlier generated row's number is below its own id, so no address
/// repeats. The seed is offset by the same number, so a second run does not repeat the first
/// run's names in the same order.
///
/// A run adding at least as many invitations as are stored goes in large transactions: on
/// PostgreSQL one, which drops the tables' indexes first and builds them again at the end
/// (`bulk_load`); on SQLite one per 100,000 invitations, holding the pages it changes in a
/// larger cache (`sqlite_load`). Otherwise, and on MySQL, each batch is its own transaction.
pub async fn invitations(db: &DatabaseConnection, count: u64, seed: u64) -> Result<u64, DbErr> {
    invitations_indexed(db, count, seed, Indexing::Fastest).await
}

/// How a run keeps the indexes of the tables it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// A run adding at least as many invitations as are stored goes in large transactions:
    /// on PostgreSQL one, which drops them and builds each once at its end (`bulk_load`),
    /// compact and sorted; on SQLite one per 100,000 invitations, each writing a changed page
    /// once (`sqlite_load`).
    Fastest,
    /// Updated batch by batch, row by row, as in a database that grew by use (pages split
    /// as rows arrive): slower to fill, for measuring such a database.
    AsUsed,
}

/// [`invitations`], keeping the indexes as `indexing` says.
pub async fn invitations_indexed(
    db: &DatabaseConnection,
    count: u64,
    seed: u64,
    indexing: Indexing,
) -> Result<u64, DbErr> {
    let now = super::invitations::to_micros(Utc::now());
    let first_number = highest_id(db).await?.map_or(0, |id| id as u64);
    let mut batches = Batches {
        rng: StdRng::seed_from_u64(seed.wrapping_add(first_number)),
        first_number,
        run: format!("{seed:x}-{}", now.timestamp()),
        now,
        count,
        written: 0,
    };
    // Before any is written: the list's Pending search trusts no invitation to be valid for
    // longer than recorded.
    super::longest_validity::raise(db, VALIDITY).await?;
    let backend = db.get_database_backend();
    let large_run = indexing == Indexing::Fastest
        && matches!(backend, DbBackend::Postgres | DbBackend::Sqlite)
        && count >= stored(db).await?
        && count > 0;
    if large_run && backend == DbBackend::Postgres {
        let txn = begin_write(db).await?;
        let dropped = bulk_load::drop_indexes(&txn).await?;
        while let Some(stored) = batches.insert_next(&txn).await? {
            index(&txn, &stored).await?;
        }
        dropped.rebuild(&txn).await?;
        txn.commit().await?;
    } else if large_run {
        // One transaction per `sqlite_load::CHUNK` invitations, each with the larger cache,
        // and the chunk's index rows added together, in one pass over the index.
        let mut more = true;
        while more {
            let txn = begin_write(db).await?;
            let cache = sqlite_load::enlarge(&txn).await?;
            let mut chunk = Vec::with_capacity(sqlite_load::CHUNK);
            for _ in 0..sqlite_load::CHUNK / BATCH {
                match batches.insert_next(&txn).await? {
                    Some(stored) => chunk.extend(stored),
                    None => {
                        more = false;
                        break;
                    }
                }
            }
            index(&txn, &chunk).await?;
            cache.restore(&txn).await?;
            txn.commit().await?;
        }
    } else {
        // Each batch's transaction reads the highest id before it inserts: begun IMMEDIATE, so
        // on SQLite a server writing the same file meanwhile is waited for, where a deferred
        // transaction's read-then-write would fail at once with "database is locked".
        loop {
            let txn = begin_write(db).await?;
            let Some(stored) = batches.insert_next(&txn).await? else {
                break;
            };
            index(&txn, &stored).await?;
            txn.commit().await?;
        }
    }
    // The planner's statistics, as the daily sweep would count them (and in one transaction,
    // since a server's sweep may be counting the same database at this moment).
    search_index::recount_grams(db, now).await?;
    Ok(batches.written)
}

/// A run's batches: its random choices, and how far it has come.
struct Batches {
    rng: StdRng,
    /// The number of the run's first address.
    first_number: u64,
    /// Marks the run's token hashes.
    run: String,
    now: DateTime<Utc>,
    count: u64,
    written: u64,
}

impl Batches {
    /// Inserts the next batch in `txn` and returns its rows as stored, to be indexed
    /// ([`index`]); `None` once the run's invitations are all written (nothing then inserted).
    async fn insert_next(
        &mut self,
        txn: &DatabaseTransaction,
    ) -> Result<Option<Vec<invitation::Model>>, DbErr> {
        let size = BATCH.min((self.count - self.written) as usize);
        if size == 0 {
            return Ok(None);
        }
        let first = self.first_number + self.written;
        let rows: Vec<invitation::ActiveModel> = (0..size)
            .map(|i| row(&mut self.rng, first + i as u64, &self.run, self.now))
            .collect();
        let tokens: std::collections::HashSet<String> = rows
            .iter()
            .map(|row| row.token_hash.clone().unwrap())
            .collect();
        let before = highest_id(txn).await?;
        invitation::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
        // Read back the new ids (not every backend returns them from a multi-row insert): the
        // rows after the highest id before, by primary key, and of those only this batch's.
        let stored: Vec<invitation::Model> = invitation::Entity::find()
            .filter(invitation::Column::Id.gt(before.unwrap_or(0)))
            .all(txn)
            .await?;
        let stored: Vec<_> = stored
            .into_iter()
            .filter(|row| tokens.contains(row.token_hash.trim_end()))
            .collect();
        self.written += size as u64;
        Ok(Some(stored))
    }
}

/// Adds the search index rows of `stored`, in `txn`. `search_index::add` inserts them in the
/// index's order, so each of its pages is visited once however many invitations they are.
async fn index(txn: &DatabaseTransaction, stored: &[invitation::Model]) -> Result<(), DbErr> {
    let entries: Vec<search_index::Entry> = stored.iter().map(search_index::Entry::from).collect();
    search_index::add(txn, &entries).await
}

/// How many invitations are stored.
async fn stored(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    invitation::Entity::find().count(db).await
}

/// The highest invitation id stored, if any.
async fn highest_id(db: &impl ConnectionTrait) -> Result<Option<i32>, DbErr> {
    Ok(invitation::Entity::find()
        .select_only()
        .column_as(invitation::Column::Id.max(), "max")
        .into_tuple()
        .one(db)
        .await?
        .flatten())
}

/// How long each generated invitation is valid (the default validity).
const VALIDITY: Validity = Validity::DEFAULT;

fn row(rng: &mut StdRng, n: u64, run: &str, now: DateTime<Utc>) -> invitation::ActiveModel {
    let first = FIRST[rng.gen_range(0..FIRST.len())];
    let last = LAST[rng.gen_range(0..LAST.len())];
    let domain = DOMAINS[rng.gen_range(0..DOMAINS.len())];
    // The counter keeps addresses unique (one live invitation per address).
    let email = format!("{first}.{last}{n}@{domain}");
    let invited_at = now - Duration::minutes(rng.gen_range(0..180 * 24 * 60));
    let valid_until = crate::domain::valid_until(invited_at, VALIDITY);
    // 30% pending (expired when older than 72 h), 5% waiting, 45% approved, 5% rejected,
    // 15% inactivated (superseded by a resend).
    let status = match rng.gen_range(0..100) {
        0..=29 => StoredStatus::Pending,
        30..=34 => StoredStatus::Waiting,
        35..=79 => StoredStatus::Approved,
        80..=84 => StoredStatus::Rejected,
        _ => StoredStatus::Inactivated,
    };
    let live = matches!(status, StoredStatus::Pending | StoredStatus::Waiting);
    let completed = !matches!(status, StoredStatus::Pending | StoredStatus::Inactivated);
    invitation::ActiveModel {
        email: Set(email.clone()),
        email_normalized: Set(email.clone()),
        live_email: Set(live.then(|| email.clone())),
        status: Set(status.as_str().to_owned()),
        origin: Set(if rng.gen_range(0..10) == 0 {
            Origin::SelfRegistration
        } else {
            Origin::Invited
        }
        .as_str()
        .to_owned()),
        invited_by: Set(None),
        pre_approved: Set(rng.gen_bool(0.8)),
        token_hash: Set(token_hash(&format!("generated-{run}-{n}"))),
        invited_at: Set(invited_at),
        valid_until: Set(valid_until),
        supersedes_id: Set(None),
        account_id: Set(None),
        completed_at: Set(completed.then(|| invited_at + Duration::hours(2))),
        decided_at: Set(None),
        decided_by: Set(None),
        sign_up_full_name: Set(None),
        sign_up_password_hash: Set(None),
        ..Default::default()
    }
}
