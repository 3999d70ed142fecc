//! The developer's profile over HTTP: renaming, and changing the password (the current one is
//! required, the policy applies, other sessions end, this browser continues in a new session,
//! wrong current passwords are limited and audited).

use crate::support::{call_with, invalid_input, ok, TestApp, DEVELOPER_PASSWORD};
use app::model::account::SessionUser;

const NEW_PASSWORD: &str = "Brand-New-77";

async fn change(
    browser: &reqwest::Client,
    app: &TestApp,
    current: &str,
    new: &str,
    confirmation: &str,
) -> reqwest::Response {
    call_with(
        browser,
        &app.address,
        "change_password",
        &[
            ("current_password", current),
            ("password", new),
            ("confirmation", confirmation),
        ],
    )
    .await
}

/// Who `browser` is signed in as; panics when it is signed out.
async fn me(browser: &reqwest::Client, app: &TestApp) -> SessionUser {
    app.current_user_in(browser).await.expect("signed in")
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    let laptop = app.developer("dev@x.io").await;
    let phone = app.new_browser();
    let login = call_with(
        &phone,
        &app.address,
        "login",
        &[("email", "dev@x.io"), ("password", DEVELOPER_PASSWORD)],
    )
    .await;
    assert_eq!(login.status(), 200);

    let wrong = change(&laptop, &app, "Not-The-One-1", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status(), 422);
    assert!(invalid_input(wrong)
        .await
        .contains("current password is not right"));
    let weak = change(&laptop, &app, DEVELOPER_PASSWORD, "weakpass", "weakpass2").await;
    assert_eq!(weak.status(), 422);
    let message = invalid_input(weak).await;
    assert!(message.contains("The new password needs"), "{message}");
    assert!(message.contains("confirmation are different"), "{message}");
    let same = change(
        &laptop,
        &app,
        DEVELOPER_PASSWORD,
        DEVELOPER_PASSWORD,
        DEVELOPER_PASSWORD,
    )
    .await;
    assert_eq!(same.status(), 422);
    assert_eq!(
        me(&phone, &app).await.email,
        "dev@x.io",
        "refused changes end nothing"
    );

    let changed = change(
        &laptop,
        &app,
        DEVELOPER_PASSWORD,
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(ok::<u64>(changed).await, 1, "one other session ended");
    assert_eq!(
        me(&laptop, &app).await.email,
        "dev@x.io",
        "this session stays"
    );
    assert_eq!(
        app.current_user_in(&phone).await,
        None,
        "the other one is gone"
    );
    assert_eq!(
        app.login("dev@x.io", DEVELOPER_PASSWORD).await.status(),
        401
    );
    assert_eq!(app.login("dev@x.io", NEW_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn the_name_can_be_changed_and_is_checked() {
    let app = TestApp::spawn().await;
    let browser = app.developer("dev@x.io").await;
    let renamed = call_with(
        &browser,
        &app.address,
        "update_profile",
        &[("full_name", "  Ada Byron ")],
    )
    .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(ok::<String>(renamed).await, "Ada Byron");
    assert_eq!(me(&browser, &app).await.full_name, "Ada Byron");
    // A line break, and a right-to-left override (it would make the name display as another
    // in admin lists): refused with a message saying which, the stored name unchanged.
    for (bad_name, message) in [
        ("Ada\nByron", "line breaks"),
        ("Ada \u{202E}nosliW", "text-direction"),
    ] {
        let bad = call_with(
            &browser,
            &app.address,
            "update_profile",
            &[("full_name", bad_name)],
        )
        .await;
        assert_eq!(bad.status(), 422, "{bad_name:?}");
        let error = invalid_input(bad).await;
        assert!(error.contains(message), "{bad_name:?}: {error}");
    }
    assert_eq!(me(&browser, &app).await.full_name, "Ada Byron");
}

#[tokio::test]
async fn the_profile_functions_need_a_signed_in_account() {
    let app = TestApp::spawn().await;
    let anonymous = app.new_browser();
    assert_eq!(
        call_with(
            &anonymous,
            &app.address,
            "update_profile",
            &[("full_name", "X")]
        )
        .await
        .status(),
        401
    );
    assert_eq!(change(&anonymous, &app, "a", "b", "b").await.status(), 401);
}

/// The session cookie a response sets, as `name=value`.
fn new_session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("portico_session=") && !v.contains("Max-Age=0"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_password_change_gives_this_browser_a_new_session_id_and_ends_the_old_one() {
    let app = TestApp::spawn().await;
    let laptop = app.new_browser();
    let login = call_with(
        &laptop,
        &app.address,
        "login",
        &[
            ("email", crate::support::ADMIN_EMAIL),
            ("password", crate::support::ADMIN_PASSWORD),
        ],
    )
    .await;
    let before = new_session_cookie(&login).expect("the login sets a session cookie");
    let changed = change(
        &laptop,
        &app,
        crate::support::ADMIN_PASSWORD,
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(changed.status(), 200);
    let after = new_session_cookie(&changed).expect("the change sets a new session cookie");
    assert_ne!(before, after);
    assert_eq!(
        app.current_user_with_cookie(&before).await,
        None,
        "the old id is dead"
    );
    assert_eq!(
        app.current_user_with_cookie(&after)
            .await
            .map(|user| user.email)
            .as_deref(),
        Some(crate::support::ADMIN_EMAIL)
    );
    assert_eq!(
        me(&laptop, &app).await.email,
        crate::support::ADMIN_EMAIL,
        "still signed in"
    );
}

#[tokio::test]
async fn wrong_current_passwords_are_limited_and_audited() {
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_account = 3).await;
    let laptop = app.developer("dev@x.io").await;
    // Policy mistakes are not guesses: they use up nothing.
    for _ in 0..5 {
        let weak = change(&laptop, &app, DEVELOPER_PASSWORD, "weak", "weak").await;
        assert_eq!(weak.status(), 422);
    }
    for _ in 0..3 {
        let wrong = change(&laptop, &app, "Not-The-One-1", NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(wrong.status(), 422);
    }
    let limited = change(
        &laptop,
        &app,
        DEVELOPER_PASSWORD,
        NEW_PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    assert_eq!(limited.status(), 429, "even the right password waits now");
    assert!(limited.headers().contains_key("retry-after"));

    app.login_as_admin().await;
    let activity = app.activity(&[("action", "password_changed")]).await;
    let failures = activity
        .entries
        .iter()
        .filter(|e| !e.succeeded && e.target.as_deref() == Some("dev@x.io"))
        .count();
    assert_eq!(failures, 3, "{activity:?}");
}
