//! `server invite` and `server invitations list`: the real binary, run as an operator would,
//! against the test's database, next to a running server.

use crate::support::{eventually, when, TestApp, ADMIN_EMAIL};
use app::ssr::entities::{audit_event, invitation, outbox};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::{process::Stdio, time::Duration};
use tokio::io::AsyncWriteExt;

const INVITED: &str = "Invited: the invitation email is on its way";
const VALID_STATUSES: [&str; 6] = [
    "pending",
    "expired",
    "waiting",
    "approved",
    "rejected",
    "inactivated",
];

/// What a run of the binary left: its exit status and its two outputs.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `server <args>` on `app`'s database, with `stdin` as its standard input.
async fn server(app: &TestApp, args: &[&str], stdin: &str) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
    for (name, _) in std::env::vars() {
        if name.starts_with("PORTICO_") {
            command.env_remove(name);
        }
    }
    let mut child = command
        .args(args)
        .env("PORTICO_DATABASE_URL", &app.database_url)
        .env("PORTICO_PUBLIC_URL", &app.address)
        .env("PORTICO_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the server binary");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let output = tokio::time::timeout(Duration::from_secs(120), child.wait_with_output())
        .await
        .expect("the command finished within 2 minutes")
        .unwrap();
    Run {
        status: output.status.code().expect("an exit status"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A file of `text` in the temporary folder; its path.
fn file_with(text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("portico-cli-{}.txt", rand::random::<u64>()));
    std::fs::write(&path, text).unwrap();
    path
}

async fn invitations_of(db: &DatabaseConnection) -> Vec<invitation::Model> {
    invitation::Entity::find().all(db).await.unwrap()
}

#[tokio::test]
async fn inviting_from_a_file_invites_the_good_addresses_prints_each_outcome_and_exits_1_when_one_was_refused(
) {
    let mail_dir = std::env::temp_dir().join(format!("portico-cli-mail-{}", rand::random::<u64>()));
    let app = TestApp::spawn_with(|config| {
        config.mail.mail_worker = true;
        config.mail.mail_dir = mail_dir.clone();
        config.mail.mail_poll_ms = 50;
    })
    .await;
    let file = file_with(&format!(
        "ada@x.io\ngrace@x.io, not-an-address; {ADMIN_EMAIL}\n\nADA@x.io\n"
    ));

    let run = server(&app, &["invite", "--file", file.to_str().unwrap()], "").await;

    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], format!("ada@x.io — {INVITED}"));
    assert_eq!(lines[1], format!("grace@x.io — {INVITED}"));
    assert!(
        lines[2].starts_with("not-an-address — Not sent: "),
        "{lines:?}"
    );
    assert_eq!(
        lines[3],
        format!("{ADMIN_EMAIL} — Not sent: this address already has an account")
    );
    assert_eq!(
        lines[4],
        "ADA@x.io — Not sent again: the same address is entry 1"
    );
    assert_eq!(lines[5], "2 of 5 invited.");

    // The invitations, their emails and their audit entries were written together.
    let db = app.db().await;
    let invited = invitations_of(&db).await;
    let mut emails: Vec<&str> = invited.iter().map(|i| i.email.as_str()).collect();
    emails.sort();
    assert_eq!(emails, ["ada@x.io", "grace@x.io"]);
    assert!(invited
        .iter()
        .all(|i| i.status == "pending" && i.invited_by.is_none() && i.role == "developer"));
    let audited = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("invited"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert!(audited.iter().all(|e| e.actor_id.is_none()
        && e.actor_email.as_deref() == Some("server command line")
        && e.outcome == "success"));

    // The running server's mail worker sends them from the outbox, with links to the server.
    eventually("both invitation emails sent", async || {
        let rows = outbox::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        when(rows, |rows| rows.iter().all(|r| r.status == "sent"))
    })
    .await;
    let mails: Vec<String> = std::fs::read_dir(&mail_dir)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert_eq!(mails.len(), 2);
    assert!(mails
        .iter()
        .all(|m| m.contains(&format!("{}/invitation/", app.address))));

    // The admin's list shows them like any other.
    app.login_as_admin().await;
    assert_eq!(app.list(&[]).await.rows.len(), 2);
    std::fs::remove_file(file).ok();
    std::fs::remove_dir_all(mail_dir).ok();
}

#[tokio::test]
async fn a_list_of_only_valid_addresses_on_standard_input_invites_them_all_and_exits_0() {
    let app = TestApp::spawn().await;

    let run = server(
        &app,
        &["invite", "--file", "-", "--pre-approved"],
        "one@x.io;two@x.io",
    )
    .await;

    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("2 of 2 invited.\n"), "{}", run.stdout);
    let invited = invitations_of(&app.db().await).await;
    assert_eq!(invited.len(), 2);
    assert!(invited.iter().all(|i| i.pre_approved));
}

