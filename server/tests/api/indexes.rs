//! Lookups by a secret's hash (a session on every request, an invitation link) are answered
//! from an index, not by reading the whole table. On PostgreSQL a CHAR(64) column compared with
//! the driver's text parameter cannot use its index (migration m0008 made them VARCHAR). A
//! search checked row by row finds its page's ids in an index alone on PostgreSQL (m0029).
//! The app's PostgreSQL connections do not compile queries to machine code (JIT). A walk of
//! the search index checks each row's address signature (m0030) and its address (m0033) from
//! the index alone, and a page by email among a gram's rows is read in address order from the
//! index alone (m0035). A large generation on PostgreSQL leaves every index and constraint as
//! it found them.
//! On SQLite a status with an expiry, with a term, is checked from its indexes alone (m0032).

use crate::support::TestApp;
use app::ssr::services::generate;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, Statement,
    TransactionTrait,
};

/// PostgreSQL's plan for `statement`, a line each.
async fn plan_of(db: &impl ConnectionTrait, statement: Statement) -> Vec<String> {
    let plan = db.query_all_raw(statement).await.unwrap();
    plan.iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// On PostgreSQL, the test database with 2,000 generated invitations, vacuumed as autovacuum
/// leaves a table (statistics for the planner, the visibility map for index-only scans);
/// elsewhere `None`, the test skipped for `why`.
async fn generated_on_postgresql(app: &TestApp, why: &str) -> Option<DatabaseConnection> {
    let db = app.db().await;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        crate::support::skip(why);
        return None;
    }
    generate::invitations(&db, 2_000, 3).await.unwrap();
    db.execute_unprepared("VACUUM ANALYZE invitations")
        .await
        .unwrap();
    Some(db)
}

/// A transaction whose plans use no sequential or bitmap scan where an index can serve, so a
/// plan shows which index PostgreSQL would read (a small table is otherwise read whole).
async fn index_scans_only(db: &DatabaseConnection) -> DatabaseTransaction {
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        .await
        .unwrap();
    txn
}

#[tokio::test]
async fn hash_lookups_use_an_index_on_postgresql() {
    let app = TestApp::spawn().await;
    let db = app.db().await;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        crate::support::skip("the CHAR/text index problem exists on PostgreSQL only");
        return;
    }
    let txn = db.begin().await.unwrap();
    txn.execute_unprepared("SET LOCAL enable_seqscan = off")
        .await
        .unwrap();
    for (table, column) in [("sessions", "id_hash"), ("invitations", "token_hash")] {
        let statement = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            format!("EXPLAIN SELECT * FROM {table} WHERE {column} = $1"),
            ["0".repeat(64).into()],
        );
        let text = plan_of(&txn, statement).await;
        assert!(
            text.iter().any(|line| line.contains("Index")),
            "{table}.{column} is looked up without an index: {text:?}"
        );
    }
}

#[tokio::test]
async fn a_search_checked_row_by_row_reads_only_an_index_on_postgresql() {
    let app = TestApp::spawn().await;
    let why = "SQLite and MariaDB check an index's columns before reading the row on their own";
    let Some(db) = generated_on_postgresql(&app, why).await else {
        return;
    };
    let txn = index_scans_only(&db).await;
    // The page's ids in each order the list offers, and with a status. (A status limited by
    // expiry, like Pending, may rather be read through its expiry range, which is small.)
    for (status, order) in [
        ("", "invited_at DESC, id DESC"),
        ("", "valid_until, id"),
        ("", "email_normalized, id"),
        ("status = 'rejected' AND", "email_normalized, id"),
        ("status = 'rejected' AND", "invited_at DESC, id DESC"),
    ] {
        let sql = format!(
            "EXPLAIN SELECT id FROM invitations WHERE {status} email_normalized LIKE '%ada%' \
             ORDER BY {order} LIMIT 21"
        );
        let statement = Statement::from_string(DatabaseBackend::Postgres, sql.clone());
        let text = plan_of(&txn, statement).await;
        assert!(
            text.iter().any(|line| line.contains("Index Only Scan")),
            "{sql} reads the rows: {text:?}"
        );
    }
}

#[tokio::test]
async fn the_apps_postgresql_connections_run_without_jit_compilation() {
    let app = TestApp::spawn().await;
    let db = app::ssr::db::connect(&app.database_url).await.unwrap();
    if db.get_database_backend() != DatabaseBackend::Postgres {
        crate::support::skip("JIT compilation of queries is PostgreSQL's");
        return;
    }
    // A list's walk of the search index is estimated dear enough for PostgreSQL to compile it,
    // which cost more than the query (BENCHMARKS.md, "... and PostgreSQL's JIT").
    let statement = Statement::from_string(DatabaseBackend::Postgres, "SHOW jit");
    let row = db.query_one_raw(statement).await.unwrap().unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "off");
}

