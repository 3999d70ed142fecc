//! `TestApp`: the real server on a random port against a fresh database.
//!
//! The backend comes from `PORTICO_TEST_BACKEND`: `sqlite` (default; a new file per test),
//! `postgres` or `mysql` (a new database per test on the server named by
//! `PORTICO_TEST_POSTGRES_URL` / `PORTICO_TEST_MYSQL_URL`).

pub mod eventually;
pub mod maildev;
pub mod process;

pub use eventually::{eventually, when};

use app::{
    domain::PortalSettings,
    model::{
        account::{DeveloperList, SessionUser},
        audit::AuditLog,
        invitation::{InvitationLanding, InvitationList, InviteOutcome, InviteReport},
        ApiError,
    },
};
use rand::Rng;
use reqwest::{Client, Response};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::{Application, Config};
use tokio::net::TcpListener;

pub const ADMIN_EMAIL: &str = "admin@portico.test";
pub const ADMIN_PASSWORD: &str = "Admin-Pass-1";
/// The bearer token that reads `/metrics` on test servers.
pub const METRICS_TOKEN: &str = "test-metrics-token";

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub database_url: String,
}

impl TestApp {
    /// Starts a server with the bootstrap admin, on a fresh database.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], on a fresh database, with the configuration changed by
    /// `configure` first (for example to run the mail worker against an SMTP capture server).
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        let database_url = fresh_database().await;
        Self::spawn_on(&database_url, configure).await
    }

    /// Another server on an existing database: a replica, or the same service restarted.
    pub async fn spawn_on(database_url: &str, configure: impl FnOnce(&mut Config)) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a random port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config::defaults();
        config.database_url = database_url.to_owned();
        config.public_url = address.clone();
        config.admin_email = ADMIN_EMAIL.into();
        config.admin_password = Some(ADMIN_PASSWORD.into());
        config.metrics_token = Some(METRICS_TOKEN.into());
        configure(&mut config);
        let application = Application::build_on(&config, listener)
            .await
            .unwrap_or_else(|e| panic!("the server did not start: {e}"));
        tokio::spawn(application.run());
        Self {
            address,
            client: new_client(),
            database_url: database_url.to_owned(),
        }
    }

    /// The outbox's rows, oldest first.
    pub async fn outbox(&self) -> Vec<app::ssr::entities::outbox::Model> {
        outbox_rows(&self.db().await).await
    }

    /// A second browser: its own cookie jar.
    pub fn new_browser(&self) -> Client {
        new_client()
    }

    /// A browser that says it is `user_agent`.
    pub fn browser_called(&self, user_agent: &str) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Opens a page as a browser navigating to it would (asking for HTML), in this browser.
    pub async fn page(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function (`/api/<name>`) with form-encoded arguments.
    pub async fn call(&self, name: &str, form: &[(&str, &str)]) -> Response {
        call_with(&self.client, &self.address, name, form).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.call("login", &[("email", email), ("password", password)])
            .await
    }

    pub async fn login_as_admin(&self) {
        let response = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(
            response.status(),
            200,
            "admin login failed: {}",
            response.text().await.unwrap()
        );
    }

    /// The `/metrics` page, read with the metrics token.
    pub async fn metrics(&self) -> String {
        let response = self
            .client
            .get(self.url("/metrics"))
            .bearer_auth(METRICS_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "/metrics answers");
        response.text().await.unwrap()
    }

    /// Who this browser is signed in as.
    pub async fn current_user(&self) -> Option<SessionUser> {
        self.current_user_in(&self.client).await
    }

    /// Who `browser` (another browser of this server) is signed in as.
    pub async fn current_user_in(&self, browser: &Client) -> Option<SessionUser> {
        ok(call_with(browser, &self.address, "current_user", &[]).await).await
    }

    /// `current_user` as a browser that sends exactly `cookie` (`name=value`) would see it.
    pub async fn current_user_with_cookie(&self, cookie: &str) -> Option<SessionUser> {
        let response = Client::new()
            .post(self.url("/api/current_user"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        ok(response).await
    }

    /// Signs the admin in and opens self sign-up in `mode` (`with_approval` or `automatic`).
    pub async fn open_sign_up(&self, mode: &str) {
        self.login_as_admin().await;
        let saved = self
            .save_settings(SettingsFields {
                self_registration: mode,
                ..Default::default()
            })
            .await;
        assert_eq!(saved.status(), 200, "opening sign-up failed");
    }

    /// A direct connection to the test's database, for arranging and checking rows.
    pub async fn db(&self) -> DatabaseConnection {
        Database::connect(&self.database_url)
            .await
            .expect("connect to the test database")
    }

    /// Invites `emails` as the (already signed-in) admin and returns the report.
    pub async fn invite(&self, emails: &str) -> InviteReport {
        ok(self.call("invite", &[("emails", emails)]).await).await
    }

    /// The token of the newest invitation email queued for `email`, read from the outbox
    /// (the message's link is the only place the raw token exists).
    pub async fn token_for(&self, email: &str) -> String {
        let db = self.db().await;
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!(
                    "SELECT payload FROM outbox WHERE recipient = {} AND kind = 'invitation' ORDER BY id DESC",
                    placeholder(&db)
                ),
                [email.into()],
            ))
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no invitation email queued for {email}"));
        let payload: String = row.try_get("", "payload").unwrap();
        let payload: Value = serde_json::from_str(&payload).unwrap();
        let link = payload["link"].as_str().unwrap();
        assert!(
            link.starts_with(&format!("{}/invitation/", self.address)),
            "{link}"
        );
        link.rsplit('/').next().unwrap().to_owned()
    }

    /// Completes the registration behind `token` in a new browser; returns that browser.
    pub async fn complete(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> (Client, reqwest::Response) {
        let browser = self.new_browser();
        let response = call_with(
            &browser,
            &self.address,
            "complete_registration",
            &[
                ("token", token),
                ("full_name", name),
                ("password", password),
                ("confirmation", password),
            ],
        )
        .await;
        (browser, response)
    }

    /// Invites `email` (signing the admin in), completes the registration, and returns the
    /// developer's signed-in browser.
    pub async fn developer(&self, email: &str) -> Client {
        self.login_as_admin().await;
        self.invite(email).await;
        let token = self.token_for(email).await;
        let (browser, response) = self
            .complete(&token, "Dev Eloper", DEVELOPER_PASSWORD)
            .await;
        assert_eq!(response.status(), 200);
        browser
    }

    /// Moves every invitation of `email` past its valid-until, as if its time ran out.
    pub async fn expire_invitations_of(&self, email: &str) {
        use app::ssr::entities::invitation;
        use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};
        let past = chrono::Utc::now() - chrono::Duration::hours(1);
        invitation::Entity::update_many()
            .col_expr(
                invitation::Column::InvitedAt,
                Expr::value(past - chrono::Duration::hours(72)),
            )
            .col_expr(invitation::Column::ValidUntil, Expr::value(past))
            .filter(invitation::Column::EmailNormalized.eq(email.to_lowercase()))
            .exec(&self.db().await)
            .await
            .expect("update invitations");
        // The search index keeps a copy of both dates: as stored (MariaDB keeps seconds).
        use app::ssr::entities::invitation_gram;
        let rows = invitation::Entity::find()
            .filter(invitation::Column::EmailNormalized.eq(email.to_lowercase()))
            .all(&self.db().await)
            .await
            .expect("read invitations");
        for row in rows {
            invitation_gram::Entity::update_many()
                .col_expr(
                    invitation_gram::Column::InvitedAt,
                    Expr::value(row.invited_at.timestamp_micros()),
                )
                .col_expr(
                    invitation_gram::Column::ValidUntil,
                    Expr::value(row.valid_until.timestamp_micros()),
                )
                .filter(invitation_gram::Column::InvitationId.eq(row.id))
                .exec(&self.db().await)
                .await
                .expect("update the search index");
        }
    }

    /// The invitations list (as the signed-in admin) for the filters and page in `form`.
    pub async fn list(&self, form: &[(&str, &str)]) -> InvitationList {
        ok(self.call("list_invitations", form).await).await
    }

    /// Consumers > Developers (as the signed-in admin) for the filters and page in `form`.
    pub async fn developers(&self, form: &[(&str, &str)]) -> DeveloperList {
        ok(self.call("list_developers", form).await).await
    }

    /// The audit log (as the signed-in admin) for the filters and page in `form`.
    pub async fn activity(&self, form: &[(&str, &str)]) -> AuditLog {
        ok(self.call("list_activity", form).await).await
    }

    /// The settings (as the signed-in admin).
    pub async fn settings(&self) -> PortalSettings {
        ok(self.call("get_settings", &[]).await).await
    }

    /// What the page of the invitation link with `token` shows.
    pub async fn landing(&self, token: &str) -> InvitationLanding {
        ok(self.call("invitation_by_token", &[("token", token)]).await).await
    }
}

