//! Invitations › Import: a CSV file or pasted list is previewed row by row (nothing stored),
//! then its good rows are sent a part at a time; a malformed file is refused naming its line.

use crate::support::{invalid_input, ok, TestApp};
use app::{
    domain::InvitationStatus,
    model::import::{ImportPreview, ImportSent, PreviewOutcome},
    ssr::entities::invitation,
};
use sea_orm::{EntityTrait, PaginatorTrait};

async fn preview(app: &TestApp, text: &str) -> reqwest::Response {
    app.call("preview_import", &[("text", text)]).await
}

async fn send(app: &TestApp, text: &str, first: usize, count: usize) -> ImportSent {
    ok(app
        .call(
            "send_import",
            &[
                ("text", text),
                ("first", &first.to_string()),
                ("count", &count.to_string()),
            ],
        )
        .await)
    .await
}

async fn invitation_count(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.db().await)
        .await
        .unwrap()
}

/// The admin's portal with a pending invitation, a developer and a deny rule.
async fn busy_portal() -> TestApp {
    let app = TestApp::spawn().await;
    app.developer("dev@example.com").await;
    app.login_as_admin().await;
    app.invite("pending@example.com").await;
    let rule = app
        .call(
            "add_domain_rule",
            &[("domain", "rival.example"), ("kind", "deny")],
        )
        .await;
    assert_eq!(rule.status(), 200);
    app
}

const FILE: &str = "\u{feff}Email;Full name;Pre-approved\r\n\
    ada@partner.com;Lovelace, Ada;no\r\n\
    not-an-address;Someone;\r\n\
    ADA@partner.com;Ada again;\r\n\
    pending@example.com;;\r\n\
    dev@example.com;;yes\r\n\
    spy@rival.example;;\r\n\
    grace@partner.com;\"Grace \"\"Amazing\"\" Hopper\";yes\r\n";

#[tokio::test]
async fn a_preview_says_each_rows_outcome_and_stores_nothing() {
    let app = busy_portal().await;
    let before = (invitation_count(&app).await, app.outbox().await.len());
    let result: ImportPreview = ok(preview(&app, FILE).await).await;
    let outcomes: Vec<(usize, &str, PreviewOutcome)> = result
        .rows
        .iter()
        .map(|r| (r.line, r.email.as_str(), r.outcome.clone()))
        .collect();
    assert_eq!(
        outcomes[0],
        (
            2,
            "ada@partner.com",
            PreviewOutcome::WillInvite { approved_by: None }
        )
    );
    assert!(matches!(&outcomes[1].2, PreviewOutcome::Invalid { reason } if reason.contains("@")));
    assert_eq!(outcomes[2].2, PreviewOutcome::Repeated { first_line: 2 });
    assert_eq!(
        outcomes[3].2,
        PreviewOutcome::AlreadyInvited {
            status: InvitationStatus::Pending
        }
    );
    assert_eq!(outcomes[4].2, PreviewOutcome::AlreadyDeveloper);
    assert_eq!(
        outcomes[5].2,
        PreviewOutcome::Blocked {
            rule: "the deny rule for rival.example".into()
        }
    );
    assert_eq!(outcomes[6].0, 8);
    assert_eq!(
        result.rows[6].full_name.as_deref(),
        Some("Grace \"Amazing\" Hopper")
    );
    assert_eq!(
        result
            .rows
            .iter()
            .map(|r| r.pre_approved)
            .collect::<Vec<_>>(),
        [false, true, true, true, true, true, true],
        "a row's column, else the portal's default (pre-approved)"
    );
    assert_eq!(result.sendable(), [0, 6]);
    assert_eq!(
        result.counts(),
        [
            ("Will invite", 2),
            ("Invalid", 1),
            ("Repeated", 1),
            ("Already invited", 1),
            ("Already a developer", 1),
            ("Blocked by a domain rule", 1)
        ]
    );
    assert_eq!(
        (invitation_count(&app).await, app.outbox().await.len()),
        before,
        "a preview stores and sends nothing"
    );
}

#[tokio::test]
async fn sending_invites_only_the_good_rows_with_their_name_and_pre_approval_a_part_at_a_time() {
    let app = busy_portal().await;
    let first = send(&app, FILE, 0, 3).await;
    assert_eq!(
        first,
        ImportSent {
            invited: 1,
            not_sent: vec![]
        }
    );
    let rest = send(&app, FILE, 3, 4).await;
    assert_eq!(rest.invited, 1);
    assert_eq!(rest.not_sent.len(), 3, "{rest:?}");
    assert!(rest.not_sent[2].1.contains("refused by the deny rule"));

    let ada = app.list(&[("search", "ada@partner")]).await.rows;
    assert_eq!((ada.len(), ada[0].pre_approved), (1, false));
    let grace = app.list(&[("search", "grace@partner")]).await.rows;
    assert!(grace[0].pre_approved);
    let landing = app.landing(&app.token_for("ada@partner.com").await).await;
    assert_eq!(landing.suggested_name.as_deref(), Some("Lovelace, Ada"));

    // Sent again (a retried part): nothing is invited twice.
    let again = send(&app, FILE, 0, 7).await;
    assert_eq!(again.invited, 0);
    assert_eq!(app.list(&[("search", "partner.com")]).await.rows.len(), 2);
}

#[tokio::test]
async fn a_malformed_file_is_refused_naming_the_line_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let text = "email,name\na@x.io,Ada\nb@y.io,\"Bob\nc@z.io,Cy\n";
    let message = invalid_input(preview(&app, text).await).await;
    assert!(
        message.starts_with("Line 3: a quoted value is not closed"),
        "{message}"
    );
    let message = invalid_input(
        app.call(
            "send_import",
            &[("text", text), ("first", "0"), ("count", "3")],
        )
        .await,
    )
    .await;
    assert!(message.starts_with("Line 3:"), "{message}");
    let message = invalid_input(preview(&app, "a@x.io,Ada,perhaps\n").await).await;
    assert!(message.contains("write yes or no"), "{message}");
    assert_eq!(invitation_count(&app).await, 0);
}

#[tokio::test]
async fn ten_thousand_rows_are_previewed_one_more_is_refused_and_a_part_of_a_thousand_is_sent() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let rows: Vec<String> = (0..10_000)
        .map(|i| format!("dev{i}@bulk.example"))
        .collect();
    let text = rows.join("\n");
    let result: ImportPreview = ok(preview(&app, &text).await).await;
    assert_eq!(result.sendable().len(), 10_000);

    let message = invalid_input(preview(&app, &format!("{text}\none@more.example")).await).await;
    assert!(
        message.starts_with("At most 10,000 rows per import"),
        "{message}"
    );
    assert!(message.contains("10001"), "{message}");

    let sent = send(&app, &text, 0, 1_000).await;
    assert_eq!(sent.invited, 1_000);
    let message = invalid_input(
        app.call(
            "send_import",
            &[("text", &text), ("first", "0"), ("count", "1001")],
        )
        .await,
    )
    .await;
    assert!(message.contains("1 to 1000 rows"), "{message}");
    assert_eq!(invitation_count(&app).await, 1_000);
}
