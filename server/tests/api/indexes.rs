//! Lookups by a secret's hash (a session on every request, an invitation link) are answered
//! from an index, not by reading the whole table. On PostgreSQL a CHAR(64) column compared with
//! the driver's text parameter cannot use its index (migration m0008 made them VARCHAR).

use crate::support::TestApp;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

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
        let plan = txn
            .query_all_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                format!("EXPLAIN SELECT * FROM {table} WHERE {column} = $1"),
                ["0".repeat(64).into()],
            ))
            .await
            .unwrap();
        let text: Vec<String> = plan
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).unwrap())
            .collect();
        assert!(
            text.iter().any(|line| line.contains("Index")),
            "{table}.{column} is looked up without an index: {text:?}"
        );
    }
}
