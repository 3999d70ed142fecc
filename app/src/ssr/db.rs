//! Connecting to the database (SQLite, PostgreSQL or MariaDB/MySQL by URL) and migrating it.

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

use super::migrations::Migrator;

/// How long a request waits for a database connection before it is answered 503. While the
/// database is down, connecting is retried until then, so a restart shorter than this is
/// ridden out; a longer outage fails each request after this long instead of hanging it.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool to `url`. For SQLite the file (and its folder) is created when missing, and
/// every connection runs in WAL mode with foreign keys on and a busy timeout, so concurrent
/// writers wait instead of failing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        create_sqlite_parent_dir(url)?;
        options.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    }
    if url.starts_with("postgres") {
        // PostgreSQL compiles a query's expressions to machine code (JIT) once its estimated
        // cost passes `jit_above_cost`. The list's walks of the search index are estimated
        // dear but read a few thousand index rows: compiling took 12.7 ms of a 17 ms query,
        // which runs in 5 ms without it (BENCHMARKS.md, "A walk's first check read once, and
        // PostgreSQL's JIT"). No query here runs long enough to gain from it.
        options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    Database::connect(options).await
}

fn create_sqlite_parent_dir(url: &str) -> Result<(), DbErr> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| {
                DbErr::Custom(format!(
                    "cannot create the folder {} for the SQLite database: {e}",
                    parent.display()
                ))
            })?;
        }
    }
    Ok(())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Whether every migration this build knows has been applied (readiness).
pub async fn migrations_applied(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.is_empty())
}

/// Starts a transaction that will write. On SQLite it begins IMMEDIATE (taking the write lock
/// up front), so a read-then-write transaction cannot fail with SQLITE_BUSY_SNAPSHOT when
/// another writer commits in between; other backends ignore the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// How many times in all a transaction is run when the database keeps choosing it as a
/// deadlock's victim.
pub const DEADLOCK_ATTEMPTS: u32 = 3;

/// An error that may carry the database's own error, so [`retrying_deadlocks`] can tell a
/// deadlock from the rest.
pub trait DatabaseCause {
    fn database_cause(&self) -> Option<&DbErr>;
}

impl DatabaseCause for DbErr {
    fn database_cause(&self) -> Option<&DbErr> {
        Some(self)
    }
}

