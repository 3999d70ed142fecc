//! Two-step sign-in (TOTP) for administrators. The codes the tests type are computed by pyotp
//! (PyPI), an implementation independent of the app's, so the app never grades its own
//! arithmetic; `scripts/test.sh` installs it.

mod authenticator;
mod changes;
mod login;

use crate::support::{call_with, ok, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use app::model::mfa::{CodeStep, Enrollment, LoginOutcome};
use reqwest::{Client, Response};

/// The code pyotp computes for `secret`, `steps` time steps (of 30 s) from now. A code is
/// accepted once: a test that signs in again uses the next step's code.
pub fn code(secret: &str, steps: i64) -> String {
    let tools = std::env::var("PORTICO_TOOLS_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/portico-tools",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let path = match std::env::var("PYTHONPATH") {
        Ok(existing) if !existing.is_empty() => format!("{tools}/python:{existing}"),
        _ => format!("{tools}/python"),
    };
    let output = std::process::Command::new("python3")
        .env("PYTHONPATH", path)
        .args([
            "-c",
            "import sys, time, pyotp; print(pyotp.TOTP(sys.argv[1]).at(time.time() + 30 * int(sys.argv[2])))",
            secret,
            &steps.to_string(),
        ])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "pyotp is needed for these tests (scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A code that is surely wrong for `secret` now (and within the allowed drift).
pub fn wrong_code(secret: &str) -> String {
    let taken: Vec<String> = (-1..=1).map(|s| code(secret, s)).collect();
    (0..)
        .map(|n| format!("{:06}", (123_456 + n * 7_919) % 1_000_000))
        .find(|candidate| !taken.contains(candidate))
        .unwrap()
}

/// Sets up an authenticator for the account signed in in `browser`: its key and its recovery
/// codes.
pub async fn enroll(app: &TestApp, browser: &Client) -> (String, Vec<String>) {
    let enrollment: Enrollment = ok(call_with(
        browser,
        &app.address,
        "begin_mfa_enrollment",
        &[("current_password", ADMIN_PASSWORD)],
    )
    .await)
    .await;
    let now = code(&enrollment.secret, 0);
    let codes: Vec<String> = ok(call_with(
        browser,
        &app.address,
        "confirm_mfa_enrollment",
        &[("code", now.as_str())],
    )
    .await)
    .await;
    (enrollment.secret, codes)
}

/// The admin, signed in with an authenticator set up: its key and recovery codes.
pub async fn admin_with_authenticator(app: &TestApp) -> (String, Vec<String>) {
    app.login_as_admin().await;
    enroll(app, &app.client).await
}

/// Types the admin's password in a new browser: the browser and what the login answered.
pub async fn password_step(app: &TestApp) -> (Client, LoginOutcome) {
    let browser = app.new_browser();
    let answer = call_with(
        &browser,
        &app.address,
        "login",
        &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
    )
    .await;
    (browser.clone(), ok(answer).await)
}

pub async fn submit_code(app: &TestApp, browser: &Client, code: &str) -> Response {
    call_with(
        browser,
        &app.address,
        "submit_login_code",
        &[("code", code)],
    )
    .await
}

/// What the code page of `browser` shows (`None`: no live step).
pub async fn code_step(app: &TestApp, browser: &Client) -> Option<CodeStep> {
    ok(call_with(browser, &app.address, "login_code_step", &[]).await).await
}