pub const DEVELOPER_PASSWORD: &str = "Dev-Pass-123";

/// The settings form's fields, with the defaults except for the ones a test sets.
pub struct SettingsFields<'a> {
    pub auto_approve: &'a str,
    pub validity_hours: &'a str,
    pub self_registration: &'a str,
    pub password_policy: &'a str,
    pub login_background: &'a str,
    pub portal_content: &'a str,
    pub require_admin_mfa: &'a str,
    pub accent_color: &'a str,
    pub portal_name: &'a str,
    pub reminder_hours: &'a str,
    pub auto_resend_requests: &'a str,
}

impl Default for SettingsFields<'_> {
    fn default() -> Self {
        Self {
            auto_approve: "true",
            validity_hours: "72",
            self_registration: "off",
            password_policy: "portico",
            login_background: "#eef1f8",
            portal_content: "# Hello",
            require_admin_mfa: "false",
            accent_color: "#3346d3",
            portal_name: "",
            reminder_hours: "24",
            auto_resend_requests: "false",
        }
    }
}

impl TestApp {
    /// Submits the settings form as the signed-in admin.
    pub async fn save_settings(&self, fields: SettingsFields<'_>) -> reqwest::Response {
        self.call(
            "save_settings",
            &[
                ("form[auto_approve]", fields.auto_approve),
                ("form[validity_hours]", fields.validity_hours),
                ("form[self_registration]", fields.self_registration),
                ("form[password_policy]", fields.password_policy),
                ("form[login_background]", fields.login_background),
                ("form[portal_content]", fields.portal_content),
                ("form[require_admin_mfa]", fields.require_admin_mfa),
                ("form[accent_color]", fields.accent_color),
                ("form[portal_name]", fields.portal_name),
                ("form[reminder_hours]", fields.reminder_hours),
                ("form[auto_resend_requests]", fields.auto_resend_requests),
            ],
        )
        .await
    }
}

