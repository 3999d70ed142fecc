use crate::support::{call_with, error, ok, post_form, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use app::{
    domain::Role,
    model::{account::SessionUser, mfa::LoginOutcome, ApiError},
};

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("portico_session="))
        .expect("a session cookie is set")
}

#[tokio::test]
async fn an_anonymous_visitor_of_the_admin_page_is_sent_to_login_and_back() {
    let app = TestApp::spawn().await;
    let response = app.page("/admin/invitations").await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "/login?next=/admin/invitations"
    );
}

#[tokio::test]
async fn the_bootstrap_admin_logs_in_and_the_session_knows_who_they_are() {
    let app = TestApp::spawn().await;
    assert_eq!(app.current_user().await, None);

    let response = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), 200);
    let cookie = session_cookie(&response);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let LoginOutcome::SignedIn { user } = ok(response).await else {
        panic!("a password-only admin is signed in at once");
    };
    assert_eq!(user.email, ADMIN_EMAIL);
    assert_eq!(user.role, Role::Admin);

    let me = app.current_user().await.expect("signed in");
    assert_eq!(me.email, ADMIN_EMAIL);
    assert_eq!(me.full_name, "Administrator");
}

#[tokio::test]
async fn the_admin_page_renders_for_the_signed_in_admin() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let response = app.page("/admin/invitations").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Administrator"), "the header names the admin");
    assert!(html.contains("Sign out"));
}

