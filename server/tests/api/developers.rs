//! Consumers > Developers over HTTP: every account listed with its standing, search and the
//! state filter, deactivation (which ends the account's sessions at once) and reactivation.

use crate::support::{
    call_with, conflict, error, invalid_input, ok, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD,
};
use app::model::{
    account::{DeveloperRow, SessionUser},
    invitation::InviteOutcome,
    ApiError,
};
use reqwest::Client;

/// Invites `email` with the given approval and completes the registration as `name`.
async fn register(app: &TestApp, email: &str, name: &str, pre_approved: bool) -> Client {
    let response = app
        .call(
            "invite",
            &[
                ("emails", email),
                ("pre_approved", &pre_approved.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let (browser, response) = app
        .complete(&app.token_for(email).await, name, DEVELOPER_PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    browser
}

async fn developers(app: &TestApp, form: &[(&str, &str)]) -> Vec<(String, String)> {
    app.developers(form)
        .await
        .rows
        .into_iter()
        .map(|row| (row.email, row.standing.as_str().to_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(e, s)| (e.to_string(), s.to_string()))
        .collect()
}

async fn set_state(app: &TestApp, email: &str, action: &str) -> reqwest::Response {
    let id = account_id(app, email).await;
    app.call("set_account_state", &[("id", &id), ("action", action)])
        .await
}

async fn account_id(app: &TestApp, email: &str) -> String {
    app.developers(&[("search", email)]).await.rows[0]
        .id
        .to_string()
}

async fn signed_in(browser: &Client, app: &TestApp) -> Option<SessionUser> {
    app.current_user_in(browser).await
}

#[tokio::test]
async fn every_account_is_listed_with_its_standing_and_can_be_searched_and_filtered() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    register(&app, "ada@x.io", "Ada Lovelace", true).await;
    register(&app, "bob@x.io", "Bob Waits", false).await;
    register(&app, "cy@x.io", "Cy Denied", false).await;
    let cy = app.list(&[("search", "cy@")]).await.rows[0].id.to_string();
    let denied = app
        .call("review_invitation", &[("id", &cy), ("decision", "deny")])
        .await;
    assert_eq!(denied.status(), 200);

    assert_eq!(
        developers(&app, &[]).await,
        pairs(&[
            ("cy@x.io", "rejected"),
            ("bob@x.io", "awaiting_review"),
            ("ada@x.io", "active"),
            (ADMIN_EMAIL, "active"),
        ])
    );
    // By part of the name (any case) or of the email.
    assert_eq!(
        developers(&app, &[("search", "LOVE")]).await,
        pairs(&[("ada@x.io", "active")])
    );
    assert_eq!(
        developers(&app, &[("search", "bob@")]).await,
        pairs(&[("bob@x.io", "awaiting_review")])
    );
    assert_eq!(
        developers(&app, &[("state", "inactive")]).await,
        pairs(&[("cy@x.io", "rejected"), ("bob@x.io", "awaiting_review")])
    );
    assert_eq!(
        developers(&app, &[("state", "active")]).await.len(),
        2,
        "Ada and the admin"
    );
    let bad = app.call("list_developers", &[("state", "asleep")]).await;
    assert_eq!(bad.status(), 422);
    assert!(invalid_input(bad)
        .await
        .contains("choose all, active or inactive"));
}

#[tokio::test]
async fn deactivation_signs_the_developer_out_at_once_and_reactivation_lets_them_back() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let browser = register(&app, "ada@x.io", "Ada Lovelace", true).await;
    assert_eq!(signed_in(&browser, &app).await.unwrap().email, "ada@x.io");

    let deactivated = set_state(&app, "ada@x.io", "deactivate").await;
    assert_eq!(deactivated.status(), 200);
    let row: DeveloperRow = ok(deactivated).await;
    assert_eq!(row.standing.as_str(), "deactivated");
    // The session already open in the developer's browser is gone, not just refused later.
    assert_eq!(signed_in(&browser, &app).await, None);
    let portal = call_with(&browser, &app.address, "portal_home", &[]).await;
    assert_eq!(portal.status(), 401);
    let login = app.login("ada@x.io", DEVELOPER_PASSWORD).await;
    assert_eq!(login.status(), 401);
    assert_eq!(error(login).await, ApiError::InvalidCredentials);

    let again = set_state(&app, "ada@x.io", "deactivate").await;
    assert_eq!(again.status(), 409);
    assert!(conflict(again).await.contains("already deactivated"));

    app.login_as_admin().await;
    let reactivated = set_state(&app, "ada@x.io", "reactivate").await;
    assert_eq!(reactivated.status(), 200);
    let row: DeveloperRow = ok(reactivated).await;
    assert_eq!(row.standing.as_str(), "active");
    let fresh = app.new_browser();
    let login = call_with(
        &fresh,
        &app.address,
        "login",
        &[("email", "ada@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 200);
    let page = app.developers(&[("search", "ada@")]).await;
    assert!(page.rows[0].last_login_at.is_some());
}

#[tokio::test]
async fn registrations_under_review_and_the_admins_own_account_cannot_be_switched_here() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    register(&app, "bob@x.io", "Bob Waits", false).await;

    let reactivate = set_state(&app, "bob@x.io", "reactivate").await;
    assert_eq!(reactivate.status(), 409);
    assert!(conflict(reactivate)
        .await
        .contains("accept or deny it in Invitations"));
    let own = set_state(&app, ADMIN_EMAIL, "deactivate").await;
    assert_eq!(own.status(), 409);
    assert!(conflict(own).await.contains("your own account"));
    assert_eq!(
        developers(&app, &[]).await,
        pairs(&[("bob@x.io", "awaiting_review"), (ADMIN_EMAIL, "active")]),
        "nothing changed"
    );
    let unknown = app
        .call(
            "set_account_state",
            &[("id", "999999"), ("action", "deactivate")],
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn two_admins_deactivating_at_once_change_the_account_once() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    register(&app, "ada@x.io", "Ada Lovelace", true).await;
    let id = account_id(&app, "ada@x.io").await;
    let form = [("id", id.as_str()), ("action", "deactivate")];
    let calls = (0..8).map(|_| app.call("set_account_state", &form));
    let statuses: Vec<u16> = futures::future::join_all(calls)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
}

/// A second admin (as `server create-admin` makes one), signed in in a browser of its own.
async fn second_admin(app: &TestApp, email: &str) -> Client {
    server::bootstrap::create_admin(
        &app.db().await,
        email,
        "Second Admin",
        crate::support::ADMIN_PASSWORD,
    )
    .await
    .expect("create a second admin");
    let browser = app.new_browser();
    let form = [
        ("email", email),
        ("password", crate::support::ADMIN_PASSWORD),
    ];
    let login = call_with(&browser, &app.address, "login", &form).await;
    assert_eq!(login.status(), 200);
    browser
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_deactivated_by_another() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let other = second_admin(&app, "second@portico.test").await;
    let first_id = account_id(&app, ADMIN_EMAIL).await;
    let second_id = account_id(&app, "second@portico.test").await;
    let form = [("id", second_id.as_str()), ("action", "deactivate")];
    assert_eq!(app.call("set_account_state", &form).await.status(), 200);
    // The second admin is out; now only the first is left, and nobody can remove them. (The
    // first cannot act on themselves; a stale session of the second is gone.)
    let form = [("id", first_id.as_str()), ("action", "deactivate")];
    let refused = call_with(&other, &app.address, "set_account_state", &form).await;
    assert_eq!(
        refused.status(),
        401,
        "the deactivated admin's session ended"
    );
    let own = app.call("set_account_state", &form).await;
    assert_eq!(own.status(), 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_deactivating_each_other_at_the_same_moment_leave_one_active() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let first_id = account_id(&app, ADMIN_EMAIL).await;
    for round in 0..5 {
        let email = format!("second{round}@portico.test");
        let other = second_admin(&app, &email).await;
        let other_id = account_id(&app, &email).await;
        let remove_other = [("id", other_id.as_str()), ("action", "deactivate")];
        let remove_first = [("id", first_id.as_str()), ("action", "deactivate")];
        let (a, b) = tokio::join!(
            app.call("set_account_state", &remove_other),
            call_with(&other, &app.address, "set_account_state", &remove_first),
        );
        let statuses = [a.status().as_u16(), b.status().as_u16()];
        // The loser is refused as the last admin (409), or, when the winner's change ended
        // its session before its request was read, as signed out (401).
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        let loser = if statuses[0] == 200 { b } else { a };
        assert!(
            matches!(loser.status().as_u16(), 401 | 409),
            "round {round}: {statuses:?}"
        );
        if loser.status() == 409 {
            let body = loser.text().await.unwrap();
            assert!(
                body.contains("last active administrator"),
                "round {round}: {body}"
            );
        }
        // Whoever lost, put the first admin back in charge for the next round.
        if statuses[1] == 200 {
            let form = [("id", first_id.as_str()), ("action", "reactivate")];
            let back = call_with(&other, &app.address, "set_account_state", &form).await;
            assert_eq!(back.status(), 200);
            app.login_as_admin().await;
            let form = [("id", other_id.as_str()), ("action", "deactivate")];
            assert_eq!(app.call("set_account_state", &form).await.status(), 200);
        }
    }
}

/// The id of the newest invitation row of `email`, from the invitations list.
async fn newest_invitation_id(app: &TestApp, email: &str) -> String {
    app.list(&[("search", email)]).await.rows[0].id.to_string()
}

#[tokio::test]
async fn a_deactivated_account_with_a_denied_registration_in_its_past_is_not_brought_back_by_invitations(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // Denied first...
    register(&app, "ada@x.io", "Ada Lovelace", false).await;
    let denied_id = newest_invitation_id(&app, "ada@x.io").await;
    let form = [("id", denied_id.as_str()), ("decision", "deny")];
    assert_eq!(app.call("review_invitation", &form).await.status(), 200);
    // ...then invited again and approved, then deactivated.
    register(&app, "ada@x.io", "Ada Lovelace", true).await;
    assert_eq!(
        set_state(&app, "ada@x.io", "deactivate").await.status(),
        200
    );
    assert_eq!(
        developers(&app, &[("search", "ada@")]).await,
        pairs(&[("ada@x.io", "deactivated")])
    );

    // An invitation is not the way back: the address already has an account.
    let report = app.invite("ada@x.io").await;
    assert_eq!(
        report.entries[0].outcome,
        InviteOutcome::AlreadyDeveloper,
        "{report:?}"
    );
    // Nor is resending the old denied registration.
    let resent = app.call("resend_invitation", &[("id", &denied_id)]).await;
    assert_eq!(resent.status(), 409);
    let message = conflict(resent).await;
    assert!(
        message.contains("Reactivate it in Consumers › Developers"),
        "{message}"
    );
    // Reactivation is.
    assert_eq!(
        set_state(&app, "ada@x.io", "reactivate").await.status(),
        200
    );
    assert_eq!(
        developers(&app, &[("search", "ada@")]).await,
        pairs(&[("ada@x.io", "active")])
    );
}
