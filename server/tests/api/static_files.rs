//! The site build's files under /pkg: the precompressed copy a browser accepts, never a stale

//! one, and pages never compressed.

use std::{path::PathBuf, time::SystemTime};

use crate::support::TestApp;

/// A site root whose pkg/ holds a WASM file with Brotli and gzip copies. The copies hold
/// marker text instead of real compressed data, so a response shows which file was sent.
struct Site(PathBuf);

impl Site {
    fn new() -> Self {
        let root = std::env::temp_dir()
            .join("portico-tests")
            .join(format!("site-{}", rand::random::<u64>()));
        std::fs::create_dir_all(root.join("pkg")).unwrap();
        let site = Self(root);
        site.write("portico.wasm", "the raw wasm");
        site.write("portico.wasm.br", "the brotli copy");
        site.write("portico.wasm.gz", "the gzip copy");
        site
    }

    fn write(&self, name: &str, content: &str) {
        std::fs::write(self.0.join("pkg").join(name), content).unwrap();
    }

    /// Makes the WASM file newer than its copies, as a rebuild without precompressing does.
    fn rebuild_wasm(&self) {
        let file = std::fs::File::options()
            .write(true)
            .open(self.0.join("pkg/portico.wasm"))
            .unwrap();
        file.set_modified(SystemTime::now() + std::time::Duration::from_secs(60))
            .unwrap();
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn spawn_serving(site: &Site) -> TestApp {
    let root = site.0.clone();
    TestApp::spawn_with(move |config| config.site_root = root).await
}

/// GETs `path` with the request headers given.
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// (Content-Encoding, Vary, Cache-Control, body) of the WASM file asked for with `accept`.
async fn wasm(app: &TestApp, accept: Option<&str>) -> (String, String, String, String) {
    let accept: Vec<_> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
    let response = get(app, "/pkg/portico.wasm", &accept).await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let headers = (
        header("content-encoding"),
        header("vary"),
        header("cache-control"),
    );
    let body = response.text().await.unwrap();
    (headers.0, headers.1, headers.2, body)
}

#[tokio::test]
async fn a_browser_gets_the_best_copy_it_accepts() {
    let site = Site::new();
    let app = spawn_serving(&site).await;

    let (encoding, vary, cache, body) = wasm(&app, Some("gzip, deflate, br, zstd")).await;
    assert_eq!(
        (encoding.as_str(), body.as_str()),
        ("br", "the brotli copy")
    );
    assert!(
        vary.to_ascii_lowercase().contains("accept-encoding"),
        "caches must keep the encodings apart: {vary:?}"
    );
    assert_eq!(cache, "no-cache");

    let (encoding, _, _, body) = wasm(&app, Some("gzip")).await;
    assert_eq!(
        (encoding.as_str(), body.as_str()),
        ("gzip", "the gzip copy")
    );

    let (encoding, _, _, body) = wasm(&app, None).await;
    assert_eq!((encoding.as_str(), body.as_str()), ("", "the raw wasm"));
    let (encoding, _, _, body) = wasm(&app, Some("identity")).await;
    assert_eq!((encoding.as_str(), body.as_str()), ("", "the raw wasm"));
}

#[tokio::test]
async fn a_browser_revalidates_its_copy_instead_of_downloading_it_again() {
    let site = Site::new();
    let app = spawn_serving(&site).await;
    let first = get(&app, "/pkg/portico.wasm", &[("accept-encoding", "br")]).await;
    let last_modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();

    let again = get(
        &app,
        "/pkg/portico.wasm",
        &[
            ("accept-encoding", "br"),
            ("if-modified-since", &last_modified),
        ],
    )
    .await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn copies_older_than_their_file_are_never_sent() {
    let site = Site::new();
    site.rebuild_wasm();
    let app = spawn_serving(&site).await;

    let (encoding, _, _, body) = wasm(&app, Some("gzip, br")).await;
    assert_eq!((encoding.as_str(), body.as_str()), ("", "the raw wasm"));
}

#[tokio::test]
async fn pages_and_missing_files_are_not_compressed() {
    let site = Site::new();
    let app = spawn_serving(&site).await;

    let page = get(
        &app,
        "/login",
        &[("accept", "text/html"), ("accept-encoding", "gzip, br")],
    )
    .await;
    assert_eq!(page.status(), 200);
    assert!(page.headers().get("content-encoding").is_none());

    let missing = get(&app, "/pkg/nothing.js", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(missing.status(), 404);
}
