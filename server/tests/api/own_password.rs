//! An account whose password someone else may know (the first admin's, generated and printed)
//! must choose its own at its first login, and can do nothing else until it has.

use crate::support::{call_with, error, fresh_database, ok, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use app::{
    model::{account::SessionUser, ApiError},
    ssr::{db, entities::account},
};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

const OWN_PASSWORD: &str = "Chosen-By-Me-77";

async fn admin_account(database: &sea_orm::DatabaseConnection) -> account::Model {
    account::Entity::find()
        .filter(account::Column::Email.eq(ADMIN_EMAIL))
        .one(database)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn an_account_that_must_choose_its_own_password_can_do_nothing_else_until_it_has() {
    let app = TestApp::spawn().await;
    let database = app.db().await;
    account::Entity::update_many()
        .col_expr(account::Column::MustChangePassword, Expr::value(true))
        .filter(account::Column::Email.eq(ADMIN_EMAIL))
        .exec(&database)
        .await
        .unwrap();
    app.login_as_admin().await;
    let me: Option<SessionUser> = ok(app.call("current_user", &[]).await).await;
    assert!(me.unwrap().must_change_password);

    for (function, form) in [
        ("list_invitations", vec![]),
        ("update_profile", vec![("full_name", "Someone Else")]),
        ("invite", vec![("emails", "ada@x.io")]),
    ] {
        let refused = app.call(function, &form).await;
        assert_eq!(refused.status(), 403, "{function}");
        assert_eq!(
            error(refused).await,
            ApiError::PasswordChangeRequired,
            "{function}"
        );
    }

    let changed = app
        .call(
            "change_password",
            &[
                ("current_password", ADMIN_PASSWORD),
                ("password", OWN_PASSWORD),
                ("confirmation", OWN_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    assert!(!admin_account(&database).await.must_change_password);
    let me: Option<SessionUser> = ok(app.call("current_user", &[]).await).await;
    assert!(!me.unwrap().must_change_password);
    assert_eq!(app.call("list_invitations", &[]).await.status(), 200);
    let anonymous = app.new_browser();
    let signed_in = call_with(
        &anonymous,
        &app.address,
        "login",
        &[("email", ADMIN_EMAIL), ("password", OWN_PASSWORD)],
    )
    .await;
    assert_eq!(signed_in.status(), 200);
}

#[tokio::test]
async fn a_generated_first_admin_password_must_be_changed_and_a_configured_one_need_not() {
    for (configured, must_change) in [(None, true), (Some(ADMIN_PASSWORD.to_owned()), false)] {
        let url = fresh_database().await;
        let database = db::connect(&url).await.unwrap();
        db::migrate(&database).await.unwrap();
        let mut config = server::Config::defaults();
        config.database_url = url;
        config.admin_email = ADMIN_EMAIL.into();
        config.admin_password = configured;
        server::bootstrap::ensure_first_admin(&database, &config)
            .await
            .unwrap();
        assert_eq!(
            admin_account(&database).await.must_change_password,
            must_change
        );
    }
}
