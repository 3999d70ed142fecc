//! Faults under a running server: a PostgreSQL outage (a private cluster stopped and started
//! again), a read-only SQLite database and a full disk under SQLite. Requests fail cleanly and
//! quickly with a 503 that says why, reads keep working where they can, nothing stored is
//! damaged, and the server recovers without a restart.

use crate::support::{backend, error, eventually, ok, TestApp};
use app::model::{invitation::InvitationList, ApiError};
use reqwest::Response;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

/// The most a request may take while the database is down: the pool's acquire timeout and a
/// margin.
const FAIL_WITHIN: Duration = Duration::from_secs(8);

fn scratch_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("portico-tests")
        .join(format!("{prefix}-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `program` (as the `postgres` user when we are root: initdb refuses root).
fn run(program: &Path, args: &[&str], as_postgres: bool) -> std::process::Output {
    let output = try_run(program, args, as_postgres);
    assert!(
        output.status.success(),
        "{} {args:?} failed: {}{}",
        program.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs a program (as the `postgres` user when the tests run as root) and returns its output,
/// whatever its exit status.
fn try_run(program: &Path, args: &[&str], as_postgres: bool) -> std::process::Output {
    if as_postgres {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(program)
            .args(args)
            .output()
    } else {
        Command::new(program).args(args).output()
    }
    .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A PostgreSQL cluster of this test's own, on its own port: it can be stopped without
/// disturbing the machine's shared server. Stopped and removed when dropped.
struct PrivateCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PrivateCluster {
    /// The newest installed PostgreSQL's programs, if any.
    fn binaries() -> Option<PathBuf> {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let version = e.file_name().to_string_lossy().parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("pg_ctl").exists().then_some((version, bin))
            })
            .collect();
        found.sort();
        found.pop().map(|(_, bin)| bin)
    }

    fn create(bin: PathBuf) -> Self {
        let dir = scratch_dir("pg-cluster");
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let data = dir.join("data");
        run(
            &bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
            as_postgres,
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        cluster.start();
        cluster
    }

    /// Runs pg_ctl on this cluster. Should it fail, the message carries the cluster's own log,
    /// which is removed with the cluster: that log says why PostgreSQL did not start or stop.
    fn pg_ctl(&self, args: &[&str]) {
        let data = self.dir.join("data");
        let mut all = vec!["-D", data.to_str().unwrap()];
        all.extend_from_slice(args);
        let output = try_run(&self.bin.join("pg_ctl"), &all, self.as_postgres);
        assert!(
            output.status.success(),
            "pg_ctl {all:?} failed: {}{}\n--- the cluster's log ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.join("server.log"))
                .unwrap_or_else(|e| format!("(cannot read it: {e})"))
        );
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log");
        // Up to two minutes: a start takes about a second on an idle machine, but once took
        // longer than 30 s beside a release build on both cores; pg_ctl returns as soon as the
        // server accepts connections, so the bound only decides when to give up.
        self.pg_ctl(&[
            "-w",
            "-t",
            "120",
            "-o",
            &options,
            "-l",
            log.to_str().unwrap(),
            "start",
        ]);
    }

    /// Stops the server, ending every open connection (what a restart or crash does).
    fn stop(&self) {
        self.pg_ctl(&["-w", "-t", "120", "-m", "fast", "stop"]);
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let pg_ctl = self.bin.join("pg_ctl");
        let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&pg_ctl)
                .args(args)
                .output()
        } else {
            Command::new(&pg_ctl).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Calls a server function, failing the test if the answer takes longer than [`FAIL_WITHIN`];
/// returns the answer and how long it took.
async fn timed(app: &TestApp, name: &str, form: &[(&str, &str)]) -> (Response, Duration) {
    let started = Instant::now();
    let response = tokio::time::timeout(FAIL_WITHIN, app.call(name, form))
        .await
        .unwrap_or_else(|_| panic!("{name} hung for more than {FAIL_WITHIN:?}"));
    (response, started.elapsed())
}

/// The message of a 503, checked to say `what`.
async fn unavailable(response: Response, what: &str) -> String {
    assert_eq!(response.status(), 503);
    let ApiError::ServiceUnavailable(message) = error(response).await else {
        panic!("not ServiceUnavailable");
    };
    assert!(message.contains(what), "{message}");
    assert!(message.contains("quote reference "), "{message}");
    message
}

#[tokio::test]
async fn a_postgres_outage_fails_requests_within_seconds_and_the_server_recovers_without_a_restart()
{
    if backend() != "postgres" {
        crate::support::skip("the PostgreSQL outage needs PORTICO_TEST_BACKEND=postgres");
        return;
    }
    let Some(bin) = PrivateCluster::binaries() else {
        crate::support::skip("no PostgreSQL programs under /usr/lib/postgresql/*/bin");
        return;
    };
    let cluster = PrivateCluster::create(bin);
    let admin = Database::connect(cluster.url("postgres")).await.unwrap();
    admin
        .execute_unprepared("CREATE DATABASE portico_outage")
        .await
        .unwrap();
    admin.close().await.unwrap();
    let app = TestApp::spawn_on(&cluster.url("portico_outage"), |_| {}).await;
    app.login_as_admin().await;
    app.invite("before@x.io").await;

    cluster.stop();
    let mut slowest = Duration::ZERO;
    for (name, form) in [
        ("list_invitations", vec![]),
        ("invite", vec![("emails", "during@x.io")]),
        ("current_user", vec![]),
        (
            "login",
            vec![("email", crate::support::ADMIN_EMAIL), ("password", "x")],
        ),
    ] {
        let (response, took) = timed(&app, name, &form).await;
        unavailable(response, "cannot reach its database").await;
        slowest = slowest.max(took);
    }
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process is alive");
    let ready = tokio::time::timeout(FAIL_WITHIN, app.client.get(app.url("/readyz")).send())
        .await
        .expect("readyz answers")
        .unwrap();
    assert_eq!(ready.status(), 503);

    let restarted = Instant::now();
    cluster.start();
    // The same server process, untouched: its pool reconnects on the next request.
    let list = eventually("the list served again", async || {
        let (response, _) = timed(&app, "list_invitations", &[]).await;
        match response.status() {
            reqwest::StatusCode::OK => Ok(ok::<InvitationList>(response).await),
            status => Err(status),
        }
    })
    .await;
    let recovered = restarted.elapsed();
    assert_eq!(list.total, 1, "the row from before the outage, and only it");
    app.invite("after@x.io").await;
    assert_eq!(app.list(&[]).await.total, 2);
    eprintln!(
        "PostgreSQL outage: 4 requests answered 503, the slowest in {} ms; served again {} ms after the restart",
        slowest.as_millis(),
        recovered.as_millis()
    );
}

/// `PRAGMA integrity_check` on a SQLite database.
async fn integrity(db: &DatabaseConnection) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<String>("", "integrity_check").unwrap()
}

/// Every invitation's address, in id order.
async fn invited(db: &DatabaseConnection) -> Vec<String> {
    use app::ssr::entities::invitation;
    use sea_orm::{EntityTrait, QueryOrder};
    invitation::Entity::find()
        .order_by_asc(invitation::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.email)
        .collect()
}

fn sqlite_path(url: &str) -> PathBuf {
    PathBuf::from(
        url.trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap(),
    )
}

/// Makes every session of the test's database a few minutes old, so that the next request
/// would refresh it (a write).
async fn age_sessions(db: &DatabaseConnection) {
    use app::ssr::entities::session;
    use sea_orm::{sea_query::Expr, EntityTrait};
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(5)),
        )
        .exec(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_read_only_sqlite_database_refuses_writes_with_503_and_still_serves_reads() {
    if backend() != "sqlite" {
        crate::support::skip("the read-only database test is for SQLite");
        return;
    }
    let writer = TestApp::spawn().await;
    writer.login_as_admin().await;
    writer.invite("one@x.io;two@x.io").await;
    let db = writer.db().await;
    let before = invited(&db).await;
    age_sessions(&db).await;

    // A second instance on the same file, opened read-only (what a read-only file or file
    // system gives SQLite). The admin's browser brings its session cookie along.
    let path = sqlite_path(&writer.database_url);
    let reader = TestApp::spawn_on(&format!("sqlite://{}?mode=ro", path.display()), |_| {}).await;
    let reader = TestApp {
        client: writer.client.clone(),
        ..reader
    };
    let (listed, _) = timed(&reader, "list_invitations", &[]).await;
    assert_eq!(
        listed.status(),
        200,
        "reads keep working (the session is not refreshed)"
    );
    assert_eq!(ok::<InvitationList>(listed).await.total, 2);
    assert_eq!(
        reader
            .current_user()
            .await
            .map(|user| user.email)
            .as_deref(),
        Some(crate::support::ADMIN_EMAIL)
    );

    let mut answered = Vec::new();
    for (name, form) in [
        ("invite", vec![("emails", "three@x.io")]),
        ("delete_invitation", vec![("id", "1")]),
        ("update_profile", vec![("full_name", "Renamed Admin")]),
    ] {
        let (response, took) = timed(&reader, name, &form).await;
        unavailable(response, "read-only").await;
        answered.push(format!("{name} {} ms", took.as_millis()));
    }
    // Signing in writes a session: refused the same way, before any cookie is set.
    let (login, _) = timed(
        &reader,
        "login",
        &[
            ("email", crate::support::ADMIN_EMAIL),
            ("password", crate::support::ADMIN_PASSWORD),
        ],
    )
    .await;
    assert!(login.headers().get("set-cookie").is_none());
    unavailable(login, "read-only").await;

    assert_eq!(integrity(&db).await, "ok");
    assert_eq!(invited(&db).await, before, "nothing changed, nothing lost");
    writer.invite("three@x.io").await;
    assert_eq!(
        writer.list(&[]).await.total,
        3,
        "the writable instance still writes"
    );
    eprintln!(
        "read-only SQLite: writes answered 503 ({})",
        answered.join(", ")
    );
}

/// A small tmpfs of this test's own, so that its disk can be filled; unmounted (lazily: the
/// server keeps its files open) when dropped.
struct SmallDisk {
    dir: PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Result<Self, String> {
        let dir = scratch_dir("full-disk");
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            let _ = std::fs::remove_dir(&dir);
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(Self { dir })
    }

    /// Writes a file until the disk refuses more; returns its path and size.
    fn fill(&self) -> (PathBuf, u64) {
        use std::io::Write;
        let path = self.dir.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            match file.write(&chunk) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        let _ = file.flush();
        (path, written)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[tokio::test]
async fn a_full_disk_refuses_writes_with_503_keeps_reads_and_loses_nothing() {
    if backend() != "sqlite" {
        crate::support::skip("the full-disk test is for SQLite");
        return;
    }
    let disk = match SmallDisk::mount(16) {
        Ok(disk) => disk,
        Err(reason) => {
            crate::support::skip(&format!("cannot mount a small tmpfs to fill ({reason})"));
            return;
        }
    };
    let url = format!(
        "sqlite://{}?mode=rwc",
        disk.dir.join("portico.db").display()
    );
    let app = TestApp::spawn_on(&url, |_| {}).await;
    app.login_as_admin().await;
    app.invite("one@x.io;two@x.io").await;
    let db = app.db().await;
    let before = invited(&db).await;

    let (filler, filled) = disk.fill();
    // A thousand invitations and their emails need far more room than the journal has left.
    let many: Vec<String> = (0..1000).map(|i| format!("d{i}@x.io")).collect();
    let (response, took) = timed(&app, "invite", &[("emails", &many.join(";"))]).await;
    let message = unavailable(response, "disk is full").await;
    let (listed, _) = timed(&app, "list_invitations", &[]).await;
    assert_eq!(listed.status(), 200, "reads keep working on a full disk");
    assert_eq!(ok::<InvitationList>(listed).await.total, 2);
    assert_eq!(
        invited(&db).await,
        before,
        "the refused write left nothing behind"
    );

    // Room again: the same server writes again, without a restart.
    std::fs::remove_file(&filler).unwrap();
    let report = app.invite(&many.join(";")).await;
    assert_eq!(report.entries.len(), 1000, "{report:?}");
    assert_eq!(integrity(&db).await, "ok");
    let after = invited(&db).await;
    assert_eq!(&after[..2], &before[..], "earlier rows intact");
    assert_eq!(after.len(), 1002);
    db.close().await.unwrap();
    eprintln!(
        "full disk: a {filled}-byte filler took the last space; a 1,000-address invite answered 503 in {} ms ({message}); writes worked again once space was freed",
        took.as_millis()
    );
}
