//! Logging in with two-step sign-in: the password alone signs nobody in; a code (accepted
//! once), or a recovery code (used up), finishes the login; wrong codes and time end the step.

use super::{admin_with_authenticator, code, code_step, password_step, submit_code, wrong_code};
use crate::support::{invalid_input, ok, SettingsFields, TestApp, ADMIN_EMAIL};
use app::{
    domain::mfa::SecondStep,
    model::{
        audit::AuditAction,
        mfa::{CodeAccepted, LoginOutcome},
    },
    ssr::entities::login_challenge,
};
use sea_orm::{sea_query::Expr, EntityTrait};

#[tokio::test]
async fn with_an_authenticator_the_password_alone_signs_nobody_in_and_a_right_code_finishes_the_login(
) {
    let app = TestApp::spawn().await;
    let (secret, _) = admin_with_authenticator(&app).await;

    let (browser, outcome) = password_step(&app).await;
    assert_eq!(
        outcome,
        LoginOutcome::CodeNeeded {
            step: SecondStep::Code
        }
    );
    assert_eq!(app.current_user_in(&browser).await, None);
    let step = code_step(&app, &browser).await;
    let step = step.expect("the browser has a code step");
    assert_eq!(step.step, SecondStep::Code);
    assert_eq!(step.email, ADMIN_EMAIL);
    assert!(step.enrollment.is_none());

    let wrong = submit_code(&app, &browser, &wrong_code(&secret)).await;
    assert!(invalid_input(wrong).await.contains("not right"));
    assert_eq!(app.current_user_in(&browser).await, None);

    // The setup used this step's code: the next one signs in.
    let next = code(&secret, 1);
    let accepted: CodeAccepted = ok(submit_code(&app, &browser, &next).await).await;
    assert_eq!(accepted.next, "/admin");
    assert!(accepted.recovery_codes.is_empty());
    let user = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(user.email, ADMIN_EMAIL);

    // The same code again, from another browser with the password: refused.
    let (other, _) = password_step(&app).await;
    let replayed = submit_code(&app, &other, &next).await;
    assert!(invalid_input(replayed).await.contains("used already"));
    assert_eq!(app.current_user_in(&other).await, None);
    let failures = app.activity(&[("action", "login_failed")]).await;
    assert_eq!(failures.entries.len(), 2, "the wrong and the replayed code");
}

#[tokio::test]
async fn one_code_typed_in_two_browsers_at_the_same_moment_signs_in_one_of_them() {
    for round in 0..3 {
        let app = TestApp::spawn().await;
        let (secret, _) = admin_with_authenticator(&app).await;
        let (first, _) = password_step(&app).await;
        let (second, _) = password_step(&app).await;
        let next = code(&secret, 1);
        let (a, b) = tokio::join!(
            submit_code(&app, &first, &next),
            submit_code(&app, &second, &next)
        );
        let statuses = [a.status().as_u16(), b.status().as_u16()];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "round {round}: {statuses:?}"
        );
        let signed_in = [
            app.current_user_in(&first).await.is_some(),
            app.current_user_in(&second).await.is_some(),
        ];
        assert_eq!(signed_in.iter().filter(|s| **s).count(), 1, "round {round}");
    }
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_its_owner_is_told() {
    let app = TestApp::spawn().await;
    let (_, codes) = admin_with_authenticator(&app).await;
    let (browser, _) = password_step(&app).await;
    // As typed from a printout: upper case, spaces.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let accepted: CodeAccepted = ok(submit_code(&app, &browser, &typed).await).await;
    assert_eq!(accepted.recovery_codes_left, Some(9));
    assert!(app.current_user_in(&browser).await.is_some());
    let used = app.activity(&[("action", "recovery_code_used")]).await;
    assert_eq!(used.entries.len(), 1);
    assert_eq!(used.entries[0].action, AuditAction::RecoveryCodeUsed);
    assert!(app
        .outbox()
        .await
        .iter()
        .any(|row| row.recipient == ADMIN_EMAIL && row.payload.contains("recovery_code_used")));

    let (again, _) = password_step(&app).await;
    let refused = submit_code(&app, &again, &codes[3]).await;
    assert!(invalid_input(refused).await.contains("not right"));
    assert_eq!(app.current_user_in(&again).await, None);
}

