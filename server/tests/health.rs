mod common;

use common::TestApp;

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
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("portico_http_request_duration_seconds_bucket{route=\"/api/invite\""),
        "{text}"
    );
    // No worker runs in this test: both emails are still queued.
    assert!(text.contains("portico_outbox_queued 2"), "{text}");
}
