//! Forgotten passwords end to end, through the real mail worker and a real SMTP capture
//! server: the request answers the same for every address, the email decides what applies,
//! a link works once and only the newest works, and a reset ends every session.

use crate::support::{
    call_with, error, eventually,
    maildev::{link_in, recipient, token_of, with_smtp, Maildev},
    ok, when, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD,
};
use app::{
    domain::password_reset::ResetLinkState,
    model::{account::ResetLanding, audit::AuditAction, ApiError},
    ssr::entities::{outbox, password_reset},
};
use chrono::Utc;
use reqwest::{Client, Response};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

const NEW_PASSWORD: &str = "Fresh-Start-42";

/// A server with the mail worker sending to maildev.
async fn app_with_mail() -> (TestApp, Maildev) {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    (app, maildev)
}

/// Invites `email` (as the signed-in admin), completes the registration from the emailed link
/// and returns the developer's signed-in browser.
async fn registered(app: &TestApp, maildev: &Maildev, email: &str, pre_approved: bool) -> Client {
    let invited = app
        .call(
            "invite",
            &[
                ("emails", email),
                ("pre_approved", &pre_approved.to_string()),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let invitation = maildev.emails_to(email, "invit", 1).await;
    let token = token_of(&link_in(&invitation[0], "/invitation/"));
    let (browser, completed) = app
        .complete(&token, "Ada Lovelace", DEVELOPER_PASSWORD)
        .await;
    assert_eq!(completed.status(), 200);
    browser
}

async fn request_reset(app: &TestApp, email: &str) -> Response {
    call_with(
        &app.new_browser(),
        &app.address,
        "request_password_reset",
        &[("email", email)],
    )
    .await
}

async fn landing(app: &TestApp, token: &str) -> ResetLanding {
    ok(app
        .call("password_reset_landing", &[("token", token)])
        .await)
    .await
}

async fn reset(app: &TestApp, browser: &Client, token: &str, password: &str) -> Response {
    call_with(
        browser,
        &app.address,
        "reset_password",
        &[
            ("token", token),
            ("password", password),
            ("confirmation", password),
        ],
    )
    .await
}

/// Asks for a reset of `email` and returns the token of the link that arrives (the `nth`
/// reset email to that address, counting from 1).
async fn reset_token(app: &TestApp, maildev: &Maildev, email: &str, nth: usize) -> String {
    let asked = request_reset(app, email).await;
    assert_eq!(asked.status(), 200);
    let emails = maildev.emails_to(email, "Reset your password", nth).await;
    token_of(&link_in(&emails[nth - 1], "/password-reset/"))
}

async fn can_log_in(app: &TestApp, email: &str, password: &str) -> bool {
    let browser = app.new_browser();
    call_with(
        &browser,
        &app.address,
        "login",
        &[("email", email), ("password", password)],
    )
    .await
    .status()
        == 200
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_through_the_emailed_link_and_every_session_ends() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    let laptop = registered(&app, &maildev, "ada@x.io", true).await;
    let phone = app.new_browser();
    let logged_in = call_with(
        &phone,
        &app.address,
        "login",
        &[("email", "ada@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(logged_in.status(), 200);

    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    assert_eq!(token.len(), 64, "a 256-bit token, hex-encoded");
    // Opening the link (twice, as a mail scanner and then the person would) uses nothing up.
    for _ in 0..2 {
        let shown = landing(&app, &token).await;
        assert_eq!(shown.state, ResetLinkState::Usable);
        assert_eq!(shown.email.as_deref(), Some("ada@x.io"));
    }
    // Only the token's hash is stored.
    let db = app.db().await;
    let stored = password_reset::Entity::find().all(&db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);

    let done = reset(&app, &app.new_browser(), &token, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());

    assert_eq!(
        app.current_user_in(&laptop).await,
        None,
        "the laptop's session ended"
    );
    assert_eq!(
        app.current_user_in(&phone).await,
        None,
        "the phone's session ended"
    );
    assert!(!can_log_in(&app, "ada@x.io", DEVELOPER_PASSWORD).await);
    assert!(can_log_in(&app, "ada@x.io", NEW_PASSWORD).await);

    let again = reset(&app, &app.new_browser(), &token, "Another-Pass-77").await;
    assert!(error(again).await.to_string().contains("already used"));
    assert_eq!(landing(&app, &token).await.state, ResetLinkState::Used);

    let notice = maildev.emails_to("ada@x.io", "was reset", 1).await;
    assert!(link_in(&notice[0], "/forgot-password").starts_with(&app.address));
    let log = app.activity(&[("action", "password_reset")]).await;
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].action, AuditAction::PasswordReset);
    assert_eq!(log.entries[0].target.as_deref(), Some("ada@x.io"));
    assert!(log.entries[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("2 session(s) ended"));
}

#[tokio::test]
async fn the_request_answers_alike_for_every_address_and_only_an_account_that_can_sign_in_gets_a_link(
) {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "active@x.io", true).await;
    registered(&app, &maildev, "waiting@x.io", false).await;

    let mut answers = Vec::new();
    for email in ["active@x.io", "waiting@x.io", "nobody@x.io", ADMIN_EMAIL] {
        let answer = request_reset(&app, email).await;
        answers.push((answer.status(), answer.text().await.unwrap()));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 200);

    let link = maildev
        .emails_to("active@x.io", "Reset your password", 1)
        .await;
    assert!(link_in(&link[0], "/password-reset/").starts_with(&app.address));
    // Admins recover their accounts the same way.
    let admin = maildev
        .emails_to(ADMIN_EMAIL, "Reset your password", 1)
        .await;
    assert!(link_in(&admin[0], "/password-reset/").starts_with(&app.address));
    let refused = maildev
        .emails_to("waiting@x.io", "About your password reset", 1)
        .await;
    let text = refused[0]["text"].as_str().unwrap();
    assert!(
        text.contains("waiting for an administrator's review"),
        "{text}"
    );
    assert!(!text.contains("/password-reset/"));

    // Nothing goes to an address without an account: its request is dropped by the worker.
    let db = app.db().await;
    eventually("the request for nobody@x.io dropped", async || {
        let row = outbox::Entity::find()
            .filter(outbox::Column::Recipient.eq("nobody@x.io"))
            .one(&db)
            .await
            .unwrap()
            .expect("the request was queued like the others");
        when(row.status, |status| status == "dropped")
    })
    .await;
    assert!(maildev
        .emails()
        .await
        .iter()
        .all(|e| recipient(e) != "nobody@x.io"));
}

#[tokio::test]
async fn a_newer_request_replaces_the_older_link() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "ada@x.io", true).await;
    let first = reset_token(&app, &maildev, "ada@x.io", 1).await;
    let second = reset_token(&app, &maildev, "ada@x.io", 2).await;
    assert_ne!(first, second);
    assert_eq!(landing(&app, &first).await.state, ResetLinkState::Unknown);
    let refused = reset(&app, &app.new_browser(), &first, NEW_PASSWORD).await;
    assert_eq!(refused.status(), 409);
    let done = reset(&app, &app.new_browser(), &second, NEW_PASSWORD).await;
    assert_eq!(done.status(), 200);
    assert!(can_log_in(&app, "ada@x.io", NEW_PASSWORD).await);
}

#[tokio::test]
async fn two_submissions_of_one_link_at_once_change_the_password_once() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "ada@x.io", true).await;
    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    let (one, two) = (app.new_browser(), app.new_browser());
    let (a, b) = tokio::join!(
        reset(&app, &one, &token, "First-Winner-11"),
        reset(&app, &two, &token, "Second-Winner-22")
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let first = can_log_in(&app, "ada@x.io", "First-Winner-11").await;
    let second = can_log_in(&app, "ada@x.io", "Second-Winner-22").await;
    assert!(first != second, "exactly one of the two passwords is set");
    let log = app.activity(&[("action", "password_reset")]).await;
    assert_eq!(log.entries.len(), 1);
}

