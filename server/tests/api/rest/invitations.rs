//! `/api/v1/invitations`: HTTP semantics a client expects, idempotent creation, per-address
//! outcomes, lifecycle conflicts and cursors that survive new rows.

use serde_json::{json, Value};

use super::{new_token, problem, success, Api};
use crate::support::TestApp;

async fn api(app: &TestApp) -> Api {
    let created = new_token(app, "read,write").await;
    Api::new(app, &created.secret)
}

#[tokio::test]
async fn creating_an_invitation_answers_201_with_its_location_and_queues_its_email() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    let response = api
        .post(
            "/invitations",
            json!({ "email": "Ada@Example.com", "pre_approved": true }),
        )
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = success(response, 201).await;
    assert_eq!(location, format!("/api/v1/invitations/{}", created["id"]));
    assert_eq!(created["status"], "pending");
    assert_eq!(created["pre_approved"], true);
    let fetched = success(api.get(&location["/api/v1".len()..]).await, 200).await;
    assert_eq!(fetched["email"], created["email"]);
    assert_eq!(
        app.outbox().await.len(),
        1,
        "the invitation email is queued"
    );
}

#[tokio::test]
async fn a_retried_create_with_the_same_idempotency_key_invites_once() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    let send = |key: &'static str, email: &'static str| {
        api.request(reqwest::Method::POST, "/invitations")
            .header("idempotency-key", key)
            .json(&json!({ "email": email }))
            .send()
    };
    let first = send("key-1", "ada@example.com").await.unwrap();
    let first_location = first.headers()["location"].clone();
    let first = success(first, 201).await;
    let retried = send("key-1", "ada@example.com").await.unwrap();
    assert_eq!(retried.headers()["idempotent-replayed"], "true");
    assert_eq!(retried.headers()["location"], first_location);
    let retried = success(retried, 201).await;
    assert_eq!(retried, first, "the same answer, replayed");
    assert_eq!(app.outbox().await.len(), 1, "one invitation, one email");
    // The same key with another request is a client's mistake, said so.
    let body = problem(send("key-1", "grace@example.com").await.unwrap(), 422).await;
    assert_eq!(body["code"], "idempotency_key_reused");
    // Without the key, the retry is a new request: the address is invited already.
    let again = api
        .post("/invitations", json!({ "email": "ada@example.com" }))
        .await;
    let body = problem(again, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("resend"));
}

#[tokio::test]
async fn two_concurrent_requests_with_one_idempotency_key_invite_once() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    let send = || {
        api.request(reqwest::Method::POST, "/invitations/batch")
            .header("idempotency-key", "same")
            .json(&json!({ "emails": ["a@example.com", "b@example.com", "c@example.com"] }))
            .send()
    };
    let (one, two) = tokio::join!(send(), send());
    let statuses = [
        one.unwrap().status().as_u16(),
        two.unwrap().status().as_u16(),
    ];
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "the other is a replay or told to retry: {statuses:?}"
    );
    let listed = success(api.get("/invitations").await, 200).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_batch_answers_each_address_outcome_and_invites_the_valid_ones() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    success(
        api.post("/invitations", json!({ "email": "old@example.com" }))
            .await,
        201,
    )
    .await;
    // A deny rule added in Settings (the browser's session; tokens do not manage rules).
    app.login_as_admin().await;
    let rule = app
        .call(
            "add_domain_rule",
            &[("domain", "competitor.io"), ("kind", "deny")],
        )
        .await;
    assert_eq!(rule.status(), 200);
    let report = success(
        api.post(
            "/invitations/batch",
            json!({ "emails": ["new@example.com", "not an address", "new@example.com", "old@example.com", "spy@competitor.io"] }),
        )
        .await,
        200,
    )
    .await;
    let outcomes: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "invited",
            "invalid",
            "repeated",
            "already_invited",
            "blocked"
        ]
    );
    assert_eq!(
        (report["invited"].clone(), report["refused"].clone()),
        (json!(1), json!(4))
    );
    assert_eq!(
        report["results"][4]["reason"],
        "Not sent: refused by the deny rule for competitor.io"
    );
    assert!(report["results"][1]["reason"].as_str().unwrap().len() > 10);
    let body = problem(
        api.post("/invitations/batch", json!({ "emails": ["a@x.io;b@x.io"] }))
            .await,
        422,
    )
    .await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("one address per entry"));
}

