//! Decision emails (issue 18): when an admin accepts a registration that waits for review the
//! developer is emailed that it was approved, with a link to log in; when they deny it, that
//! it was not approved, with the reason the admin typed (also kept in the audit log and shown
//! in the invitation's details). Through a real SMTP capture server (maildev).

use crate::support::{
    call_with, conflict, invalid_input, invited_id,
    maildev::{about, invitation_link, token_of, with_smtp, Maildev},
    ok, TestApp, DEVELOPER_PASSWORD,
};
use app::{
    domain::InvitationStatus,
    model::{
        audit::AuditAction,
        invitation::{InvitationRow, InviteReport},
    },
    ssr::services::outbox::REGISTRATION_DECISION_KIND,
};
use serde_json::Value;
use std::time::Duration;

const DEV: &str = "dev@x.io";
const APPROVED: &str = "Your registration to Portico was approved";
const NOT_APPROVED: &str = "Your registration to Portico was not approved";

/// Invites `email` without pre-approval (as the signed-in admin) and returns the invitation's id.
async fn invite_for_review(app: &TestApp, email: &str) -> String {
    let form = [("emails", email), ("pre_approved", "false")];
    let report: InviteReport = ok(app.call("invite", &form).await).await;
    invited_id(&report.entries[0].outcome).to_string()
}

