//! Invitations › EXPORT CSV: every row of the list's current view (all pages), as a file a
//! spreadsheet opens safely; admins only.

use crate::support::TestApp;

async fn export(app: &TestApp, browser: &reqwest::Client, query: &str) -> reqwest::Response {
    browser
        .get(app.url(&format!("/admin/invitations/export.csv{query}")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_export_holds_every_row_of_the_search_across_pages_with_a_header() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let batch: Vec<String> = (0..130)
        .map(|i| format!("partner{i:03}@acme.example"))
        .collect();
    app.invite(&batch.join("\n")).await;
    app.invite("someone@else.example").await;

    let response = export(
        &app,
        &app.client,
        "?search=acme&status=pending&sort=email&descending=false",
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"invitations-"));
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("email,status,origin,role,"));
    assert_eq!(
        lines.len(),
        131,
        "the header and 130 rows, beyond one page of 100"
    );
    assert!(lines[1].starts_with("partner000@acme.example,pending,invited,developer,"));
    assert!(lines[130].starts_with("partner129@acme.example,"));
    assert!(!text.contains("someone@else.example"));
}

#[tokio::test]
async fn only_a_signed_in_admin_can_export() {
    let app = TestApp::spawn().await;
    let anonymous = app.new_browser();
    assert_eq!(export(&app, &anonymous, "").await.status(), 401);
    let developer = app.developer("dev@x.io").await;
    assert_eq!(export(&app, &developer, "").await.status(), 403);
    app.login_as_admin().await;
    let refused = export(&app, &app.client, "?status=sideways").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Unknown status"));
    let ok = export(&app, &app.client, "").await;
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("dev@x.io"));
}
