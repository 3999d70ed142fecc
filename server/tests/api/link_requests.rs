//! "Request a new invitation" from an expired or replaced link: the request waits for an
//! admin, who grants it (a resend) or declines it; an address still invited is resent at once
//! when the settings say so; one request waits per address, three are allowed a month; a
//! usable, unknown or already used link has nothing to request.

use crate::support::{
    call_with, conflict, error, invited_id, ok, SettingsFields, TestApp, DEVELOPER_PASSWORD,
};
use app::{
    domain::{link_request::RequestPlan, InvitationStatus, LinkState},
    model::{
        audit::AuditAction,
        invitation::InvitationRow,
        link_request::{LinkRequests, RequestAnswer},
        ApiError,
    },
};

/// Asks for a new invitation from the page of `token`, as its holder (no session).
async fn request(app: &TestApp, token: &str) -> reqwest::Response {
    call_with(
        &app.new_browser(),
        &app.address,
        "request_new_invitation",
        &[("token", token)],
    )
    .await
}

async fn requested(app: &TestApp, token: &str) -> RequestPlan {
    ok::<RequestAnswer>(request(app, token).await).await.0
}

async fn waiting(app: &TestApp) -> LinkRequests {
    ok(app.call("list_link_requests", &[]).await).await
}

async fn audit_targets(app: &TestApp, action: AuditAction) -> Vec<String> {
    app.activity(&[("action", action.as_str())])
        .await
        .entries
        .into_iter()
        .filter_map(|e| e.target)
        .collect()
}

#[tokio::test]
async fn an_expired_link_asks_for_a_new_invitation_and_an_admin_grants_it_with_a_resend() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("late@example.com").await;
    let expired = app.token_for("late@example.com").await;
    app.expire_invitations_of("late@example.com").await;
    assert_eq!(app.landing(&expired).await.state, LinkState::Expired);

    assert_eq!(requested(&app, &expired).await, RequestPlan::Wait);
    assert_eq!(
        requested(&app, &expired).await,
        RequestPlan::AlreadyWaiting,
        "one request waits per address"
    );
    let list = waiting(&app).await;
    assert_eq!(list.waiting, 1);
    assert_eq!(list.rows[0].email, "late@example.com");
    assert_eq!(
        list.rows[0].invitation.map(|i| i.status),
        Some(InvitationStatus::Expired)
    );
    assert!(list.rows[0].can_grant());
    assert_eq!(
        ok::<u64>(app.call("link_request_count", &[]).await).await,
        1
    );
    // Only admins see and answer requests.
    let anonymous = app.new_browser();
    let refused = call_with(&anonymous, &app.address, "list_link_requests", &[]).await;
    assert!(matches!(error(refused).await, ApiError::Unauthenticated));

    let id = list.rows[0].id.to_string();
    assert_eq!(
        app.call("grant_link_request", &[("id", &id)])
            .await
            .status(),
        200
    );
    let fresh = app.token_for("late@example.com").await;
    assert_ne!(fresh, expired);
    assert_eq!(app.landing(&fresh).await.state, LinkState::Usable);
    assert_eq!(waiting(&app).await.waiting, 0);
    // Answered once: a second grant, or a decline, is refused with a reason.
    let again = conflict(app.call("grant_link_request", &[("id", &id)]).await).await;
    assert!(again.contains("changed"), "{again}");
    let late = conflict(app.call("decline_link_request", &[("id", &id)]).await).await;
    assert!(late.contains("changed"), "{late}");
    assert_eq!(
        audit_targets(&app, AuditAction::NewInvitationRequested).await,
        ["late@example.com"]
    );
    assert_eq!(
        audit_targets(&app, AuditAction::Resent).await,
        ["late@example.com"]
    );
}

