//! Two server processes (the real binary, started twice, each on its own port with its own
//! connection pool, mail worker and metrics) on one database: PostgreSQL in CI, and every other
//! backend the suite runs on. A session made on one works on the other, 500 invitations
//! submitted half to each are stored once, and their 500 emails arrive exactly once although
//! both run a mail worker.

use std::collections::BTreeSet;

use crate::support::{
    eventually, fresh_database,
    maildev::{recipient, Maildev},
    ok,
    process::ServerProcess,
    when, ADMIN_EMAIL, ADMIN_PASSWORD,
};
use app::model::{
    account::SessionUser,
    invitation::{InvitationList, InviteReport},
};

/// An instance with the mail worker on, sending to `smtp_url`, polling and retrying quickly.
fn instance(database_url: &str, smtp_url: &str) -> ServerProcess {
    ServerProcess::start_with(
        database_url,
        &[
            ("PORTICO_MAIL_WORKER", "true"),
            ("PORTICO_SMTP_URL", smtp_url),
            ("PORTICO_MAIL_POLL_MS", "50"),
            ("PORTICO_MAIL_RETRY_BASE_MS", "200"),
        ],
    )
}

#[tokio::test]
async fn two_server_processes_share_sessions_invitations_and_the_mail_queue() {
    println!("backend: {}", crate::support::backend());
    let maildev = Maildev::start().await;
    let database_url = fresh_database().await;
    // One after the other: the first migrates the empty database and creates the admin.
    let one = instance(&database_url, &maildev.smtp_url());
    let two = instance(&database_url, &maildev.smtp_url());
    assert_ne!(one.address, two.address);
    one.wait_ready().await;
    two.wait_ready().await;
    let client = reqwest::Client::new();

    // A session created on one instance is valid on the other.
    let login = client
        .post(one.url("/api/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let on_two = client
        .post(two.url("/api/current_user"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let on_two: Option<SessionUser> = ok(on_two).await;
    assert_eq!(on_two.map(|user| user.email).as_deref(), Some(ADMIN_EMAIL));

    // 500 invitations, in 10 batches of 50, alternately through each instance, all at once.
    let batches: Vec<String> = (0..10)
        .map(|batch| {
            (0..50)
                .map(|i| format!("s{batch:02}{i:02}@x.io"))
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect();
    let calls = batches.iter().enumerate().map(|(n, emails)| {
        let target = if n % 2 == 0 { &one } else { &two };
        let request = client
            .post(target.url("/api/invite"))
            .header("cookie", &session)
            .form(&[("emails", emails.as_str())]);
        async move { request.send().await.unwrap() }
    });
    for response in futures::future::join_all(calls).await {
        assert_eq!(response.status(), 200);
        let report: InviteReport = ok(response).await;
        assert_eq!(report.invited_count(), 50);
    }
    // Stored once: both instances count 500, with the session made on the first.
    for (instance, form) in [(&one, vec![]), (&two, vec![("search", "@x.io")])] {
        let listed = client
            .post(instance.url("/api/list_invitations"))
            .header("cookie", &session)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200);
        assert_eq!(
            ok::<InvitationList>(listed).await.total,
            500,
            "at {}",
            instance.address
        );
    }

    let emails = maildev.settled(500).await;
    assert_eq!(emails.len(), 500, "an email was sent twice");
    let distinct: BTreeSet<String> = emails.iter().map(recipient).collect();
    assert_eq!(distinct.len(), 500);

    // Each process counts the emails its own worker sent; together, each email once. (The
    // counter goes up just after the row is marked sent, so allow it a moment to catch up.)
    let (sent_one, sent_two) = eventually("/metrics to count 500 emails sent", async || {
        let counts = (
            one.metric("portico_emails_sent_total").await,
            two.metric("portico_emails_sent_total").await,
        );
        when(counts, |(one, two)| one + two >= 500.0)
    })
    .await;
    println!("emails sent: {sent_one} by the first process, {sent_two} by the second");
    assert_eq!(
        sent_one + sent_two,
        500.0,
        "/metrics: {sent_one} + {sent_two} emails sent"
    );
}
