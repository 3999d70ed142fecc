//! Bad input sent to every server function: malformed bodies, wrong types, missing fields,
//! wrong content types, a 10 MB body, and 100,000 addresses in one invitation. Every one is
//! answered 4xx with a message that says what to fix, never 500, and nothing is stored.

use crate::support::{call_with, TestApp};
use reqwest::{Client, Response};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::collections::BTreeMap;

/// Spawns a server whose rate limits stay out of the way: refusals here must come from the
/// input, not from a limit reached by the sweep itself.
async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| {
        config.limits.login_failures_per_account = 100_000;
        config.limits.login_failures_per_ip = 100_000;
        config.limits.bad_links_per_ip = 100_000;
        config.limits.sign_ups_per_ip = 100_000;
        config.limits.invites_per_hour = 100_000;
    })
    .await
}

/// Every server function, from the server's own registry (a new one cannot be missed).
fn endpoints() -> Vec<String> {
    let mut names: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Functions that take no arguments (or only optional ones): a body they do not read is not
/// an error for them, so they only have to stay clear of 5xx.
const NOTHING_REQUIRED: &[&str] = &[
    "current_user",
    "end_other_sessions",
    "get_settings",
    "list_activity",
    "list_administrators",
    "list_api_tokens",
    "list_domain_rules",
    "list_email_templates",
    "list_link_requests",
    "onboarding_dashboard",
    "link_request_count",
    "remove_logo",
    "list_webhooks",
    "list_developers",
    "list_invitations",
    "login_appearance",
    "login_code_step",
    "logout",
    "my_mfa",
    "my_sessions",
    "password_policy",
    "portal_branding",
    "portal_home",
    "sign_up_open",
];

/// Form bodies that do not decode into each function's arguments: a field missing, or of the
/// wrong type.
fn wrong_fields(name: &str) -> Vec<&'static str> {
    match name {
        "login" => vec!["email=admin%40portico.test", "password=x", "next=%2F"],
        "set_account_state" => vec![
            "id=abc&action=deactivate",
            "id=1&action=explode",
            "id=99999999999&action=deactivate",
            "id=1.5&action=reactivate",
            "action=deactivate",
            "id=1",
        ],
        "invite" => vec![
            "pre_approved=maybe&emails=a%40b.io",
            "emails[x]=a%40b.io",
            "pre_approved=true",
        ],
        "resend_invitation" | "delete_invitation" => {
            vec!["id=abc", "id=", "id=-", "id=1e3", "id=99999999999", "ids=1"]
        }
        "review_invitation" => vec![
            "id=1&decision=maybe",
            "id=x&decision=accept",
            "decision=accept",
            "id=1",
        ],
        "invitation_by_token" => vec!["tokens=abc", "token[a]=b"],
        "complete_registration" => vec![
            "token=abc",
            "token=abc&full_name=A&password=x",
            "full_name=A&password=x&confirmation=x",
        ],
        "sign_up" => vec!["email=a%40b.io", "full_name=A", "email[x]=a&full_name=A"],
        "update_profile" => vec!["name=Somebody", "full_name[x]=1"],
        "change_password" => vec![
            "password=Abc-12345678&confirmation=Abc-12345678",
            "current_password=x",
        ],
        "save_settings" => vec![
            "form[auto_approve]=perhaps&form[validity_hours]=72&form[self_registration]=off&form[login_background]=%23ffffff&form[portal_content]=x",
            "form[auto_approve]=true",
            "auto_approve=true&validity_hours=72&self_registration=off&login_background=%23ffffff&portal_content=x",
            "form=1",
        ],
        "list_invitations" => vec![
            "page=abc",
            "page=-1",
            "page=99999999999999999999999",
            "page_size=x",
            "descending=2",
        ],
        "list_developers" | "list_activity" => vec!["page=abc", "page=-3"],
        _ => vec![],
    }
}

