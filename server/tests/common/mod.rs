//! `TestApp`: the real server on a random port against a fresh database.
//!
//! The backend comes from `PORTICO_TEST_BACKEND`: `sqlite` (default; a new file per test),
//! `postgres` or `mysql` (a new database per test on the server named by
//! `PORTICO_TEST_POSTGRES_URL` / `PORTICO_TEST_MYSQL_URL`).
#![allow(dead_code)]

use rand::Rng;
use reqwest::{Client, Response};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use server::{Application, Config};
use tokio::net::TcpListener;

pub const ADMIN_EMAIL: &str = "admin@portico.test";
pub const ADMIN_PASSWORD: &str = "Admin-Pass-1";

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub database_url: String,
}

impl TestApp {
    /// Starts a server with the bootstrap admin, on a fresh database.
    pub async fn spawn() -> Self {
        let database_url = fresh_database().await;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a random port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        let mut config = Config::defaults();
        config.database_url = database_url.clone();
        config.public_url = address.clone();
        config.admin_email = ADMIN_EMAIL.into();
        config.admin_password = Some(ADMIN_PASSWORD.into());
        let application = Application::build_on(&config, listener)
            .await
            .unwrap_or_else(|e| panic!("the server did not start: {e}"));
        tokio::spawn(application.run());
        Self {
            address,
            client: new_client(),
            database_url,
        }
    }

    /// A second browser: its own cookie jar.
    pub fn new_browser(&self) -> Client {
        new_client()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
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

    pub async fn current_user(&self) -> Value {
        json(self.call("current_user", &[]).await).await
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