#[tokio::test]
async fn five_wrong_codes_end_the_step_and_the_password_must_be_typed_again() {
    let app = TestApp::spawn().await;
    let (secret, _) = admin_with_authenticator(&app).await;
    let (browser, _) = password_step(&app).await;
    let wrong = wrong_code(&secret);
    for _ in 0..5 {
        assert_eq!(submit_code(&app, &browser, &wrong).await.status(), 422);
    }
    let ended = submit_code(&app, &browser, &code(&secret, 1)).await;
    assert_eq!(ended.status(), 409, "even the right code is too late now");
    // The owner is told, once: someone knows the password.
    let notices = app
        .outbox()
        .await
        .into_iter()
        .filter(|row| row.recipient == ADMIN_EMAIL && row.payload.contains("wrong_codes"))
        .count();
    assert_eq!(notices, 1);
    assert_eq!(app.current_user_in(&browser).await, None);
    let step = code_step(&app, &browser).await;
    assert_eq!(step, None);
}

#[tokio::test]
async fn a_step_past_its_five_minutes_signs_nobody_in() {
    let app = TestApp::spawn().await;
    let (secret, _) = admin_with_authenticator(&app).await;
    let (browser, _) = password_step(&app).await;
    login_challenge::Entity::update_many()
        .col_expr(
            login_challenge::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db().await)
        .await
        .unwrap();
    let late = submit_code(&app, &browser, &code(&secret, 1)).await;
    assert_eq!(late.status(), 409);
    assert_eq!(app.current_user_in(&browser).await, None);
}

#[tokio::test]
async fn when_the_portal_requires_it_an_admin_without_an_authenticator_sets_one_up_before_signing_in(
) {
    let app = TestApp::spawn().await;
    require_for_admins(&app).await;
    assert!(app.settings().await.require_admin_mfa);
    // Developers are not asked.
    app.developer("dev@x.io").await;

    let (browser, outcome) = password_step(&app).await;
    assert_eq!(
        outcome,
        LoginOutcome::CodeNeeded {
            step: SecondStep::Enroll
        }
    );
    assert_eq!(app.current_user_in(&browser).await, None);
    let step = code_step(&app, &browser).await;
    let enrollment = step
        .unwrap()
        .enrollment
        .expect("an authenticator to set up");
    // A recovery code cannot set it up; only the app's code proves it has the key.
    let refused = submit_code(&app, &browser, "abcd-efgh-jkmn-pqrs").await;
    assert_eq!(refused.status(), 422);
    let accepted: CodeAccepted =
        ok(submit_code(&app, &browser, &code(&enrollment.secret, 0)).await).await;
    assert_eq!(accepted.recovery_codes.len(), 10);
    assert!(app.current_user_in(&browser).await.is_some());

    // From now on the login asks for a code.
    let (_, outcome) = password_step(&app).await;
    assert_eq!(
        outcome,
        LoginOutcome::CodeNeeded {
            step: SecondStep::Code
        }
    );
}

#[tokio::test]
async fn a_login_step_that_was_to_set_up_an_authenticator_asks_for_a_code_once_one_is_set_up_elsewhere(
) {
    let app = TestApp::spawn().await;
    require_for_admins(&app).await;
    let (browser, _) = password_step(&app).await;
    assert_eq!(
        code_step(&app, &browser).await.unwrap().step,
        SecondStep::Enroll
    );
    // Meanwhile the admin sets one up in the browser that is still signed in.
    let (secret, _) = super::enroll(&app, &app.client).await;
    let step = code_step(&app, &browser).await.unwrap();
    assert_eq!(step.step, SecondStep::Code);
    assert!(step.enrollment.is_none());
    let accepted: CodeAccepted = ok(submit_code(&app, &browser, &code(&secret, 1)).await).await;
    assert!(accepted.recovery_codes.is_empty(), "no second set of codes");
    assert!(app.current_user_in(&browser).await.is_some());
}

