//! `/api/v1` developers, settings, audit events, and the OpenAPI document and its page.

use serde_json::json;

use super::{new_token, problem, success, Api};
use crate::support::{TestApp, ADMIN_EMAIL};

#[tokio::test]
async fn developers_are_listed_deactivated_and_reactivated_through_the_api() {
    let app = TestApp::spawn().await;
    app.developer("dev@example.com").await;
    let api = Api::new(&app, &new_token(&app, "read,write").await.secret);
    let listed = success(api.get("/developers?search=dev@").await, 200).await;
    assert_eq!(listed["total"], 1);
    let id = listed["data"][0]["id"].as_i64().unwrap();
    let path = format!("/developers/{id}/deactivate");
    let deactivated = success(api.post(&path, json!({})).await, 200).await;
    assert_eq!(deactivated["standing"], "deactivated");
    problem(api.post(&path, json!({})).await, 409).await;
    let reactivated = success(
        api.post(&format!("/developers/{id}/reactivate"), json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(reactivated["standing"], "active");
    // Administrators (the token's own included) are the console's to change.
    let admins = success(
        api.get(&format!("/developers?search={ADMIN_EMAIL}")).await,
        200,
    )
    .await;
    let own = admins["data"][0]["id"].as_i64().unwrap();
    problem(
        api.post(&format!("/developers/{own}/deactivate"), json!({}))
            .await,
        403,
    )
    .await;
    problem(
        api.post("/developers/999999/deactivate", json!({})).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn settings_are_read_and_changed_field_by_field_with_every_invalid_field_named() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app, &new_token(&app, "read,write").await.secret);
    let before = success(api.get("/settings").await, 200).await;
    let patch = |body| {
        api.request(reqwest::Method::PATCH, "/settings")
            .json(&body)
            .send()
    };
    let changed = success(
        patch(json!({ "validity_hours": 48, "self_registration": "with_approval" }))
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(changed["validity_hours"], 48);
    assert_eq!(changed["self_registration"], "with_approval");
    assert_eq!(changed["portal_content"], before["portal_content"], "kept");
    let body = problem(
        patch(json!({ "validity_hours": 0, "accent_color": "#ffff00" }))
            .await
            .unwrap(),
        422,
    )
    .await;
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("validity") && detail.contains("ccent"),
        "{detail}"
    );
    let after = success(api.get("/settings").await, 200).await;
    assert_eq!(after, changed, "nothing half-written");
}

#[tokio::test]
async fn audit_events_are_listed_newest_first_and_filtered_by_action() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app, &new_token(&app, "read,write").await.secret);
    success(
        api.post("/invitations", json!({ "email": "ada@example.com" }))
            .await,
        201,
    )
    .await;
    let events = success(api.get("/audit-events?action=invited").await, 200).await;
    assert_eq!(events["total"], 1);
    assert_eq!(events["data"][0]["target"], "ada@example.com");
    let all = success(api.get("/audit-events").await, 200).await;
    assert_eq!(all["data"][0]["action"], "invited", "newest first");
    problem(api.get("/audit-events?action=nothing").await, 422).await;
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_names_every_operation_and_the_page_renders_it() {
    let app = TestApp::spawn().await;
    let document: serde_json::Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/invitations",
        "/api/v1/invitations/batch",
        "/api/v1/invitations/{id}",
        "/api/v1/invitations/{id}/resend",
        "/api/v1/invitations/{id}/review",
        "/api/v1/developers",
        "/api/v1/developers/{id}/deactivate",
        "/api/v1/developers/{id}/reactivate",
        "/api/v1/settings",
        "/api/v1/audit-events",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let create = &paths["/api/v1/invitations"]["post"]["responses"];
    for status in ["201", "401", "403", "409", "422", "429"] {
        assert!(
            create.get(status).is_some(),
            "POST /invitations documents {status}"
        );
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let page = app.page("/api/v1/docs").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("/api/v1/invitations/{id}/review"));
    assert!(html.contains("Idempotency-Key"));
}