/// Bodies no function can read, with the content type they are sent as.
const GARBAGE: &[(&str, &[u8])] = &[
    // The form encoding's escapes broken.
    ("application/x-www-form-urlencoded", b"%zz%=%%&=&%"),
    // Not UTF-8.
    (
        "application/x-www-form-urlencoded",
        b"\xff\xfe\x00id=\xc3\x28",
    ),
    // JSON where a form is expected: broken, then well-formed with wrong types.
    ("application/json", b"{\"id\": "),
    (
        "application/json",
        b"{\"id\": \"abc\", \"emails\": 5, \"token\": []}",
    ),
    ("text/plain", b"hello"),
    ("application/xml", b"<id>1</id>"),
    ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
    // No content type at all.
    ("", b"id=1&emails=a%40b.io"),
    // Deep nesting.
    (
        "application/x-www-form-urlencoded",
        b"a[a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a][a]=1",
    ),
];

/// The rows a refused request must not change.
async fn stored(db: &DatabaseConnection) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for table in [
        "accounts",
        "invitations",
        "outbox",
        "sessions",
        "audit_events",
        "settings",
    ] {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .unwrap()
            .unwrap();
        counts.insert(table, row.try_get::<i64>("", "n").unwrap());
    }
    counts
}

/// The message of an error response, checked to be one a person can act on.
async fn message_of(response: Response, what: &str) -> String {
    let status = response.status();
    let body = response.text().await.unwrap();
    let error: app::api::ApiError = serde_json::from_str(&body)
        .unwrap_or_else(|_| panic!("{what}: {status} without an error message: {body:?}"));
    let message = error.to_string();
    assert!(message.len() >= 20, "{what}: a terse message {message:?}");
    message
}

struct Tally {
    tried: usize,
    by_status: BTreeMap<u16, usize>,
}

impl Tally {
    fn new() -> Self {
        Self {
            tried: 0,
            by_status: BTreeMap::new(),
        }
    }
    fn count(&mut self, status: u16) {
        self.tried += 1;
        *self.by_status.entry(status).or_default() += 1;
    }
    fn server_errors(&self) -> usize {
        self.by_status
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }
}

async fn post(
    client: &Client,
    app: &TestApp,
    name: &str,
    content_type: &str,
    body: &[u8],
) -> Response {
    let mut request = client.post(app.url(&format!("/api/{name}")));
    if !content_type.is_empty() {
        request = request.header("content-type", content_type);
    }
    request.body(body.to_vec()).send().await.unwrap()
}

#[tokio::test]
async fn malformed_requests_to_every_function_are_refused_with_a_message_and_store_nothing() {
    let app = spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    let before = stored(&db).await;
    let names = endpoints();
    assert!(names.len() >= 20, "{names:?}");
    let anonymous = app.new_browser();
    let mut tally = Tally::new();
    for name in &names {
        // Signing out would end the admin's session for the rest of the sweep.
        let client = if name == "logout" {
            &anonymous
        } else {
            &app.client
        };
        let required = !NOTHING_REQUIRED.contains(&name.as_str());
        let mut cases: Vec<(String, &str, Vec<u8>)> = GARBAGE
            .iter()
            .map(|(t, b)| {
                (
                    format!("{t} {}", String::from_utf8_lossy(b)),
                    *t,
                    b.to_vec(),
                )
            })
            .collect();
        cases.push((
            "empty form".into(),
            "application/x-www-form-urlencoded",
            vec![],
        ));
        for body in wrong_fields(name) {
            cases.push((
                body.to_owned(),
                "application/x-www-form-urlencoded",
                body.as_bytes().to_vec(),
            ));
        }
        for (what, content_type, body) in cases {
            let what = format!("{name}: {what}");
            let response = post(client, &app, name, content_type, &body).await;
            let status = response.status();
            tally.count(status.as_u16());
            assert!(!status.is_server_error(), "{what} answered {status}");
            if required {
                assert!(status.is_client_error(), "{what} answered {status}");
            }
            if status.is_client_error() {
                let message = message_of(response, &what).await;
                assert!(
                    !message.contains("panicked") && !message.contains("SELECT"),
                    "{what}: {message}"
                );
            }
        }
    }
    assert_eq!(
        stored(&db).await,
        before,
        "a refused request stored something"
    );
    assert_eq!(
        app.current_user().await.map(|user| user.email).as_deref(),
        Some(crate::support::ADMIN_EMAIL),
        "the admin is still signed in: the refusals were not 401s"
    );
    eprintln!(
        "{} malformed requests to {} server functions, {} answered 500 (by status: {:?})",
        tally.tried,
        names.len(),
        tally.server_errors(),
        tally.by_status
    );
    assert_eq!(tally.server_errors(), 0);
}

