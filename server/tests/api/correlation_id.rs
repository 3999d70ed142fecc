//! An internal failure reaches the client as a generic message carrying a correlation id, and
//! the server's own log (the real binary's output, JSON lines) holds the detail under that id.

use crate::support::{fresh_database, process::ServerProcess, ADMIN_EMAIL, ADMIN_PASSWORD};
use app::model::ApiError;
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

#[tokio::test]
async fn an_internal_failure_shows_a_reference_that_finds_the_detail_in_the_log() {
    let database_url = fresh_database().await;
    let server = ServerProcess::start(&database_url);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let call = |name: &str, form: &[(&str, &str)]| {
        client
            .post(format!("{}/api/{name}", server.address))
            .form(form)
            .send()
    };
    let wrong_password = "Wrong-Secret-77";
    let refused = call(
        "login",
        &[("email", ADMIN_EMAIL), ("password", wrong_password)],
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 401);
    let login = call(
        "login",
        &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
    )
    .await
    .unwrap();
    assert_eq!(login.status(), 200);
    let listed = call("list_invitations", &[]).await.unwrap();
    assert_eq!(listed.status(), 200, "the list works before the fault");

    // The fault: the invitations table disappears behind the running server's back.
    let db = Database::connect(&database_url).await.unwrap();
    db.execute_unprepared("ALTER TABLE invitations RENAME TO invitations_gone")
        .await
        .unwrap();
    // A status filter gives a statement the server has not prepared before (a search term
    // would be answered from the search index without reading the invitations).
    let response = call("list_invitations", &[("status", "pending")])
        .await
        .unwrap();

    assert_eq!(response.status(), 500);
    let body = response.text().await.unwrap();
    let error: ApiError = serde_json::from_str(&body).expect("a JSON ApiError");
    let ApiError::Internal(id) = error else {
        panic!("not an Internal error: {error:?}");
    };
    assert_eq!(id.len(), 12, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    let raw: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        raw,
        serde_json::json!({ "Internal": id }),
        "the body holds the reference and nothing else"
    );
    for detail in [
        "invitations",
        "SELECT",
        "table",
        "relation",
        "exist",
        "Error",
    ] {
        assert!(!body.contains(detail), "{detail:?} leaked: {body}");
    }
    let shown = serde_json::from_str::<app::api::ApiError>(&body)
        .unwrap()
        .to_string();
    assert!(
        shown.starts_with("Something went wrong on our side.")
            && shown.contains(&format!("quote reference {id}")),
        "{shown}"
    );

    let lines = server.lines_with(&id);
    assert_eq!(lines.len(), 1, "one log line per reference: {lines:?}");
    let line = &lines[0];
    assert_eq!(line["level"], "ERROR", "{line}");
    let message = line["message"].as_str().unwrap();
    let says_missing = ["no such table", "does not exist", "doesn't exist"]
        .iter()
        .any(|phrase| message.contains(phrase));
    assert!(
        // Where it failed (the server function's line) and what the database said.
        message.starts_with("app/src/api/invitations.rs:")
            && message.contains("invitations")
            && says_missing,
        "the log line has the detail: {message}"
    );

    let log = server.log().join("\n");
    assert!(
        !log.contains(ADMIN_PASSWORD),
        "the admin's password is in the log"
    );
    assert!(
        !log.contains(wrong_password),
        "a typed password is in the log"
    );
    eprintln!(
        "correlation id {id}: client body {body}; log line {line} ({} log lines checked for passwords)",
        server.log().len()
    );
}
