//! Deliveries: signed, in order per address, retried until they arrive, never lost and never
//! accepted twice under one id when the receiver dies mid-way.

use std::collections::HashSet;

use app::ssr::entities::webhook_event;
use sea_orm::EntityTrait;

use super::{accepted, app_with, endpoint_and_receiver};
use crate::support::ok;

#[tokio::test]
async fn events_are_signed_per_standard_webhooks_as_its_own_library_checks() {
    let app = app_with(50).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(&app, "invitation.created").await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&[]);
    app.invite("ada@example.com;grace@example.com").await;
    let received = receiver
        .until("two invitation.created events", |r| r.len() >= 2)
        .await;
    assert!(
        received.iter().all(|r| r["verified"] == true),
        "{received:#?}"
    );
    assert!(received.iter().all(|r| r["type"] == "invitation.created"));
    let emails: HashSet<&str> = received
        .iter()
        .map(|r| r["data"]["invitation"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        HashSet::from(["ada@example.com", "grace@example.com"])
    );
    // The webhook-id is the event's stored id.
    let stored: HashSet<String> = webhook_event::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    let ids: HashSet<String> = received
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, stored);
    // Unsubscribed events are not sent: a deletion sends nothing.
    let id = app.list(&[]).await.rows[0].id.to_string();
    ok::<()>(app.call("delete_invitation", &[("id", &id)]).await).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_receiver_killed_midway_loses_no_event_and_accepts_none_twice_in_order_per_address() {
    let app = app_with(50).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(&app, "*").await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&[]);
    app.invite("ada@example.com").await;
    receiver.until("the first event", |r| !r.is_empty()).await;
    receiver.kill();
    // Meanwhile: more events, whose tries fail while nobody listens.
    app.invite("grace@example.com;linus@example.com").await;
    let ada = app.list(&[("search", "ada@")]).await.rows[0].id.to_string();
    ok::<serde_json::Value>(app.call("resend_invitation", &[("id", &ada)]).await).await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    receiver.start(&[]);
    let stored: Vec<String> = webhook_event::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_id)
        .collect();
    assert_eq!(stored.len(), 4);
    let received = receiver
        .until("every event after the restart", |r| accepted(r).len() >= 4)
        .await;
    let accepted_ids: Vec<&str> = accepted(&received)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let unique: HashSet<&str> = accepted_ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        accepted_ids.len(),
        "no id accepted twice: {accepted_ids:?}"
    );
    assert_eq!(unique, stored.iter().map(String::as_str).collect());
    assert!(received.iter().all(|r| r["verified"] == true));
    // Per address, in the order things happened: ada created, then resent.
    let ada_events: Vec<&str> = accepted(&received)
        .iter()
        .filter(|r| r["data"]["invitation"]["email"] == "ada@example.com")
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(ada_events, ["invitation.created", "invitation.resent"]);
}

#[tokio::test]
async fn a_registration_and_its_review_are_sent_as_registered_then_rejected_with_the_reason() {
    let app = app_with(50).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(
        &app,
        "invitation.registered,invitation.rejected,developer.deactivated",
    )
    .await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&[]);
    app.call(
        "invite",
        &[("emails", "dev@example.com"), ("pre_approved", "false")],
    )
    .await;
    let link = app.token_for("dev@example.com").await;
    let (_, done) = app.complete(&link, "Dev Eloper", "Dev-Pass-12345").await;
    assert_eq!(done.status(), 200);
    let id = app.list(&[("status", "waiting")]).await.rows[0]
        .id
        .to_string();
    let denied = app
        .call(
            "review_invitation",
            &[
                ("id", &id),
                ("decision", "deny"),
                ("reason", "Partners only."),
            ],
        )
        .await;
    assert_eq!(denied.status(), 200);
    let received = receiver
        .until("two events", |r| accepted(r).len() >= 2)
        .await;
    let types: Vec<&str> = received
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["invitation.registered", "invitation.rejected"]);
    assert_eq!(received[1]["data"]["reason"], "Partners only.");
    assert_eq!(received[0]["data"]["developer"]["full_name"], "Dev Eloper");
}

#[tokio::test]
async fn expiries_account_changes_and_confirmed_sign_ups_are_sent_once_each() {
    let app = app_with(50).await;
    let (_, mut receiver) = endpoint_and_receiver(
        &app,
        "invitation.expired,developer.deactivated,developer.reactivated,signup.confirmed",
    )
    .await;
    receiver.start(&[]);
    // An invitation whose time ran out is announced once, however often the check runs.
    app.invite("late@example.com").await;
    app.expire_invitations_of("late@example.com").await;
    let db = app.db().await;
    let now = chrono::Utc::now();
    assert_eq!(
        app::ssr::webhooks::announce_expiries(&db, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::ssr::webhooks::announce_expiries(&db, now)
            .await
            .unwrap(),
        0
    );
    // A self sign-up confirmed by its owner.
    app.open_sign_up("automatic").await;
    let signed_up = crate::support::call_with(
        &app.new_browser(),
        &app.address,
        "sign_up",
        &[("email", "self@example.com"), ("full_name", "Self Made")],
    )
    .await;
    assert_eq!(signed_up.status(), 200);
    let link = app.token_for("self@example.com").await;
    let (_, done) = app.complete(&link, "Self Made", "Self-Made-42").await;
    assert_eq!(done.status(), 200);
    // Deactivated, then reactivated.
    let account = app.developers(&[("search", "self@")]).await.rows[0]
        .id
        .to_string();
    for action in ["deactivate", "reactivate"] {
        let changed = app
            .call("set_account_state", &[("id", &account), ("action", action)])
            .await;
        assert_eq!(changed.status(), 200);
    }
    let received = receiver
        .until("four events", |r| accepted(r).len() >= 4)
        .await;
    let types: Vec<&str> = received
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    let position = |t: &str| types.iter().position(|x| *x == t).unwrap();
    // About one address (self@), in the order it happened.
    assert!(position("signup.confirmed") < position("developer.deactivated"));
    assert!(position("developer.deactivated") < position("developer.reactivated"));
    let expired = &received[position("invitation.expired")];
    assert_eq!(expired["data"]["invitation"]["email"], "late@example.com");
    assert_eq!(expired["data"]["invitation"]["status"], "expired");
    let deactivated = &received[position("developer.deactivated")];
    assert_eq!(
        deactivated["data"]["developer"]["email"],
        "self@example.com"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4, "each sent once");
}
