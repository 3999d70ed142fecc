//! `server generate` on SQLite: a run adding at least as many invitations as are stored goes in
//! transactions of 100,000 invitations (each changed page written once), and its connection
//! goes back to the pool with the page cache it had. PostgreSQL's large run is tested with the
//! indexes it rebuilds (`indexes.rs`).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::support::TestApp;
use app::ssr::{entities::invitation, services::generate};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, EntityTrait,
    PaginatorTrait, Statement,
};

async fn stored(db: &DatabaseConnection) -> u64 {
    invitation::Entity::find().count(db).await.unwrap()
}

async fn cache_size(db: &DatabaseConnection) -> i64 {
    db.query_one_raw(Statement::from_string(
        DatabaseBackend::Sqlite,
        "PRAGMA cache_size",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

#[tokio::test]
async fn a_large_generation_on_sqlite_is_seen_whole_or_not_at_all_and_leaves_its_connection_as_it_was(
) {
    let app = TestApp::spawn().await;
    let reader = app.db().await;
    if reader.get_database_backend() != DatabaseBackend::Sqlite {
        crate::support::skip("the chunked run and its page cache are SQLite's");
        return;
    }
    // A pool of one connection, so that the one asked afterwards is the run's own.
    let mut options = ConnectOptions::new(app.database_url.clone());
    options.max_connections(1).min_connections(1);
    let writer = Database::connect(options).await.unwrap();
    let cache_before = cache_size(&writer).await;
    let before = stored(&reader).await;

    // Twelve batches of 500: committed one by one, a reader polling meanwhile would see the
    // counts between.
    let run = tokio::spawn(async move {
        let written = generate::invitations(&writer, 6_000, 5).await.unwrap();
        (written, writer)
    });
    let mut seen = BTreeSet::new();
    while !run.is_finished() {
        seen.insert(stored(&reader).await);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let (written, writer) = run.await.unwrap();
    assert_eq!(written, 6_000);
    seen.insert(stored(&reader).await);
    assert!(
        seen.is_subset(&BTreeSet::from([before, before + 6_000])),
        "a reader saw part of the run: {seen:?}"
    );
    assert!(seen.contains(&(before + 6_000)));
    assert_eq!(
        cache_size(&writer).await,
        cache_before,
        "the connection's page cache is as it was"
    );
}