#[tokio::test]
async fn a_missing_field_or_wrong_type_is_named_in_the_message() {
    let app = spawn().await;
    app.login_as_admin().await;
    for (name, body, field) in [
        ("login", "email=a%40b.io", "password"),
        ("set_account_state", "id=abc&action=deactivate", "id"),
        (
            "review_invitation",
            "id=1&decision=maybe",
            "accept` or `deny",
        ),
        (
            "invite",
            "pre_approved=maybe&emails=a%40b.io",
            "`true` or `false`",
        ),
    ] {
        let response = post(
            &app.client,
            &app,
            name,
            "application/x-www-form-urlencoded",
            body.as_bytes(),
        )
        .await;
        assert_eq!(response.status(), 422, "{name}: {body}");
        let message = message_of(response, name).await;
        assert!(message.contains(field), "{name}: {body}: {message}");
    }
    for content_type in ["application/json", "text/plain", ""] {
        let response = post(
            &app.client,
            &app,
            "invite",
            content_type,
            b"{\"emails\": \"a@b.io\"}",
        )
        .await;
        assert_eq!(response.status(), 415, "{content_type:?}");
        let message = message_of(response, content_type).await;
        assert!(message.contains("form-encoded"), "{message}");
    }
    assert_eq!(app.list(&[]).await.total, 0);
}

#[tokio::test]
async fn a_ten_megabyte_body_is_refused_with_413_before_it_is_read() {
    let app = spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    let before = stored(&db).await;
    let mut body = b"emails=".to_vec();
    body.resize(10 * 1024 * 1024, b'a');
    let mut tried = 0;
    for name in endpoints() {
        let client = if name == "logout" {
            app.new_browser()
        } else {
            app.client.clone()
        };
        let response = post(
            &client,
            &app,
            &name,
            "application/x-www-form-urlencoded",
            &body,
        )
        .await;
        assert_eq!(response.status(), 413, "{name}");
        let message = message_of(response, &name).await;
        assert!(
            message.contains("too large") && message.contains("2 MB"),
            "{message}"
        );
        tried += 1;
    }
    // Without a declared length (chunked), the body is read up to the limit only.
    let (status, text) = chunked_post(&app, "invite", &body).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("too large"), "{text}");
    tried += 1;
    assert_eq!(stored(&db).await, before);
    eprintln!("{tried} requests of 10 MB, every one answered 413");
}

/// Sends `body` with `Transfer-Encoding: chunked` over a plain socket (so no length is
/// declared) and returns the status and the body of the answer.
async fn chunked_post(app: &TestApp, name: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /api/{name} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    let body = body.to_vec();
    // The server answers once it has read 2 MB and may close before the rest is sent: write
    // on one side, ignoring that, and read the answer on the other.
    let sending = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            writer
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await?;
            writer.write_all(chunk).await?;
            writer.write_all(b"\r\n").await?;
        }
        writer.write_all(b"0\r\n\r\n").await
    });
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        match reader.read(&mut buffer).await {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
            Err(e) if !answer.is_empty() => {
                eprintln!("(the connection ended with {e} after the answer)");
                break;
            }
            Err(e) => panic!("no answer to a chunked 10 MB body: {e}"),
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
            break;
        }
    }
    sending.abort();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text}"));
    (status, text)
}

#[tokio::test]
async fn an_invitation_of_a_hundred_thousand_addresses_is_refused_and_stores_nothing() {
    let app = spawn().await;
    app.login_as_admin().await;
    let db = app.db().await;
    let before = stored(&db).await;
    let many: Vec<String> = (0..100_000).map(|i| format!("d{i}@x.io")).collect();
    let emails = many.join("\n");
    let started = std::time::Instant::now();
    let response = call_with(&app.client, &app.address, "invite", &[("emails", &emails)]).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 422);
    let message = message_of(response, "invite").await;
    assert!(
        message.contains("At most 1,000 addresses") && message.contains("100000"),
        "{message}"
    );
    assert_eq!(stored(&db).await, before);
    eprintln!(
        "100,000 addresses ({} bytes) refused in {} ms: {message}",
        emails.len(),
        elapsed.as_millis()
    );
}
