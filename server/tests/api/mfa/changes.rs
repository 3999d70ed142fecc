//! Changing two-step sign-in once it is on: new recovery codes, or turning it off (the
//! password and a code, never a session alone); each change is audited and emailed.

use super::{admin_with_authenticator, code, password_step, submit_code, wrong_code};
use crate::support::{invalid_input, ok, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use app::model::mfa::{CodeAccepted, LoginOutcome, MfaStatus};

#[tokio::test]
async fn turning_it_off_needs_the_password_and_a_code_and_is_audited_and_emailed() {
    let app = TestApp::spawn().await;
    let (secret, _) = admin_with_authenticator(&app).await;
    let next = code(&secret, 1);

    let wrong_password = app
        .call(
            "disable_mfa",
            &[("current_password", "not-it"), ("code", next.as_str())],
        )
        .await;
    assert!(invalid_input(wrong_password).await.contains("password"));
    let wrong = app
        .call(
            "disable_mfa",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("code", &wrong_code(&secret)),
            ],
        )
        .await;
    assert!(invalid_input(wrong).await.contains("not right"));
    let status: MfaStatus = ok(app.call("my_mfa", &[]).await).await;
    assert!(status.enabled_at.is_some(), "still on");

    let off = app
        .call(
            "disable_mfa",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("code", next.as_str()),
            ],
        )
        .await;
    assert_eq!(off.status(), 200, "{}", off.text().await.unwrap());
    let status: MfaStatus = ok(app.call("my_mfa", &[]).await).await;
    assert!(status.enabled_at.is_none());
    assert_eq!(status.recovery_codes_left, 0);
    let (_, outcome) = password_step(&app).await;
    assert!(matches!(outcome, LoginOutcome::SignedIn { .. }));
    assert_eq!(
        app.activity(&[("action", "mfa_disabled")])
            .await
            .entries
            .len(),
        1
    );
    assert!(app
        .outbox()
        .await
        .iter()
        .any(|row| row.recipient == ADMIN_EMAIL && row.payload.contains("mfa_disabled")));
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_ones() {
    let app = TestApp::spawn().await;
    let (secret, old) = admin_with_authenticator(&app).await;
    let fresh: Vec<String> = ok(app
        .call(
            "regenerate_recovery_codes",
            &[("code", code(&secret, 1).as_str())],
        )
        .await)
    .await;
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !old.contains(c)));
    assert_eq!(
        app.activity(&[("action", "recovery_codes_regenerated")])
            .await
            .entries
            .len(),
        1
    );

    let (browser, _) = password_step(&app).await;
    let stale = submit_code(&app, &browser, &old[0]).await;
    assert!(invalid_input(stale).await.contains("not right"));
    let accepted: CodeAccepted = ok(submit_code(&app, &browser, &fresh[0]).await).await;
    assert_eq!(accepted.recovery_codes_left, Some(9));
}

#[tokio::test]
async fn wrong_codes_on_the_profile_are_limited_like_failed_logins() {
    let app = TestApp::spawn_with(|config| {
        config.limits.login_failures_per_account = 3;
    })
    .await;
    let (secret, _) = admin_with_authenticator(&app).await;
    let wrong = wrong_code(&secret);
    for _ in 0..3 {
        let refused = app
            .call("regenerate_recovery_codes", &[("code", wrong.as_str())])
            .await;
        assert_eq!(refused.status(), 422);
    }
    let limited = app
        .call(
            "regenerate_recovery_codes",
            &[("code", code(&secret, 1).as_str())],
        )
        .await;
    assert_eq!(limited.status(), 429, "even a right code waits now");
}
