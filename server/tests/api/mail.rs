//! Email delivery end to end, through a real SMTP capture server (maildev): the outbox, the
//! worker's claims, retries and drops, the templates and the file transport.

use crate::support::{
    eventually, invited_id,
    maildev::{free_port, invitation_link, recipient, smtp_url, token_of, with_smtp, Maildev},
    outbox_rows, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD,
};
use app::{
    model::invitation::{DeliveryState, InviteReport},
    ssr::entities::{account, invitation, outbox},
};
use sea_orm::{sea_query::Expr, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value;
use std::{collections::BTreeSet, time::Duration};

/// The outbox's rows, once `done` holds for them.
async fn wait_for_outbox(
    db: &DatabaseConnection,
    what: &str,
    done: impl Fn(&[outbox::Model]) -> bool,
) -> Vec<outbox::Model> {
    eventually(what, async || {
        let rows = outbox_rows(db).await;
        if done(&rows) {
            return Ok(rows);
        }
        Err(rows
            .into_iter()
            .map(|r| (r.recipient, r.status, r.attempts, r.last_error))
            .collect::<Vec<_>>())
    })
    .await
}

fn none_queued(rows: &[outbox::Model]) -> bool {
    !rows.is_empty() && rows.iter().all(|r| r.status != "queued")
}

fn invitation_id(report: &InviteReport, index: usize) -> String {
    invited_id(&report.entries[index].outcome).to_string()
}

/// "email: delivery state" of each row of the invitations list, newest first.
async fn deliveries(app: &TestApp) -> Vec<String> {
    let listed = app.list(&[]).await;
    listed
        .rows
        .iter()
        .map(|row| {
            let state = row.delivery.as_ref().map_or("none", |d| d.state.as_str());
            format!("{}: {state}", row.email)
        })
        .collect::<Vec<_>>()
}

fn sorted_recipients(emails: &[Value]) -> Vec<String> {
    let mut recipients: Vec<String> = emails.iter().map(recipient).collect();
    recipients.sort();
    recipients
}

fn text(email: &Value, part: &str) -> String {
    email[part].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn inviting_three_addresses_puts_three_emails_in_the_smtp_server_whose_links_register() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    app.invite("ana@x.io; bo@x.io; cy@x.io").await;

    let emails = maildev.settled(3).await;
    assert_eq!(
        sorted_recipients(&emails),
        ["ana@x.io", "bo@x.io", "cy@x.io"]
    );
    for email in &emails {
        assert_eq!(email["subject"], "You're invited to Portico");
        assert!(text(email, "html").contains(">Confirm your account</a>"));
        assert!(text(email, "text").contains("Administrator invited you to Portico."));
        let link = invitation_link(email);
        assert!(link.starts_with(&format!("{}/invitation/", app.address)));
        let (_, response) = app
            .complete(&token_of(&link), "Dev Eloper", DEVELOPER_PASSWORD)
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let metrics = app.metrics().await;
    assert!(metrics.contains("portico_emails_sent_total"), "{metrics}");
    assert!(
        metrics.contains("portico_email_held_seconds_count"),
        "{metrics}"
    );
    let rows = app.outbox().await;
    assert_eq!(rows.len(), 3);
    for row in rows {
        assert_eq!((row.status.as_str(), row.attempts), ("sent", 1));
        assert!(row.sent_at.is_some());
        assert!(!row.payload.contains("/invitation/"), "token kept: {row:?}");
    }
}

/// A process killed between the SMTP server taking an email and its row recorded as sent
/// would send it again; so the server reads the line that ends an email only once the row is
/// recorded, and a send cut off before that leaves the server nothing to deliver.
#[tokio::test]
async fn the_smtp_server_takes_an_email_only_once_its_row_is_recorded_and_drops_one_that_is_not() {
    use app::ssr::mail::{Handover, MailError, NotSent, Transport, TransportSettings};
    let maildev = Maildev::start().await;
    let transport = Transport::new(&TransportSettings::Smtp {
        url: maildev.smtp_url(),
    })
    .unwrap();
    let email = |to: &str| {
        lettre::Message::builder()
            .from("Portico <no-reply@portico.localhost>".parse().unwrap())
            .to(to.parse().unwrap())
            .subject("Held")
            .body("The last line waits.".to_owned())
            .unwrap()
    };

    let recording = |handover: Handover| async {
        let before = maildev.emails().await.len();
        // Long enough for a message the server had taken to show in its list.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let during = maildev.emails().await.len();
        assert_eq!((before, during), (0, 0), "the server had the email early");
        handover.hand_over();
        Ok(true)
    };
    transport
        .send(email("recorded@x.io"), "recorded", None, recording)
        .await
        .unwrap();
    assert_eq!(
        sorted_recipients(&maildev.settled(1).await),
        ["recorded@x.io"]
    );

    let failed = |_| async { Err(MailError::Database(sea_orm::DbErr::Custom("down".into()))) };
    let failed = transport.send(email("failed@x.io"), "failed", None, failed);
    assert!(matches!(failed.await, Err(NotSent::NotRecorded(_))));
    let withdrawn = |_| async { Ok(false) };
    let withdrawn = transport.send(email("withdrawn@x.io"), "withdrawn", None, withdrawn);
    assert!(matches!(withdrawn.await, Err(NotSent::Withdrawn)));
    let handed_over = |handover: Handover| async {
        handover.hand_over();
        Ok(true)
    };
    transport
        .send(email("after@x.io"), "after", None, handed_over)
        .await
        .unwrap();
    assert_eq!(
        sorted_recipients(&maildev.settled(2).await),
        ["after@x.io", "recorded@x.io"],
        "an email whose row was not recorded reached the server"
    );
}

#[tokio::test]
async fn emails_queued_while_the_smtp_server_is_down_arrive_exactly_once_after_it_starts() {
    let port = free_port();
    let app = TestApp::spawn_with(|config| {
        with_smtp(smtp_url(port))(config);
        config.mail.mail_max_attempts = 20;
    })
    .await;
    app.login_as_admin().await;
    app.invite("a@x.io;b@x.io;c@x.io").await;
    assert_eq!(app.list(&[]).await.total, 3);

    let db = app.db().await;
    let tried = wait_for_outbox(&db, "every email tried at least once", |rows| {
        rows.len() == 3 && rows.iter().all(|r| r.attempts >= 1)
    })
    .await;
    for row in &tried {
        assert_eq!(row.status, "queued");
        assert!(row.last_error.as_deref().unwrap_or("").contains("SMTP"));
    }

    let maildev = Maildev::start_on(port).await;
    let emails = maildev.settled(3).await;
    assert_eq!(sorted_recipients(&emails), ["a@x.io", "b@x.io", "c@x.io"]);
    let rows = wait_for_outbox(&db, "nothing queued", none_queued).await;
    assert!(rows
        .iter()
        .all(|r| r.status == "sent" && r.last_error.is_none()));
}

#[tokio::test]
async fn a_deleted_or_superseded_invitations_queued_email_is_not_sent() {
    let maildev = Maildev::start().await;
    // No worker here: the emails stay queued while the admin changes the invitations.
    let admin_side = TestApp::spawn().await;
    admin_side.login_as_admin().await;
    let report = admin_side.invite("gone@x.io;old@x.io;stale@x.io").await;
    let deleted = admin_side
        .call("delete_invitation", &[("id", &invitation_id(&report, 0))])
        .await;
    assert_eq!(deleted.status(), 200);
    let resent = admin_side
        .call("resend_invitation", &[("id", &invitation_id(&report, 1))])
        .await;
    assert_eq!(resent.status(), 200);
    // An invitation that stops being Pending while its email stays queued: the worker's own
    // check before sending catches it.
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value("inactivated"))
        .col_expr(invitation::Column::LiveEmail, Expr::value(None::<String>))
        .filter(invitation::Column::EmailNormalized.eq("stale@x.io"))
        .exec(&admin_side.db().await)
        .await
        .unwrap();
    assert_eq!(
        deliveries(&admin_side).await,
        [
            "old@x.io: queued",
            "stale@x.io: queued",
            "old@x.io: dropped"
        ],
        "the list shows each row's newest email before the worker runs"
    );

    let worker = TestApp::spawn_on(&admin_side.database_url, with_smtp(maildev.smtp_url())).await;
    let rows = wait_for_outbox(&worker.db().await, "nothing queued", none_queued).await;
    let states: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.recipient.as_str(), r.status.as_str()))
        .collect();
    assert_eq!(
        states,
        [
            ("gone@x.io", "dropped"),
            ("old@x.io", "dropped"),
            ("stale@x.io", "dropped"),
            ("old@x.io", "sent")
        ]
    );
    assert_eq!(
        deliveries(&admin_side).await,
        ["old@x.io: sent", "stale@x.io: dropped", "old@x.io: dropped"]
    );
    let emails = maildev.settled(1).await;
    assert_eq!(sorted_recipients(&emails), ["old@x.io"]);
    let token = token_of(&invitation_link(&emails[0]));
    let (_, response) = worker
        .complete(&token, "Old Friend", DEVELOPER_PASSWORD)
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_host_header_of_evil_example_does_not_change_the_link_in_the_email() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    let response = app
        .client
        .post(app.url("/api/invite"))
        .header("Host", "evil.example")
        .header("X-Forwarded-Host", "evil.example")
        .form(&[("emails", "host@x.io")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let emails = maildev.settled(1).await;
    let link = invitation_link(&emails[0]);
    assert!(
        link.starts_with(&format!("{}/invitation/", app.address)),
        "{link}"
    );
    for part in ["text", "html"] {
        assert!(!text(&emails[0], part).contains("evil.example"));
    }
}

#[tokio::test]
async fn an_inviter_name_with_a_script_tag_is_escaped_in_the_html() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    account::Entity::update_many()
        .col_expr(
            account::Column::FullName,
            Expr::value("<script>alert(1)</script> Mallory"),
        )
        .filter(account::Column::Email.eq(ADMIN_EMAIL))
        .exec(&app.db().await)
        .await
        .unwrap();
    app.login_as_admin().await;
    app.invite("xss@x.io").await;

    let emails = maildev.settled(1).await;
    let html = text(&emails[0], "html");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Mallory invited you"));
}