#[tokio::test]
async fn each_login_step_shows_its_own_key_so_a_key_seen_with_the_password_alone_is_never_enabled()
{
    let app = TestApp::spawn().await;
    require_for_admins(&app).await;
    // Someone with the password alone opens a step and keeps its key; the admin opens another.
    let (stranger, _) = password_step(&app).await;
    let (admin, _) = password_step(&app).await;
    let seen = code_step(&app, &stranger)
        .await
        .unwrap()
        .enrollment
        .unwrap();
    let own = code_step(&app, &admin).await.unwrap().enrollment.unwrap();
    assert_ne!(seen.secret, own.secret);
    // The stranger's key does not set up the admin's step.
    let refused = submit_code(&app, &admin, &code(&seen.secret, 0)).await;
    assert_eq!(refused.status(), 422);
    let accepted: CodeAccepted = ok(submit_code(&app, &admin, &code(&own.secret, 0)).await).await;
    assert_eq!(accepted.recovery_codes.len(), 10);
    // Once set up, the stranger's step asks for a code from the admin's app.
    let step = code_step(&app, &stranger).await.unwrap();
    assert_eq!(step.step, SecondStep::Code);
    let wrong = submit_code(&app, &stranger, &code(&seen.secret, 1)).await;
    assert_eq!(wrong.status(), 422);
}

#[tokio::test]
async fn a_login_step_begun_before_a_password_change_cannot_finish_after_it() {
    let app = TestApp::spawn().await;
    let (secret, _) = admin_with_authenticator(&app).await;
    let (waiting, _) = password_step(&app).await;
    let changed = app
        .call(
            "change_password",
            &[
                ("current_password", crate::support::ADMIN_PASSWORD),
                ("password", "New-Pass-4242"),
                ("confirmation", "New-Pass-4242"),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    let late = submit_code(&app, &waiting, &code(&secret, 1)).await;
    assert_eq!(late.status(), 409);
    assert_eq!(app.current_user_in(&waiting).await, None);
}

#[tokio::test]
async fn an_admin_invited_while_it_is_required_sets_it_up_before_the_first_session() {
    let app = TestApp::spawn().await;
    require_for_admins(&app).await;
    let invited = app
        .call("invite", &[("emails", "second@x.io"), ("role", "admin")])
        .await;
    assert_eq!(invited.status(), 200);
    let token = app.token_for("second@x.io").await;
    let (browser, completed) = app
        .complete(&token, "Second Admin", "Second-Admin-77")
        .await;
    let outcome: app::model::invitation::CompletionOutcome = ok(completed).await;
    assert_eq!(outcome, app::model::invitation::CompletionOutcome::CodeStep);
    assert_eq!(app.current_user_in(&browser).await, None, "no session yet");
    let step = code_step(&app, &browser).await.unwrap();
    assert_eq!(step.step, SecondStep::Enroll);
    assert_eq!(step.email, "second@x.io");

    // The same form posted without the app: its answer is a redirect to the code step, and
    // the step's cookie comes with it.
    let invited = app
        .call("invite", &[("emails", "third@x.io"), ("role", "admin")])
        .await;
    assert_eq!(invited.status(), 200);
    let token = app.token_for("third@x.io").await;
    let plain = app.new_browser();
    let sent = crate::support::post_form(
        &plain,
        &app.address,
        "complete_registration",
        &app.url(&format!("/invitation/{token}")),
        &[
            ("token", &token),
            ("full_name", "Third Admin"),
            ("password", "Third-Admin-77"),
            ("confirmation", "Third-Admin-77"),
        ],
    )
    .await;
    assert!(sent.status().is_redirection(), "{}", sent.status());
    assert_eq!(sent.headers()["location"], "/login/code");
    assert_eq!(app.current_user_in(&plain).await, None, "no session yet");
    assert_eq!(code_step(&app, &plain).await.unwrap().email, "third@x.io");
}

/// Signs in as the bootstrap admin and requires two-step sign-in of administrators.
async fn require_for_admins(app: &TestApp) {
    app.login_as_admin().await;
    let saved = app
        .save_settings(SettingsFields {
            require_admin_mfa: "true",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
}
