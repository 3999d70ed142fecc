//! API tokens: shown once, stored hashed, scoped, limited, revocable at once on every replica,
//! and never a way into the console (nor a session a way into the API).

use app::{model::api_token::ApiTokenRow, ssr::entities::api_token};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

use super::{new_token, problem, success, Api};
use crate::support::{ok, TestApp, ADMIN_EMAIL};

#[tokio::test]
async fn a_token_is_shown_once_and_only_its_hash_is_stored() {
    let app = TestApp::spawn().await;
    let created = new_token(&app, "read").await;
    assert!(created.secret.starts_with("portico_"));
    assert!(created.secret.len() >= 8 + 64, "256 random bits");
    let listed: Vec<ApiTokenRow> = ok(app.call("list_api_tokens", &[]).await).await;
    assert_eq!(listed.len(), 1);
    let listed_json = serde_json::to_string(&listed).unwrap();
    assert!(
        !listed_json.contains(&created.secret[8..]),
        "the list never shows the secret"
    );
    assert!(created.secret.starts_with(&listed[0].prefix));
    let stored = api_token::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, created.secret);
    assert!(!stored[0].token_hash.contains(&created.secret[8..]));
    // And it works, and its use is recorded.
    let api = Api::new(&app, &created.secret);
    success(api.get("/invitations").await, 200).await;
    let listed: Vec<ApiTokenRow> = ok(app.call("list_api_tokens", &[]).await).await;
    assert!(listed[0].last_used_at.is_some());
}

#[tokio::test]
async fn a_request_without_a_valid_token_is_refused_and_a_signed_in_browser_is_not_a_token() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // The admin's own browser, session cookie and all: no token, no API.
    let response = app
        .client
        .get(app.url("/api/v1/invitations"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"portico\""
    );
    let body = problem(response, 401).await;
    assert_eq!(body["code"], "unauthenticated");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("Settings › API tokens"));
    for token in ["", "portico_0000", "not-a-token", &"portico_x".repeat(40)] {
        let api = Api::new(&app, token);
        problem(api.get("/invitations").await, 401).await;
    }
}