#[tokio::test]
async fn an_unreadable_empty_or_oversized_file_exits_2_names_the_problem_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let missing = std::env::temp_dir().join("portico-cli-no-such-file.txt");
    let empty = file_with(" ;\n , \n");
    let many: Vec<String> = (0..1001).map(|i| format!("d{i}@x.io")).collect();
    let oversized = file_with(&many.join("\n"));

    let cases = [
        (&missing, "cannot read the addresses from"),
        (&empty, "holds no email address: write one address per line"),
        (
            &oversized,
            "this one has 1001; split it into smaller batches",
        ),
    ];
    for (path, problem) in cases {
        let path = path.to_str().unwrap();
        let run = server(&app, &["invite", "--file", path], "").await;
        assert_eq!(run.status, 2, "{path}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(path), "{}", run.stderr);
        assert!(run.stderr.contains(problem), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
    let run = server(&app, &["invite", "--file", "-", "--role", "boss"], "a@x.io").await;
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("invite as developer or admin"),
        "{}",
        run.stderr
    );

    let db = app.db().await;
    assert_eq!(invitation::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(outbox::Entity::find().count(&db).await.unwrap(), 0);
    std::fs::remove_file(empty).ok();
    std::fs::remove_file(oversized).ok();
}

#[tokio::test]
async fn the_list_prints_every_matching_invitation_in_csv_json_and_a_table_filtered_by_status_and_search_beyond_one_page(
) {
    let app = TestApp::spawn().await;
    let mut addresses: Vec<String> = (0..120)
        .map(|i| format!("page{i:03}@list.example"))
        .collect();
    addresses.extend((0..10).map(|i| format!("other{i}@else.example")));
    let invited = server(&app, &["invite", "--file", "-"], &addresses.join("\n")).await;
    assert_eq!(invited.status, 0, "{}", invited.stderr);
    for address in &addresses[..5] {
        app.expire_invitations_of(address).await;
    }
    let list = |extra: &[&str]| {
        let mut args = vec!["invitations", "list"];
        args.extend_from_slice(extra);
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let app = &app;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = server(app, &args, "").await;
            assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
            run.stdout
        }
    };

    // CSV: a header, then every invitation once (more than one page of 100).
    let csv = list(&["--format", "csv"]).await;
    let records: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        records[0],
        "email,status,origin,role,pre_approved,invited_at,valid_until,full_name,completed_at,delivery,decision,decided_at,decision_reason"
    );
    let mut emails: Vec<&str> = records[1..]
        .iter()
        .map(|r| r.split(',').next().unwrap())
        .collect();
    emails.sort();
    let mut expected: Vec<&str> = addresses.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(emails, expected);
    let expired = list(&["--format", "csv", "--status", "expired"]).await;
    let expired: Vec<&str> = expired
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(expired.len(), 5, "{expired:?}");
    assert!(expired
        .iter()
        .all(|r| r.contains(",expired,invited,developer,")));

    // JSON: the app's own rows, filtered by status and by part of the address (any case).
    let json: Vec<Value> = serde_json::from_str(
        &list(&[
            "--format",
            "json",
            "--status",
            "pending",
            "--search",
            "LIST.example",
        ])
        .await,
    )
    .expect("a JSON array");
    assert_eq!(json.len(), 115);
    let rows: Vec<app::model::invitation::InvitationRow> =
        serde_json::from_value(Value::Array(json)).expect("invitation rows");
    assert!(rows.iter().all(|r| r.email.ends_with("@list.example")
        && r.status == app::domain::InvitationStatus::Pending));
    assert!(
        rows.windows(2).all(|w| w[0].invited_at >= w[1].invited_at),
        "newest first"
    );
    let mut ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 115, "every row once");
    let others: Vec<Value> =
        serde_json::from_str(&list(&["--format", "json", "--search", "else"]).await).unwrap();
    assert_eq!(others.len(), 10);
    let none: Vec<Value> =
        serde_json::from_str(&list(&["--format", "json", "--status", "approved"]).await).unwrap();
    assert!(none.is_empty());

    // The table ends with the count.
    let table = list(&[]).await;
    assert!(table.starts_with("     ID  ADDRESS"), "{table}");
    assert!(table.ends_with("\n130 invitations.\n"), "{table}");
}

#[tokio::test]
async fn an_unknown_status_exits_2_and_names_the_valid_ones() {
    let app = TestApp::spawn().await;

    let run = server(&app, &["invitations", "list", "--status", "lost"], "").await;

    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("Unknown status \"lost\""),
        "{}",
        run.stderr
    );
    for status in VALID_STATUSES {
        assert!(run.stderr.contains(status), "{status}: {}", run.stderr);
    }
}
