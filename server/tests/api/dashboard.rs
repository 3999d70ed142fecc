//! The onboarding dashboard: the funnel counts each step of this week's invitations, the
//! median time to an account, delivery failures, and what waits; admins only.

use crate::support::{call_with, error, ok, SettingsFields, TestApp, DEVELOPER_PASSWORD};
use app::model::{dashboard::Dashboard, ApiError};

async fn dashboard(app: &TestApp) -> Dashboard {
    ok(app.call("onboarding_dashboard", &[]).await).await
}

#[tokio::test]
async fn the_funnel_counts_invited_opened_created_and_approved_of_this_weeks_invitations() {
    let app = TestApp::spawn().await;
    let anonymous = app.new_browser();
    let refused = call_with(&anonymous, &app.address, "onboarding_dashboard", &[]).await;
    assert!(matches!(error(refused).await, ApiError::Unauthenticated));
    app.login_as_admin().await;
    let empty = dashboard(&app).await;
    assert_eq!(empty.weeks.len(), 12);
    assert_eq!(empty.total().invited, 0);
    assert_eq!(empty.median_to_account_seconds, None);

    let saved = app
        .save_settings(SettingsFields {
            auto_approve: "false",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    app.invite("opened@example.com; waiting@example.com; approved@example.com; idle@example.com")
        .await;
    // Opened only (twice: counted once).
    let opened = app.token_for("opened@example.com").await;
    app.landing(&opened).await;
    app.landing(&opened).await;
    // Registered, waiting for a review; registered and accepted.
    for email in ["waiting@example.com", "approved@example.com"] {
        let token = app.token_for(email).await;
        let (_, response) = app.complete(&token, "Dev Eloper", DEVELOPER_PASSWORD).await;
        assert_eq!(response.status(), 200);
    }
    let list = app.list(&[("status", "waiting")]).await;
    let approved = list
        .rows
        .iter()
        .find(|r| r.email == "approved@example.com")
        .unwrap();
    let accepted = app
        .call(
            "review_invitation",
            &[("id", &approved.id.to_string()), ("decision", "accept")],
        )
        .await;
    assert_eq!(accepted.status(), 200);
    // A replaced invitation counts once, with its newest invitation.
    let idle = app.list(&[("search", "idle@")]).await.rows[0].id;
    let resent = app
        .call("resend_invitation", &[("id", &idle.to_string())])
        .await;
    assert_eq!(resent.status(), 200);

    let d = dashboard(&app).await;
    let week = d.weeks.last().unwrap();
    assert_eq!(
        (week.invited, week.opened, week.created, week.approved),
        (4, 3, 2, 1)
    );
    let total = d.total();
    assert_eq!(
        (total.invited, total.opened, total.created, total.approved),
        (4, 3, 2, 1),
        "only this week has invitations"
    );
    assert_eq!(d.accounts_measured, 2);
    assert!(d
        .median_to_account_seconds
        .is_some_and(|s| (0..600).contains(&s)));
    assert_eq!(d.reviews_waiting, 1);
    assert_eq!(d.requests_waiting, 0);
    assert_eq!(d.delivery_failures, 0);
}