/// The test database with 2,000 generated invitations (on PostgreSQL vacuumed, as autovacuum
/// leaves it, for index-only scans), its commonest gram, and a transaction that explains a
/// query with the backend's own word (on PostgreSQL with no sequential or bitmap scan where
/// an index can serve).
async fn explaining(app: &TestApp) -> (DatabaseTransaction, i64, &'static str) {
    // Once the server's start-up writes are done (a login takes longer), as the search tests
    // do: on SQLite a transaction that read before another connection wrote cannot write.
    app.login_as_admin().await;
    let db = app.db().await;
    let backend = db.get_database_backend();
    generate::invitations(&db, 2_000, 3).await.unwrap();
    if backend == DatabaseBackend::Postgres {
        db.execute_unprepared("VACUUM ANALYZE invitation_grams")
            .await
            .unwrap();
    }
    // The commonest gram: for a gram in no row MariaDB's estimates tie, and it may take the
    // primary key.
    let common = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT gram FROM invitation_grams GROUP BY gram ORDER BY COUNT(*) DESC LIMIT 1",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    let txn = db.begin().await.unwrap();
    let explain = match backend {
        DatabaseBackend::Postgres => {
            txn.execute_unprepared(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off",
            )
            .await
            .unwrap();
            "EXPLAIN"
        }
        DatabaseBackend::Sqlite => "EXPLAIN QUERY PLAN",
        _ => "EXPLAIN",
    };
    (txn, common, explain)
}

/// The lines of the plan `sql` (an EXPLAIN) returns: PostgreSQL's plan, SQLite's details,
/// MySQL's chosen key and its Extra ("Using index" for an index alone, "Using filesort" for a
/// sort).
async fn explained(txn: &DatabaseTransaction, sql: &str) -> Vec<String> {
    let backend = txn.get_database_backend();
    let rows = txn
        .query_all_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap();
    rows.iter()
        .map(|row| match backend {
            // EXPLAIN QUERY PLAN: id, parent, notused, detail.
            DatabaseBackend::Sqlite => row.try_get_by_index::<String>(3).unwrap(),
            DatabaseBackend::Postgres => row.try_get_by_index::<String>(0).unwrap(),
            _ => {
                let column = |name| {
                    row.try_get::<Option<String>>("", name)
                        .unwrap()
                        .unwrap_or_default()
                };
                format!("key {}; {}", column("key"), column("Extra"))
            }
        })
        .collect()
}

#[tokio::test]
async fn a_walk_of_the_search_index_checks_each_rows_signature_and_address_from_the_index_alone() {
    let app = TestApp::spawn().await;
    let (txn, common, explain) = explaining(&app).await;
    let backend = txn.get_database_backend();
    // A gram's rows newest first, and of one status, each checked against a term's bits and
    // then the term itself.
    for status in ["", "AND status = 'rejected'"] {
        let sql = format!(
            "{explain} SELECT invitation_id FROM invitation_grams WHERE gram = {common} {status} \
             AND (signature & 6) = 6 AND email_normalized LIKE '%ada%' \
             ORDER BY invited_at DESC, invitation_id DESC LIMIT 1001"
        );
        let text = explained(&txn, &sql).await;
        let from_index_alone = match backend {
            DatabaseBackend::Postgres => text.iter().any(|l| l.contains("Index Only Scan")),
            // WITHOUT ROWID: the primary key is the table; the index by status covers it.
            DatabaseBackend::Sqlite => text
                .iter()
                .any(|l| l.contains("USING PRIMARY KEY") || l.contains("USING COVERING INDEX")),
            _ => status.is_empty() || text.iter().any(|l| l.contains("Using index")),
        };
        assert!(
            from_index_alone,
            "{sql} reads more than the index: {text:?}"
        );
    }
}

#[tokio::test]
async fn a_page_by_email_among_a_grams_rows_is_read_in_address_order_from_the_index_alone() {
    let app = TestApp::spawn().await;
    let (txn, common, explain) = explaining(&app).await;
    let backend = txn.get_database_backend();
    // `matches::page_among`'s query, of any status and of one: on PostgreSQL with the gram's
    // rows in a derived table fenced by `OFFSET 0` (its planner, estimating the checks at a
    // row or two, would read them in date order and sort them).
    for status in ["", "AND status = 'rejected'"] {
        if backend == DatabaseBackend::MySql && !status.is_empty() {
            // MariaDB's planner, left to itself, sorts a rare status's rows from the index by
            // status (not measured at scale; docs/search.md).
            continue;
        }
        let rows = match backend {
            DatabaseBackend::Postgres => format!(
                "(SELECT gram, invitation_id, email_normalized, signature, status \
                 FROM invitation_grams WHERE gram = {common} \
                 ORDER BY email_normalized, invitation_id OFFSET 0) AS invitation_grams"
            ),
            _ => "invitation_grams".to_owned(),
        };
        let sql = format!(
            "{explain} SELECT invitation_id FROM {rows} WHERE gram = {common} {status} \
             AND (signature & 6) = 6 AND email_normalized LIKE '%ada%' \
             ORDER BY email_normalized, invitation_id LIMIT 51 OFFSET 50"
        );
        let text = explained(&txn, &sql).await;
        let in_order_from_the_index = match backend {
            DatabaseBackend::Postgres => {
                text.iter()
                    .any(|l| l.contains("Index Only Scan using idx_invitation_grams_email"))
                    && !text.iter().any(|l| l.contains("Sort"))
            }
            DatabaseBackend::Sqlite => {
                text.iter()
                    .any(|l| l.contains("USING COVERING INDEX idx_invitation_grams_email"))
                    && !text.iter().any(|l| l.contains("ORDER BY"))
            }
            _ => text.iter().any(|l| {
                l.contains("key idx_invitation_grams_email")
                    && l.contains("Using index")
                    && !l.contains("filesort")
            }),
        };
        assert!(
            in_order_from_the_index,
            "{sql} is not read in address order from the index alone: {text:?}"
        );
    }
}

