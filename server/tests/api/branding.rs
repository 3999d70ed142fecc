//! The accent color: chosen in Settings, refused without AA contrast, and served to every page
//! as `/branding.css`.

use crate::support::{invalid_input, SettingsFields, TestApp};

/// What every page's frame shows of the portal, as the public `portal_branding` answers.
async fn portal_branding(app: &TestApp) -> app::model::branding::Branding {
    crate::support::ok(app.call("portal_branding", &[]).await).await
}

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

#[tokio::test]
async fn the_portal_name_set_in_settings_shows_on_every_page_and_in_emails_and_empty_returns_to_the_configured_one(
) {
    use crate::support::maildev::{subjects, with_smtp, Maildev};
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    let refused = app
        .save_settings(SettingsFields {
            portal_name: "Acme\nBcc: someone@evil.example",
            ..Default::default()
        })
        .await;
    let message = invalid_input(refused).await;
    assert!(message.contains("Portal name: no line breaks"), "{message}");

    let saved = app
        .save_settings(SettingsFields {
            portal_name: "  Acme Developer Hub ",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let branding = portal_branding(&app).await;
    assert_eq!(branding.portal_name, "Acme Developer Hub");
    let login = app.page("/login").await.text().await.unwrap();
    assert!(
        login.contains("Acme Developer Hub"),
        "the login card, rendered on the server"
    );

    app.invite("named@example.com").await;
    let emails = maildev.settled(1).await;
    let (_, subject) = subjects(&emails).remove(0);
    assert!(subject.contains("Acme Developer Hub"), "{subject}");

    let back = app.save_settings(SettingsFields::default()).await;
    assert_eq!(back.status(), 200);
    assert_eq!(app.settings().await.portal_name, None);
    let branding = portal_branding(&app).await;
    assert_ne!(branding.portal_name, "Acme Developer Hub");
}

/// A PNG's signature and header, padded to `size` bytes (the server reads the signature).
fn png_of(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0".to_vec();
    bytes.resize(size, 0);
    bytes
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_png_logo_of_200_kb_is_served_with_its_type_and_other_formats_and_sizes_are_refused() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let upload = |bytes: Vec<u8>| {
        let app = &app;
        async move { app.call("upload_logo", &[("hex", &hex_of(&bytes))]).await }
    };
    let message = invalid_input(upload(b"GIF89a\x01\0\x01\0\0\0\0;".to_vec()).await).await;
    assert!(message.contains("not a PNG or JPEG"), "{message}");
    let message = invalid_input(upload(b"<svg onload='alert(1)'/>".to_vec()).await).await;
    assert!(message.contains("SVG included"), "{message}");
    let message = invalid_input(upload(png_of(256 * 1024 + 1)).await).await;
    assert!(message.contains("at most 256 KB"), "{message}");
    let browser = app.new_browser();
    assert_eq!(
        browser
            .get(app.url("/branding/logo"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Larger than MySQL's BLOB (64 KB), within the limit.
    let logo = png_of(200 * 1024);
    assert_eq!(upload(logo.clone()).await.status(), 200);
    let branding = portal_branding(&app).await;
    let src = branding.logo.expect("the branding names the logo");
    assert!(src.starts_with("/branding/logo?v="), "{src}");
    let served = browser.get(app.url(&src)).send().await.unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    let etag = served.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(served.bytes().await.unwrap().to_vec(), logo);
    let again = browser
        .get(app.url("/branding/logo"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    assert_eq!(app.call("remove_logo", &[]).await.status(), 200);
    assert_eq!(
        browser
            .get(app.url("/branding/logo"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let branding = portal_branding(&app).await;
    assert_eq!(branding.logo, None);
}
