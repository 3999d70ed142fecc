//! CSRF refusal and security headers, at the HTTP level.

use crate::support::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn a_state_change_from_another_site_is_refused_before_it_runs() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = app
            .client
            .post(app.url("/api/invite"))
            .header(header, value)
            .form(&[("emails", "victim@x.io")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
    }
    assert_eq!(app.list(&[]).await.total, 0, "nothing was invited");
}

#[tokio::test]
async fn same_origin_requests_from_the_browser_pass() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/login"))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn pages_carry_headers_against_framing_sniffing_and_referrer_leaks() {
    let app = TestApp::spawn().await;
    let response = app.page("/login").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "'wasm-unsafe-eval'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

/// The nonce in a page's policy, e.g. `'nonce-abc'` -> `abc`.
fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

#[tokio::test]
async fn every_page_has_a_fresh_script_nonce_and_every_script_carries_it() {
    let app = TestApp::spawn().await;
    let mut nonces = Vec::new();
    for path in [
        "/login",
        "/login",
        "/invitation/not-a-token",
        "/no-such-page",
    ] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("script-src 'self' 'nonce-"), "{path}: {csp}");
        let nonce = nonce_of(&csp);
        let html = response.text().await.unwrap();
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path}: no scripts?");
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every inline or module script carries this response's nonce"
        );
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "a new nonce per response");
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let app = TestApp::spawn_with(|config| {
        config.public_url = "https://portal.example.com".into();
    })
    .await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
    );
}

#[tokio::test]
async fn a_get_request_cannot_call_a_server_function() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let response = app
        .client
        .get(app.url("/api/invite?emails=x%40y.io"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(app.list(&[]).await.total, 0);
}

/// A page hydrates from the files cargo-leptos writes (`pkg/portico.wasm`, `pkg/portico.js`),
/// whichever tool built the server: a plain `cargo build` used to link `portico_bg.wasm`, which
/// does not exist, so the page rendered but never came alive. The pages met before an account
/// (the login page here) load none of the app's code.
#[tokio::test]
async fn app_pages_load_the_wasm_and_js_files_the_site_build_writes_and_the_plain_pages_neither() {
    let app = TestApp::spawn().await;
    let html = app.page("/no-such-page").await.text().await.unwrap();
    assert!(html.contains("/pkg/portico.wasm"), "{html}");
    assert!(html.contains("/pkg/portico.js"), "{html}");
    assert!(!html.contains("portico_bg"), "{html}");
    for path in ["/login", "/invitation/not-a-token"] {
        let plain = app.page(path).await.text().await.unwrap();
        assert!(!plain.contains("/pkg/portico.wasm"), "{path}: {plain}");
        assert!(!plain.contains("/pkg/portico.js"), "{path}: {plain}");
        // Their own few lines of script instead (`components/plain_page.js`, inline).
        assert!(
            plain.contains("document.body.dataset.ready"),
            "{path}: {plain}"
        );
    }
}

#[tokio::test]
async fn pages_and_server_function_answers_are_never_stored_by_a_cache() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    for path in ["/admin/invitations", "/login", "/no-such-page"] {
        let response = app.page(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    for (name, form) in [
        ("current_user", vec![]),
        ("list_invitations", vec![]),
        ("login", vec![("email", "x@y.io"), ("password", "wrong")]),
    ] {
        let response = app.call(name, &form).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{name}");
    }
}