#[tokio::test]
async fn a_token_cannot_open_the_console_or_call_its_server_functions() {
    let app = TestApp::spawn().await;
    let created = new_token(&app, "read,write").await;
    let stranger = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let list = stranger
        .post(app.url("/api/list_invitations"))
        .bearer_auth(&created.secret)
        .form(&[("search", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 401, "server functions need a session");
    let page = stranger
        .get(app.url("/admin"))
        .bearer_auth(&created.secret)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let text = page.text().await.unwrap();
    assert!(
        !text.contains("Dashboard</h1>") && !text.contains("Invitations</h1>"),
        "no console for a token"
    );
}

#[tokio::test]
async fn a_read_token_cannot_change_anything_and_a_write_token_cannot_read() {
    let app = TestApp::spawn().await;
    let read = new_token(&app, "read").await;
    let write = new_token(&app, "write").await;
    let reader = Api::new(&app, &read.secret);
    let body = problem(
        reader
            .post("/invitations", json!({ "email": "ada@example.com" }))
            .await,
        403,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("write scope"));
    assert!(app.outbox().await.is_empty(), "nothing was invited");
    let writer = Api::new(&app, &write.secret);
    problem(writer.get("/invitations").await, 403).await;
    success(
        writer
            .post("/invitations", json!({ "email": "ada@example.com" }))
            .await,
        201,
    )
    .await;
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_also_by_another_replica() {
    let app = TestApp::spawn().await;
    let replica = TestApp::spawn_on(&app.database_url, |_| {}).await;
    let created = new_token(&app, "read").await;
    let on_replica = Api::new(&replica, &created.secret);
    success(on_replica.get("/invitations").await, 200).await;
    let revoked: ApiTokenRow = ok(app
        .call("revoke_api_token", &[("id", &created.token.id.to_string())])
        .await)
    .await;
    assert!(revoked.revoked_at.is_some());
    problem(on_replica.get("/invitations").await, 401).await;
    problem(
        Api::new(&app, &created.secret).get("/invitations").await,
        401,
    )
    .await;
    // Revoking twice says it was done already.
    let again = app
        .call("revoke_api_token", &[("id", &created.token.id.to_string())])
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn an_expired_token_and_a_token_whose_admin_was_deactivated_stop_working() {
    let app = TestApp::spawn().await;
    let expiring = new_token(&app, "read").await;
    let db = app.db().await;
    api_token::ActiveModel {
        id: Set(expiring.token.id),
        expires_at: Set(Utc::now() - chrono::Duration::seconds(1)),
        ..Default::default()
    }
    .update(&db)
    .await
    .unwrap();
    problem(
        Api::new(&app, &expiring.secret).get("/invitations").await,
        401,
    )
    .await;

    // A second admin's token stops when that admin is deactivated.
    let other = super::second_admin_token(&app, "grace@example.com").await;
    let api = Api::new(&app, &other);
    success(api.get("/invitations").await, 200).await;
    let accounts = app.developers(&[("search", "grace@")]).await;
    let id = accounts.rows[0].id.to_string();
    ok::<serde_json::Value>(
        app.call(
            "set_account_state",
            &[("id", &id), ("action", "deactivate")],
        )
        .await,
    )
    .await;
    problem(api.get("/invitations").await, 401).await;
}

#[tokio::test]
async fn each_token_has_its_own_request_limit_answered_with_retry_after() {
    let app = TestApp::spawn_with(|config| config.limits.api_requests_per_minute = 3).await;
    let first = new_token(&app, "read").await;
    let second = new_token(&app, "read").await;
    let api = Api::new(&app, &first.secret);
    for _ in 0..3 {
        success(api.get("/settings").await, 200).await;
    }
    let refused = api.get("/settings").await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    let body = problem(refused, 429).await;
    assert_eq!(body["code"], "rate_limited");
    success(Api::new(&app, &second.secret).get("/settings").await, 200).await;
}

#[tokio::test]
async fn what_a_token_does_is_audited_with_the_token_as_the_actor() {
    let app = TestApp::spawn().await;
    let created = new_token(&app, "read,write").await;
    let api = Api::new(&app, &created.secret);
    success(
        api.post("/invitations", json!({ "email": "ada@example.com" }))
            .await,
        201,
    )
    .await;
    let log = app.activity(&[("action", "invited")]).await;
    assert_eq!(
        log.entries[0].actor.as_deref(),
        Some(format!("API token \"CRM sync\" of {ADMIN_EMAIL}").as_str())
    );
    let created_log = app.activity(&[("action", "api_token_created")]).await;
    assert_eq!(created_log.entries[0].target.as_deref(), Some("CRM sync"));
    // The invitation email names the token's admin as the inviter.
    let invitation = success(api.get("/invitations").await, 200).await;
    assert_eq!(invitation["data"][0]["email"], "ada@example.com");
}

#[tokio::test]
async fn creating_a_token_needs_a_name_a_scope_and_a_lifetime_within_a_year() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    for (name, scopes, days, expected) in [
        ("", "read", "30", "name"),
        ("CRM", "admin", "30", "scope"),
        ("CRM", "read", "400", "365 days"),
    ] {
        let message = crate::support::invalid_input(
            app.call(
                "create_api_token",
                &[("name", name), ("scopes", scopes), ("lifetime_days", days)],
            )
            .await,
        )
        .await;
        assert!(message.contains(expected), "{message}");
    }
    let listed: Vec<ApiTokenRow> = ok(app.call("list_api_tokens", &[]).await).await;
    assert!(listed.is_empty());
}

#[tokio::test]
async fn a_token_cannot_invite_an_administrator_lift_two_step_sign_in_or_deactivate_an_administrator(
) {
    let app = TestApp::spawn().await;
    let created = new_token(&app, "read,write").await;
    let api = Api::new(&app, &created.secret);
    let body = problem(
        api.post(
            "/invitations",
            json!({ "email": "boss@example.com", "role": "admin" }),
        )
        .await,
        403,
    )
    .await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("cannot invite administrators"));
    problem(
        api.post(
            "/invitations/batch",
            json!({ "emails": ["boss@example.com"], "role": "admin" }),
        )
        .await,
        403,
    )
    .await;
    assert!(app.outbox().await.is_empty(), "nobody was invited");
    let patch = |value: bool| {
        api.request(reqwest::Method::PATCH, "/settings")
            .json(&json!({ "require_admin_mfa": value }))
            .send()
    };
    // Saying it as it is changes nothing and is fine; changing it is the console's.
    success(patch(false).await.unwrap(), 200).await;
    problem(patch(true).await.unwrap(), 403).await;
    let admins = success(
        api.get(&format!("/developers?search={ADMIN_EMAIL}")).await,
        200,
    )
    .await;
    let admin = admins["data"][0]["id"].as_i64().unwrap();
    let body = problem(
        api.post(&format!("/developers/{admin}/deactivate"), json!({}))
            .await,
        403,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("administrator"));
}