#[tokio::test]
async fn bad_input_is_422_unknown_ids_404_and_lifecycle_conflicts_409_all_as_problems() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    let body = problem(
        api.post("/invitations", json!({ "email": "nope" })).await,
        422,
    )
    .await;
    assert_eq!(body["code"], "invalid_input");
    problem(
        api.post("/invitations", json!({ "email": "a@x.io", "colour": 1 }))
            .await,
        422,
    )
    .await;
    let not_json = api
        .request(reqwest::Method::POST, "/invitations/1/review")
        .body("decision=accept")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    problem(not_json, 415).await;
    problem(api.get("/invitations/999999").await, 404).await;
    problem(api.get("/invitations/abc").await, 404).await;
    problem(api.get("/invitations?status=lost").await, 422).await;
    problem(api.get("/no-such-thing").await, 404).await;
    let created = success(
        api.post("/invitations", json!({ "email": "ada@example.com" }))
            .await,
        201,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    // A Pending invitation has no registration to review.
    let body = problem(
        api.post(
            &format!("/invitations/{id}/review"),
            json!({ "decision": "accept" }),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(body["code"], "conflict");
    // Resend replaces it: 201 with the new one's location; the old one is inactivated.
    let resent = api
        .post(&format!("/invitations/{id}/resend"), json!({}))
        .await;
    let location = resent.headers()["location"].to_str().unwrap().to_owned();
    let new = success(resent, 201).await;
    assert_ne!(new["id"], created["id"]);
    assert!(location.ends_with(&format!("/{}", new["id"])));
    let old = success(api.get(&format!("/invitations/{id}")).await, 200).await;
    assert_eq!(old["status"], "inactivated");
    problem(api.delete(&format!("/invitations/{id}")).await, 409).await;
    let deleted = api.delete(&format!("/invitations/{}", new["id"])).await;
    assert_eq!(deleted.status(), 204);
    problem(api.get(&format!("/invitations/{}", new["id"])).await, 404).await;
}

#[tokio::test]
async fn a_waiting_registration_is_reviewed_through_the_api_with_a_reason() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    for email in ["ada@example.com", "bob@example.com"] {
        success(
            api.post(
                "/invitations",
                json!({ "email": email, "pre_approved": false }),
            )
            .await,
            201,
        )
        .await;
        let link = app.token_for(email).await;
        let (_, done) = app.complete(&link, "Dev Eloper", "Dev-Pass-12345").await;
        assert_eq!(done.status(), 200);
    }
    let waiting = success(api.get("/invitations?status=waiting").await, 200).await;
    let ids: Vec<i64> = waiting["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let accepted = success(
        api.post(
            &format!("/invitations/{}/review", ids[0]),
            json!({ "decision": "accept" }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(accepted["status"], "approved");
    let denied = success(
        api.post(
            &format!("/invitations/{}/review", ids[1]),
            json!({ "decision": "deny", "reason": "Partners only." }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(denied["status"], "rejected");
    assert_eq!(denied["decision"]["reason"], "Partners only.");
    problem(
        api.post(
            &format!("/invitations/{}/review", ids[1]),
            json!({ "decision": "maybe" }),
        )
        .await,
        422,
    )
    .await;
}

#[tokio::test]
async fn a_cursor_stays_valid_while_invitations_are_added() {
    let app = TestApp::spawn().await;
    let api = api(&app).await;
    let emails: Vec<String> = (0..30).map(|i| format!("dev{i:02}@example.com")).collect();
    success(
        api.post("/invitations/batch", json!({ "emails": emails }))
            .await,
        200,
    )
    .await;
    let first = success(
        api.get("/invitations?limit=20&sort=email&order=asc").await,
        200,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    // New rows, some sorting before the cursor and some after it.
    success(
        api.post(
            "/invitations/batch",
            json!({ "emails": ["aaa@example.com", "dev05b@example.com", "zzz@example.com"] }),
        )
        .await,
        200,
    )
    .await;
    let second = success(
        api.get(&format!(
            "/invitations?limit=20&sort=email&order=asc&cursor={cursor}"
        ))
        .await,
        200,
    )
    .await;
    let page = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut expected: Vec<String> = emails[20..].to_vec();
    expected.push("zzz@example.com".into());
    assert_eq!(
        page(&second),
        expected,
        "continues after dev19, nothing repeated or skipped"
    );
    assert_eq!(page(&first).last().unwrap(), "dev19@example.com");
}
