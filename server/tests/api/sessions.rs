//! Profile › Sessions and an admin's "Sign out": an account's owner sees every browser signed
//! in to it and ends any of them, or all but this one; an admin ends all of a developer's
//! sessions without deactivating the account.

use crate::support::{call_with, error, ok, TestApp, DEVELOPER_PASSWORD};
use app::model::{account::ActiveSession, audit::AuditAction, ApiError};
use reqwest::Client;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

async fn sessions_of(app: &TestApp, browser: &Client) -> Vec<ActiveSession> {
    ok(call_with(browser, &app.address, "my_sessions", &[]).await).await
}

/// Logs `email` in from a browser that says it is `user_agent`.
async fn signed_in_as(app: &TestApp, email: &str, user_agent: &str) -> Client {
    let browser = app.browser_called(user_agent);
    let answer = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", email), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(answer.status(), 200);
    browser
}

#[tokio::test]
async fn the_profile_lists_every_session_with_its_browser_and_address_and_marks_this_one() {
    let app = TestApp::spawn().await;
    app.developer("ada@x.io").await;
    let laptop = signed_in_as(&app, "ada@x.io", FIREFOX).await;
    let phone = signed_in_as(&app, "ada@x.io", SAFARI).await;

    let listed = sessions_of(&app, &laptop).await;
    assert_eq!(
        listed.len(),
        3,
        "the registration's browser, the laptop and the phone"
    );
    let mine: Vec<_> = listed.iter().filter(|s| s.current).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].browser, "Firefox on Linux");
    assert!(listed
        .iter()
        .any(|s| s.browser == "Safari on iOS" && !s.current));
    assert!(listed
        .iter()
        .all(|s| s.address.as_deref() == Some("127.0.0.1")));
    // The phone sees the same sessions, with its own marked.
    let seen_by_phone = sessions_of(&app, &phone).await;
    let current: Vec<_> = seen_by_phone
        .iter()
        .filter(|s| s.current)
        .map(|s| &s.browser)
        .collect();
    assert_eq!(current, ["Safari on iOS"]);
}

#[tokio::test]
async fn ending_one_session_signs_out_that_browser_only_and_never_another_accounts() {
    let app = TestApp::spawn().await;
    app.developer("ada@x.io").await;
    app.developer("bo@x.io").await;
    let laptop = signed_in_as(&app, "ada@x.io", FIREFOX).await;
    let phone = signed_in_as(&app, "ada@x.io", SAFARI).await;
    let other_account = signed_in_as(&app, "bo@x.io", FIREFOX).await;
    let phone_id = sessions_of(&app, &laptop)
        .await
        .into_iter()
        .find(|s| s.browser == "Safari on iOS")
        .unwrap()
        .id;

    // Another account cannot end it, even knowing its id.
    let foreign = call_with(
        &other_account,
        &app.address,
        "end_session",
        &[("id", &phone_id)],
    )
    .await;
    assert!(matches!(error(foreign).await, ApiError::NotFound(_)));
    assert!(app.current_user_in(&phone).await.is_some());

    let ended = call_with(&laptop, &app.address, "end_session", &[("id", &phone_id)]).await;
    assert_eq!(ended.status(), 200);
    assert_eq!(app.current_user_in(&phone).await, None);
    assert!(app.current_user_in(&laptop).await.is_some());

    let again = call_with(&laptop, &app.address, "end_session", &[("id", &phone_id)]).await;
    match error(again).await {
        ApiError::NotFound(message) => assert!(message.contains("already ended")),
        other => panic!("{other:?}"),
    }
    let own_id = sessions_of(&app, &laptop)
        .await
        .into_iter()
        .find(|s| s.current)
        .unwrap()
        .id;
    let own = call_with(&laptop, &app.address, "end_session", &[("id", &own_id)]).await;
    match error(own).await {
        ApiError::InvalidInput(message) => assert!(message.contains("sign out instead")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn signing_out_all_other_sessions_keeps_this_one_and_is_audited() {
    let app = TestApp::spawn().await;
    let first = app.developer("ada@x.io").await;
    let laptop = signed_in_as(&app, "ada@x.io", FIREFOX).await;
    let phone = signed_in_as(&app, "ada@x.io", SAFARI).await;
    let ended: u64 = ok(call_with(&laptop, &app.address, "end_other_sessions", &[]).await).await;
    assert_eq!(ended, 2);
    assert_eq!(app.current_user_in(&first).await, None);
    assert_eq!(app.current_user_in(&phone).await, None);
    assert!(app.current_user_in(&laptop).await.is_some());
    assert_eq!(sessions_of(&app, &laptop).await.len(), 1);

    let log = app.activity(&[("action", "sessions_ended")]).await;
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].action, AuditAction::SessionsEnded);
    assert_eq!(log.entries[0].actor.as_deref(), Some("ada@x.io"));
    assert!(log.entries[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("2 other session(s)"));
}

#[tokio::test]
async fn an_admin_signs_a_developer_out_everywhere_and_the_account_stays_active() {
    let app = TestApp::spawn().await;
    let first = app.developer("ada@x.io").await;
    let laptop = signed_in_as(&app, "ada@x.io", FIREFOX).await;
    let id = app.developers(&[("search", "ada@x.io")]).await.rows[0]
        .id
        .to_string();

    let ended: u64 = ok(app.call("end_sessions_of", &[("id", &id)]).await).await;
    assert_eq!(ended, 2);
    assert_eq!(app.current_user_in(&first).await, None);
    assert_eq!(app.current_user_in(&laptop).await, None);
    let row = &app.developers(&[("search", "ada@x.io")]).await.rows[0];
    assert_eq!(row.standing.as_str(), "active");
    let back = signed_in_as(&app, "ada@x.io", FIREFOX).await;

    let log = app.activity(&[("action", "sessions_ended")]).await;
    assert_eq!(log.entries[0].target.as_deref(), Some("ada@x.io"));
    assert!(log.entries[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("by an administrator"));

    let missing = app.call("end_sessions_of", &[("id", "999999")]).await;
    assert!(matches!(error(missing).await, ApiError::NotFound(_)));
    // A developer cannot do it (the authorization tests check every admin function).
    let denied = call_with(&back, &app.address, "end_sessions_of", &[("id", &id)]).await;
    assert_eq!(denied.status(), 403);
}