/// A registration of `DEV` waiting for review, completed through the link that arrived in
/// maildev; returns the invitation's id.
async fn waiting_via_smtp(app: &TestApp, maildev: &Maildev) -> String {
    app.login_as_admin().await;
    let id = invite_for_review(app, DEV).await;
    let invitation = maildev
        .emails_to(DEV, "You're invited to Portico", 1)
        .await
        .remove(0);
    assert_eq!(invitation["subject"], "You're invited to Portico");
    let token = token_of(&invitation_link(&invitation));
    let (_, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert_eq!(row(app).await.status, InvitationStatus::Waiting);
    id
}

/// A registration of `DEV` waiting for review on a server without a mail worker (its emails
/// stay queued in the outbox); returns the invitation's id.
async fn waiting(app: &TestApp) -> String {
    app.login_as_admin().await;
    let id = invite_for_review(app, DEV).await;
    let token = app.token_for(DEV).await;
    let (_, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    id
}

async fn review(
    app: &TestApp,
    id: &str,
    decision: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![("id", id), ("decision", decision)];
    if let Some(reason) = reason {
        form.push(("reason", reason));
    }
    app.call("review_invitation", &form).await
}

/// The row of `DEV`'s invitation, as the admin's list shows it.
async fn row(app: &TestApp) -> InvitationRow {
    let page = app.list(&[("search", DEV)]).await;
    page.rows
        .into_iter()
        .find(|r| r.email == DEV)
        .expect("the invitation is listed")
}

/// The decision emails queued or sent so far (outbox rows of their kind).
async fn decision_rows(app: &TestApp) -> Vec<app::ssr::entities::outbox::Model> {
    app.outbox()
        .await
        .into_iter()
        .filter(|r| r.kind == REGISTRATION_DECISION_KIND)
        .collect()
}

/// The emails to `to` whose subject is exactly `subject`, once at least one arrived and no
/// further email came for a moment (so a second one would have been seen).
async fn settled_to(maildev: &Maildev, to: &str, subject: &str) -> Vec<Value> {
    maildev.emails_to(to, subject, 1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let emails = about(&maildev.emails().await, to, subject);
    for email in &emails {
        assert_eq!(email["subject"], subject, "a subject other than expected");
    }
    emails
}

fn part(email: &Value, name: &str) -> String {
    email[name].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn accepting_emails_the_developer_that_it_was_approved_with_a_login_link_that_works() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    let id = waiting_via_smtp(&app, &maildev).await;

    let accepted: InvitationRow = ok(review(&app, &id, "accept", None).await).await;
    assert_eq!(accepted.status, InvitationStatus::Approved);
    let decision = accepted.decision.expect("the row shows the decision");
    assert!(decision.approved);
    assert_eq!(decision.by.as_deref(), Some("Administrator"));
    assert_eq!(decision.reason, None);

    let emails = settled_to(&maildev, DEV, APPROVED).await;
    assert_eq!(emails.len(), 1, "one approval email");
    let (text, html) = (part(&emails[0], "text"), part(&emails[0], "html"));
    let login = format!("{}/login", app.address);
    assert!(text.contains("Hello Dev Eloper,"), "{text}");
    assert!(text.contains(&format!("\n{login}\n")), "{text}");
    assert!(html.contains(&format!("<a href=\"{login}\"")), "{html}");
    assert!(!text.contains("not approved"));

    // The link opens the login page, and the developer's password now signs them in there.
    let link = text
        .split_whitespace()
        .find(|word| word.ends_with("/login"))
        .expect("a login link in the plain-text part");
    let page = app
        .new_browser()
        .get(link)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("<title>Log in"));
    let browser = app.new_browser();
    let form = [("email", DEV), ("password", DEVELOPER_PASSWORD)];
    let signed_in = call_with(&browser, &app.address, "login", &form).await;
    assert_eq!(signed_in.status(), 200);
}

#[tokio::test]
async fn denying_with_a_reason_emails_it_and_keeps_it_in_the_row_details_and_the_audit_log() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    let id = waiting_via_smtp(&app, &maildev).await;
    // As a browser posts a textarea: CRLF line breaks, whitespace around, markup, non-ASCII.
    let typed =
        "  Please register with your company address.\r\n<Acme> & partners only — désolé 😀\r\n";
    let reason = "Please register with your company address.\n<Acme> & partners only — désolé 😀";

    let denied: InvitationRow = ok(review(&app, &id, "deny", Some(typed)).await).await;
    assert_eq!(denied.status, InvitationStatus::Rejected);

    // The invitation's details in the list show who denied it and why.
    let decision = row(&app)
        .await
        .decision
        .expect("the row shows the decision");
    assert!(!decision.approved);
    assert_eq!(decision.by.as_deref(), Some("Administrator"));
    assert_eq!(decision.reason.as_deref(), Some(reason));

    // The audit log's Denied entry carries the reason (on one line, as every detail).
    let log = app.activity(&[("action", "denied")]).await;
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].action, AuditAction::Denied);
    assert_eq!(log.entries[0].target.as_deref(), Some(DEV));
    assert_eq!(
        log.entries[0].detail.as_deref(),
        Some("Please register with your company address. <Acme> & partners only — désolé 😀")
    );

    let emails = settled_to(&maildev, DEV, NOT_APPROVED).await;
    assert_eq!(emails.len(), 1, "one denial email");
    let (text, html) = (part(&emails[0], "text"), part(&emails[0], "html"));
    assert!(
        text.contains(
            "> Please register with your company address.\n> <Acme> & partners only — désolé 😀\n"
        ),
        "{text}"
    );
    assert!(
        html.contains("&lt;Acme&gt; &amp; partners only — désolé 😀"),
        "{html}"
    );
    assert!(!html.contains("<Acme>"), "{html}");
    for part in [&text, &html] {
        assert!(
            !part.contains("/login"),
            "a denial has no login link: {part}"
        );
    }
    assert!(about(&maildev.emails().await, DEV, APPROVED).is_empty());
}

#[tokio::test]
async fn denying_without_a_reason_sends_the_not_approved_email_without_one() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    let id = waiting_via_smtp(&app, &maildev).await;

    // The dialog posts an empty field when nothing was typed; whitespace is nothing too.
    let denied: InvitationRow = ok(review(&app, &id, "deny", Some(" \r\n ")).await).await;
    assert_eq!(denied.status, InvitationStatus::Rejected);
    assert_eq!(row(&app).await.decision.unwrap().reason, None);
    let log = app.activity(&[("action", "denied")]).await;
    assert_eq!(log.entries[0].detail, None);

    let emails = settled_to(&maildev, DEV, NOT_APPROVED).await;
    assert_eq!(emails.len(), 1);
    let text = part(&emails[0], "text");
    assert!(text.contains("was not approved"), "{text}");
    assert!(!text.contains("reason"), "{text}");
}

