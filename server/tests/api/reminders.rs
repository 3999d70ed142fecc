//! Reminders: a Pending invitation is emailed once more before it expires, with a link of its
//! own (the first email's link keeps working, and either uses the invitation up); never for a
//! resent invitation, a used one, or while reminders are off in Settings.

use crate::support::{invalid_input, ok, SettingsFields, TestApp, DEVELOPER_PASSWORD};
use app::{
    domain::LinkState,
    model::{audit::AuditAction, invitation::CompletionOutcome},
    ssr::services::invitations::reminders,
};
use chrono::{Duration, Utc};

/// Queues the reminders due `hours` from now, as the housekeeping loop would then.
async fn send_reminders_in(app: &TestApp, hours: i64) -> u64 {
    reminders::send_due(
        &app.db().await,
        &app.address,
        Utc::now() + Duration::hours(hours),
    )
    .await
    .expect("send reminders")
}

/// The payloads of the invitation emails queued for `email`, oldest first.
async fn invitation_emails(app: &TestApp, email: &str) -> Vec<serde_json::Value> {
    app.outbox()
        .await
        .into_iter()
        .filter(|row| row.recipient == email && row.kind == "invitation")
        .map(|row| serde_json::from_str(&row.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn a_pending_invitation_is_reminded_once_before_it_expires_with_a_link_of_its_own() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("ada@example.com").await;
    let first = app.token_for("ada@example.com").await;

    // Default settings: 72 hours of validity, reminded 24 hours before expiry.
    assert_eq!(send_reminders_in(&app, 47).await, 0, "not due yet");
    assert_eq!(send_reminders_in(&app, 49).await, 1);
    assert_eq!(send_reminders_in(&app, 50).await, 0, "only once");

    let emails = invitation_emails(&app, "ada@example.com").await;
    assert_eq!(emails.len(), 2);
    assert_eq!(emails[1]["reminder"], true);
    let reminder = app.token_for("ada@example.com").await;
    assert_ne!(reminder, first);
    // Both links open the same invitation; the reminder's is used, then both are.
    assert_eq!(app.landing(&first).await.state, LinkState::Usable);
    assert_eq!(app.landing(&reminder).await.state, LinkState::Usable);
    let (_, response) = app
        .complete(&reminder, "Ada Lovelace", DEVELOPER_PASSWORD)
        .await;
    assert_eq!(
        ok::<CompletionOutcome>(response).await,
        CompletionOutcome::Approved
    );
    assert_eq!(app.landing(&first).await.state, LinkState::AlreadyUsed);
    assert_eq!(app.landing(&reminder).await.state, LinkState::AlreadyUsed);

    let entries = app
        .activity(&[("action", AuditAction::Reminded.as_str())])
        .await
        .entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target.as_deref(), Some("ada@example.com"));
    assert_eq!(
        entries[0].actor.as_deref(),
        Some("the portal, automatically")
    );
}

#[tokio::test]
async fn resent_and_used_invitations_get_no_reminder_and_zero_hours_turns_reminders_off() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // Resent: its holder was just sent a fresh link.
    let report = app.invite("resent@example.com").await;
    let id = crate::support::invited_id(&report.entries[0].outcome);
    let _: app::model::invitation::InvitationRow = ok(app
        .call("resend_invitation", &[("id", &id.to_string())])
        .await)
    .await;
    // Used: the account exists.
    app.invite("used@example.com").await;
    let token = app.token_for("used@example.com").await;
    let (_, response) = app.complete(&token, "Used Up", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 200);
    // Invited before reminders were turned off.
    app.invite("later@example.com").await;

    let refused = invalid_input(
        app.save_settings(SettingsFields {
            reminder_hours: "tomorrow",
            ..Default::default()
        })
        .await,
    )
    .await;
    assert!(
        refused.contains("Reminder: enter a whole number of hours"),
        "{refused}"
    );
    let off = app
        .save_settings(SettingsFields {
            reminder_hours: "0",
            ..Default::default()
        })
        .await;
    assert_eq!(off.status(), 200);
    assert!(app.settings().await.reminder.is_off());
    assert_eq!(send_reminders_in(&app, 49).await, 0, "reminders are off");

    let on = app.save_settings(SettingsFields::default()).await;
    assert_eq!(on.status(), 200);
    assert_eq!(
        send_reminders_in(&app, 71).await,
        0,
        "no reminder in an invitation's last hour: it would come too late"
    );
    assert_eq!(send_reminders_in(&app, 49).await, 1, "only later@ is due");
    assert_eq!(invitation_emails(&app, "later@example.com").await.len(), 2);
    assert_eq!(invitation_emails(&app, "resent@example.com").await.len(), 2);
    assert_eq!(invitation_emails(&app, "used@example.com").await.len(), 1);
}
