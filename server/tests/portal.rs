mod common;

use common::{call_with, json, SettingsFields, TestApp};

#[tokio::test]
async fn the_portal_content_is_for_signed_in_accounts_and_rendered_without_scripts() {
    let app = TestApp::spawn().await;
    let anonymous = call_with(&app.new_browser(), &app.address, "portal_home", &[]).await;
    assert_eq!(anonymous.status(), 401);

    let developer = app.developer("dev@x.io").await;
    app.save_settings(SettingsFields {
        portal_content: "# API docs\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        ..Default::default()
    })
    .await;
    let html = json(call_with(&developer, &app.address, "portal_home", &[]).await).await;
    let html = html.as_str().unwrap();
    assert!(html.contains("<h1>API docs</h1>"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("<a href=\"#\">x</a>"),
        "the javascript: link is neutralized: {html}"
    );
}
