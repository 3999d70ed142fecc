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

/// The series of the request histogram on `page` (their label sets) that requests to unknown
/// paths can land in: the catch-all classes, and any series named after one of `names`.
/// (Series of the app's own routes are left out: other tests of this process add them
/// meanwhile.)
fn request_series(page: &str, names: &[String]) -> std::collections::BTreeSet<String> {
    page.lines()
        .filter_map(|line| line.strip_prefix("portico_http_request_duration_seconds_count{"))
        .filter_map(|line| line.split_once('}').map(|(labels, _)| labels.to_owned()))
        .filter(|labels| {
            ["route=\"other\"", "route=\"static\"", "route=\"page\""]
                .iter()
                .any(|class| labels.starts_with(class))
                || names.iter().any(|name| labels.contains(name.as_str()))
        })
        .collect()
}

/// A path of kind `kind` (a server function, a page, a site file, a server function with a
/// sub-path and a query) with `name` in it.
fn path_of_kind(kind: usize, name: &str) -> String {
    match kind % 4 {
        0 => format!("/api/{name}"),
        1 => format!("/{name}/page"),
        2 => format!("/pkg/{name}.js"),
        _ => format!("/api/{name}/x?y={name}"),
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "BREW", "OPTIONS"];

#[tokio::test]
async fn a_thousand_requests_to_random_paths_add_no_metrics_series() {
    use rand::Rng;
    let app = TestApp::spawn().await;
    let send = |method: &str, path: String| {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        app.client.request(method, app.url(&path)).send()
    };
    // Every kind of path with every method once, with a fixed name: the series that kind of
    // request belongs to exist from now on.
    for kind in 0..4 {
        for method in METHODS {
            send(method, path_of_kind(kind, "fixed")).await.unwrap();
        }
    }
    let mut rng = rand::thread_rng();
    let names: Vec<String> = (0..1000)
        .map(|_| {
            (0..12)
                .map(|_| char::from(b'a' + rng.gen_range(0..26)))
                .collect()
        })
        .collect();
    let before = request_series(&app.metrics().await, &names);
    for (n, name) in names.iter().enumerate() {
        let (method, kind) = (METHODS[n % METHODS.len()], n / METHODS.len());
        send(method, path_of_kind(kind, name)).await.unwrap();
    }
    let after = request_series(&app.metrics().await, &names);
    eprintln!(
        "request series: {} before 1,000 random paths, {} after",
        before.len(),
        after.len()
    );
    assert_eq!(after, before, "random paths added series");
}
