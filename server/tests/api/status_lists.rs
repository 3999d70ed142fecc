//! A status with an expiry (Pending, Expired) listed past the count's limit, with or without a
//! term, in every order: the rows a plain filter finds. On SQLite such a page is read along
//! the order's index, the expiry checked on each row (`list::expiry`); the rows must not
//! change with the way they are found.

use crate::{
    search::{check_view, invite_common, COUNT_LIMIT},
    support::TestApp,
};
use app::{
    domain::{effective_status, InvitationStatus, StoredStatus},
    ssr::{entities::invitation, services::generate},
};
use sea_orm::EntityTrait;

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
