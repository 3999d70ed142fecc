//! Rate limits over HTTP: counted in the database (shared by replicas), answered with 429, a
//! Retry-After header and a message in words; X-Forwarded-For believed only from trusted proxies.

use crate::support::{
    call_with, error, invited_id, ok, SettingsFields, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use app::{
    domain::LinkState,
    model::{invitation::InvitationLanding, ApiError},
};
use reqwest::Response;

async fn assert_limited(response: Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    assert_eq!(error(response).await, ApiError::RateLimited(retry_after));
}

/// The test client reaches the server through a trusted proxy on 127.0.0.1, which forwards
/// the client addresses the tests choose.
fn behind_a_local_proxy(config: &mut server::Config) {
    config.limits.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
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
        login_from(&app, "dev@x.io", crate::support::DEVELOPER_PASSWORD, None)
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
        behind_a_local_proxy(config);
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
        assert_eq!(
            ok::<InvitationLanding>(landing).await.state,
            LinkState::Unknown
        );
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
        ("password", crate::support::DEVELOPER_PASSWORD),
        ("confirmation", crate::support::DEVELOPER_PASSWORD),
    ];
    assert_limited(call_with(&guesser, &app.address, "complete_registration", &form).await).await;
}

#[tokio::test]
async fn invites_and_resends_are_limited_per_admin_and_a_refused_one_stores_nothing() {
    let app = TestApp::spawn_with(|config| config.limits.invites_per_hour = 2).await;
    app.login_as_admin().await;
    let report = app.invite("one@x.io").await;
    let id = invited_id(&report.entries[0].outcome).to_string();
    assert_eq!(
        app.call("resend_invitation", &[("id", &id)]).await.status(),
        200
    );
    assert_limited(app.call("invite", &[("emails", "two@x.io")]).await).await;
    let listed = app.list(&[("search", "two@")]).await;
    assert_eq!(listed.total, 0);
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
                &[("email", email.as_str()), ("full_name", "Self Made")],
            )
            .await
        }
    };
    assert_eq!(sign_up(1).await.status(), 200);
    assert_eq!(sign_up(2).await.status(), 200);
    assert_limited(sign_up(3).await).await;
}

/// Sends `attempts` wrong-password logins for `email` at the same moment, each from its own
/// browser, and returns how many passwords were checked (each check of a wrong password writes
/// a "login failed" audit entry; the answers alone cannot tell, since a check whose failure
/// found the bucket full was also answered 429).
async fn concurrent_failed_logins(app: &TestApp, email: &str, attempts: usize) -> usize {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(attempts));
    let tasks: Vec<_> = (0..attempts)
        .map(|_| {
            let (browser, url, start) = (app.new_browser(), app.url("/api/login"), start.clone());
            let email = email.to_owned();
            tokio::spawn(async move {
                start.wait().await;
                browser
                    .post(url)
                    .form(&[("email", email.as_str()), ("password", "Wrong-Pass-1")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429)),
        "only 401 or 429: {statuses:?}"
    );
    use app::ssr::entities::audit_event;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let checks = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("login_failed"))
        .filter(audit_event::Column::Target.eq(email))
        .count(&app.db().await)
        .await
        .unwrap();
    usize::try_from(checks).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_simultaneous_failed_logins_check_no_more_passwords_than_the_limit() {
    let app = TestApp::spawn().await;
    let checked = concurrent_failed_logins(&app, ADMIN_EMAIL, 100).await;
    println!("100 simultaneous failed logins: {checked} password checks");
    assert_eq!(checked, 10, "the default limit is 10 failures per account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_first_failures_are_all_counted() {
    // The very first attempts race to create the bucket's row: none may go uncounted.
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_account = 3).await;
    let checked = concurrent_failed_logins(&app, "nobody@x.io", 20).await;
    assert_eq!(checked, 3);
}

#[tokio::test]
async fn every_spelling_of_an_address_shares_its_failed_login_limit() {
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_account = 4).await;
    let spellings = [
        "admin@portico.test",
        "ADMIN@PORTICO.TEST",
        "admin@ｐｏｒｔｉｃｏ.test",
        "admin@por\u{ad}tico.test",
    ];
    for spelling in spellings {
        let response = login_from(&app, spelling, "Wrong-Pass-1", None).await;
        assert_eq!(response.status(), 401, "{spelling}");
    }
    // The account's bucket is full, whichever spelling comes next.
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None).await).await;
}

