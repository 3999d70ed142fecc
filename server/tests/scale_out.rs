//! Two server instances on one database (PostgreSQL in CI, and every other backend the suite
//! runs on): a session made on one works on the other, 500 invitations submitted half to each
//! are stored once, and their 500 emails arrive exactly once although both run a mail worker.
mod common;

use std::collections::BTreeSet;

use common::{
    fresh_database, json,
    maildev::{recipient, with_smtp, Maildev},
    TestApp, ADMIN_EMAIL, ADMIN_PASSWORD,
};

#[tokio::test]
async fn two_instances_share_sessions_invitations_and_the_mail_queue() {
    println!("backend: {}", common::backend());
    let maildev = Maildev::start().await;
    let database_url = fresh_database().await;
    let one = TestApp::spawn_on(&database_url, with_smtp(maildev.smtp_url())).await;
    let two = TestApp::spawn_on(&database_url, with_smtp(maildev.smtp_url())).await;

    // A session created on one instance is valid on the other.
    let login = one
        .client
        .post(one.url("/api/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let on_two = reqwest::Client::new()
        .post(two.url("/api/current_user"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(json(on_two).await["email"], ADMIN_EMAIL);

    // 500 invitations, in batches of 50, half through each instance, all at once.
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
        let session = session.clone();
        async move {
            reqwest::Client::new()
                .post(target.url("/api/invite"))
                .header("cookie", session)
                .form(&[("emails", emails.as_str())])
                .send()
                .await
                .unwrap()
        }
    });
    for response in futures::future::join_all(calls).await {
        assert_eq!(response.status(), 200);
        let report = json(response).await;
        let invited = report["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["outcome"]["Invited"].is_object())
            .count();
        assert_eq!(invited, 50);
    }
    one.login_as_admin().await;
    assert_eq!(one.list(&[]).await["total"], 500);
    two.login_as_admin().await;
    assert_eq!(two.list(&[("search", "@x.io")]).await["total"], 500);

    let emails = maildev.settled(500).await;
    assert_eq!(emails.len(), 500, "an email was sent twice");
    let distinct: BTreeSet<String> = emails.iter().map(recipient).collect();
    assert_eq!(distinct.len(), 500);
}