#[tokio::test]
async fn admins_get_one_email_listing_the_registrations_that_wait_for_their_review() {
    const SECOND_ADMIN: &str = "second@portico.test";
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(|config| {
        with_smtp(maildev.smtp_url())(config);
        config.mail.mail_review_digest_seconds = 3;
    })
    .await;
    server::bootstrap::create_admin(&app.db().await, SECOND_ADMIN, "Second", "Second-Pass-1")
        .await
        .unwrap();
    app.login_as_admin().await;
    let invited = app
        .call(
            "invite",
            &[
                ("emails", "d1@x.io;d2@x.io;d3@x.io"),
                ("pre_approved", "false"),
            ],
        )
        .await;
    assert_eq!(invited.status(), 200);
    let invitations = maildev.settled(3).await;
    let app = &app;
    let register = |address: &str| {
        let email = invitations
            .iter()
            .find(|e| recipient(e) == address)
            .unwrap();
        let token = token_of(&invitation_link(email));
        let name = format!("Dev {}", &address[..2]);
        async move {
            let (_, response) = app.complete(&token, &name, DEVELOPER_PASSWORD).await;
            assert_eq!(response.status(), 200);
        }
    };
    let digests_to = |emails: &[Value], admin: &str| -> Vec<(String, String)> {
        emails
            .iter()
            .filter(|e| recipient(e) == admin)
            .map(|e| (text(e, "subject"), text(e, "text")))
            .collect()
    };

    // The first registration is announced at once...
    register("d1@x.io").await;
    let emails = maildev.settled(5).await;
    for admin in [ADMIN_EMAIL, SECOND_ADMIN] {
        let digests = digests_to(&emails, admin);
        assert_eq!(digests.len(), 1, "{digests:?}");
        assert_eq!(
            digests[0].0,
            "Portico: 1 registration is waiting for your review"
        );
        assert!(digests[0].1.contains("- Dev d1 <d1@x.io>"));
    }
    // ...and a burst after it waits for the digest interval, then comes as one email.
    register("d2@x.io").await;
    register("d3@x.io").await;
    let emails = maildev.settled(7).await;
    assert_eq!(emails.len(), 7);
    for admin in [ADMIN_EMAIL, SECOND_ADMIN] {
        let digests = digests_to(&emails, admin);
        assert_eq!(digests.len(), 2, "{digests:?}");
        let (subject, body) = &digests[1];
        assert_eq!(
            subject,
            "Portico: 2 registrations are waiting for your review"
        );
        assert!(body.contains("- Dev d2 <d2@x.io>") && body.contains("- Dev d3 <d3@x.io>"));
        assert!(body.contains(&format!("{}/admin", app.address)));
    }
}

