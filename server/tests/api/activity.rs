//! The audit log over HTTP: admin actions and developer lifecycle events are recorded with
//! actor, target, time and outcome, and the Activity list filters them.

use crate::support::{call_with, json, SettingsFields, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD};
use app::model::audit::AuditEntry;

async fn activity(app: &TestApp, form: &[(&str, &str)]) -> Vec<AuditEntry> {
    app.activity(form).await.entries
}

fn summary(entries: &[AuditEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.action.as_str(),
                e.actor.as_deref().unwrap_or("-"),
                e.target.as_deref().unwrap_or("-"),
                if e.succeeded { "ok" } else { "refused" }
            )
        })
        .collect()
}

#[tokio::test]
async fn admin_actions_and_lifecycle_events_are_recorded_newest_first() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.login("intruder@x.io", "Wrong-Pass-1").await.status(),
        401
    );
    app.login_as_admin().await;
    app.invite("keep@x.io; gone@x.io; again@x.io").await;
    let list = app.list(&[]).await;
    let id_of = |email: &str| {
        list.rows
            .iter()
            .find(|r| r.email == email)
            .unwrap()
            .id
            .to_string()
    };
    assert_eq!(
        app.call("delete_invitation", &[("id", &id_of("gone@x.io"))])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call("resend_invitation", &[("id", &id_of("again@x.io"))])
            .await
            .status(),
        200
    );
    let (developer, completed) = app
        .complete(
            &app.token_for("keep@x.io").await,
            "Keep Er",
            DEVELOPER_PASSWORD,
        )
        .await;
    assert_eq!(completed.status(), 200);
    let changed = call_with(
        &developer,
        &app.address,
        "change_password",
        &[
            ("current_password", DEVELOPER_PASSWORD),
            ("password", "Changed-Pass-9"),
            ("confirmation", "Changed-Pass-9"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    let account = app.developers(&[("search", "keep@")]).await.rows[0]
        .id
        .to_string();
    let deactivated = app
        .call(
            "set_account_state",
            &[("id", &account), ("action", "deactivate")],
        )
        .await;
    assert_eq!(deactivated.status(), 200);
    assert_eq!(
        app.save_settings(SettingsFields::default()).await.status(),
        200
    );

    let admin = ADMIN_EMAIL;
    assert_eq!(
        summary(&activity(&app, &[]).await),
        [
            format!("settings_changed {admin} - ok"),
            format!("deactivated {admin} keep@x.io ok"),
            "password_changed keep@x.io keep@x.io ok".to_owned(),
            // Completing a pre-approved registration signs the developer in, like a login.
            "login_succeeded keep@x.io keep@x.io ok".to_owned(),
            "completed keep@x.io keep@x.io ok".to_owned(),
            format!("resent {admin} again@x.io ok"),
            format!("deleted {admin} gone@x.io ok"),
            format!("invited {admin} again@x.io ok"),
            format!("invited {admin} gone@x.io ok"),
            format!("invited {admin} keep@x.io ok"),
            format!("login_succeeded {admin} {admin} ok"),
            "login_failed - intruder@x.io refused".to_owned(),
        ]
    );
    // The wire format itself: times in UTC (a typed entry would accept any offset).
    let raw = json(app.call("list_activity", &[]).await).await;
    let times: Vec<&str> = raw["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["at"].as_str().unwrap())
        .collect();
    assert_eq!(times.len(), 12);
    assert!(
        times.iter().all(|at| at.ends_with('Z')),
        "UTC times: {times:?}"
    );

    // Filters: by what happened, and by part of an email (actor or target).
    assert_eq!(
        summary(&activity(&app, &[("action", "invited")]).await).len(),
        3
    );
    assert_eq!(
        summary(&activity(&app, &[("search", "INTRUDER")]).await),
        ["login_failed - intruder@x.io refused"]
    );
    let bad = app.call("list_activity", &[("action", "exploded")]).await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn reviews_and_sign_ups_are_recorded_too() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let saved = app
        .save_settings(SettingsFields {
            auto_approve: "false",
            self_registration: "with_approval",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let form = [("email", "self@x.io"), ("full_name", "Self Made")];
    let signed_up = call_with(&app.new_browser(), &app.address, "sign_up", &form).await;
    assert_eq!(signed_up.status(), 200);
    let token = app.token_for("self@x.io").await;
    let (_, confirmed) = app.complete(&token, "Self Made", DEVELOPER_PASSWORD).await;
    assert_eq!(confirmed.status(), 200);
    let id = app.list(&[("search", "self@")]).await.rows[0]
        .id
        .to_string();
    let denied = app
        .call("review_invitation", &[("id", &id), ("decision", "deny")])
        .await;
    assert_eq!(denied.status(), 200);

    let entries = activity(&app, &[("search", "self@")]).await;
    assert_eq!(
        summary(&entries),
        [
            format!("denied {ADMIN_EMAIL} self@x.io ok"),
            "completed self@x.io self@x.io ok".to_owned(),
            "signed_up - self@x.io ok".to_owned(),
        ]
    );
    assert_eq!(entries[1].detail.as_deref(), Some("waiting for review"));
}