#[tokio::test]
async fn an_expired_link_is_refused_and_says_to_ask_for_a_new_one() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "ada@x.io", true).await;
    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::ExpiresAt,
            Expr::value(Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.db().await)
        .await
        .unwrap();
    assert_eq!(landing(&app, &token).await.state, ResetLinkState::Expired);
    let refused = reset(&app, &app.new_browser(), &token, NEW_PASSWORD).await;
    let message = error(refused).await.to_string();
    assert!(
        message.contains("expired") && message.contains("Ask for a new one"),
        "{message}"
    );
    assert!(can_log_in(&app, "ada@x.io", DEVELOPER_PASSWORD).await);
}

#[tokio::test]
async fn a_new_password_that_breaks_the_policy_is_refused_and_the_link_keeps_working() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "ada@x.io", true).await;
    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    for weak in ["short", "password123"] {
        let refused = reset(&app, &app.new_browser(), &token, weak).await;
        match error(refused).await {
            ApiError::InvalidInput(message) => {
                assert!(message.contains("new password"), "{message}")
            }
            other => panic!("expected a policy error, got {other:?}"),
        }
    }
    let mismatch = call_with(
        &app.new_browser(),
        &app.address,
        "reset_password",
        &[
            ("token", &token),
            ("password", NEW_PASSWORD),
            ("confirmation", "Fresh-Start-43"),
        ],
    )
    .await;
    assert!(error(mismatch).await.to_string().contains("confirmation"));
    assert_eq!(landing(&app, &token).await.state, ResetLinkState::Usable);
    assert!(can_log_in(&app, "ada@x.io", DEVELOPER_PASSWORD).await);
}

