//! Endpoints: private targets refused unless allowed, no redirects followed, a test event, a
//! redelivery under the same id, and an endpoint that keeps failing turned off with the admins
//! emailed.

use app::model::webhook::WebhookEndpointRow;

use super::{accepted, app_with, deliveries_until, endpoint_and_receiver};
use crate::support::{eventually, invalid_input, ok, when, TestApp};

#[tokio::test]
async fn private_loopback_and_link_local_targets_are_refused_unless_the_operator_allows_them() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://[fe80::1]/hook",
    ] {
        let message = invalid_input(
            app.call("create_webhook", &[("url", url), ("events", "*")])
                .await,
        )
        .await;
        assert!(message.contains("private"), "{url}: {message}");
    }
    for (url, expected) in [
        ("ftp://example.com/x", "https://"),
        ("https://user:secret@example.com/", "password"),
    ] {
        let message = invalid_input(
            app.call("create_webhook", &[("url", url), ("events", "*")])
                .await,
        )
        .await;
        assert!(message.contains(expected), "{url}: {message}");
    }
    let message = invalid_input(
        app.call(
            "create_webhook",
            &[
                ("url", "https://hooks.example.com/x"),
                ("events", "invitation.lost"),
            ],
        )
        .await,
    )
    .await;
    assert!(message.contains("invitation.lost"));
    let listed: Vec<WebhookEndpointRow> = ok(app.call("list_webhooks", &[]).await).await;
    assert!(listed.is_empty());
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_counts_as_a_failed_try() {
    let app = app_with(50).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(&app, "*").await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&["--status", "302"]);
    app.invite("ada@example.com").await;
    receiver.until("a first try", |r| !r.is_empty()).await;
    let id = endpoint.endpoint.id.to_string();
    let log = deliveries_until(&app, &id, "the first try's answer", |log| {
        log.first().is_some_and(|d| d.last_status.is_some())
    })
    .await;
    assert_eq!(log[0].state, "pending", "tried again later");
    assert_eq!(log[0].last_status, Some(302));
    assert!(log[0]
        .last_error
        .as_deref()
        .unwrap()
        .contains("redirects are not followed"));
}

#[tokio::test]
async fn a_test_event_and_a_redelivery_arrive_under_their_ids() {
    let app = app_with(50).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(&app, "invitation.created").await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&[]);
    let id = endpoint.endpoint.id.to_string();
    ok::<()>(app.call("send_test_webhook", &[("id", &id)]).await).await;
    let received = receiver.until("the test event", |r| !r.is_empty()).await;
    assert_eq!(received[0]["type"], "portico.test");
    assert_eq!(received[0]["verified"], true);
    let log = deliveries_until(&app, &id, "the test event's answer", |log| {
        log.first().is_some_and(|d| d.state != "pending")
    })
    .await;
    assert_eq!((log[0].state.as_str(), log[0].attempts), ("succeeded", 1));
    assert!(log[0].response_ms.is_some());
    let delivery = log[0].id.to_string();
    ok::<()>(
        app.call("redeliver_webhook", &[("delivery_id", &delivery)])
            .await,
    )
    .await;
    let received = receiver.until("the redelivery", |r| r.len() >= 2).await;
    assert_eq!(received[1]["id"], received[0]["id"], "the same webhook-id");
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_turned_off_and_every_admin_is_emailed() {
    let app = app_with(3).await;
    let (endpoint, mut receiver) = endpoint_and_receiver(&app, "*").await;
    assert!(endpoint.secret.starts_with("whsec_"));
    receiver.start(&["--fail", "1000"]);
    app.invite("ada@example.com").await;
    receiver.until("three failed tries", |r| r.len() >= 3).await;
    let listed = eventually("the endpoint turned off", async || {
        let listed: Vec<WebhookEndpointRow> = ok(app.call("list_webhooks", &[]).await).await;
        when(listed, |listed| !listed[0].enabled)
    })
    .await;
    assert!(listed[0]
        .disabled_reason
        .as_deref()
        .unwrap()
        .contains("3 failed tries"));
    let outbox = app.outbox().await;
    assert!(
        outbox.iter().any(|row| row.kind == "webhook_disabled"),
        "the admins are emailed"
    );
    // Nothing more is tried while it is off; turned back on, the waiting delivery goes out.
    let tries = receiver.received().len();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(receiver.received().len(), tries);
    receiver.kill();
    receiver.start(&[]);
    let id = endpoint.endpoint.id.to_string();
    // A test event checks the fixed receiver while the endpoint is still off.
    ok::<()>(app.call("send_test_webhook", &[("id", &id)]).await).await;
    let received = receiver
        .until("the test event", |r| !accepted(r).is_empty())
        .await;
    assert_eq!(accepted(&received)[0]["type"], "portico.test");
    let enabled: WebhookEndpointRow = ok(app.call("enable_webhook", &[("id", &id)]).await).await;
    assert!(enabled.enabled);
    let received = receiver
        .until("the waiting delivery", |r| accepted(r).len() >= 2)
        .await;
    assert_eq!(accepted(&received)[1]["type"], "invitation.created");
    // Adding and turning on the endpoint are in the audit log.
    let added = app.activity(&[("action", "webhook_added")]).await;
    assert_eq!(
        added.entries[0].target.as_deref(),
        Some(enabled.url.as_str())
    );
    let turned_on = app.activity(&[("action", "webhook_enabled")]).await;
    assert_eq!(turned_on.total, 1);
}
