//! A test alone in its process. The Prometheus recorder is process-wide (one per process,
//! however many servers it runs), and this test compares the recorder's series before and after
//! a thousand requests: in the `api` binary, another test's request meanwhile (a site file's
//! 304, a refused body's 413 on an unknown path...) would add a series of its own and fail it.

// Of the shared helpers this binary uses only `TestApp::spawn` and `TestApp::metrics`; the
// rest serve the `api` binary.
#[allow(dead_code)]
#[path = "api/support/mod.rs"]
mod support;

use support::TestApp;

/// The series of the request histogram on `page` (their label sets) that requests to unknown
/// paths can land in: the catch-all classes, and any series named after one of `names`.
/// (Series of the app's own routes are left out: reading `/metrics` adds its own.)
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
