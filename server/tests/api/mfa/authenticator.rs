//! Setting up an authenticator from the profile.

use super::{code, enroll, wrong_code};
use crate::support::{
    call_with, error, invalid_input, ok, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, DEVELOPER_PASSWORD,
};
use app::{
    model::{
        account::DeveloperRow,
        audit::AuditAction,
        mfa::{Enrollment, MfaStatus},
        ApiError,
    },
    ssr::entities::recovery_code,
};
use sea_orm::EntityTrait;

#[tokio::test]
async fn an_admin_sets_up_an_authenticator_with_its_first_code_and_gets_ten_single_use_recovery_codes(
) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let status: MfaStatus = ok(app.call("my_mfa", &[]).await).await;
    assert!(status.available && status.enabled_at.is_none());

    let enrollment: Enrollment = ok(app
        .call(
            "begin_mfa_enrollment",
            &[("current_password", ADMIN_PASSWORD)],
        )
        .await)
    .await;
    assert!(
        enrollment.qr_svg.starts_with("<svg"),
        "{}",
        enrollment.qr_svg
    );
    assert!(enrollment
        .uri
        .starts_with("otpauth://totp/Portico:admin%40portico%2Etest?secret="));
    assert!(enrollment.uri.contains(&enrollment.secret));
    // Nothing changes until a code confirms the app has the key.
    let wrong = app
        .call(
            "confirm_mfa_enrollment",
            &[("code", &wrong_code(&enrollment.secret))],
        )
        .await;
    assert!(invalid_input(wrong).await.contains("not right"));
    let status: MfaStatus = ok(app.call("my_mfa", &[]).await).await;
    assert!(status.enabled_at.is_none());

    let codes: Vec<String> = ok(app
        .call(
            "confirm_mfa_enrollment",
            &[("code", &code(&enrollment.secret, 0))],
        )
        .await)
    .await;
    assert_eq!(codes.len(), 10);
    assert!(codes
        .iter()
        .all(|c| c.len() == 19 && c.matches('-').count() == 3));
    let status: MfaStatus = ok(app.call("my_mfa", &[]).await).await;
    assert!(status.enabled_at.is_some());
    assert_eq!(status.recovery_codes_left, 10);

    // Only hashes are stored.
    let stored = recovery_code::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    for code in &codes {
        let compact = code.replace('-', "");
        assert!(stored
            .iter()
            .all(|row| row.code_hash != compact && row.code_hash.len() == 64));
    }
    // Audited, and the owner is told.
    let log = app.activity(&[("action", "mfa_enrolled")]).await;
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].action, AuditAction::MfaEnrolled);
    assert!(app
        .outbox()
        .await
        .iter()
        .any(|row| { row.recipient == ADMIN_EMAIL && row.payload.contains("mfa_enrolled") }));
    // Settings › Administrators shows it.
    let admins: Vec<DeveloperRow> = ok(app.call("list_administrators", &[]).await).await;
    assert!(admins
        .iter()
        .any(|a| a.email == ADMIN_EMAIL && a.mfa_enabled));
    // Setting up again needs turning it off first.
    let again = app
        .call(
            "begin_mfa_enrollment",
            &[("current_password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn developers_have_no_authenticator_to_set_up() {
    let app = TestApp::spawn().await;
    let developer = app.developer("dev@x.io").await;
    let status: MfaStatus = ok(call_with(&developer, &app.address, "my_mfa", &[]).await).await;
    assert!(!status.available);
    let refused = call_with(
        &developer,
        &app.address,
        "begin_mfa_enrollment",
        &[("current_password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(error(refused).await, ApiError::Forbidden);
}

#[tokio::test]
async fn a_code_cannot_confirm_the_setup_twice_and_a_recovery_code_never_confirms_it() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let enrollment: Enrollment = ok(app
        .call(
            "begin_mfa_enrollment",
            &[("current_password", ADMIN_PASSWORD)],
        )
        .await)
    .await;
    let refused = app
        .call("confirm_mfa_enrollment", &[("code", "abcd-efgh-jkmn-pqrs")])
        .await;
    assert!(invalid_input(refused).await.contains("6 digits"));
    let (_, codes) = enroll(&app, &app.client).await;
    assert_eq!(codes.len(), 10);
    // The first enrollment's key was replaced by the second's.
    let stale = app
        .call(
            "confirm_mfa_enrollment",
            &[("code", &code(&enrollment.secret, 0))],
        )
        .await;
    assert_eq!(stale.status(), 409);
}

#[tokio::test]
async fn a_session_alone_cannot_set_up_an_authenticator_without_the_password() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let refused = app
        .call(
            "begin_mfa_enrollment",
            &[("current_password", "not-the-password")],
        )
        .await;
    assert!(invalid_input(refused).await.contains("password"));
    let database = app.db().await;
    let admin = app::ssr::entities::account::Entity::find()
        .all(&database)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == ADMIN_EMAIL)
        .unwrap();
    assert_eq!(admin.mfa_pending_secret, None, "no key was made");
}