/// Runs the transaction `run` makes (begun, written and committed inside it) again when the
/// database rolled it back as a deadlock's victim, up to [`DEADLOCK_ATTEMPTS`] times in all.
/// Two requests that change the same rows at once can deadlock on MariaDB/MySQL (InnoDB's
/// gap and insert-intention locks; the likely cause of an accept racing a deny once answered
/// 500, not reproduced) and on PostgreSQL; the
/// victim's work was all undone, and run again it reads what the other committed, so it
/// either succeeds or is refused for the reason the rows now give. `run` must therefore do
/// nothing outside its transaction that a second run would repeat.
pub async fn retrying_deadlocks<T, E, Run, Ran>(mut run: Run) -> Result<T, E>
where
    E: DatabaseCause,
    // Not `AsyncFnMut`: a server function's future must be `Send`, which an async closure's
    // future cannot be promised `Send` yet.
    Run: FnMut() -> Ran,
    Ran: std::future::Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match run().await {
            Err(e)
                if attempt < DEADLOCK_ATTEMPTS && e.database_cause().is_some_and(is_deadlock) =>
            {
                tracing::info!(
                    attempt,
                    "a deadlock rolled the transaction back; running it again"
                );
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Whether the database rolled the transaction back to break a deadlock: nothing it did was
/// kept, and running it again can succeed.
pub fn is_deadlock(error: &DbErr) -> bool {
    use sea_orm::{sqlx::mysql::MySqlDatabaseError, RuntimeErr};
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = error
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(e) = &**e else {
        return false;
    };
    if let Some(mysql) = e.try_downcast_ref::<MySqlDatabaseError>() {
        return mysql.number() == 1213; // ER_LOCK_DEADLOCK
    }
    // PostgreSQL's SQLSTATE deadlock_detected. Not serialization_failure (40001): at READ
    // COMMITTED, PostgreSQL's default that Portico keeps, only a hot standby's recovery conflict
    // raises it, and that is no race of two writers to answer 409. SQLite's codes are
    // numbers, and its one writer at a time cannot deadlock: a second writer waits for the
    // lock (`connect`'s busy timeout).
    matches!(e.code().as_deref(), Some("40P01"))
}

/// Why the database cannot serve for now, when an error says so (unlike a bug, trying again
/// later can succeed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No connection: the server is down, restarting or out of connections.
    Unreachable,
    /// Writes are refused (read-only file or file system, read-only replica).
    ReadOnly,
    /// The disk (or the database's size limit) is full.
    Full,
}

impl Outage {
    /// What the person is told, with the correlation id of the log line.
    pub fn message(self, reference: &str) -> String {
        let what = match self {
            Outage::Unreachable => "Portico cannot reach its database right now.",
            Outage::ReadOnly => {
                "The database is read-only right now, so changes cannot be saved (viewing still works)."
            }
            Outage::Full => {
                "The database's disk is full, so changes cannot be saved (viewing still works)."
            }
        };
        format!(
            "{what} Please try again in a few minutes; if it keeps happening, tell the \
             administrators and quote reference {reference}."
        )
    }
}

/// Whether `error` means the database is unreachable, read-only or full.
pub fn outage(error: &DbErr) -> Option<Outage> {
    use sea_orm::{sqlx::Error as SqlxError, RuntimeErr};
    let sqlx = match error {
        DbErr::ConnectionAcquire(_) => return Some(Outage::Unreachable),
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        DbErr::Conn(_) => return Some(Outage::Unreachable),
        _ => return None,
    };
    match &**sqlx {
        SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed
        | SqlxError::Io(_)
        | SqlxError::Tls(_) => Some(Outage::Unreachable),
        SqlxError::Database(e) => database_outage(e.as_ref()),
        _ => None,
    }
}

fn database_outage(error: &dyn sea_orm::sqlx::error::DatabaseError) -> Option<Outage> {
    use sea_orm::sqlx::{mysql::MySqlDatabaseError, sqlite::SqliteError};
    if error.try_downcast_ref::<SqliteError>().is_some() {
        // Extended result codes keep the primary code in the low byte.
        let code: i32 = error.code()?.parse().ok()?;
        return match code & 0xff {
            8 => Some(Outage::ReadOnly), // SQLITE_READONLY
            13 => Some(Outage::Full),    // SQLITE_FULL
            _ => None,
        };
    }
    if let Some(mysql) = error.try_downcast_ref::<MySqlDatabaseError>() {
        return match mysql.number() {
            1290 | 1836 => Some(Outage::ReadOnly), // --read-only, read-only mode
            1021 | 1114 => Some(Outage::Full),     // disk full, table full
            1053 | 1040 => Some(Outage::Unreachable), // shutting down, too many connections
            _ => None,
        };
    }
    // PostgreSQL SQLSTATEs.
    let code = error.code()?;
    match code.as_ref() {
        "25006" => Some(Outage::ReadOnly), // read_only_sql_transaction
        "53100" => Some(Outage::Full),     // disk_full
        "53300" | "57P01" | "57P02" | "57P03" => Some(Outage::Unreachable),
        c if c.starts_with("08") => Some(Outage::Unreachable), // connection exception
        _ => None,
    }
}

/// Whether an error is a unique-constraint violation (a concurrent insert won the race).
pub fn is_unique_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A LIKE pattern matching `term` anywhere (use with `ESCAPE '\'`): `%`, `_` and `\` typed
/// by the admin match themselves.
pub fn like_pattern(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len() + 2);
    escaped.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_typed_by_the_admin_match_literally() {
        assert_eq!(super::like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    }
}