#[tokio::test]
async fn a_reason_over_500_characters_or_with_control_characters_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let id = waiting(&app).await;
    let too_long = "x".repeat(501);
    for (reason, says) in [
        (
            too_long.as_str(),
            ["at most 500 characters", "shorten it by 1"],
        ),
        ("tabs\tare not text", ["control characters", "remove them"]),
    ] {
        let refused = review(&app, &id, "deny", Some(reason)).await;
        assert_eq!(refused.status(), 422);
        let message = invalid_input(refused).await;
        for words in says {
            assert!(
                message.contains(words),
                "{words:?} missing from {message:?}"
            );
        }
    }

    let unchanged = row(&app).await;
    assert_eq!(unchanged.status, InvitationStatus::Waiting);
    assert_eq!(unchanged.decision, None);
    assert!(decision_rows(&app).await.is_empty());
    assert!(app
        .activity(&[("action", "denied")])
        .await
        .entries
        .is_empty());

    // Exactly 500 characters are fine.
    let denied = review(&app, &id, "deny", Some(&"x".repeat(500))).await;
    assert_eq!(denied.status(), 200);
}

#[tokio::test]
async fn accepting_with_a_reason_is_refused_instead_of_dropping_the_reason() {
    let app = TestApp::spawn().await;
    let id = waiting(&app).await;
    let refused = review(&app, &id, "accept", Some("Welcome aboard")).await;
    let message = invalid_input(refused).await;
    assert!(message.contains("only sent with a denial"), "{message}");
    assert_eq!(row(&app).await.status, InvitationStatus::Waiting);
    assert!(decision_rows(&app).await.is_empty());

    // An empty reason field is no reason: the acceptance goes through.
    let accepted = review(&app, &id, "accept", Some("")).await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(decision_rows(&app).await.len(), 1);
}

#[tokio::test]
async fn a_review_of_a_registration_already_decided_sends_no_second_email() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    let id = waiting_via_smtp(&app, &maildev).await;
    assert_eq!(review(&app, &id, "deny", Some("No")).await.status(), 200);
    let message = conflict(review(&app, &id, "accept", None).await).await;
    assert!(message.contains("Waiting"), "{message}");
    let late = review(&app, &id, "deny", Some("Still no")).await;
    assert_eq!(late.status(), 409);

    assert_eq!(settled_to(&maildev, DEV, NOT_APPROVED).await.len(), 1);
    assert!(about(&maildev.emails().await, DEV, APPROVED).is_empty());
    assert_eq!(decision_rows(&app).await.len(), 1);
    // The first reason stands.
    assert_eq!(
        row(&app).await.decision.unwrap().reason.as_deref(),
        Some("No")
    );
}

#[tokio::test]
async fn of_an_accept_and_a_deny_racing_only_the_winner_emails_the_developer() {
    let app = TestApp::spawn().await;
    let id = waiting(&app).await;
    let (accept, deny) = tokio::join!(
        review(&app, &id, "accept", None),
        review(&app, &id, "deny", Some("Raced"))
    );
    let accepted = accept.status() == 200;
    assert_ne!(accepted, deny.status() == 200, "exactly one wins");
    let rows = decision_rows(&app).await;
    assert_eq!(rows.len(), 1, "one decision email: {rows:?}");
    assert_eq!(rows[0].recipient, DEV);
    let payload: Value = serde_json::from_str(&rows[0].payload).unwrap();
    assert_eq!(payload["approved"], accepted);
    assert_eq!(payload["full_name"], "Dev Eloper");
    let expected_reason = if accepted {
        Value::Null
    } else {
        "Raced".into()
    };
    assert_eq!(payload["reason"], expected_reason);
}

#[tokio::test]
async fn a_resend_right_after_a_denial_does_not_drop_the_denial_email() {
    let app = TestApp::spawn().await;
    let id = waiting(&app).await;
    assert_eq!(
        review(&app, &id, "deny", Some("Wrong team")).await.status(),
        200
    );
    let resent = app.call("resend_invitation", &[("id", &id)]).await;
    assert_eq!(resent.status(), 200);

    let rows = decision_rows(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "queued", "not dropped with the invitation");
    assert_eq!(rows[0].invitation_id, None);
    // The replaced invitation still shows why it was denied.
    let page = app.list(&[("status", "inactivated")]).await;
    let reason = page.rows[0].decision.as_ref().unwrap().reason.as_deref();
    assert_eq!(reason, Some("Wrong team"));
}