#[tokio::test]
async fn an_email_committed_before_a_crash_is_sent_after_the_restart() {
    let maildev = Maildev::start().await;
    // The invitation commits but this instance never sends (as if it died right after).
    let before = TestApp::spawn().await;
    before.login_as_admin().await;
    before.invite("crash@x.io").await;
    // A worker that claimed the row and died holds it until its lease runs out.
    let lease_until = chrono::Utc::now() + chrono::Duration::seconds(3);
    outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedUntil, Expr::value(lease_until))
        .exec(&before.db().await)
        .await
        .unwrap();

    let _after = TestApp::spawn_on(&before.database_url, with_smtp(maildev.smtp_url())).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        maildev.emails().await.is_empty(),
        "sent during a live claim"
    );
    let emails = maildev.settled(1).await;
    assert_eq!(sorted_recipients(&emails), ["crash@x.io"]);
}

#[tokio::test]
async fn two_workers_deliver_two_hundred_queued_emails_none_twice() {
    let maildev = Maildev::start().await;
    let admin_side = TestApp::spawn().await;
    admin_side.login_as_admin().await;
    let addresses: Vec<String> = (0..200).map(|i| format!("w{i:03}@x.io")).collect();
    admin_side.invite(&addresses.join(";")).await;

    let database_url = admin_side.database_url.clone();
    let (_one, _two) = tokio::join!(
        TestApp::spawn_on(&database_url, with_smtp(maildev.smtp_url())),
        TestApp::spawn_on(&database_url, with_smtp(maildev.smtp_url())),
    );
    let emails = maildev.settled(200).await;
    assert_eq!(emails.len(), 200, "duplicates were sent");
    let distinct: BTreeSet<String> = emails.iter().map(recipient).collect();
    assert_eq!(distinct.len(), 200);
    let rows = wait_for_outbox(&admin_side.db().await, "nothing queued", none_queued).await;
    assert!(rows.iter().all(|r| r.status == "sent" && r.attempts == 1));
}

