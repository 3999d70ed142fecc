use crate::support::TestApp;

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_reports_ready_once_every_migration_is_applied() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn an_unknown_page_answers_404_with_a_way_back() {
    let app = TestApp::spawn().await;
    let response = app.page("/no-such-page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn metrics_report_request_latencies_and_the_outbox_depth() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.invite("m1@x.io; m2@x.io").await;
    let text = app.metrics().await;
    assert!(
        text.contains("portico_http_request_duration_seconds_bucket{route=\"/api/invite\""),
        "{text}"
    );
    // No worker runs in this test: both emails are still queued.
    assert!(text.contains("portico_outbox_queued 2"), "{text}");
}

#[tokio::test]
async fn metrics_are_read_only_with_the_configured_token() {
    let app = TestApp::spawn().await;
    let anonymous = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(app.metrics().await.contains("portico_outbox_queued"));

    let without_token = TestApp::spawn_with(|config| config.metrics_token = None).await;
    let off = without_token
        .client
        .get(without_token.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), 404, "no token configured: no metrics page");
    assert!(off.text().await.unwrap().contains("PORTICO_METRICS_TOKEN"));
}