#[tokio::test]
async fn a_successful_login_does_not_use_up_the_failed_login_limit() {
    let app = TestApp::spawn_with(|config| config.limits.login_failures_per_account = 2).await;
    for _ in 0..5 {
        let response = login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, None).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(
        login_from(&app, ADMIN_EMAIL, "Wrong-Pass-1", None)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn ipv6_clients_of_one_64_bit_prefix_share_their_failed_login_limit() {
    let app = TestApp::spawn_with(|config| {
        config.limits.login_failures_per_ip = 2;
        behind_a_local_proxy(config);
    })
    .await;
    for (n, client) in ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9"]
        .iter()
        .enumerate()
    {
        let email = format!("guess{n}@x.io");
        let response = login_from(&app, &email, "Wrong-Pass-1", Some(client)).await;
        assert_eq!(response.status(), 401);
    }
    let same_prefix = Some("2001:db8:1:2:abcd::1");
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, same_prefix).await).await;
    let next_prefix = login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, Some("2001:db8:1:3::1")).await;
    assert_eq!(next_prefix.status(), 200);
}

#[tokio::test]
async fn a_client_cannot_choose_its_address_with_a_forwarded_for_line_of_its_own() {
    let app = TestApp::spawn_with(|config| {
        config.limits.login_failures_per_ip = 2;
        behind_a_local_proxy(config);
    })
    .await;
    // The proxy appends the real client (198.51.100.1) in a header line of its own; the
    // client sent a line first, different each time, or an unreadable one.
    for (n, claimed) in ["203.0.113.1", "203.0.113.2"].iter().enumerate() {
        let response = app
            .new_browser()
            .post(app.url("/api/login"))
            .header("x-forwarded-for", *claimed)
            .header("x-forwarded-for", "198.51.100.1")
            .form(&[
                ("email", format!("guess{n}@x.io").as_str()),
                ("password", "Wrong"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    assert_limited(login_from(&app, ADMIN_EMAIL, ADMIN_PASSWORD, Some("198.51.100.1")).await).await;
    // Garbage nearest to the proxy: the proxy itself is the client, not whatever is left of it.
    let garbage = login_from(
        &app,
        ADMIN_EMAIL,
        ADMIN_PASSWORD,
        Some("198.51.100.1, bogus"),
    )
    .await;
    assert_eq!(garbage.status(), 200);
}

#[tokio::test]
async fn sign_up_emails_to_one_address_are_limited_whoever_asks_for_them() {
    let app = TestApp::spawn_with(|config| {
        config.limits.mails_per_recipient = 3;
        behind_a_local_proxy(config);
    })
    .await;
    app.open_sign_up("automatic").await;
    // From a new client address each time, so only the per-recipient limit can stop it; the
    // admin's address (known) and a stranger's are limited alike.
    for target in ["victim@x.io", ADMIN_EMAIL] {
        let mut statuses = Vec::new();
        for n in 0..5 {
            let response = app
                .new_browser()
                .post(app.url("/api/sign_up"))
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .form(&[("email", target), ("full_name", "Self Made")])
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
        }
        assert_eq!(statuses, [200, 200, 200, 429, 429], "{target}");
        let emails = app
            .outbox()
            .await
            .into_iter()
            .filter(|row| row.recipient == target)
            .count();
        assert_eq!(emails, 3, "{target}");
    }
}
