//! The email a developer gets when an admin decides their registration: approved, with a link
//! to log in, or not approved, with the admin's reason quoted when they gave one. Its words
//! are the admin's (Settings › Emails) or the defaults.

use chrono::Utc;

use super::{
    editable::{self, Quote, Values},
    Rendered,
};
use crate::domain::email_template::{EmailKind, EmailTemplate};

/// An admin's decision on a registration that waited for review, told to its developer.
#[derive(Debug, Clone)]
pub struct DecisionEmail<'a> {
    pub portal_name: &'a str,
    /// The developer's address (the email says where it was sent).
    pub recipient: &'a str,
    /// The developer's name, for the greeting (empty: their address).
    pub full_name: &'a str,
    pub approved: bool,
    /// A denial's reason as the admin typed it (several lines allowed); never with an approval.
    pub reason: Option<&'a str>,
    /// The login page.
    pub login_link: &'a str,
    /// The words of [`DecisionEmail::kind`].
    pub template: &'a EmailTemplate,
}

impl DecisionEmail<'_> {
    /// Which email tells this decision.
    pub fn kind(approved: bool) -> EmailKind {
        if approved {
            EmailKind::RegistrationApproved
        } else {
            EmailKind::RegistrationDenied
        }
    }

    pub fn render(&self) -> Rendered {
        let values = Values {
            portal_name: self.portal_name,
            recipient: self.recipient,
            name: Some(self.full_name),
            link: self.approved.then_some(self.login_link),
            valid_until: None,
            invited_by: None,
            now: Utc::now(),
        };
        let reason = self
            .reason
            .filter(|_| !self.approved)
            .map(str::trim)
            .filter(|reason| !reason.is_empty());
        editable::render(self.template, &values, reason.map(Quote::reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::email_template::EmailTemplate;
    use std::sync::LazyLock;

    static APPROVED: LazyLock<EmailTemplate> =
        LazyLock::new(|| EmailTemplate::default_for(EmailKind::RegistrationApproved));
    static DENIED: LazyLock<EmailTemplate> =
        LazyLock::new(|| EmailTemplate::default_for(EmailKind::RegistrationDenied));

    fn template(approved: bool) -> &'static EmailTemplate {
        if approved {
            &APPROVED
        } else {
            &DENIED
        }
    }

    fn decision(approved: bool, reason: Option<&str>) -> Rendered {
        DecisionEmail {
            portal_name: "Acme APIs",
            recipient: "dev@example.com",
            full_name: "Ada Lovelace",
            approved,
            reason,
            login_link: "https://portal.example.com/login",
            template: template(approved),
        }
        .render()
    }

    #[test]
    fn an_approval_says_so_and_links_to_the_login_page() {
        let email = decision(true, None);
        assert_eq!(email.subject, "Your registration to Acme APIs was approved");
        assert!(email
            .html
            .contains("<a href=\"https://portal.example.com/login\" style=\"display:inline-block"));
        assert!(email.html.contains(">Log in to Acme APIs</a>"));
        assert!(email.text.contains("\nhttps://portal.example.com/login\n"));
        for part in [&email.text, &email.html] {
            assert!(part.contains("Hello Ada Lovelace,"));
            assert!(part.contains("Your registration to Acme APIs was approved"));
            assert!(part.contains("dev@example.com"));
            assert!(!part.contains("not approved"));
        }
    }

    #[test]
    fn a_denial_quotes_the_reason_line_by_line_and_has_no_login_link() {
        let email = decision(false, Some("Use your work address.\n\nThanks, Acme"));
        assert_eq!(
            email.subject,
            "Your registration to Acme APIs was not approved"
        );
        assert!(email.text.contains(
            "The administrator gave this reason:\n\n> Use your work address.\n>\n> Thanks, Acme\n"
        ));
        assert!(email
            .html
            .contains("Use your work address.<br>\n<br>\nThanks, Acme</blockquote>"));
        for part in [&email.text, &email.html] {
            assert!(part.contains("was not approved, so your account was not activated."));
            assert!(!part.contains("/login"), "{part}");
        }
    }

    #[test]
    fn a_denial_without_a_reason_says_nothing_about_one() {
        for reason in [None, Some(""), Some("  \n ")] {
            let email = decision(false, reason);
            assert!(!email.text.contains("reason"), "{}", email.text);
            assert!(!email.html.contains("<blockquote"));
            assert!(email.text.contains("was not approved"));
        }
    }

    #[test]
    fn the_reason_and_the_name_are_escaped_in_html_and_kept_as_typed_in_text() {
        let email = DecisionEmail {
            portal_name: "A&B <Portal>",
            recipient: "o'hara@example.com",
            full_name: "<b>Eve</b>",
            approved: false,
            reason: Some("<script>alert(1)</script> & \"quotes\""),
            login_link: "https://p.example.com/login",
            template: template(false),
        }
        .render();
        assert!(!email.html.contains("<script>"), "{}", email.html);
        assert!(!email.html.contains("<b>Eve"));
        assert!(email
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
        assert!(email.html.contains("Hello &lt;b&gt;Eve&lt;/b&gt;,"));
        assert!(email.html.contains("A&amp;B &lt;Portal&gt;"));
        assert!(email.html.contains("o&#39;hara@example.com"));
        assert!(email
            .text
            .contains("> <script>alert(1)</script> & \"quotes\""));
        assert_eq!(
            email.subject,
            "Your registration to A&B <Portal> was not approved"
        );
    }

    #[test]
    fn the_subject_and_greeting_stay_on_one_line() {
        let email = DecisionEmail {
            portal_name: "Acme\r\nBcc: victim@example.com",
            recipient: "dev@example.com",
            full_name: "Eve\r\nX-Evil: 1",
            approved: true,
            reason: None,
            login_link: "https://p.example.com/login",
            template: template(true),
        }
        .render();
        assert_eq!(
            email.subject,
            "Your registration to Acme Bcc: victim@example.com was approved"
        );
        assert!(email.text.starts_with("Hello Eve X-Evil: 1,\n"));
        let nameless = DecisionEmail {
            full_name: "",
            ..email_parts()
        }
        .render();
        assert!(nameless.text.starts_with("Hello dev@example.com,\n"));
    }

    fn email_parts() -> DecisionEmail<'static> {
        DecisionEmail {
            portal_name: "Acme",
            recipient: "dev@example.com",
            full_name: "Ada",
            approved: true,
            reason: None,
            login_link: "https://p.example.com/login",
            template: template(true),
        }
    }
}