#[tokio::test]
async fn login_is_case_insensitive_on_the_email() {
    let app = TestApp::spawn().await;
    let response = app.login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_and_no_session() {
    let app = TestApp::spawn().await;
    let response = app.login(ADMIN_EMAIL, "Wrong-Pass-1").await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(error(response).await, ApiError::InvalidCredentials);
    assert_eq!(app.current_user().await, None);
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_get_identical_answers() {
    let app = TestApp::spawn().await;
    let wrong = app.login(ADMIN_EMAIL, "Wrong-Pass-1").await;
    let unknown = app.login("nobody@portico.test", "Wrong-Pass-1").await;
    let malformed = app.login("not an email", "x").await;
    assert_eq!(wrong.status(), unknown.status());
    assert_eq!(wrong.status(), malformed.status());
    let (a, b, c) = (
        wrong.text().await.unwrap(),
        unknown.text().await.unwrap(),
        malformed.text().await.unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[tokio::test]
async fn every_login_issues_a_new_session_id() {
    let app = TestApp::spawn().await;
    let first = session_cookie(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let second = session_cookie(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    assert_ne!(first, second);
}

#[tokio::test]
async fn logging_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let cookie = session_cookie(&app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await);
    let token = cookie.split(';').next().unwrap().to_owned();

    let response = app.call("logout", &[]).await;
    assert_eq!(response.status(), 200);
    assert!(session_cookie(&response).contains("Max-Age=0"));

    // Replaying the old cookie from another client no longer works.
    let other = reqwest::Client::new();
    let replay = other
        .post(app.url("/api/current_user"))
        .header("cookie", token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok::<Option<SessionUser>>(replay).await, None);
}

#[tokio::test]
async fn a_missing_field_is_a_client_error_that_names_the_problem() {
    let app = TestApp::spawn().await;
    let response = call_with(
        &app.client,
        &app.address,
        "login",
        &[("email", ADMIN_EMAIL)],
    )
    .await;
    assert_eq!(response.status(), 422);
    match error(response).await {
        ApiError::InvalidInput(message) => assert!(message.contains("password"), "{message}"),
        other => panic!("not InvalidInput: {other:?}"),
    }
}

#[tokio::test]
async fn a_login_upgrades_a_hash_made_with_weaker_settings() {
    use app::ssr::entities::account;
    use argon2::{password_hash::SaltString, Algorithm, Argon2, Params, PasswordHasher, Version};
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn().await;
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(4_096, 1, 1, None).unwrap(),
    )
    .hash_password(
        crate::support::ADMIN_PASSWORD.as_bytes(),
        &SaltString::generate(&mut rand::thread_rng()),
    )
    .unwrap()
    .to_string();
    let db = app.db().await;
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(weak.clone()))
        .filter(account::Column::EmailNormalized.eq(crate::support::ADMIN_EMAIL))
        .exec(&db)
        .await
        .unwrap();

    app.login_as_admin().await;
    let stored = account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(crate::support::ADMIN_EMAIL))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    assert_ne!(stored, weak);
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    // The upgraded hash still takes the same password.
    app.login_as_admin().await;
}

/// The login form as the browser itself posts it (before the app has hydrated, or without
/// JavaScript): a plain form submission that asks for HTML, from the page `referer`.
async fn post_login_form(app: &TestApp, password: &str, referer: &str) -> reqwest::Response {
    post_login_form_to(app, &app.client, password, referer, "/portal").await
}

/// The login form as a browser posts it without the app, asking to go to `next` afterwards.
async fn post_login_form_to(
    app: &TestApp,
    browser: &reqwest::Client,
    password: &str,
    referer: &str,
    next: &str,
) -> reqwest::Response {
    post_form(
        browser,
        &app.address,
        "login",
        referer,
        &[
            ("email", ADMIN_EMAIL),
            ("password", password),
            ("next", next),
        ],
    )
    .await
}

#[tokio::test]
async fn a_login_form_posted_without_the_app_returns_to_the_page_with_the_message() {
    let app = TestApp::spawn().await;
    let refused = post_login_form(&app, "Not-The-Pass-1", &app.url("/login?next=/portal")).await;
    // A redirect the browser follows, not the bare error body with a 401 status.
    assert_eq!(refused.status(), 303);
    let back_to = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(back_to.starts_with(&app.url("/login?")), "{back_to}");
    let page = app.client.get(&back_to).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains("The email or password is incorrect, or the account is not active."),
        "{html}"
    );

    let accepted = post_login_form(&app, ADMIN_PASSWORD, &app.url("/login?next=/portal")).await;
    assert!(accepted.status().is_redirection(), "{}", accepted.status());
    assert_eq!(accepted.headers()["location"], "/portal");
    assert_eq!(app.current_user().await.unwrap().email, ADMIN_EMAIL);
}

#[tokio::test]
async fn a_refused_form_post_is_sent_back_only_to_a_page_of_this_site() {
    let app = TestApp::spawn().await;
    let refused = post_login_form(&app, "Not-The-Pass-1", "https://elsewhere.example/login").await;
    assert_eq!(refused.status(), 401, "no redirect to another site");
}

/// `next` values that a browser would follow to another site (tabs and line breaks are dropped
/// from URLs, backslashes read as slashes), or that cannot go into a header at all.
const FOREIGN_NEXTS: &[&str] = &[
    "/%09/evil.example",
    "/\n",
    "/\t/evil.example",
    "/%2F%2Fevil.example",
    "https:evil.example",
    "/\\evil.example",
    "//evil.example",
    "/.//evil.example",
    "/\r\nSet-Cookie: stolen=1",
];

#[tokio::test]
async fn after_login_a_next_that_could_leave_the_site_goes_home_instead_through_the_app() {
    let app = TestApp::spawn().await;
    for next in FOREIGN_NEXTS {
        let browser = app.new_browser();
        let form = [
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", next),
        ];
        let response = call_with(&browser, &app.address, "login", &form).await;
        assert_eq!(response.status(), 200, "{next:?}");
        assert_eq!(response.headers()["location"], "/admin", "{next:?}");
    }
}

#[tokio::test]
async fn after_login_a_next_that_could_leave_the_site_goes_home_instead_without_the_app() {
    let app = TestApp::spawn().await;
    let login_page = app.url("/login");
    for next in FOREIGN_NEXTS {
        let browser = app.new_browser();
        let response = post_login_form_to(&app, &browser, ADMIN_PASSWORD, &login_page, next).await;
        assert_eq!(response.status(), 302, "{next:?}");
        assert_eq!(response.headers()["location"], "/admin", "{next:?}");
    }
    // A page of this site is still followed, with its query.
    let browser = app.new_browser();
    let next = "/admin/invitations?status=waiting";
    let response = post_login_form_to(&app, &browser, ADMIN_PASSWORD, &login_page, next).await;
    assert_eq!(response.headers()["location"], next);
}

#[tokio::test]
async fn completing_a_pre_approved_link_ends_the_session_this_browser_had_before() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("dev@x.io").await;
    let token = app.token_for("dev@x.io").await;
    // A shared computer: someone is signed in, then the developer uses their link on it.
    let shared = app.new_browser();
    let form = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let login = call_with(&shared, &app.address, "login", &form).await;
    let before = session_cookie(&login);
    let before = before.split(';').next().unwrap().to_owned();
    let form = [
        ("token", token.as_str()),
        ("full_name", "Dev Eloper"),
        ("password", crate::support::DEVELOPER_PASSWORD),
        ("confirmation", crate::support::DEVELOPER_PASSWORD),
    ];
    let completed = call_with(&shared, &app.address, "complete_registration", &form).await;
    assert_eq!(completed.status(), 200);
    let me = app.current_user_in(&shared).await.expect("signed in");
    assert_eq!(me.email, "dev@x.io");
    assert_eq!(
        app.current_user_with_cookie(&before).await,
        None,
        "the previous session ended"
    );
}
