//! Settings › Emails: an admin rewords a developer-facing email and the next one goes out in
//! those words (values escaped, the link working); unknown placeholders and a missing link are
//! refused with the reason and store nothing; the preview renders a draft; a test goes to the
//! admin alone; returning to the default brings the default words back. Every change is
//! audited.

use crate::support::{
    call_with, error, invalid_input,
    maildev::{invitation_link, recipient, token_of, with_smtp, Maildev},
    ok, TestApp, ADMIN_EMAIL, DEVELOPER_PASSWORD,
};
use app::model::{
    audit::AuditAction,
    email_template::{EmailTemplateSummary, EmailTemplateView, PreviewAnswer},
    ApiError,
};
use serde_json::Value;

const SUBJECT: &str = "{{portal_name}} welcomes you, {{name}}";
const BODY: &str = "Hi {{name}},\n\n{{invited_by}} asked us to let you in.\n\n\
                    [Open your invitation]({{link}})\n\nIt works {{expires_in}}.";

async fn save(app: &TestApp, kind: &str, subject: &str, body: &str) -> reqwest::Response {
    app.call(
        "save_email_template",
        &[("kind", kind), ("subject", subject), ("body", body)],
    )
    .await
}

async fn view(app: &TestApp, kind: &str) -> EmailTemplateView {
    ok(app.call("email_template", &[("kind", kind)]).await).await
}

fn part(email: &Value, name: &str) -> String {
    email[name].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_reworded_invitation_goes_out_in_the_admins_words_until_they_return_to_the_default() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    let before = view(&app, "invitation").await;
    assert!(!before.customized);
    assert_eq!(before.subject, "You're invited to {{portal_name}}");
    assert_eq!(before.subject, before.default_subject);

    assert_eq!(save(&app, "invitation", SUBJECT, BODY).await.status(), 200);
    let after = view(&app, "invitation").await;
    assert!(after.customized);
    assert_eq!(
        (after.subject.as_str(), after.body.as_str()),
        (SUBJECT, BODY)
    );
    assert_eq!(after.updated_by.as_deref(), Some(ADMIN_EMAIL));
    let list: Vec<EmailTemplateSummary> = ok(app.call("list_email_templates", &[]).await).await;
    assert_eq!(list.len(), 7);
    assert_eq!(list.iter().filter(|row| row.customized).count(), 1);

    // A name that tries markup and a header break stays text on one line.
    let import = "email,full name\nada@example.com,<b>Ada</b> [x](https://evil.example)\n";
    let sent = app
        .call(
            "send_import",
            &[("text", import), ("first", "0"), ("count", "1")],
        )
        .await;
    assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
    let emails = maildev.settled(1).await;
    let email = &emails[0];
    assert_eq!(
        email["subject"],
        "Portico welcomes you, <b>Ada</b> [x](https://evil.example)"
    );
    let html = part(email, "html");
    assert!(
        html.contains("Hi &lt;b&gt;Ada&lt;/b&gt; [x](https://evil.example),"),
        "{html}"
    );
    assert!(!html.contains("href=\"https://evil.example"), "{html}");
    assert!(html.contains(">Open your invitation</a>"), "{html}");
    let text = part(email, "text");
    assert!(
        text.contains("Administrator asked us to let you in."),
        "{text}"
    );
    assert!(text.contains("It works in 3 days."), "{text}");
    let (_, registered) = app
        .complete(
            &token_of(&invitation_link(email)),
            "Ada",
            DEVELOPER_PASSWORD,
        )
        .await;
    assert_eq!(registered.status(), 200);

    assert_eq!(
        app.call("reset_email_template", &[("kind", "invitation")])
            .await
            .status(),
        200
    );
    assert!(!view(&app, "invitation").await.customized);
    app.invite("bo@example.com").await;
    let emails = maildev.settled(2).await;
    let default = emails
        .iter()
        .find(|e| recipient(e) == "bo@example.com")
        .expect("the second invitation");
    assert_eq!(default["subject"], "You're invited to Portico");

    let audited: Vec<(AuditAction, Option<String>)> = app
        .activity(&[])
        .await
        .entries
        .into_iter()
        .filter(|e| {
            matches!(
                e.action,
                AuditAction::EmailTemplateChanged | AuditAction::EmailTemplateReset
            )
        })
        .map(|e| (e.action, e.target))
        .collect();
    assert_eq!(
        audited,
        [
            (AuditAction::EmailTemplateReset, Some("Invitation".into())),
            (AuditAction::EmailTemplateChanged, Some("Invitation".into())),
        ]
    );
}