#[tokio::test]
async fn one_worker_sends_a_queue_larger_than_its_batch_each_email_once_and_a_bad_row_fails_alone()
{
    let maildev = Maildev::start().await;
    let admin_side = TestApp::spawn().await;
    admin_side.login_as_admin().await;
    // More than a batch (64), which is more than the SMTP connections (16) sending side by side.
    let addresses: Vec<String> = (0..150).map(|i| format!("b{i:03}@x.io")).collect();
    admin_side.invite(&addresses.join(";")).await;
    // One row in the middle cannot be read: it fails on its own, the others are not held up.
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Payload, Expr::value("not json"))
        .filter(outbox::Column::Recipient.eq("b070@x.io"))
        .exec(&admin_side.db().await)
        .await
        .unwrap();

    let _worker = TestApp::spawn_on(&admin_side.database_url, with_smtp(maildev.smtp_url())).await;
    let emails = maildev.settled(149).await;
    assert_eq!(emails.len(), 149, "an email was sent twice");
    let distinct: BTreeSet<String> = emails.iter().map(recipient).collect();
    assert_eq!(distinct.len(), 149);
    assert!(!distinct.contains("b070@x.io"));
    let rows = wait_for_outbox(&admin_side.db().await, "nothing queued", none_queued).await;
    for row in &rows {
        let expected = if row.recipient == "b070@x.io" {
            "failed"
        } else {
            "sent"
        };
        assert_eq!(
            (row.status.as_str(), row.attempts),
            (expected, 1),
            "{row:?}"
        );
    }
    let bad = rows.iter().find(|r| r.recipient == "b070@x.io").unwrap();
    assert!(bad
        .last_error
        .as_deref()
        .unwrap()
        .contains("cannot be read"));
}

