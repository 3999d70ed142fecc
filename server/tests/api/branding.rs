//! The accent color: chosen in Settings, refused without AA contrast, and served to every page
//! as `/branding.css`.

use crate::support::{invalid_input, SettingsFields, TestApp};

async fn branding_css(app: &TestApp) -> String {
    let response = app
        .new_browser()
        .get(app.url("/branding.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "public: the login page links it too"
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    response.text().await.unwrap()
}

#[tokio::test]
async fn every_page_gets_the_accent_chosen_in_settings_and_a_light_one_is_refused_with_its_ratio() {
    let app = TestApp::spawn().await;
    assert!(branding_css(&app).await.contains("--brand: #3346d3;"));
    app.login_as_admin().await;

    let refused = app
        .save_settings(SettingsFields {
            accent_color: "#FFCC00",
            ..Default::default()
        })
        .await;
    let message = invalid_input(refused).await;
    assert!(
        message.contains("Accent color: #ffcc00 has a contrast of 1.5:1"),
        "{message}"
    );
    assert!(message.contains("4.5:1"));
    assert!(branding_css(&app).await.contains("--brand: #3346d3;"));

    let saved = app
        .save_settings(SettingsFields {
            accent_color: "#7a1f5c",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(app.settings().await.accent_color.as_str(), "#7a1f5c");
    let css = branding_css(&app).await;
    assert!(css.contains("--brand: #7a1f5c;"), "{css}");
    assert!(css.contains("--link: #7a1f5c;"));
    assert!(css.contains("prefers-color-scheme: dark"));
    let shell = app.page("/login").await.text().await.unwrap();
    assert!(shell.contains(r#"<link rel="stylesheet" href="/branding.css""#));
}
