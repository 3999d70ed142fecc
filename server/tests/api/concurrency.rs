//! Races: every action is conditional on the status it starts from, so concurrent requests get
//! exactly one effect and a clear conflict for the others, never a 500.

use crate::support::{
    call_with, conflict, invited_id, SettingsFields, TestApp, DEVELOPER_PASSWORD,
};
use app::{domain::InvitationStatus, model::invitation::InviteOutcome};
use futures::future::join_all;
use reqwest::StatusCode;

async fn invited(app: &TestApp, email: &str) -> (String, String) {
    let report = app.invite(email).await;
    let id = invited_id(&report.entries[0].outcome).to_string();
    (id, app.token_for(email).await)
}

fn count(statuses: &[StatusCode], wanted: u16) -> usize {
    statuses.iter().filter(|s| s.as_u16() == wanted).count()
}

async fn account_count(app: &TestApp, email: &str) -> u64 {
    use app::ssr::entities::account;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    account::Entity::find()
        .filter(account::Column::EmailNormalized.eq(email))
        .count(&app.db().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn twenty_concurrent_completions_of_one_link_create_exactly_one_account() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (_, token) = invited(&app, "dev@x.io").await;
    let attempts = (0..20).map(|i| {
        let browser = app.new_browser();
        let (address, token) = (app.address.clone(), token.clone());
        async move {
            let name = format!("Racer {i}");
            call_with(
                &browser,
                &address,
                "complete_registration",
                &[
                    ("token", &token),
                    ("full_name", &name),
                    ("password", DEVELOPER_PASSWORD),
                    ("confirmation", DEVELOPER_PASSWORD),
                ],
            )
            .await
            .status()
        }
    });
    let statuses = join_all(attempts).await;
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 19, "{statuses:?}");
    assert_eq!(account_count(&app, "dev@x.io").await, 1);
}

#[tokio::test]
async fn resend_racing_completion_ends_in_exactly_one_of_the_two() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (id, token) = invited(&app, "dev@x.io").await;
    let form = [("id", id.as_str())];
    let (resend, (_, complete)) = tokio::join!(
        app.call("resend_invitation", &form),
        app.complete(&token, "Dev", DEVELOPER_PASSWORD)
    );
    let statuses = [resend.status(), complete.status()];
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 1, "{statuses:?}");
    let page = app.list(&[]).await;
    if resend.status() == 200 {
        assert_eq!(page.total, 2);
        assert_eq!(account_count(&app, "dev@x.io").await, 0);
    } else {
        assert_eq!(page.total, 1);
        assert_eq!(page.rows[0].status, InvitationStatus::Approved);
        assert_eq!(account_count(&app, "dev@x.io").await, 1);
    }
}

#[tokio::test]
async fn accept_racing_deny_applies_exactly_one_decision() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    app.save_settings(SettingsFields {
        auto_approve: "false",
        validity_hours: "72",
        self_registration: "off",
        password_policy: "portico",
        login_background: "#eef1f8",
        portal_content: "",
        ..Default::default()
    })
    .await;
    let (id, token) = invited(&app, "dev@x.io").await;
    app.complete(&token, "Dev", DEVELOPER_PASSWORD).await;
    let (accept_form, deny_form) = (
        [("id", id.as_str()), ("decision", "accept")],
        [("id", id.as_str()), ("decision", "deny")],
    );
    let (accept, deny) = tokio::join!(
        app.call("review_invitation", &accept_form),
        app.call("review_invitation", &deny_form)
    );
    let statuses = [accept.status(), deny.status()];
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    assert_eq!(count(&statuses, 409), 1, "{statuses:?}");
    let final_status = app.list(&[]).await.rows[0].status;
    let expected = if accept.status() == 200 {
        InvitationStatus::Approved
    } else {
        InvitationStatus::Rejected
    };
    assert_eq!(final_status, expected);
    let refused = if accept.status() == 200 { deny } else { accept };
    // The loser is told either that the registration is no longer Waiting (it read the new
    // status) or that it changed meanwhile (it read the old one, then lost the update).
    let message = conflict(refused).await;
    assert!(
        message.contains("Waiting") || message.contains("changed"),
        "{message}"
    );
}

#[tokio::test]
async fn delete_racing_completion_ends_in_exactly_one_of_the_two() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (id, token) = invited(&app, "dev@x.io").await;
    let form = [("id", id.as_str())];
    let (delete, (_, complete)) = tokio::join!(
        app.call("delete_invitation", &form),
        app.complete(&token, "Dev", DEVELOPER_PASSWORD)
    );
    let statuses = [delete.status(), complete.status()];
    assert_eq!(count(&statuses, 200), 1, "{statuses:?}");
    let total = app.list(&[]).await.total;
    if delete.status() == 200 {
        assert_eq!(total, 0);
        assert_eq!(account_count(&app, "dev@x.io").await, 0);
    } else {
        assert_eq!(total, 1);
        assert_eq!(account_count(&app, "dev@x.io").await, 1);
    }
}

#[tokio::test]
async fn concurrent_invites_of_one_address_in_two_cases_leave_one_live_invitation() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (upper, lower) = tokio::join!(app.invite("A@x.io"), app.invite("a@x.io"));
    let outcomes = [
        upper.entries[0].outcome.clone(),
        lower.entries[0].outcome.clone(),
    ];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, InviteOutcome::Invited { .. }))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, InviteOutcome::AlreadyInvited { .. }))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(app.list(&[]).await.total, 1);
}

/// Starting a server builds its routes, and Leptos suspends every resource's loading process
/// wide while it generates them (leptos-rs/leptos#4773): a page another server of the process
/// rendered meanwhile waited forever for its data. Routes are now generated once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_servers_of_the_process_start() {
    let app = TestApp::spawn().await;
    let database_url = app.database_url.clone();
    let starting = tokio::spawn(async move {
        for _ in 0..20 {
            TestApp::spawn_on(&database_url, |_| {}).await;
        }
    });
    while !starting.is_finished() {
        let pages = join_all((0..4).map(|_| app.page("/login")));
        let pages = tokio::time::timeout(std::time::Duration::from_secs(10), pages)
            .await
            .expect("the login page answers while other servers start");
        assert!(pages.iter().all(|page| page.status() == 200));
    }
    starting.await.unwrap();
}
