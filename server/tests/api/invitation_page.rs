//! The invitation link's page works without the app: its forms are posted by the browser, and
//! every answer is a redirect to a page that says what happened (docs/first-load.md).

use crate::{
    invitations::disable_auto_approval,
    support::{post_form, TestApp, DEVELOPER_PASSWORD},
};
use app::domain::LinkState;

/// The create-account form as the browser posts it from the link's page.
async fn complete_without_the_app(
    app: &TestApp,
    browser: &reqwest::Client,
    token: &str,
    password: &str,
) -> reqwest::Response {
    post_form(
        browser,
        &app.address,
        "complete_registration",
        &app.url(&format!("/invitation/{token}")),
        &[
            ("token", token),
            ("full_name", "Plain Dev"),
            ("password", password),
            ("confirmation", password),
        ],
    )
    .await
}

/// A portal with `emails` invited (auto-approval as `auto_approve` says), the token of the first,
/// and a new browser to open it in.
async fn invited(emails: &str, auto_approve: bool) -> (TestApp, String, reqwest::Client) {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    if !auto_approve {
        disable_auto_approval(&app).await;
    }
    app.invite(emails).await;
    let first = emails.split(';').next().unwrap();
    let token = app.token_for(first).await;
    let browser = app.new_browser();
    (app, token, browser)
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Where a success's redirect sends the browser.
fn redirected_to(response: &reqwest::Response) -> String {
    assert!(response.status().is_redirection(), "{}", response.status());
    location(response)
}

async fn html(browser: &reqwest::Client, url: &str) -> String {
    browser
        .get(url)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_link_page_is_served_without_the_app_and_its_tabs_are_links() {
    let (app, token, browser) = invited("plain@example.com", true).await;

    let create = html(&browser, &app.url(&format!("/invitation/{token}"))).await;
    assert!(!create.contains("/pkg/portico.wasm"), "{create}");
    assert!(create.contains("document.body.dataset.ready"), "{create}");
    assert!(create.contains("Create your account"), "{create}");
    assert!(
        create.contains(&format!("href=\"/invitation/{token}?tab=login\"")),
        "{create}"
    );

    let login = html(
        &browser,
        &app.url(&format!("/invitation/{token}?tab=login")),
    )
    .await;
    assert!(login.contains("action=\"/api/login\""), "{login}");
    assert!(!login.contains("Create your account"), "{login}");
}

#[tokio::test]
async fn completing_the_link_without_the_app_goes_home_signed_in() {
    let (app, token, browser) = invited("plain@example.com", true).await;

    let completed = complete_without_the_app(&app, &browser, &token, DEVELOPER_PASSWORD).await;
    assert_eq!(redirected_to(&completed), "/");
    let user = app.current_user_in(&browser).await.expect("signed in");
    assert_eq!(user.email, "plain@example.com");
}

#[tokio::test]
async fn a_refused_registration_comes_back_to_the_link_with_the_message_and_the_link_still_works() {
    let (app, token, browser) = invited("plain@example.com", true).await;

    let refused = complete_without_the_app(&app, &browser, &token, "short").await;
    assert_eq!(refused.status(), 303);
    let back = location(&refused);
    assert!(
        back.starts_with(&app.url(&format!("/invitation/{token}?"))),
        "{back}"
    );
    let page = html(&browser, &back).await;
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(page.contains("10 to 16 characters"), "{page}");
    assert!(
        page.contains("Create your account"),
        "the form is still offered: {page}"
    );
    assert_eq!(app.landing(&token).await.state, LinkState::Usable);
}

#[tokio::test]
async fn a_registration_that_waits_comes_back_to_the_link_which_thanks_only_while_it_waits() {
    let (app, token, browser) = invited("wait@example.com;usable@example.com", false).await;

    let completed = complete_without_the_app(&app, &browser, &token, DEVELOPER_PASSWORD).await;
    assert_eq!(
        redirected_to(&completed),
        format!("/invitation/{token}?registered=1")
    );
    assert!(
        app.current_user_in(&browser).await.is_none(),
        "not signed in"
    );
    let thanks = html(&browser, &app.url(&redirected_to(&completed))).await;
    assert!(
        thanks.contains("Thanks, your registration is waiting for approval"),
        "{thanks}"
    );

    // The same query on a link still to be used shows its form: the page says what is true.
    let usable = app.token_for("usable@example.com").await;
    let crafted = html(
        &browser,
        &app.url(&format!("/invitation/{usable}?registered=1")),
    )
    .await;
    assert!(!crafted.contains("Thanks"), "{crafted}");
    assert!(crafted.contains("Create your account"), "{crafted}");
}

#[tokio::test]
async fn a_new_invitation_requested_without_the_app_comes_back_to_the_link_saying_what_happens_next(
) {
    let (app, token, browser) = invited("late@example.com", true).await;
    app.expire_invitations_of("late@example.com").await;
    let page = app.url(&format!("/invitation/{token}"));

    let before = html(&browser, &page).await;
    let form = "action=\"/api/request_new_invitation\"";
    assert!(before.contains(form), "{before}");
    let requested = post_form(
        &browser,
        &app.address,
        "request_new_invitation",
        &page,
        &[("token", &token)],
    )
    .await;
    assert_eq!(
        redirected_to(&requested),
        format!("/invitation/{token}?requested=wait")
    );
    let after = html(&browser, &app.url(&redirected_to(&requested))).await;
    assert!(after.contains("Your request was sent"), "{after}");
    assert!(
        !after.contains(form),
        "the form gave way to the answer: {after}"
    );

    // Only a plan's name is read from the URL; anything else leaves the button.
    let crafted = html(&browser, &format!("{page}?requested=you%20won")).await;
    assert!(!crafted.contains("you won"), "{crafted}");
    assert!(crafted.contains(form), "{crafted}");
    // And only a plan the link's state agrees with: no resend replaced this expired link.
    let untrue = html(&browser, &format!("{page}?requested=resend_now")).await;
    assert!(
        !untrue.contains("A new invitation is on its way"),
        "{untrue}"
    );
    assert!(untrue.contains(form), "{untrue}");
}

#[tokio::test]
async fn a_login_refused_on_the_links_login_tab_comes_back_to_that_tab() {
    let (app, token, browser) = invited("plain@example.com", true).await;
    let tab = app.url(&format!("/invitation/{token}?tab=login"));
    let refused = post_form(
        &browser,
        &app.address,
        "login",
        &tab,
        &[
            ("email", "plain@example.com"),
            ("password", "Not-The-Pass-1"),
            ("next", "/portal"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 303);
    let back = location(&refused);
    assert!(back.starts_with(&format!("{tab}&")), "{back}");
    let page = html(&browser, &back).await;
    assert!(page.contains("role=\"alert\""), "{page}");
    assert!(
        page.contains("action=\"/api/login\""),
        "still the login tab: {page}"
    );
    assert!(!page.contains("Create your account"), "{page}");
}