#[tokio::test]
async fn a_deactivated_account_is_told_why_instead_of_getting_a_link_and_an_older_link_stops_working(
) {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    registered(&app, &maildev, "ada@x.io", true).await;
    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    let id = app.developers(&[("search", "ada@x.io")]).await.rows[0]
        .id
        .to_string();
    let deactivated = app
        .call(
            "set_account_state",
            &[("id", &id), ("action", "deactivate")],
        )
        .await;
    assert_eq!(deactivated.status(), 200);

    let refused = reset(&app, &app.new_browser(), &token, NEW_PASSWORD).await;
    assert!(error(refused).await.to_string().contains("deactivated"));
    assert_eq!(request_reset(&app, "ada@x.io").await.status(), 200);
    let told = maildev
        .emails_to("ada@x.io", "About your password reset", 1)
        .await;
    assert!(told[0]["text"].as_str().unwrap().contains("deactivated"));
}

#[tokio::test]
async fn requests_are_limited_per_recipient_and_per_client_address_and_a_bad_address_says_what_to_fix(
) {
    let app = TestApp::spawn_with(|config| {
        config.limits.mails_per_recipient = 2;
        config.limits.password_resets_per_ip = 4;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(request_reset(&app, "ada@x.io").await.status(), 200);
    }
    let limited = request_reset(&app, "ada@x.io").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    // The same limit for an address without an account: the limit tells nothing either.
    assert_eq!(request_reset(&app, "nobody@x.io").await.status(), 200);
    // Four requests counted from this client address (the refused one included): full.
    let other = request_reset(&app, "bo@x.io").await;
    assert_eq!(other.status(), 429);

    let malformed = TestApp::spawn().await;
    let answer = request_reset(&malformed, "not-an-address").await;
    match error(answer).await {
        ApiError::InvalidInput(message) => {
            assert!(message.contains("not valid") && message.contains("address you log in with"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn changing_the_password_on_the_profile_emails_a_notice_and_ends_outstanding_reset_links() {
    let (app, maildev) = app_with_mail().await;
    app.login_as_admin().await;
    let browser = registered(&app, &maildev, "ada@x.io", true).await;
    let token = reset_token(&app, &maildev, "ada@x.io", 1).await;
    let changed = call_with(
        &browser,
        &app.address,
        "change_password",
        &[
            ("current_password", DEVELOPER_PASSWORD),
            ("password", NEW_PASSWORD),
            ("confirmation", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    let notice = maildev.emails_to("ada@x.io", "was changed", 1).await;
    assert!(notice[0]["text"].as_str().unwrap().contains("profile page"));
    assert_eq!(landing(&app, &token).await.state, ResetLinkState::Unknown);
}
