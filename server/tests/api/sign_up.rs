//! Self sign-up over HTTP: closed by default; open with automatic approval or with review;
//! the answer never tells whether an address is known; the password is chosen on the emailed
//! link's page, so whoever typed the address at sign-up never chooses it.

use crate::support::{
    call_with, error, invalid_input, ok, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD,
};
use app::{
    domain::InvitationStatus,
    model::{
        invitation::{CompletionOutcome, Origin},
        ApiError,
    },
    ssr::entities::{invitation, outbox},
};
use sea_orm::{EntityTrait, QueryOrder};

const CHOSEN_PASSWORD: &str = "Self-Made-42";

async fn sign_up(app: &TestApp, email: &str, name: &str) -> reqwest::Response {
    call_with(
        &app.new_browser(),
        &app.address,
        "sign_up",
        &[("email", email), ("full_name", name)],
    )
    .await
}

/// Finishes the sign-up behind `token` in a new browser, as its page does (the name it
/// suggests, the password chosen there); returns the outcome and that browser.
async fn confirm(
    app: &TestApp,
    token: &str,
) -> (
    reqwest::StatusCode,
    Result<CompletionOutcome, ApiError>,
    reqwest::Client,
) {
    let landing = app.landing(token).await;
    let name = landing
        .suggested_name
        .unwrap_or_else(|| "Some Name".to_owned());
    let (browser, response) = app.complete(token, &name, CHOSEN_PASSWORD).await;
    let status = response.status();
    let outcome = if status.is_success() {
        Ok(ok(response).await)
    } else {
        Err(error(response).await)
    };
    (status, outcome, browser)
}

/// The message of a refused confirmation, which must be a `Conflict`.
fn conflict(outcome: Result<CompletionOutcome, ApiError>) -> String {
    match outcome {
        Err(ApiError::Conflict(message)) => message,
        other => panic!("not a Conflict: {other:?}"),
    }
}

async fn outbox_kinds(app: &TestApp) -> Vec<(String, String)> {
    outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(&app.db().await)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.recipient))
        .collect()
}