#[tokio::test]
async fn an_email_that_keeps_failing_is_marked_failed_with_the_last_error() {
    let app = TestApp::spawn_with(|config| {
        with_smtp(smtp_url(free_port()))(config);
        config.mail.mail_max_attempts = 2;
        config.mail.mail_retry_base_ms = 50;
    })
    .await;
    app.login_as_admin().await;
    app.invite("never@x.io").await;
    let rows = wait_for_outbox(&app.db().await, "the email failed", none_queued).await;
    let row = &rows[0];
    assert_eq!((row.status.as_str(), row.attempts), ("failed", 2));
    assert!(row.last_error.as_deref().unwrap().contains("SMTP server"));
    assert!(!row.payload.contains("/invitation/"), "token kept: {row:?}");

    // The admin sees it in the list, with the error to act on.
    let listed = app.list(&[]).await;
    let delivery = listed.rows[0].delivery.as_ref().expect("a delivery");
    assert_eq!(delivery.state, DeliveryState::Failed);
    assert_eq!(delivery.attempts, 2);
    assert_eq!(delivery.last_error, row.last_error);
}

#[tokio::test]
async fn without_an_smtp_server_emails_are_written_as_eml_files() {
    let dir = std::env::temp_dir().join(format!("portico-mail-{}", rand::random::<u64>()));
    let app = TestApp::spawn_with(|config| {
        config.mail.mail_worker = true;
        config.mail.mail_dir = dir.clone();
        config.mail.mail_poll_ms = 50;
    })
    .await;
    app.login_as_admin().await;
    app.invite("file@x.io").await;
    wait_for_outbox(&app.db().await, "the email written", none_queued).await;

    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(raw.contains("To: file@x.io\r\n"));
    assert!(raw.contains("Subject: You're invited to Portico\r\n"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_self_sign_up_gets_a_confirmation_email_and_a_known_address_a_notice() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    let saved = app
        .save_settings(crate::support::SettingsFields {
            self_registration: "automatic",
            ..Default::default()
        })
        .await;
    assert_eq!(saved.status(), 200);
    let form = |email: &'static str| [("email", email), ("full_name", "Self Made")];
    for email in ["self@x.io", ADMIN_EMAIL] {
        let response =
            crate::support::call_with(&app.new_browser(), &app.address, "sign_up", &form(email))
                .await;
        assert_eq!(response.status(), 200);
    }

    let emails = maildev.settled(2).await;
    let by_recipient = |to: &str| emails.iter().find(|e| recipient(e) == to).unwrap().clone();
    let confirmation = by_recipient("self@x.io");
    assert_eq!(
        confirmation["subject"],
        "Confirm your email address for Portico"
    );
    assert!(text(&confirmation, "text").contains("You signed up for Portico."));
    let token = token_of(&invitation_link(&confirmation));
    let (_, confirmed) = app.complete(&token, "Self Made", DEVELOPER_PASSWORD).await;
    assert_eq!(confirmed.status(), 200);

    let notice = by_recipient(ADMIN_EMAIL);
    assert_eq!(notice["subject"], "Sign-up attempt on Portico");
    assert!(text(&notice, "text").contains("already has an account"));
    assert!(
        !text(&notice, "text").contains("/invitation/"),
        "no link to use"
    );
}
