//! The REST API, `/api/v1`, as a client of it sees it: tokens, HTTP semantics, problems.

mod invitations;
mod others;
mod tokens;

use app::model::api_token::NewApiToken;
use reqwest::{Client, RequestBuilder, Response};
use serde_json::Value;

use crate::support::{ok, TestApp};

/// Logs in as the bootstrap admin (in the app's own browser) and creates a token with
/// `scopes` (`read`, `write` or `read,write`).
pub async fn new_token(app: &TestApp, scopes: &str) -> NewApiToken {
    app.login_as_admin().await;
    ok(app
        .call(
            "create_api_token",
            &[
                ("name", "CRM sync"),
                ("scopes", scopes),
                ("lifetime_days", "30"),
            ],
        )
        .await)
    .await
}

/// A client with no cookies: what a system calling the API is.
pub struct Api {
    pub address: String,
    pub token: String,
    client: Client,
}

impl Api {
    pub fn new(app: &TestApp, token: &str) -> Self {
        Self {
            address: app.address.clone(),
            token: token.to_owned(),
            client: Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}/api/v1{path}", self.address))
            .bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(reqwest::Method::POST, path)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .unwrap()
    }
}

/// A problem answer (RFC 9457): checks the media type and that the body's status matches the
/// response's, and returns the body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(media, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["detail"].as_str().is_some_and(|d| d.len() > 10),
        "a detail that says what to fix: {body}"
    );
    body
}

/// A success answer's JSON with the expected status.
pub async fn success(response: Response, status: u16) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// Invites `email` as a second administrator, lets them register, and has them create a
/// read and write token in their own browser; returns the token's secret.
pub async fn second_admin_token(app: &TestApp, email: &str) -> String {
    app.login_as_admin().await;
    let invited = app
        .call("invite", &[("emails", email), ("role", "admin")])
        .await;
    assert_eq!(invited.status(), 200);
    let link = app.token_for(email).await;
    let (browser, completed) = app.complete(&link, "Grace Admin", "Admin-Pass-2x").await;
    assert_eq!(completed.status(), 200);
    let created: NewApiToken = ok(crate::support::call_with(
        &browser,
        &app.address,
        "create_api_token",
        &[("name", "Billing"), ("scopes", "read,write")],
    )
    .await)
    .await;
    created.secret
}
