//! The invitation lifecycle end to end through the server functions' HTTP endpoints.

use crate::support::{
    call_with, conflict, invalid_input, invited_id, ok, SettingsFields, TestApp, DEVELOPER_PASSWORD,
};
use app::{
    domain::{HexColor, InvitationStatus, LinkState, PasswordPolicy, SelfRegistration, Validity},
    model::invitation::{
        CompletionOutcome, InvitationLanding, InvitationList, InvitationRow, InviteOutcome,
        InviteReport,
    },
};

fn outcomes(report: &InviteReport) -> Vec<(String, InviteOutcome)> {
    report
        .entries
        .iter()
        .map(|e| (e.email.clone(), e.outcome.clone()))
        .collect()
}

fn statuses(page: &InvitationList) -> Vec<(String, String)> {
    page.rows
        .iter()
        .map(|r| (r.email.clone(), r.status.as_str().to_owned()))
        .collect()
}

async fn landing_state(app: &TestApp, token: &str) -> LinkState {
    app.landing(token).await.state
}

/// What the page of a link that shows no details says.
fn landing(state: LinkState) -> InvitationLanding {
    InvitationLanding {
        state,
        email: None,
        self_sign_up: false,
        suggested_name: None,
    }
}

#[tokio::test]
async fn inviting_several_addresses_reports_each_outcome_and_invites_the_valid_ones() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let report = app
        .invite(" ana@x.io; not-an-email ;ANA@x.io;bo@x.io; admin@portico.test;")
        .await;
    let entries = outcomes(&report);
    assert_eq!(entries.len(), 5);
    assert!(
        matches!(entries[0].1, InviteOutcome::Invited { .. }),
        "{entries:?}"
    );
    assert!(
        matches!(&entries[1].1, InviteOutcome::Invalid { reason } if reason.contains('@')),
        "{entries:?}"
    );
    assert_eq!(entries[2].1, InviteOutcome::Repeated { first_position: 1 });
    assert!(matches!(entries[3].1, InviteOutcome::Invited { .. }));
    assert_eq!(entries[4].1, InviteOutcome::AlreadyDeveloper);

    let page = app.list(&[]).await;
    assert_eq!(page.total, 2);
    let mut rows = statuses(&page);
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("ana@x.io".into(), "pending".into()),
            ("bo@x.io".into(), "pending".into())
        ]
    );
}

#[tokio::test]
async fn an_address_with_a_live_invitation_is_not_invited_twice_and_resend_is_suggested() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let first = app.invite("dev@x.io").await;
    let invitation_id = invited_id(&first.entries[0].outcome);
    let again = app.invite("DEV@x.io").await;
    assert_eq!(
        again.entries[0].outcome,
        InviteOutcome::AlreadyInvited {
            invitation_id,
            status: InvitationStatus::Pending
        }
    );
}

#[tokio::test]
async fn an_empty_or_oversized_submission_is_refused_with_a_reason_and_stores_nothing() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let empty = app.call("invite", &[("emails", " ; ;")]).await;
    assert_eq!(empty.status(), 422);
    assert!(invalid_input(empty).await.contains("at least one"));
    let many: Vec<String> = (0..1001).map(|i| format!("d{i}@x.io")).collect();
    let too_many = app.call("invite", &[("emails", &many.join(";"))]).await;
    assert_eq!(too_many.status(), 422);
    assert_eq!(app.list(&[]).await.total, 0);
}

#[tokio::test]
async fn a_thousand_addresses_are_invited_in_one_submission() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let many: Vec<String> = (0..1000).map(|i| format!("d{i}@x.io")).collect();
    let report = app.invite(&many.join(";")).await;
    assert_eq!(
        outcomes(&report)
            .iter()
            .filter(|(_, o)| matches!(o, InviteOutcome::Invited { .. }))
            .count(),
        1000
    );
    assert_eq!(app.list(&[]).await.total, 1000);
}

#[tokio::test]
async fn the_list_searches_part_of_the_email_and_filters_by_the_status_it_shows() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("alice@acme.io;bob@acme.io;carol@other.io;dan_x@acme.io")
        .await;
    app.expire_invitations_of("bob@acme.io").await;

    let acme = app.list(&[("search", "ACME")]).await;
    assert_eq!(acme.total, 3);
    // `_` is not a wildcard: only the address that contains it matches.
    assert_eq!(
        statuses(&app.list(&[("search", "n_x")]).await),
        vec![("dan_x@acme.io".into(), "pending".into())]
    );

    let expired = app.list(&[("status", "expired")]).await;
    assert_eq!(
        statuses(&expired),
        vec![("bob@acme.io".into(), "expired".into())]
    );
    let pending = app.list(&[("status", "pending"), ("search", "acme")]).await;
    assert_eq!(pending.total, 2);
    assert!(statuses(&pending).iter().all(|(_, s)| s == "pending"));

    let bad = app.call("list_invitations", &[("status", "lost")]).await;
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn the_list_pages_and_sorts() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let emails: Vec<String> = (0..25).map(|i| format!("p{i:02}@x.io")).collect();
    app.invite(&emails.join(";")).await;
    let first = app
        .list(&[
            ("page_size", "20"),
            ("sort", "email"),
            ("descending", "false"),
        ])
        .await;
    assert_eq!(first.total, 25);
    assert_eq!(first.rows.len(), 20);
    assert_eq!(first.rows[0].email, "p00@x.io");
    let second = app
        .list(&[("page", "2"), ("sort", "email"), ("descending", "false")])
        .await;
    assert_eq!(second.rows.len(), 5);
    assert_eq!(second.rows[4].email, "p24@x.io");
}