#[tokio::test]
async fn a_replaced_link_is_resent_at_once_only_when_settings_allow_and_three_requests_a_month_at_most(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let report = app.invite("lost@example.com").await;
    let replaced = app.token_for("lost@example.com").await;
    let id = invited_id(&report.entries[0].outcome).to_string();
    let _: InvitationRow = ok(app.call("resend_invitation", &[("id", &id)]).await).await;
    assert_eq!(app.landing(&replaced).await.state, LinkState::Superseded);

    // Settings off (the default): the request waits, and is declined.
    assert_eq!(requested(&app, &replaced).await, RequestPlan::Wait);
    let list = waiting(&app).await;
    assert_eq!(
        list.rows[0].invitation.map(|i| i.status),
        Some(InvitationStatus::Pending)
    );
    let request_id = list.rows[0].id.to_string();
    assert_eq!(
        app.call("decline_link_request", &[("id", &request_id)])
            .await
            .status(),
        200
    );
    assert_eq!(waiting(&app).await.waiting, 0);
    assert_eq!(
        audit_targets(&app, AuditAction::NewInvitationDeclined).await,
        ["lost@example.com"]
    );

    // Settings on: the address is still invited, so a fresh link goes at once.
    let saved = app
        .save_settings(SettingsFields {
            auto_resend_requests: "true",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let newest_before = app.token_for("lost@example.com").await;
    assert_eq!(requested(&app, &replaced).await, RequestPlan::ResendNow);
    let newest = app.token_for("lost@example.com").await;
    assert_ne!(newest, newest_before);
    assert_eq!(app.landing(&newest).await.state, LinkState::Usable);
    assert_eq!(
        app.landing(&newest_before).await.state,
        LinkState::Superseded
    );
    assert_eq!(
        waiting(&app).await.waiting,
        0,
        "nothing left for the admins"
    );

    // The third request in the month is the last one.
    assert_eq!(requested(&app, &replaced).await, RequestPlan::ResendNow);
    let limited = conflict(request(&app, &replaced).await).await;
    assert!(limited.contains("3 times in the last 30 days"), "{limited}");
}

#[tokio::test]
async fn a_usable_unknown_or_used_link_has_nothing_to_request_and_says_what_to_do() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let report = app.invite("done@example.com").await;
    let first = app.token_for("done@example.com").await;
    let usable = conflict(request(&app, &first).await).await;
    assert!(usable.contains("nothing to request"), "{usable}");

    let unknown = conflict(request(&app, &"ab".repeat(32)).await).await;
    assert!(unknown.contains("does not work"), "{unknown}");

    // Replaced, then registered with the newer link: the old link is told to log in.
    let id = invited_id(&report.entries[0].outcome).to_string();
    let _: InvitationRow = ok(app.call("resend_invitation", &[("id", &id)]).await).await;
    let newer = app.token_for("done@example.com").await;
    let (_, response) = app
        .complete(&newer, "Done Already", DEVELOPER_PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
    let registered = conflict(request(&app, &first).await).await;
    assert!(registered.contains("already registered"), "{registered}");
    assert_eq!(waiting(&app).await.waiting, 0);
}

#[tokio::test]
async fn a_new_invitation_from_anywhere_or_a_registration_answers_the_waiting_request() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // Expired, asked for, then simply invited again from the Invite form.
    app.invite("again@example.com").await;
    let expired = app.token_for("again@example.com").await;
    app.expire_invitations_of("again@example.com").await;
    assert_eq!(requested(&app, &expired).await, RequestPlan::Wait);
    app.invite("again@example.com").await;
    assert_eq!(
        waiting(&app).await.waiting,
        0,
        "the new invitation answered it"
    );

    // Replaced, asked for, then registered with the newest link, which still worked.
    let report = app.invite("found-it@example.com").await;
    let replaced = app.token_for("found-it@example.com").await;
    let id = invited_id(&report.entries[0].outcome).to_string();
    let _: InvitationRow = ok(app.call("resend_invitation", &[("id", &id)]).await).await;
    assert_eq!(requested(&app, &replaced).await, RequestPlan::Wait);
    let list = waiting(&app).await;
    assert_eq!(list.rows[0].email, "found-it@example.com");
    assert_eq!(
        list.rows[0].invitation.map(|i| i.status),
        Some(InvitationStatus::Pending),
        "the list shows the address's current invitation"
    );
    let newest = app.token_for("found-it@example.com").await;
    let (_, response) = app.complete(&newest, "Found It", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        waiting(&app).await.waiting,
        0,
        "the registration answered it"
    );

    // Expired, asked for, then deleted by an admin: the request is declined with it.
    let report = app.invite("withdrawn@example.com").await;
    let expired = app.token_for("withdrawn@example.com").await;
    app.expire_invitations_of("withdrawn@example.com").await;
    assert_eq!(requested(&app, &expired).await, RequestPlan::Wait);
    let id = invited_id(&report.entries[0].outcome).to_string();
    assert_eq!(
        app.call("delete_invitation", &[("id", &id)]).await.status(),
        200
    );
    assert_eq!(waiting(&app).await.waiting, 0, "the deletion declined it");
}