#[tokio::test]
async fn sign_up_is_closed_until_an_admin_opens_it() {
    let app = TestApp::spawn().await;
    let open: bool = ok(app.call("sign_up_open", &[]).await).await;
    assert!(!open);
    let refused = sign_up(&app, "new@x.io", "New Dev").await;
    assert_eq!(refused.status(), 403);
    let ApiError::Disabled(message) = error(refused).await else {
        panic!("not Disabled");
    };
    assert!(message.contains("ask its administrators for an invitation"));
    assert!(invitation::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn with_automatic_approval_the_developer_chooses_the_password_on_the_link_and_is_signed_in() {
    let app = TestApp::spawn().await;
    app.open_sign_up("automatic").await;
    assert!(ok::<bool>(app.call("sign_up_open", &[]).await).await);
    let response = sign_up(&app, "New@X.io", "New Dev").await;
    assert_eq!(response.status(), 200);

    let token = app.token_for("New@X.io").await;
    let landing = app.landing(&token).await;
    assert!(landing.self_sign_up);
    assert_eq!(landing.email.as_deref(), Some("New@X.io"));
    assert_eq!(landing.suggested_name.as_deref(), Some("New Dev"));
    // Opening the page changed nothing; the form's POST with the password finishes.
    let (status, outcome, browser) = confirm(&app, &token).await;
    assert_eq!(status, 200);
    assert_eq!(outcome, Ok(CompletionOutcome::Approved));
    let me = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(
        (me.email.as_str(), me.full_name.as_str()),
        ("New@X.io", "New Dev")
    );

    let row = &app.list(&[("search", "new@")]).await.rows[0];
    assert_eq!(
        (row.origin, row.status),
        (Origin::SelfRegistration, InvitationStatus::Approved)
    );
    // No password was ever stored with the sign-up; the suggested name is gone too.
    let stored = invitation::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert!(stored.iter().all(|i| i.sign_up_password_hash.is_none()));
    assert!(stored.iter().all(|i| i.sign_up_full_name.is_none()));
    assert_eq!(app.login("new@x.io", CHOSEN_PASSWORD).await.status(), 200);

    let (again, answer, _) = confirm(&app, &token).await;
    assert_eq!(again, 409, "single use");
    assert!(conflict(answer).contains("already"));
}

#[tokio::test]
async fn with_approval_the_confirmed_registration_waits_for_an_admin() {
    let app = TestApp::spawn().await;
    app.open_sign_up("with_approval").await;
    assert_eq!(sign_up(&app, "wait@x.io", "Wait Ing").await.status(), 200);
    let (status, outcome, browser) = confirm(&app, &app.token_for("wait@x.io").await).await;
    assert_eq!(
        (status.as_u16(), outcome),
        (200, Ok(CompletionOutcome::Waiting))
    );
    assert_eq!(app.current_user_in(&browser).await, None);
    assert!(outbox_kinds(&app)
        .await
        .contains(&("admin_review_needed".into(), ADMIN_EMAIL.into())));
    let row = app.list(&[("search", "wait@")]).await.rows[0].clone();
    assert_eq!(row.status, InvitationStatus::Waiting);
    assert_eq!(row.full_name.as_deref(), Some("Wait Ing"));
    let accepted = app
        .call(
            "review_invitation",
            &[("id", &row.id.to_string()), ("decision", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(app.login("wait@x.io", CHOSEN_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_known_address_gets_the_same_answer_and_its_owner_an_email_instead() {
    let app = TestApp::spawn().await;
    app.developer("dev@x.io").await;
    app.open_sign_up("automatic").await;
    app.invite("invited@x.io").await;
    let before = app.list(&[]).await.total;

    let fresh = sign_up(&app, "fresh@x.io", "Fresh Dev").await;
    let (fresh_status, fresh_body) = (fresh.status(), fresh.text().await.unwrap());
    for known in ["dev@x.io", "DEV@x.io", "invited@x.io"] {
        let response = sign_up(&app, known, "Someone Else").await;
        assert_eq!(response.status(), fresh_status, "{known}");
        assert_eq!(response.text().await.unwrap(), fresh_body, "{known}");
    }
    // Only the fresh address got an invitation; the known ones got notices.
    assert_eq!(app.list(&[]).await.total, before + 1);
    let notices: Vec<String> = outbox_kinds(&app)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "sign_up_notice")
        .map(|(_, to)| to)
        .collect();
    assert_eq!(notices, ["dev@x.io", "dev@x.io", "invited@x.io"]);
    // The existing account's password did not change.
    assert_eq!(
        app.login("dev@x.io", DEVELOPER_PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn signing_up_again_before_confirming_replaces_the_first_link() {
    let app = TestApp::spawn().await;
    app.open_sign_up("automatic").await;
    sign_up(&app, "twice@x.io", "First Try").await;
    let first = app.token_for("twice@x.io").await;
    sign_up(&app, "twice@x.io", "Second Try").await;
    let second = app.token_for("twice@x.io").await;
    assert_ne!(first, second);

    let (status, answer, _) = confirm(&app, &first).await;
    assert_eq!(status, 409);
    let message = conflict(answer);
    assert!(message.contains("newer invitation"), "{message}");
    let (status, _, browser) = confirm(&app, &second).await;
    assert_eq!(status, 200);
    let me = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(me.full_name, "Second Try");
}

#[tokio::test]
async fn a_bad_sign_up_names_every_problem_and_stores_nothing() {
    let app = TestApp::spawn().await;
    app.open_sign_up("automatic").await;
    let response = call_with(
        &app.new_browser(),
        &app.address,
        "sign_up",
        &[("email", "not-an-email"), ("full_name", " ")],
    )
    .await;
    assert_eq!(response.status(), 422);
    let message = invalid_input(response).await;
    for expected in ["email address", "full name"] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from {message:?}"
        );
    }
    assert_eq!(app.list(&[]).await.total, 0);
}

#[tokio::test]
async fn a_stranger_who_signs_up_with_someone_elses_address_never_holds_its_password() {
    let app = TestApp::spawn().await;
    app.open_sign_up("automatic").await;
    // The stranger sends a password along: it is not a field of the sign-up at all.
    let stranger = call_with(
        &app.new_browser(),
        &app.address,
        "sign_up",
        &[
            ("email", "owner@x.io"),
            ("full_name", "Not The Owner"),
            ("password", "Stranger-Pass-1"),
            ("confirmation", "Stranger-Pass-1"),
        ],
    )
    .await;
    assert_eq!(stranger.status(), 200);
    let token = app.token_for("owner@x.io").await;
    // The one-click confirmation that finished a sign-up with the password typed at sign-up
    // is gone: nothing finishes it without choosing a password on the link.
    let one_click = call_with(
        &app.new_browser(),
        &app.address,
        "confirm_sign_up",
        &[("token", &token)],
    )
    .await;
    assert_eq!(one_click.status(), 404);
    assert_eq!(
        app.login("owner@x.io", "Stranger-Pass-1").await.status(),
        401
    );
    // The owner opens the emailed link, and the page asks them for the password.
    assert!(app.landing(&token).await.self_sign_up);
    let (owner, finished) = app.complete(&token, "The Owner", "Owners-Own-77").await;
    assert_eq!(finished.status(), 200);
    let me = app.current_user_in(&owner).await.expect("signed in");
    assert_eq!(
        me.full_name, "The Owner",
        "the owner's name, not the stranger's"
    );
    assert_eq!(
        app.login("owner@x.io", "Stranger-Pass-1").await.status(),
        401
    );
    assert_eq!(app.login("owner@x.io", "Owners-Own-77").await.status(), 200);
}
