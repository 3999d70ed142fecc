//! The password policy over HTTP: the default preset and the NIST SP 800-63B
//! preset chosen in Settings, and the common-password list, for every way a password is set.

use crate::support::{call_with, invalid_input, ok, SettingsFields, TestApp, DEVELOPER_PASSWORD};
use app::{
    domain::PasswordPolicy,
    ssr::entities::{account, audit_event},
};
use sea_orm::{EntityTrait, PaginatorTrait};

/// A passphrase of lowercase words: refused by the default preset, fine under NIST.
const PASSPHRASE: &str = "tangerine orbit lamp";

async fn choose_policy(app: &TestApp, policy: &str) -> reqwest::Response {
    app.save_settings(SettingsFields {
        password_policy: policy,
        ..Default::default()
    })
    .await
}

/// The policy new passwords must meet, as the forms read it.
async fn policy(app: &TestApp) -> PasswordPolicy {
    ok(app.call("password_policy", &[]).await).await
}

async fn accounts(app: &TestApp) -> u64 {
    account::Entity::find()
        .count(&app.db().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_default_preset_applies_until_an_admin_chooses_nist() {
    let app = TestApp::spawn().await;
    assert_eq!(policy(&app).await, PasswordPolicy::Portico);
    app.login_as_admin().await;
    app.invite("dev@example.com").await;
    let token = app.token_for("dev@example.com").await;

    let (_, refused) = app.complete(&token, "Dev Eloper", PASSPHRASE).await;
    assert_eq!(refused.status(), 422);
    let message = invalid_input(refused).await;
    assert!(message.contains("an uppercase letter"), "{message}");
    assert_eq!(accounts(&app).await, 1, "only the admin");

    assert_eq!(choose_policy(&app, "nist").await.status(), 200);
    assert_eq!(policy(&app).await, PasswordPolicy::Nist);
    let (_, too_short) = app.complete(&token, "Dev Eloper", "Abcdef12#x").await;
    assert_eq!(too_short.status(), 422);
    let message = invalid_input(too_short).await;
    assert!(
        message.contains("at least 15 characters (up to 128)"),
        "{message}"
    );

    let (browser, accepted) = app.complete(&token, "Dev Eloper", PASSPHRASE).await;
    assert_eq!(accepted.status(), 200);
    let me = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(me.email, "dev@example.com");
    assert_eq!(app.login("dev@example.com", PASSPHRASE).await.status(), 200);
}

#[tokio::test]
async fn existing_passwords_keep_working_after_the_policy_changes() {
    let app = TestApp::spawn().await;
    app.developer("dev@example.com").await;
    assert_eq!(choose_policy(&app, "nist").await.status(), 200);
    // DEVELOPER_PASSWORD is shorter than NIST's 15 characters; it was valid when chosen.
    assert!(DEVELOPER_PASSWORD.chars().count() < 15);
    assert_eq!(
        app.login("dev@example.com", DEVELOPER_PASSWORD)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn common_passwords_are_refused_with_the_reason_wherever_a_password_is_set() {
    let app = TestApp::spawn().await;
    // Invitation: a listed password with digits and a symbol added meets every default rule.
    app.login_as_admin().await;
    app.invite("dev@example.com").await;
    let token = app.token_for("dev@example.com").await;
    let (_, refused) = app.complete(&token, "Dev Eloper", "Password123!").await;
    assert_eq!(refused.status(), 422);
    let message = invalid_input(refused).await;
    assert!(
        message.contains("10,000 most common passwords"),
        "{message}"
    );
    assert_eq!(accounts(&app).await, 1);

    // Self sign-up.
    let opened = app
        .save_settings(SettingsFields {
            self_registration: "automatic",
            ..Default::default()
        })
        .await;
    assert_eq!(opened.status(), 200);
    let signed_up = call_with(
        &app.new_browser(),
        &app.address,
        "sign_up",
        &[("email", "self@example.com"), ("full_name", "Self Made")],
    )
    .await;
    assert_eq!(signed_up.status(), 200);
    let token = app.token_for("self@example.com").await;
    let (_, finished) = app.complete(&token, "Self Made", "Football#2024").await;
    assert_eq!(
        finished.status(),
        422,
        "the password is chosen, and checked, on the link"
    );
    assert!(invalid_input(finished)
        .await
        .contains("most common passwords"));

    // Password change under NIST: a listed 16-character password.
    let developer = app.developer("other@example.com").await;
    assert_eq!(choose_policy(&app, "nist").await.status(), 200);
    let changed = call_with(
        &developer,
        &app.address,
        "change_password",
        &[
            ("current_password", DEVELOPER_PASSWORD),
            ("password", "1qaz2wsx3edc4rfv"),
            ("confirmation", "1qaz2wsx3edc4rfv"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 422);
    let message = invalid_input(changed).await;
    assert!(
        message.starts_with("The new password is one of the 10,000 most common"),
        "{message}"
    );
    assert_eq!(
        app.login("other@example.com", DEVELOPER_PASSWORD)
            .await
            .status(),
        200,
        "the old password still works"
    );
}

#[tokio::test]
async fn an_unknown_preset_is_refused_and_the_change_is_audited_with_the_preset() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let refused = choose_policy(&app, "lenient").await;
    assert_eq!(refused.status(), 422);
    let message = invalid_input(refused).await;
    assert!(message.contains("Password policy: choose"), "{message}");
    assert_eq!(policy(&app).await, PasswordPolicy::Portico);

    assert_eq!(choose_policy(&app, "nist").await.status(), 200);
    let events = audit_event::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    let changed = events
        .iter()
        .find(|e| e.action == "settings_changed")
        .expect("a settings_changed entry");
    assert!(
        changed
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("password policy nist"),
        "{:?}",
        changed.detail
    );
}