#[tokio::test]
async fn resend_inactivates_the_old_invitation_and_sends_a_new_link() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let report = app.invite("dev@x.io").await;
    let old_id = invited_id(&report.entries[0].outcome);
    let old_token = app.token_for("dev@x.io").await;

    let response = app
        .call("resend_invitation", &[("id", &old_id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let new_row: InvitationRow = ok(response).await;
    assert_eq!(new_row.status, InvitationStatus::Pending);
    assert_ne!(new_row.id, old_id);

    let new_token = app.token_for("dev@x.io").await;
    assert_ne!(new_token, old_token);
    assert_eq!(landing_state(&app, &old_token).await, LinkState::Superseded);
    assert_eq!(landing_state(&app, &new_token).await, LinkState::Usable);
    let mut rows = statuses(&app.list(&[]).await);
    rows.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        rows,
        vec![
            ("dev@x.io".into(), "inactivated".into()),
            ("dev@x.io".into(), "pending".into())
        ]
    );

    // The superseded one cannot be resent again.
    let again = app
        .call("resend_invitation", &[("id", &old_id.to_string())])
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn pending_and_expired_invitations_can_be_deleted_and_their_links_die() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let report = app.invite("p@x.io;e@x.io").await;
    let ids: Vec<String> = outcomes(&report)
        .iter()
        .map(|(_, o)| invited_id(o).to_string())
        .collect();
    let token = app.token_for("p@x.io").await;
    app.expire_invitations_of("e@x.io").await;
    for id in &ids {
        assert_eq!(
            app.call("delete_invitation", &[("id", id)]).await.status(),
            200
        );
    }
    assert_eq!(app.list(&[]).await.total, 0);
    assert_eq!(landing_state(&app, &token).await, LinkState::Unknown);
    assert_eq!(
        app.call("delete_invitation", &[("id", &ids[0])])
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_preapproved_invitation_completes_into_an_active_signed_in_account() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("dev@x.io").await;
    let token = app.token_for("dev@x.io").await;

    // Looking at the link twice never uses it up.
    for _ in 0..2 {
        assert_eq!(
            app.landing(&token).await,
            InvitationLanding {
                email: Some("dev@x.io".into()),
                ..landing(LinkState::Usable)
            }
        );
    }
    let (browser, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        ok::<CompletionOutcome>(response).await,
        CompletionOutcome::Approved
    );
    let me = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(me.email, "dev@x.io");
    assert_eq!(me.role, app::domain::Role::Developer);
    assert_eq!(app.landing(&token).await, landing(LinkState::AlreadyUsed));
    assert_eq!(
        statuses(&app.list(&[]).await),
        vec![("dev@x.io".into(), "approved".into())]
    );

    // The link is single use.
    let (_, again) = app
        .complete(&token, "Someone Else", DEVELOPER_PASSWORD)
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn the_registration_form_reports_every_problem_at_once_and_keeps_the_link_usable() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("dev@x.io").await;
    let token = app.token_for("dev@x.io").await;
    let response = call_with(
        &app.new_browser(),
        &app.address,
        "complete_registration",
        &[
            ("token", &token),
            ("full_name", " "),
            ("password", "short"),
            ("confirmation", "other"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let message = invalid_input(response).await;
    for part in [
        "full name",
        "10 to 16 characters",
        "uppercase",
        "number",
        "special",
        "confirmation",
    ] {
        assert!(message.contains(part), "{part:?} missing from {message:?}");
    }
    assert_eq!(landing_state(&app, &token).await, LinkState::Usable);
}

pub(crate) async fn disable_auto_approval(app: &TestApp) {
    let response = app
        .save_settings(SettingsFields {
            auto_approve: "false",
            validity_hours: "72",
            self_registration: "off",
            password_policy: "portico",
            login_background: "#eef1f8",
            portal_content: "# Hello",
            ..Default::default()
        })
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn without_auto_approval_a_registration_waits_and_accepting_activates_it() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    disable_auto_approval(&app).await;
    app.invite("dev@x.io").await;
    let token = app.token_for("dev@x.io").await;
    let (browser, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
    assert_eq!(
        ok::<CompletionOutcome>(response).await,
        CompletionOutcome::Waiting
    );
    assert_eq!(app.current_user_in(&browser).await, None);
    assert_eq!(
        landing_state(&app, &token).await,
        LinkState::WaitingForApproval
    );

    // A Waiting registration cannot be deleted, and its address cannot be invited again.
    let row = &app.list(&[]).await.rows[0];
    assert_eq!(row.status, InvitationStatus::Waiting);
    assert_eq!(row.full_name.as_deref(), Some("Dev Eloper"));
    let id = row.id.to_string();
    assert_eq!(
        app.call("delete_invitation", &[("id", &id)]).await.status(),
        409
    );
    assert!(matches!(
        app.invite("dev@x.io").await.entries[0].outcome,
        InviteOutcome::AlreadyInvited { .. }
    ));

    // Developers cannot sign in while waiting.
    let login = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", "dev@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 401);

    let accepted = app
        .call("review_invitation", &[("id", &id), ("decision", "accept")])
        .await;
    assert_eq!(accepted.status(), 200);
    assert_eq!(
        ok::<InvitationRow>(accepted).await.status,
        InvitationStatus::Approved
    );
    let login = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", "dev@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn a_denied_developer_cannot_sign_in_until_invited_again() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    disable_auto_approval(&app).await;
    app.invite("dev@x.io").await;
    let (browser, _) = app
        .complete(
            &app.token_for("dev@x.io").await,
            "Dev Eloper",
            DEVELOPER_PASSWORD,
        )
        .await;
    let id = app.list(&[]).await.rows[0].id.to_string();
    let denied = app
        .call("review_invitation", &[("id", &id), ("decision", "deny")])
        .await;
    assert_eq!(
        ok::<InvitationRow>(denied).await.status,
        InvitationStatus::Rejected
    );
    let login = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", "dev@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 401);

    // Reviewing twice is refused: the registration is no longer Waiting.
    assert_eq!(
        app.call("review_invitation", &[("id", &id), ("decision", "accept")])
            .await
            .status(),
        409
    );

    // Resending a Rejected invitation lets the developer complete again, on the same account.
    assert_eq!(
        app.call("resend_invitation", &[("id", &id)]).await.status(),
        200
    );
    let (_, response) = app
        .complete(
            &app.token_for("dev@x.io").await,
            "Dev Again",
            "New-Pass-456",
        )
        .await;
    assert_eq!(
        ok::<CompletionOutcome>(response).await,
        CompletionOutcome::Waiting
    );
    let waiting = app.list(&[("status", "waiting")]).await;
    assert_eq!(waiting.rows[0].full_name.as_deref(), Some("Dev Again"));
    let id = waiting.rows[0].id.to_string();
    app.call("review_invitation", &[("id", &id), ("decision", "accept")])
        .await;
    let login = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", "dev@x.io"), ("password", "New-Pass-456")],
    )
    .await;
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn an_expired_link_cannot_be_completed_and_says_so() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("dev@x.io").await;
    let token = app.token_for("dev@x.io").await;
    app.expire_invitations_of("dev@x.io").await;
    assert_eq!(landing_state(&app, &token).await, LinkState::Expired);
    let (_, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
    assert_eq!(response.status(), 409);
    assert!(conflict(response).await.to_lowercase().contains("expired"));
}

#[tokio::test]
async fn malformed_and_unknown_tokens_are_unknown_links() {
    let app = TestApp::spawn().await;
    for token in ["", "abc", &"0".repeat(64), "<script>"] {
        assert_eq!(app.landing(token).await, landing(LinkState::Unknown));
    }
}

#[tokio::test]
async fn settings_are_validated_on_the_server_and_round_trip() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let defaults = app.settings().await;
    assert!(defaults.auto_approve);
    assert_eq!(defaults.validity, Validity::from_hours(72).unwrap());
    let bad = app
        .save_settings(SettingsFields {
            auto_approve: "true",
            validity_hours: "0",
            self_registration: "maybe",
            password_policy: "portico",
            login_background: "blue",
            portal_content: "",
            ..Default::default()
        })
        .await;
    assert_eq!(bad.status(), 422);
    let message = invalid_input(bad).await;
    assert!(
        message.contains("Invitation validity") && message.contains("Background color"),
        "{message}"
    );

    let saved = app
        .save_settings(SettingsFields {
            auto_approve: "false",
            validity_hours: "24",
            self_registration: "with_approval",
            password_policy: "nist",
            login_background: "#123ABC",
            portal_content: "# Docs",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let now = app.settings().await;
    assert_eq!(now.validity, Validity::from_hours(24).unwrap());
    assert_eq!(now.login_background.as_str(), "#123abc");
    assert_eq!(now.self_registration, SelfRegistration::WithApproval);
    assert_eq!(now.password_policy, PasswordPolicy::Nist);
    let appearance: HexColor = ok(app
        .new_browser()
        .post(app.url("/api/login_appearance"))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(appearance.as_str(), "#123abc");

    // New invitations follow the new validity.
    app.invite("dev@x.io").await;
    let row = &app.list(&[]).await.rows[0];
    assert_eq!(
        row.valid_until - row.invited_at,
        chrono::Duration::hours(24)
    );
}
