//! Settings › Administrators: every admin listed; another admin demoted to a developer loses
//! the console at once; never the last active admin, never oneself, also when two admins
//! demote each other at the same moment (the last-admin rule itself: `domain::role_change`).

use crate::support::{call_with, conflict, ok, TestApp, ADMIN_EMAIL};
use app::{
    domain::Role,
    model::{account::DeveloperRow, audit::AuditAction},
    ssr::entities::account,
};
use reqwest::Client;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

/// A developer made an admin behind the app's back (as an admin invitation will), signed in.
async fn second_admin(app: &TestApp, email: &str) -> (Client, i32) {
    let browser = app.developer(email).await;
    let db = app.db().await;
    account::Entity::update_many()
        .col_expr(account::Column::Role, Expr::value(Role::Admin.as_str()))
        .filter(account::Column::Email.eq(email))
        .exec(&db)
        .await
        .unwrap();
    let id = account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&db)
        .await
        .unwrap()
        .unwrap()
        .id;
    (browser, id)
}

async fn administrators(app: &TestApp, browser: &Client) -> Vec<DeveloperRow> {
    ok(call_with(browser, &app.address, "list_administrators", &[]).await).await
}

async fn own_id(app: &TestApp) -> String {
    administrators(app, &app.client)
        .await
        .into_iter()
        .find(|r| r.own_account)
        .unwrap()
        .id
        .to_string()
}

#[tokio::test]
async fn every_admin_is_listed_and_another_one_demoted_loses_the_console_at_once() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (other, other_id) = second_admin(&app, "second@x.io").await;
    let listed = administrators(&app, &app.client).await;
    let emails: Vec<_> = listed.iter().map(|r| r.email.as_str()).collect();
    assert_eq!(emails, [ADMIN_EMAIL, "second@x.io"]);
    assert!(listed[0].own_account && listed[0].last_login_at.is_some());
    assert_eq!(
        call_with(&other, &app.address, "list_invitations", &[])
            .await
            .status(),
        200
    );

    let demoted: DeveloperRow = ok(app
        .call("demote_administrator", &[("id", &other_id.to_string())])
        .await)
    .await;
    assert_eq!(demoted.role, Role::Developer);
    assert_eq!(demoted.standing.as_str(), "active");
    assert_eq!(
        call_with(&other, &app.address, "list_invitations", &[])
            .await
            .status(),
        403
    );
    assert!(
        app.current_user_in(&other).await.is_some(),
        "still signed in, as a developer"
    );
    assert_eq!(administrators(&app, &app.client).await.len(), 1);

    let log = app.activity(&[("action", "role_changed")]).await;
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].action, AuditAction::RoleChanged);
    assert_eq!(log.entries[0].target.as_deref(), Some("second@x.io"));
    assert_eq!(
        log.entries[0].detail.as_deref(),
        Some("administrator → developer")
    );
}

#[tokio::test]
async fn neither_oneself_nor_the_last_active_admin_can_be_demoted() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (other, _) = second_admin(&app, "second@x.io").await;
    let me = own_id(&app).await;
    let own = app.call("demote_administrator", &[("id", &me)]).await;
    assert!(conflict(own).await.contains("cannot demote yourself"));

    // A deactivated admin can be demoted even by the last active one: the active admins stay.
    let db = app.db().await;
    account::Entity::update_many()
        .col_expr(account::Column::Active, Expr::value(false))
        .col_expr(
            account::Column::DeactivatedAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(account::Column::Email.eq(ADMIN_EMAIL))
        .exec(&db)
        .await
        .unwrap();
    let demoted = call_with(&other, &app.address, "demote_administrator", &[("id", &me)]).await;
    assert_eq!(demoted.status(), 200);
    // Now "second" is the only admin: nobody can demote it, and it cannot demote itself.
    let rows = administrators(&app, &other).await;
    assert_eq!(rows.len(), 1);
    let last = call_with(
        &other,
        &app.address,
        "demote_administrator",
        &[("id", &rows[0].id.to_string())],
    )
    .await;
    assert!(conflict(last).await.contains("cannot demote yourself"));
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_the_same_moment_leave_one_admin() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let (other, other_id) = second_admin(&app, "second@x.io").await;
    let me = own_id(&app).await;
    let other_id = other_id.to_string();
    let (demote_other, demote_me) = ([("id", other_id.as_str())], [("id", me.as_str())]);
    let (a, b) = tokio::join!(
        app.call("demote_administrator", &demote_other),
        call_with(&other, &app.address, "demote_administrator", &demote_me)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    // The loser is refused as the last admin (409), or, when the winner's change came first,
    // is no admin any more by the time its request is checked (403).
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1] == 409 || statuses[1] == 403, "{statuses:?}");
    let db = app.db().await;
    let admins = account::Entity::find()
        .filter(account::Column::Role.eq(Role::Admin.as_str()))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1);
}

#[tokio::test]
async fn an_admin_invites_another_admin_who_then_runs_the_console_without_a_review() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    // Approval asked for, yet an administrator's invitation is always pre-approved.
    let invited = app
        .call(
            "invite",
            &[
                ("emails", "new-admin@x.io"),
                ("pre_approved", "false"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let row = app.list(&[]).await.rows.remove(0);
    assert_eq!((row.role, row.pre_approved), (Role::Admin, true));
    let outbox = app.outbox().await;
    assert!(
        outbox[0].payload.contains("\"as_admin\":true"),
        "{}",
        outbox[0].payload
    );

    let token = app.token_for("new-admin@x.io").await;
    let (browser, completed) = app.complete(&token, "Nova Admin", "Admin-Pass-2x").await;
    assert_eq!(completed.status(), 200);
    assert_eq!(
        call_with(&browser, &app.address, "list_invitations", &[])
            .await
            .status(),
        200
    );
    let emails: Vec<_> = administrators(&app, &app.client)
        .await
        .into_iter()
        .map(|r| r.email)
        .collect();
    assert_eq!(emails, [ADMIN_EMAIL, "new-admin@x.io"]);
    let log = app.activity(&[("action", "invited")]).await;
    assert_eq!(
        log.entries[0].detail.as_deref(),
        Some("as an administrator")
    );

    let unknown = app
        .call("invite", &[("emails", "x@x.io"), ("role", "owner")])
        .await;
    assert!(crate::support::invalid_input(unknown)
        .await
        .contains("Unknown role"));
}
