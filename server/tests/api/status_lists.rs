//! A status with an expiry (Pending, Expired) listed past the count's limit, with or without a
//! term, in every order: the rows a plain filter finds. On SQLite such a page is read along
//! the order's index, the expiry checked on each row (`list::expiry`); the rows must not
//! change with the way they are found.

use crate::{
    search::{check_view, invite_common, COUNT_LIMIT},
    support::{SettingsFields, TestApp},
};
use app::{
    domain::{effective_status, InvitationStatus, StoredStatus, Validity},
    ssr::{
        entities::invitation,
        migrations::Migrator,
        services::{
            generate,
            invitations::{list, ListQuery},
            longest_validity,
        },
    },
};
use chrono::{Duration, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};
use sea_orm_migration::MigratorTrait;

#[tokio::test]
async fn a_status_with_an_expiry_counted_past_the_limit_lists_what_a_plain_filter_finds_in_every_order(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // More invitations pending and valid than the count's limit (`search::invite_common`); the
    // generated ones spread over months, so most of their pending ones have expired.
    invite_common(&app).await;
    let db = app.db().await;
    generate::invitations(&db, 4_000, 13).await.unwrap();
    let all = invitation::Entity::find().all(&db).await.unwrap();
    let now = chrono::Utc::now();
    for status in [InvitationStatus::Pending, InvitationStatus::Expired] {
        let rows = all
            .iter()
            .filter(|r| {
                effective_status(StoredStatus::parse(&r.status).unwrap(), r.valid_until, now)
                    == status
            })
            .count();
        assert!(
            rows > COUNT_LIMIT,
            "{status:?}: {rows} rows, too few to test"
        );
    }

    // No term; a short term in more than the limit's rows of its range (`co`, in every
    // `common` address); a longer one walked through its grams.
    for term in ["", "co", "common"] {
        for status in ["pending", "expired"] {
            for (sort, descending) in [
                ("invited_at", true),
                ("invited_at", false),
                ("email", false),
                ("email", true),
                ("valid_until", true),
            ] {
                check_view(&app, &all, term, status, sort, descending).await;
            }
        }
    }
}

/// The addresses a Pending search for `term` lists at `now`, newest first.
async fn pending_at(
    db: &DatabaseConnection,
    term: &str,
    now: chrono::DateTime<Utc>,
) -> Vec<String> {
    let query = ListQuery::parse(
        Some(term.into()),
        Some("pending".into()),
        None,
        None,
        None,
        None,
        None,
    )
    .unwrap();
    let page = list(db, &query, now).await.unwrap();
    page.rows.into_iter().map(|row| row.email).collect()
}

async fn save_validity(app: &TestApp, hours: &str) {
    let saved = app
        .save_settings(SettingsFields {
            validity_hours: hours,
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
}

#[tokio::test]
async fn a_pending_search_still_finds_an_invitation_made_valid_for_longer_than_the_validity_now_set(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    let hours = |h| Some(Validity::from_hours(h).unwrap());
    assert_eq!(longest_validity::load(&db).await.unwrap(), hours(72));

    // One invitation valid for 30 days, then the setting shortened to a day and another sent.
    save_validity(&app, "720").await;
    app.invite("long.lived@acme.io").await;
    save_validity(&app, "24").await;
    app.invite("short.lived@acme.io").await;
    // Shortening the setting does not shorten the record: the first is still valid.
    assert_eq!(longest_validity::load(&db).await.unwrap(), hours(720));

    // Now, both are Pending; in 100 hours only the first (its rows are older than a day, or
    // than the default 72 hours, which a bound from the setting would have stopped at).
    let now = Utc::now();
    let both = ["short.lived@acme.io", "long.lived@acme.io"];
    assert_eq!(pending_at(&db, "lived@acme", now).await, both);
    let later = now + Duration::hours(100);
    assert_eq!(
        pending_at(&db, "lived@acme", later).await,
        ["long.lived@acme.io"]
    );
    assert_eq!(
        pending_at(&db, "long.lived", later).await,
        ["long.lived@acme.io"]
    );
    assert!(pending_at(&db, "short.lived", later).await.is_empty());
    // Past the 30 days, neither.
    let past = now + Duration::hours(721);
    assert!(pending_at(&db, "lived@acme", past).await.is_empty());
}

#[tokio::test]
async fn the_longest_validity_is_filled_from_the_invitations_already_stored() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    save_validity(&app, "500").await;
    app.invite("year.round@acme.io").await;
    save_validity(&app, "24").await;
    let db = app.db().await;
    // Back to before the record (m0034) and forward again: the setting says 24 hours, the
    // stored invitation 500.
    Migrator::down(&db, Some(1)).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        longest_validity::load(&db).await.unwrap(),
        Some(Validity::from_hours(500).unwrap())
    );
    let later = Utc::now() + Duration::hours(400);
    assert_eq!(
        pending_at(&db, "year.round", later).await,
        ["year.round@acme.io"]
    );
}
