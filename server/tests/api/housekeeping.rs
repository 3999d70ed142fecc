//! Housekeeping: a periodic sweep (safe on every replica) removes expired sessions, closed
//! rate-limit windows and unconfirmed sign-ups long past their link; requests time out.

use std::time::Duration;

use crate::support::{call_with, eventually, when, TestApp};
use app::ssr::entities::{invitation, rate_limit, session};
use chrono::Utc;
use sea_orm::{
    prelude::Expr, ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn sign_up(app: &TestApp, email: &str) {
    let form = [("email", email), ("full_name", "Self Made")];
    let response = call_with(&app.new_browser(), &app.address, "sign_up", &form).await;
    assert_eq!(response.status(), 200);
}

async fn sign_up_rows(db: &DatabaseConnection, email: &str) -> usize {
    invitation::Entity::find()
        .filter(invitation::Column::EmailNormalized.eq(email))
        .all(db)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn the_sweep_removes_stale_sessions_windows_and_sign_ups_and_nothing_in_use() {
    // Several replicas sweeping the same database at once, as in production.
    let app = TestApp::spawn_with(|config| config.cleanup_interval_seconds = 3600).await;
    app.open_sign_up("with_approval").await;
    sign_up(&app, "stale@x.io").await;
    sign_up(&app, "stale@x.io").await; // replaced the first: both unconfirmed
    sign_up(&app, "fresh@x.io").await;
    let db = app.db().await;
    let long_ago = Utc::now() - chrono::Duration::days(8);
    invitation::Entity::update_many()
        .col_expr(invitation::Column::ValidUntil, Expr::value(long_ago))
        .filter(invitation::Column::EmailNormalized.eq("stale@x.io"))
        .exec(&db)
        .await
        .unwrap();
    let admin_session = session::Entity::find().one(&db).await.unwrap().unwrap();
    session::ActiveModel {
        id_hash: Set("e".repeat(64)),
        account_id: Set(admin_session.account_id),
        created_at: Set(long_ago),
        last_seen_at: Set(long_ago),
        expires_at: Set(long_ago + chrono::Duration::days(7)),
        user_agent: Set(None),
        client_ip: Set(None),
    }
    .insert(&db)
    .await
    .unwrap();
    rate_limit::ActiveModel {
        bucket: Set("login-ip:old".into()),
        window_start: Set(long_ago),
        hits: Set(3),
    }
    .insert(&db)
    .await
    .unwrap();
    assert_eq!(sign_up_rows(&db, "stale@x.io").await, 2);

    // Three replicas start on the database and sweep at once.
    let replicas = futures::future::join_all((0..3).map(|_| {
        TestApp::spawn_on(&app.database_url, |config| {
            config.cleanup_interval_seconds = 1
        })
    }))
    .await;
    eventually("the stale sign-ups removed", async || {
        when(sign_up_rows(&db, "stale@x.io").await, |rows| *rows == 0)
    })
    .await;
    assert_eq!(
        sign_up_rows(&db, "fresh@x.io").await,
        1,
        "a live sign-up stays"
    );
    let search = app.list(&[("search", "stale@")]).await;
    assert_eq!(search.total, 0, "and their search index rows: {search:?}");
    let sessions = session::Entity::find().all(&db).await.unwrap();
    assert!(
        sessions.iter().all(|s| s.id_hash != "e".repeat(64)),
        "the idle session is gone"
    );
    assert_eq!(
        app.current_user().await.map(|user| user.email).as_deref(),
        Some(crate::support::ADMIN_EMAIL),
        "a live one stays"
    );
    let windows = rate_limit::Entity::find().all(&db).await.unwrap();
    assert!(
        windows.iter().all(|w| w.bucket != "login-ip:old"),
        "the old window is gone"
    );
    assert!(
        !windows.is_empty(),
        "current windows stay (the sign-ups counted in one)"
    );
    drop(replicas);
}

#[tokio::test]
async fn a_request_whose_body_never_ends_is_answered_408_when_its_time_is_up() {
    let app = TestApp::spawn_with(|config| config.request_timeout_seconds = 1).await;
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nemail\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answers instead of waiting forever")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
