use super::*;
use crate::domain::email_template::EmailKind;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap()
}

fn values<'a>(name: Option<&'a str>, link: &'a str) -> Values<'a> {
    Values {
        portal_name: "Acme",
        recipient: "dev@example.com",
        name,
        link: Some(link),
        valid_until: Some(now() + chrono::Duration::days(2)),
        invited_by: Some("Grace"),
        now: now(),
    }
}

fn rendered(kind: EmailKind, body: &str, values: &Values<'_>) -> Rendered {
    let template = EmailTemplate::parse(kind, "Hi {{name}}", body).unwrap();
    render(&template, values, None)
}

#[test]
fn a_paragraph_holding_only_a_link_becomes_a_button_with_the_link_written_out() {
    let email = rendered(
        EmailKind::Invitation,
        "Hello {{name}},\n\n[Join **now**]({{link}})\n\nSee [the docs](https://docs.example.com).",
        &values(Some("Ada"), "https://p.example/invitation/t"),
    );
    assert_eq!(email.subject, "Hi Ada");
    // Emphasis inside the label keeps the paragraph from being a plain button; a plain label
    // makes one.
    assert!(
        !email.html.contains("display:inline-block"),
        "{}",
        email.html
    );
    let email = rendered(
        EmailKind::Invitation,
        "Hello {{name}},\n\n[Join {{portal_name}}]({{link}})\n\nSee [the docs](https://docs.example.com).",
        &values(Some("Ada"), "https://p.example/invitation/t"),
    );
    assert!(email
        .html
        .contains("<a href=\"https://p.example/invitation/t\" style=\"display:inline-block"));
    assert!(email.html.contains(">Join Acme</a>"));
    assert!(email.html.contains("copy this link into your browser"));
    assert!(email
        .html
        .contains("<a href=\"https://docs.example.com\">the docs</a>"));
    assert!(email
        .text
        .contains("Join Acme:\nhttps://p.example/invitation/t\n"));
    assert!(email
        .text
        .contains("See the docs: https://docs.example.com."));
    assert!(email
        .text
        .ends_with("This email was sent to dev@example.com by Acme.\n"));
}

#[test]
fn a_bare_link_placeholder_becomes_a_link_to_itself() {
    let email = rendered(
        EmailKind::PasswordReset,
        "Open {{link}} soon.",
        &values(None, "https://p.example/password-reset/t"),
    );
    assert!(email.html.contains(
        "Open <a href=\"https://p.example/password-reset/t\">https://p.example/password-reset/t</a> soon."
    ));
    assert!(email
        .text
        .starts_with("Open https://p.example/password-reset/t soon.\n"));
    assert_eq!(email.subject, "Hi dev@example.com", "no name: the address");
}

#[test]
fn values_never_become_markup_or_links() {
    let email = rendered(
        EmailKind::Invitation,
        "Hello {{name}}, [go]({{link}})",
        &values(
            Some("<img src=x onerror=alert(1)> [click](https://evil.example) *x*"),
            "https://p.example/invitation/t",
        ),
    );
    assert!(!email.html.contains("<img"), "{}", email.html);
    assert!(
        !email.html.contains("href=\"https://evil.example"),
        "{}",
        email.html
    );
    assert!(!email.html.contains("<em>"), "{}", email.html);
    assert!(email
        .html
        .contains("&lt;img src=x onerror=alert(1)&gt; [click](https://evil.example) *x*"));
}

#[test]
fn the_admins_raw_html_is_shown_as_text_and_script_links_are_neutralized() {
    let email = rendered(
        EmailKind::Invitation,
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [go]({{link}})",
        &values(None, "https://p.example/invitation/t"),
    );
    assert!(!email.html.contains("<script"), "{}", email.html);
    assert!(email.html.contains("&lt;script&gt;"));
    assert!(!email.html.contains("javascript:"));
    // A link that fills in as a script is neutralized too.
    let email = rendered(
        EmailKind::Invitation,
        "[go]({{link}})",
        &values(None, "javascript:alert(1)"),
    );
    assert!(!email.html.contains("javascript:"), "{}", email.html);
}

#[test]
fn lists_and_headings_read_as_plain_text() {
    let email = rendered(
        EmailKind::Invitation,
        "# Welcome\n\n- one\n- two\n\n1. first\n2. second\n\n[Go]({{link}})",
        &values(None, "https://p.example/invitation/t"),
    );
    assert!(email.html.contains("<h1>Welcome</h1>"));
    assert!(
        email
            .text
            .starts_with("Welcome\n\n- one\n- two\n\n1. first\n2. second\n\nGo:\n"),
        "{}",
        email.text
    );
}

#[test]
fn a_quote_sits_below_the_body_escaped() {
    let template = EmailTemplate::default_for(EmailKind::RegistrationDenied);
    let email = render(
        &template,
        &values(Some("Ada"), ""),
        Some(Quote {
            heading: "The administrator gave this reason:",
            text: "<b>No</b>\nsorry",
        }),
    );
    assert!(email
        .html
        .contains("&lt;b&gt;No&lt;/b&gt;<br>\nsorry</blockquote>"));
    assert!(email.text.contains("reason:\n\n> <b>No</b>\n> sorry\n"));
}

#[test]
fn only_the_emails_own_placeholders_are_filled_and_nested_lists_keep_their_lines() {
    // Entities the rules do not read as a placeholder stay as written in a denial.
    let template = EmailTemplate::parse(
        EmailKind::RegistrationDenied,
        "No",
        "Sorry &#123;&#123;invited_by&#125;&#125; `{{name}}`\n\n- a\n  - b\n- c",
    )
    .unwrap();
    let email = render(&template, &values(Some("Ada"), ""), None);
    assert!(
        email.text.contains("Sorry {{invited_by}} Ada"),
        "{}",
        email.text
    );
    assert!(email.text.contains("- a\n  - b\n- c"), "{}", email.text);
}
