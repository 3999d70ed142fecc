use crate::support::{call_with, ok, SettingsFields, TestApp};

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
    let html: String = ok(call_with(&developer, &app.address, "portal_home", &[]).await).await;
    assert!(html.contains("<h1>API docs</h1>"), "{html}");
    assert!(!html.contains("<script>"), "{html}");
    assert!(
        html.contains("<a href=\"#\">x</a>"),
        "the javascript: link is neutralized: {html}"
    );
}

/// The value of the first `attribute="..."` on the element carrying `data-testid="{testid}"`
/// in a rendered page, so a test checks that element and not some other mention of a value.
fn attribute_of(html: &str, testid: &str, attribute: &str) -> Option<String> {
    let marker = format!("data-testid=\"{testid}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!("{attribute}=\"");
    let value_start = tag.find(&key)? + key.len();
    let value_end = value_start + tag[value_start..].find('"')?;
    Some(tag[value_start..value_end].to_owned())
}

/// The text of the first element with `class="{class}"`, as rendered (tags stripped).
fn text_of_class(html: &str, class: &str) -> Option<String> {
    let marker = format!("class=\"{class}\"");
    let at = html.find(&marker)?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find("</")?;
    // Hydration markers (`<!>`, `<!--...-->`) are not text.
    let mut text = html[start..end].to_owned();
    while let Some(open) = text.find("<!") {
        let close = open + text[open..].find('>').map_or(text.len() - open, |i| i + 1);
        text.replace_range(open..close, "");
    }
    Some(text.trim().to_owned())
}

#[tokio::test]
async fn the_portal_pages_are_painted_in_the_configured_login_background_color() {
    let app = TestApp::spawn().await;
    let developer = app.developer("dev@x.io").await;
    let saved = app
        .save_settings(SettingsFields {
            login_background: "#123abc",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    for path in ["/portal", "/portal/profile"] {
        let response = developer
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        let style = attribute_of(&html, "portal-screen", "style")
            .unwrap_or_else(|| panic!("{path} has no portal-screen element: {html}"));
        assert!(
            style.contains("--portal-background: #123abc"),
            "{path} is not painted in the configured color: {style}"
        );
    }
}

#[tokio::test]
async fn the_configured_portal_name_is_on_the_login_card_in_the_top_bar_and_in_the_title() {
    let app = TestApp::spawn_with(|c| c.mail.portal_name = "Acme & Co APIs".into()).await;
    let login = app.page("/login").await.text().await.unwrap();
    assert_eq!(
        text_of_class(&login, "brand").as_deref(),
        Some("Acme &amp; Co APIs"),
        "the login card: {login}"
    );
    assert!(
        login.contains("<title>Log in · Acme &amp; Co APIs</title>"),
        "the title: {login}"
    );

    app.login_as_admin().await;
    let console = app.page("/admin/invitations").await.text().await.unwrap();
    assert_eq!(
        text_of_class(&console, "brand").as_deref(),
        Some("Acme &amp; Co APIs"),
        "the admin's top bar: {console}"
    );
    assert!(!console.contains(">Portico<"), "{console}");
}
