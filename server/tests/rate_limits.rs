//! Rate limits over HTTP: counted in the database (shared by replicas), answered with 429, a
//! Retry-After header and a message in words; X-Forwarded-For believed only from trusted proxies.
mod common;

use common::{call_with, json, SettingsFields, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::Response;

async fn assert_limited(response: Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    let body = json(response).await;
    assert_eq!(body["RateLimited"], retry_after);
}

async fn login_from(
    app: &TestApp,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> Response {
    let mut request = app
        .new_browser()
        .post(app.url("/api/login"))
        .form(&[("email", email), ("password", password)]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_account_name_for_a_while_whatever_its_existence() {
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_account = 3).await;
    drop(app.developer("dev@x.io").await);
    for email in [ADMIN_EMAIL, "nobody@x.io"] {
        for _ in 0..3 {
            assert_eq!(
                login_from(&app, email, "Wrong-Pass-1", None).await.status(),
                401
            );
        }
        // Even the right password waits now: the limit is checked before the password.
        assert_limited(login_from(&app, email, ADMIN_PASSWORD, None).await).await;
    }
    // Another account from the same address is not affected by these two.
    assert_eq!(
        login_from(&app, "dev@x.io", common::DEVELOPER_PASSWORD, None)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn failed_logins_across_accounts_from_one_address_are_limited() {
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_ip = 3).await;
    for n in 0..3 {
        let email = format!("guess{n}@x.io");
        assert_eq!(
            login_from(&app, &email, "Wrong-Pass-1", None)
                .await
                .status(),
            401
        );
    }
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None).await).await;
    // A forwarded-for header from an untrusted peer changes nothing.
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, Some("198.51.100.9")).await).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_counted_separately() {
    let app = TestApp::spawn_with(|config| {
        config.limits.login_failures_per_ip = 2;
        config.limits.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for n in 0..2 {
        let email = format!("guess{n}@x.io");
        let response = login_from(&app, &email, "Wrong-Pass-1", Some("198.51.100.1")).await;
        assert_eq!(response.status(), 401);
    }
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, Some("198.51.100.1")).await).await;
    let other_client = login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, Some("198.51.100.2")).await;
    assert_eq!(other_client.status(), 200);
}

#[tokio::test]
async fn guessing_invitation_links_is_limited_per_address() {
    let app = TestApp::spawn_with(|config| config.limits.bad_links_per_ip = 3).await;
    app.login_as_admin().await;
    app.invite("real@x.io").await;
    let real = app.token_for("real@x.io").await;
    let guesser = app.new_browser();
    for n in 0..3 {
        let guess = format!("{n:064x}");
        let landing = call_with(
            &guesser,
            &app.address,
            "invitation_by_token",
            &[("token", &guess)],
        )
        .await;
        assert_eq!(json(landing).await["state"], "unknown");
    }
    assert_limited(
        call_with(
            &guesser,
            &app.address,
            "invitation_by_token",
            &[("token", &real)],
        )
        .await,
    )
    .await;
    let form = [
        ("token", real.as_str()),
        ("full_name", "Guess Er"),
        ("password", common::DEVELOPER_PASSWORD),
        ("confirmation", common::DEVELOPER_PASSWORD),
    ];
    assert_limited(call_with(&guesser, &app.address, "complete_registration", &form).await).await;
}

#[tokio::test]
async fn invites_and_resends_are_limited_per_admin_and_a_refused_one_stores_nothing() {
    let app = TestApp::spawn_with(|config| config.limits.invites_per_hour = 2).await;
    app.login_as_admin().await;
    let report = app.invite("one@x.io").await;
    let id = report["entries"][0]["outcome"]["Invited"]["invitation_id"].to_string();
    assert_eq!(
        app.call("resend_invitation", &[("id", &id)]).await.status(),
        200
    );
    assert_limited(app.call("invite", &[("emails", "two@x.io")]).await).await;
    let listed = app.list(&[("search", "two@")]).await;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let app = TestApp::spawn_with(|config| config.limits.sign_ups_per_ip = 2).await;
    app.login_as_admin().await;
    let saved = app
        .save_settings(SettingsFields {
            self_registration: "automatic",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let sign_up = |n: u32| {
        let email = format!("self{n}@x.io");
        let app = &app;
        async move {
            call_with(
                &app.new_browser(),
                &app.address,
                "sign_up",
                &[
                    ("email", email.as_str()),
                    ("full_name", "Self Made"),
                    ("password", common::DEVELOPER_PASSWORD),
                    ("confirmation", common::DEVELOPER_PASSWORD),
                ],
            )
            .await
        }
    };
    assert_eq!(sign_up(1).await.status(), 200);
    assert_eq!(sign_up(2).await.status(), 200);
    assert_limited(sign_up(3).await).await;
}