#[tokio::test]
async fn unknown_placeholders_and_a_missing_link_are_refused_with_the_reason_and_nothing_is_stored()
{
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    let refused = invalid_input(
        save(
            &app,
            "password-reset",
            "Reset for {{nmae}}",
            "Hello {{name}},\n\nno link here, signed {{invited_by}}",
        )
        .await,
    )
    .await;
    assert!(
        refused.contains("In the subject, {{nmae}} is not a placeholder"),
        "{refused}"
    );
    assert!(
        refused.contains("Line 3 of the body: {{invited_by}} has no value in this email"),
        "{refused}"
    );
    assert!(
        refused.contains("The body must contain {{link}}"),
        "{refused}"
    );
    assert!(!view(&app, "password-reset").await.customized);

    let unknown = app
        .call(
            "save_email_template",
            &[("kind", "newsletter"), ("subject", "x"), ("body", "x")],
        )
        .await;
    assert!(matches!(error(unknown).await, ApiError::NotFound(_)));

    // Only admins read or change the emails.
    let developer = app.developer("dev@example.com").await;
    let forbidden = call_with(
        &developer,
        &app.address,
        "save_email_template",
        &[("kind", "invitation"), ("subject", SUBJECT), ("body", BODY)],
    )
    .await;
    assert!(matches!(error(forbidden).await, ApiError::Forbidden));
    assert!(!view(&app, "invitation").await.customized);
}

#[tokio::test]
async fn the_preview_renders_a_draft_and_the_test_goes_to_the_admin_alone_without_saving_it() {
    let maildev = Maildev::start().await;
    let app = TestApp::spawn_with(with_smtp(maildev.smtp_url())).await;
    app.login_as_admin().await;
    let form = [
        ("kind", "registration-approved"),
        ("subject", "Welcome aboard, {{name}}"),
        (
            "body",
            "Good news!\n\n[Log in]({{link}})\n\n<script>alert(1)</script>",
        ),
    ];
    let answer: PreviewAnswer = ok(app.call("preview_email_template", &form).await).await;
    let PreviewAnswer::Email(preview) = answer else {
        panic!("a preview, got {answer:?}");
    };
    assert_eq!(preview.subject, "Welcome aboard, Administrator");
    assert!(preview.html.contains(&format!(
        "<a href=\"{}/\" style=\"display:inline-block",
        app.address
    )));
    assert!(preview.html.contains("&lt;script&gt;"), "{}", preview.html);
    assert!(!preview.html.contains("<script>"));
    let problems: PreviewAnswer = ok(app
        .call(
            "preview_email_template",
            &[
                ("kind", "registration-approved"),
                ("subject", "Hi"),
                ("body", "{{link"),
            ],
        )
        .await)
    .await;
    assert!(
        matches!(&problems, PreviewAnswer::Problems(p) if p.iter().any(|p| p.contains("is opened and not closed"))),
        "{problems:?}"
    );

    assert_eq!(app.call("send_test_email", &form).await.status(), 200);
    let emails = maildev.settled(1).await;
    assert_eq!(recipient(&emails[0]), ADMIN_EMAIL);
    assert_eq!(emails[0]["subject"], "[Test] Welcome aboard, Administrator");
    assert!(part(&emails[0], "text").contains(&format!("Log in:\n{}/\n", app.address)));
    assert!(!view(&app, "registration-approved").await.customized);
}

#[tokio::test]
async fn two_admins_saving_the_same_email_at_once_both_succeed_and_the_last_save_stands() {
    let app = TestApp::spawn().await;
    app.login_as_admin().await;
    for round in 0..5 {
        let (a, b) = (
            format!("First {round}, {{{{name}}}}"),
            format!("Second {round}, {{{{name}}}}"),
        );
        let (first, second) = tokio::join!(
            save(&app, "reminder", &a, "[Go]({{link}})"),
            save(&app, "reminder", &b, "[Go]({{link}})"),
        );
        assert_eq!(
            (first.status().as_u16(), second.status().as_u16()),
            (200, 200)
        );
        let stored = view(&app, "reminder").await.subject;
        assert!(stored == a || stored == b, "{stored}");
    }
}
