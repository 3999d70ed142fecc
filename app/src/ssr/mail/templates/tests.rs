use super::*;
use crate::domain::email_template::EmailKind;
use chrono::{Duration, TimeZone};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 11, 9, 30, 0).unwrap()
}

/// The email of `kind` for an invitation link, in its default words.
fn link_email(
    kind: EmailKind,
    portal_name: &str,
    link: &str,
    invited_by: Option<&str>,
    valid_for: Duration,
) -> Rendered {
    let template = EmailTemplate::default_for(kind);
    InvitationEmail {
        portal_name,
        invitee_email: "dev@example.com",
        invitee_name: None,
        link,
        valid_until: now() + valid_for,
        invited_by,
        now: now(),
        template: &template,
    }
    .render()
}

fn invitation(invited_by: Option<&str>) -> Rendered {
    link_email(
        EmailKind::Invitation,
        "Acme APIs",
        "https://portal.example.com/invitation/abc123",
        invited_by,
        Duration::hours(72),
    )
}

#[test]
fn the_invitation_has_a_confirm_button_with_the_link_and_both_dates() {
    let email = invitation(Some("Ada Admin"));
    assert_eq!(email.subject, "You're invited to Acme APIs");
    assert!(email.html.contains(
        "<a href=\"https://portal.example.com/invitation/abc123\" style=\"display:inline-block"
    ));
    assert!(email.html.contains(">Confirm your account</a>"));
    for part in [&email.text, &email.html] {
        assert!(part.contains("Ada Admin invited you to Acme APIs."));
        assert!(part.contains("Friday 14 March 2025, 09:30 UTC"));
        assert!(part.contains("in 3 days"));
        assert!(part.contains("dev@example.com"));
    }
    assert!(email
        .text
        .contains("\nhttps://portal.example.com/invitation/abc123\n"));
}

#[test]
fn without_an_inviter_the_invitation_says_who_invites_plainly() {
    let email = invitation(None);
    assert!(email
        .text
        .contains("An administrator invited you to Acme APIs."));
}

#[test]
fn everything_interpolated_into_html_is_escaped() {
    let template = EmailTemplate::parse(
        EmailKind::Invitation,
        "{{portal_name}}",
        "{{invited_by}} invited you to {{portal_name}}.\n\n[Go]({{link}})",
    )
    .unwrap();
    let email = InvitationEmail {
        portal_name: "A&B <Portal>",
        invitee_email: "o'hara@example.com",
        invitee_name: None,
        link: "https://p.example.com/invitation/x\"><script>",
        valid_until: now() + Duration::hours(1),
        invited_by: Some("<script>alert(1)</script>"),
        now: now(),
        template: &template,
    }
    .render();
    assert!(!email.html.contains("<script>"), "{}", email.html);
    assert!(email
        .html
        .contains("&lt;script&gt;alert(1)&lt;/script&gt; invited you to A&amp;B &lt;Portal&gt;."));
    assert!(email.html.contains("o&#39;hara@example.com"));
    assert!(!email.html.contains("x\"><"), "{}", email.html);
    // The plain-text part shows the name as written.
    assert!(email.text.contains("<script>alert(1)</script> invited you"));
}

#[test]
fn a_subject_never_contains_a_line_break() {
    let template = EmailTemplate::default_with_subject(EmailKind::Invitation, "Join {portal} now");
    let email = InvitationEmail {
        portal_name: "Acme\r\nBcc: victim@example.com",
        invitee_email: "dev@example.com",
        invitee_name: Some("Eve\r\nX-Evil: 2"),
        link: "https://p.example.com/invitation/x",
        valid_until: now() + Duration::hours(1),
        invited_by: Some("Eve\r\nX-Evil: 1"),
        now: now(),
        template: &template,
    }
    .render();
    assert_eq!(email.subject, "Join Acme Bcc: victim@example.com now");
    assert!(email.text.contains("Eve X-Evil: 1 invited you"));
}

