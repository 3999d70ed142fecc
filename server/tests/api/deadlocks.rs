//! Two transactions that lock the same rows in opposite orders deadlock on PostgreSQL and
//! MariaDB/MySQL, and the database rolls one back. The victim is told apart from other
//! failures: a service whose races are expected runs it again (`db::retrying_deadlocks`), and
//! anything else answers 409, asking to try again, rather than 500. SQLite has one writer at
//! a time (the second waits), so it cannot deadlock this way.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::TestApp;
use app::{
    model::ApiError,
    ssr::db::{is_deadlock, retrying_deadlocks},
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, TransactionTrait,
};
use tokio::sync::Barrier;

/// The test database with a two-row table, or `None` on SQLite (the test skipped).
async fn two_rows(app: &TestApp) -> Option<DatabaseConnection> {
    let db = app.db().await;
    if db.get_database_backend() == DatabaseBackend::Sqlite {
        crate::support::skip("SQLite takes one writer at a time: two writers cannot deadlock");
        return None;
    }
    db.execute_unprepared("CREATE TABLE probe (id INT PRIMARY KEY, n BIGINT NOT NULL)")
        .await
        .unwrap();
    db.execute_unprepared("INSERT INTO probe (id, n) VALUES (1, 0), (2, 0)")
        .await
        .unwrap();
    Some(db)
}

/// Adds one to row `first`, waits at `barrier` (when given), then adds one to row `second`,
/// in one transaction.
async fn add_in_order(
    db: &DatabaseConnection,
    first: i32,
    second: i32,
    barrier: Option<&Barrier>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let add = |id: i32| {
        Statement::from_string(
            db.get_database_backend(),
            format!("UPDATE probe SET n = n + 1 WHERE id = {id}"),
        )
    };
    txn.execute_raw(add(first)).await?;
    if let Some(barrier) = barrier {
        barrier.wait().await;
    }
    txn.execute_raw(add(second)).await?;
    txn.commit().await
}

async fn counts(db: &DatabaseConnection) -> Vec<i64> {
    let select =
        Statement::from_string(db.get_database_backend(), "SELECT n FROM probe ORDER BY id");
    let rows = db.query_all_raw(select).await.unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

#[tokio::test]
async fn a_deadlock_victim_is_answered_409_asking_to_try_again_and_other_failures_are_not() {
    let app = TestApp::spawn().await;
    let Some(db) = two_rows(&app).await else {
        return;
    };
    let barrier = Barrier::new(2);
    let (one, two) = tokio::join!(
        add_in_order(&db, 1, 2, Some(&barrier)),
        add_in_order(&db, 2, 1, Some(&barrier))
    );
    let victim = match (one, two) {
        (Err(e), Ok(())) | (Ok(()), Err(e)) => e,
        other => panic!("expected exactly one deadlock victim, got {other:?}"),
    };
    assert!(is_deadlock(&victim), "{victim:?}");
    // The survivor's two changes landed, the victim's none.
    assert_eq!(counts(&db).await, [1, 1]);
    match ApiError::from(victim) {
        ApiError::Conflict(message) => {
            assert_eq!(message, app::api::error::CHANGED_AT_THE_SAME_MOMENT)
        }
        other => panic!("a deadlock answered {other:?}"),
    }

    let duplicate = db
        .execute_unprepared("INSERT INTO probe (id, n) VALUES (1, 0)")
        .await
        .unwrap_err();
    assert!(!is_deadlock(&duplicate), "{duplicate:?}");
    assert!(matches!(ApiError::from(duplicate), ApiError::Internal(_)));
}

#[tokio::test]
async fn a_transaction_rolled_back_by_a_deadlock_is_run_again_and_both_changes_land_once() {
    let app = TestApp::spawn().await;
    let Some(db) = two_rows(&app).await else {
        return;
    };
    let barrier = Barrier::new(2);
    let attempts = [AtomicU32::new(0), AtomicU32::new(0)];
    // Each meets the other at the barrier on its first run only, holding one row and about to
    // ask for the other's: a deadlock. The victim's second run finds the way free.
    let run = |side: usize, first: i32, second: i32| {
        let (db, barrier, attempts) = (&db, &barrier, &attempts);
        retrying_deadlocks(move || async move {
            let first_run = attempts[side].fetch_add(1, Ordering::SeqCst) == 0;
            add_in_order(db, first, second, first_run.then_some(barrier)).await
        })
    };
    let (one, two) = tokio::join!(run(0, 1, 2), run(1, 2, 1));
    assert!(one.is_ok() && two.is_ok(), "{one:?} {two:?}");
    let runs: Vec<u32> = attempts.iter().map(|a| a.load(Ordering::SeqCst)).collect();
    assert_eq!(runs.iter().sum::<u32>(), 3, "one side ran twice: {runs:?}");
    assert_eq!(counts(&db).await, [2, 2]);
}