/// The outbox's rows, oldest first, through an open connection (for polling loops).
pub async fn outbox_rows(db: &DatabaseConnection) -> Vec<app::ssr::entities::outbox::Model> {
    use app::ssr::entities::outbox;
    use sea_orm::{EntityTrait, QueryOrder};
    outbox::Entity::find()
        .order_by_asc(outbox::Column::Id)
        .all(db)
        .await
        .expect("read the outbox")
}

fn placeholder(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "$1",
        _ => "?",
    }
}

pub async fn call_with(
    client: &Client,
    address: &str,
    name: &str,
    form: &[(&str, &str)],
) -> Response {
    client
        .post(format!("{address}/api/{name}"))
        .form(form)
        .send()
        .await
        .expect("the server answers")
}

/// A page's form as the browser posts it without the app, from the page at `referer` (where an
/// error is sent back).
pub async fn post_form(
    client: &Client,
    address: &str,
    name: &str,
    referer: &str,
    form: &[(&str, &str)],
) -> Response {
    client
        .post(format!("{address}/api/{name}"))
        .header("accept", "text/html")
        .header("origin", address)
        .header("referer", referer)
        .form(form)
        .send()
        .await
        .expect("the server answers")
}

/// A server function's successful answer, as the app's own type `T`.
pub async fn ok<T: DeserializeOwned>(response: Response) -> T {
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(status, 200, "not a success: {text}");
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not a {}: {e}: {text}", std::any::type_name::<T>()))
}

/// A server function's error answer, as the app's [`ApiError`]; its status is the one the
/// error maps to.
pub async fn error(response: Response) -> ApiError {
    let status = response.status();
    let text = response.text().await.expect("a body");
    let error: ApiError = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not an ApiError (status {status}): {e}: {text}"));
    assert_eq!(status, error.status(), "the status of {error:?}");
    error
}

/// The id of the invitation an invite report's entry made; panics on another outcome.
pub fn invited_id(outcome: &InviteOutcome) -> i32 {
    match outcome {
        InviteOutcome::Invited { invitation_id } => *invitation_id,
        other => panic!("not invited: {other:?}"),
    }
}

/// The message of a `Conflict` answer (409).
pub async fn conflict(response: Response) -> String {
    match error(response).await {
        ApiError::Conflict(message) => message,
        other => panic!("not a Conflict: {other:?}"),
    }
}

/// The message of an `InvalidInput` answer (422).
pub async fn invalid_input(response: Response) -> String {
    match error(response).await {
        ApiError::InvalidInput(message) => message,
        other => panic!("not InvalidInput: {other:?}"),
    }
}

/// An answer's body as untyped JSON, for answers the app has no type for.
pub async fn json(response: Response) -> Value {
    let status = response.status();
    let text = response.text().await.expect("a body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON (status {status}): {text}"))
}

fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn random_suffix() -> String {
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

pub fn backend() -> String {
    std::env::var("PORTICO_TEST_BACKEND").unwrap_or_else(|_| "sqlite".into())
}

/// Creates an empty database for one test and returns its URL.
pub async fn fresh_database() -> String {
    let name = format!("portico_t_{}", random_suffix());
    match backend().as_str() {
        "sqlite" => {
            let dir = std::env::temp_dir().join("portico-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!(
                "sqlite://{}?mode=rwc",
                dir.join(format!("{name}.db")).display()
            )
        }
        "postgres" => {
            let server = std::env::var("PORTICO_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
            create_database(&format!("{server}/postgres"), &name).await;
            format!("{server}/{name}")
        }
        "mysql" => {
            let server = std::env::var("PORTICO_TEST_MYSQL_URL")
                .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".into());
            create_database(&server, &name).await;
            format!("{server}/{name}")
        }
        other => panic!("PORTICO_TEST_BACKEND must be sqlite, postgres or mysql, not {other:?}"),
    }
}

async fn create_database(admin_url: &str, name: &str) {
    let admin = Database::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test database server {admin_url}: {e}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    admin.close().await.ok();
}

/// Says that a test did not run, and why, where `make test`'s log shows it: written to stderr
/// directly, because the test harness swallows `eprintln!` of passing tests.
pub fn skip(reason: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {reason}");
}
