//! The planner's counts of the common grams (`invitation_gram_stats`, `search_index`): they
//! match the index, the daily sweep counts once a day on one replica, and a count asked for
//! now (the generator's, a test's) beside a sweep counting at the same moment fails neither.

use crate::search::{invite_common, COUNT_LIMIT};
use crate::support::TestApp;
use app::ssr::{
    entities::{invitation_gram, invitation_gram_stat},
    services::search_index,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

/// Each common gram with its number of index rows, counted here from the index itself.
async fn grams_in_the_index(db: &DatabaseConnection) -> Vec<(i64, i64)> {
    let mut rows_per_gram = std::collections::BTreeMap::<i64, i64>::new();
    for row in invitation_gram::Entity::find().all(db).await.unwrap() {
        *rows_per_gram.entry(row.gram).or_default() += 1;
    }
    rows_per_gram
        .into_iter()
        .filter(|(_, n)| *n >= COUNT_LIMIT as i64)
        .collect()
}

/// The counts the planner reads.
async fn grams_counted(db: &DatabaseConnection) -> Vec<(i64, i64)> {
    invitation_gram_stat::Entity::find()
        .filter(invitation_gram_stat::Column::Gram.ne(invitation_gram_stat::COUNTED_AT))
        .order_by_asc(invitation_gram_stat::Column::Gram)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.gram, row.invitations))
        .collect()
}

#[tokio::test]
async fn the_common_grams_are_counted_for_the_planner_once_a_day_by_one_replica() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    invite_common(&app).await;
    search_index::recount_grams(&db, chrono::Utc::now())
        .await
        .unwrap();
    let common = grams_in_the_index(&db).await;
    assert!(
        common.len() >= 10,
        "the grams of \"common@acme.io\" and more"
    );
    assert_eq!(grams_counted(&db).await, common);

    // Within the day nobody counts again; a day later one replica does, the other not.
    let now = chrono::Utc::now();
    assert!(!search_index::count_grams_if_due(&db, now).await.unwrap());
    let tomorrow = now + chrono::Duration::hours(25);
    let first = search_index::count_grams_if_due(&db, tomorrow);
    let second = search_index::count_grams_if_due(&db, tomorrow);
    let (first, second) = tokio::join!(first, second);
    assert_eq!(
        [first.unwrap(), second.unwrap()]
            .iter()
            .filter(|c| **c)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_count_asked_for_now_beside_a_sweep_counting_at_the_same_moment_fails_neither() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    invite_common(&app).await;
    let common = grams_in_the_index(&db).await;
    for _ in 0..8 {
        // As on a database never counted (the generator's first run beside a server that has
        // just started): the sweep counts too.
        invitation_gram_stat::Entity::delete_many()
            .exec(&db)
            .await
            .unwrap();
        let now = chrono::Utc::now();
        let (asked, swept) = tokio::join!(
            search_index::recount_grams(&db, now),
            search_index::count_grams_if_due(&db, now)
        );
        asked.expect("the count asked for now failed beside a sweep");
        swept.expect("the sweep failed beside a count asked for now");
        assert_eq!(grams_counted(&db).await, common);
    }
}