#[test]
fn the_review_digest_lists_every_waiting_registration_escaped() {
    let waiting = vec![
        WaitingRegistration {
            name: "Dev One".into(),
            email: "one@example.com".into(),
        },
        WaitingRegistration {
            name: "<b>Two</b>".into(),
            email: "two@example.com".into(),
        },
    ];
    let email = ReviewDigestEmail {
        portal_name: "Acme",
        registrations: &waiting,
        review_link: "https://p.example.com/admin",
    }
    .render();
    assert_eq!(
        email.subject,
        "Acme: 2 registrations are waiting for your review"
    );
    assert!(email.text.contains("- Dev One <one@example.com>\n"));
    assert!(email.text.contains("- <b>Two</b> <two@example.com>\n"));
    assert!(email
        .html
        .contains("<li>&lt;b&gt;Two&lt;/b&gt; &lt;two@example.com&gt;</li>"));
    assert!(email.html.contains("href=\"https://p.example.com/admin\""));
    let one = ReviewDigestEmail {
        registrations: &waiting[..1],
        portal_name: "Acme",
        review_link: "https://p.example.com/admin",
    }
    .render();
    assert_eq!(
        one.subject,
        "Acme: 1 registration is waiting for your review"
    );
}

#[test]
fn relative_words_round_to_the_nearest_unit() {
    let at = |d: Duration| relative_words(now(), now() + d);
    assert_eq!(at(Duration::hours(72) - Duration::seconds(5)), "in 3 days");
    assert_eq!(at(Duration::hours(48)), "in 2 days");
    assert_eq!(at(Duration::hours(24)), "in 24 hours");
    assert_eq!(at(Duration::minutes(61)), "in 1 hour");
    assert_eq!(at(Duration::minutes(1)), "in 1 minute");
    assert_eq!(at(Duration::minutes(45)), "in 45 minutes");
    assert_eq!(at(Duration::seconds(20)), "in less than a minute");
    assert_eq!(at(Duration::seconds(-1)), "already passed");
}

#[test]
fn a_self_sign_up_confirms_the_address_instead_of_naming_an_inviter() {
    let email = link_email(
        EmailKind::SignUpConfirmation,
        "Acme APIs",
        "https://portal.example.com/invitation/abc123",
        None,
        Duration::hours(72),
    );
    assert_eq!(email.subject, "Confirm your email address for Acme APIs");
    assert!(email.text.contains("You signed up for Acme APIs."));
    assert!(email.html.contains(">Confirm your email address</a>"));
    assert!(!email.text.contains("invited you"));
}

#[test]
fn a_sign_up_notice_says_what_exists_and_escapes_the_portal_name() {
    let notice = SignUpNoticeEmail {
        portal_name: "<b>Acme</b>",
        already_registered: true,
        login_link: "https://portal.example.com/login",
    }
    .render();
    assert_eq!(notice.subject, "Sign-up attempt on <b>Acme</b>");
    assert!(notice.text.contains("already has an account"));
    assert!(notice.html.contains("&lt;b&gt;Acme&lt;/b&gt;"));
    assert!(!notice.html.contains("<b>Acme"));
}

#[test]
fn an_administrators_invitation_says_so() {
    let email = link_email(
        EmailKind::AdminInvitation,
        "Acme",
        "https://portal.test/invitation/abc",
        Some("Grace Hopper"),
        Duration::days(3),
    );
    assert!(email
        .text
        .contains("Grace Hopper invited you to Acme as an administrator."));
}

#[test]
fn a_reminder_says_it_is_one_and_when_the_invitation_expires() {
    let email = link_email(
        EmailKind::Reminder,
        "Acme APIs",
        "https://portal.example.com/invitation/def456",
        Some("Ada Admin"),
        Duration::hours(24),
    );
    assert_eq!(
        email.subject,
        "Reminder: your link to Acme APIs expires in 24 hours"
    );
    for part in [&email.text, &email.html] {
        assert!(part.contains("is not created yet, and your link expires in 24 hours"));
        assert!(part.contains("Wednesday 12 March 2025, 09:30 UTC"));
        assert!(part.contains("https://portal.example.com/invitation/def456"));
    }
}