/// Every index and constraint of the tables `server generate` fills, as PostgreSQL describes
/// them.
async fn definitions(db: &impl ConnectionTrait) -> Vec<String> {
    let statement = Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT indexdef FROM pg_indexes \
         WHERE tablename IN ('invitations', 'invitation_grams') AND schemaname = current_schema() \
         UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint \
         WHERE conrelid IN ('invitations'::regclass, 'invitation_grams'::regclass) \
         ORDER BY 1",
    );
    plan_of(db, statement).await
}

#[tokio::test]
async fn a_large_generation_on_postgresql_builds_again_every_index_and_constraint_it_dropped() {
    let app = TestApp::spawn().await;
    let db = app.db().await;
    if db.get_database_backend() != DatabaseBackend::Postgres {
        crate::support::skip("only PostgreSQL's generation drops and rebuilds the indexes");
        return;
    }
    let before = definitions(&db).await;
    assert!(before
        .iter()
        .any(|d| d.contains("idx_invitation_grams_status")));
    let first_id = status_index_id(&db).await;
    // More than are stored: the run drops the indexes and builds them at its end.
    let written = generate::invitations(&db, 1_500, 9).await.unwrap();
    assert_eq!(written, 1_500);
    assert_eq!(definitions(&db).await, before);
    let rebuilt_id = status_index_id(&db).await;
    assert_ne!(rebuilt_id, first_id, "the index was built again");
    // Fewer than are stored: batch by batch, the indexes left in place.
    generate::invitations(&db, 100, 9).await.unwrap();
    assert_eq!(definitions(&db).await, before);
    assert_eq!(status_index_id(&db).await, rebuilt_id, "the index was kept");
    // Asked to keep them as a database that grew by use has them: kept, however many.
    generate::invitations_indexed(&db, 2_000, 9, generate::Indexing::AsUsed)
        .await
        .unwrap();
    assert_eq!(definitions(&db).await, before);
    assert_eq!(status_index_id(&db).await, rebuilt_id, "the index was kept");
}

/// The search index's status index's relation id: an index built again is a new relation.
async fn status_index_id(db: &impl ConnectionTrait) -> Vec<String> {
    let statement = Statement::from_string(
        DatabaseBackend::Postgres,
        "SELECT 'idx_invitation_grams_status'::regclass::oid::text",
    );
    plan_of(db, statement).await
}

#[tokio::test]
async fn a_status_with_an_expiry_and_a_term_is_checked_from_an_index_alone_on_sqlite() {
    let app = TestApp::spawn().await;
    let db = app.db().await;
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        crate::support::skip("PostgreSQL's indexes hold these columns since m0029");
        return;
    }
    generate::invitations(&db, 2_000, 3).await.unwrap();
    // The page's ids in each order, read along the order's index (`list::expiry`), and the
    // count, read along the expiry's: each row's expiry and address checked in the index.
    for (expiry, order) in [
        ("+valid_until > '2026-01-01'", "invited_at DESC, id DESC"),
        ("+valid_until <= '2026-01-01'", "email_normalized, id"),
        ("valid_until > '2026-01-01'", "valid_until, id"),
        ("valid_until > '2026-01-01'", "id"),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT id FROM invitations WHERE status IN ('pending') AND \
             {expiry} AND email_normalized LIKE '%ada%' ORDER BY {order} LIMIT 21"
        );
        let plan = db
            .query_all_raw(Statement::from_string(DatabaseBackend::Sqlite, sql.clone()))
            .await
            .unwrap();
        let text: Vec<String> = plan
            .iter()
            .map(|row| row.try_get_by_index::<String>(3).unwrap())
            .collect();
        assert!(
            text.iter()
                .any(|line| line.contains("COVERING INDEX idx_invitations_status_")),
            "{sql} reads the rows: {text:?}"
        );
    }
}
