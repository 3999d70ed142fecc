//! The email a developer gets when an admin decides their registration: approved, with a link
//! to log in, or not approved, with the admin's reason quoted when they gave one.

use super::{escape_html, page, single_line, Rendered, BUTTON_STYLE};

/// An admin's decision on a registration that waited for review, told to its developer.
#[derive(Debug, Clone)]
pub struct DecisionEmail<'a> {
    pub portal_name: &'a str,
    /// The developer's address (the email says where it was sent).
    pub recipient: &'a str,
    /// The developer's name, for the greeting (empty: "Hello,").
    pub full_name: &'a str,
    pub approved: bool,
    /// A denial's reason as the admin typed it (several lines allowed); never with an approval.
    pub reason: Option<&'a str>,
    /// The login page.
    pub login_link: &'a str,
}

impl DecisionEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let name = single_line(self.full_name);
        let greeting = if name.is_empty() {
            "Hello,".to_owned()
        } else {
            format!("Hello {name},")
        };
        let footer = format!(
            "This email was sent to {} because you registered on {portal}.",
            self.recipient
        );
        let (subject, text, body) = if self.approved {
            self.approval(&portal, &greeting, &footer)
        } else {
            self.denial(&portal, &greeting, &footer)
        };
        Rendered {
            subject: single_line(&subject),
            text,
            html: page(&portal, &body),
        }
    }

    fn approval(&self, portal: &str, greeting: &str, footer: &str) -> (String, String, String) {
        let news = format!("Your registration to {portal} was approved: your account is active.");
        let how = "Log in with this email address and the password you chose.";
        let text = format!(
            "{greeting}\n\n{news}\n\n{how}\n{link}\n\n{footer}\n",
            link = self.login_link,
        );
        let body = format!(
            "<p>{greeting}</p>\n<p>{news}</p>\n<p>{how}</p>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Log in to {portal}</a></p>\n\
             <p style=\"color:#555555;font-size:13px\">If the button does not work, copy this link into your browser:<br>\n\
             <a href=\"{link}\" style=\"color:#2251cc;word-break:break-all\">{link}</a></p>\n\
             <p style=\"color:#555555;font-size:13px\">{footer}</p>",
            greeting = escape_html(greeting),
            news = escape_html(&news),
            link = escape_html(self.login_link),
            portal = escape_html(portal),
            footer = escape_html(footer),
        );
        (
            format!("Your registration to {portal} was approved"),
            text,
            body,
        )
    }

    fn denial(&self, portal: &str, greeting: &str, footer: &str) -> (String, String, String) {
        let news = format!(
            "Your registration to {portal} was not approved, so your account was not activated."
        );
        let reason = self.reason.map(str::trim).filter(|r| !r.is_empty());
        let advice = format!(
            "If you think this is a mistake, contact the people who run {portal}: they can \
             invite you again."
        );
        let text_reason = reason.map_or(String::new(), |reason| {
            let quoted: Vec<String> = reason
                .lines()
                .map(|line| format!("> {line}").trim_end().to_owned())
                .collect();
            format!(
                "The administrator gave this reason:\n\n{}\n\n",
                quoted.join("\n")
            )
        });
        let text = format!("{greeting}\n\n{news}\n\n{text_reason}{advice}\n\n{footer}\n");
        let html_reason = reason.map_or(String::new(), |reason| {
            let lines: Vec<String> = reason.lines().map(escape_html).collect();
            format!(
                "<p>The administrator gave this reason:</p>\n\
                 <blockquote style=\"margin:16px 0;padding:8px 16px;border-left:4px solid #d0d5dd;\
                 color:#333333\">{}</blockquote>\n",
                lines.join("<br>\n")
            )
        });
        let body = format!(
            "<p>{greeting}</p>\n<p>{news}</p>\n{html_reason}<p>{advice}</p>\n\
             <p style=\"color:#555555;font-size:13px\">{footer}</p>",
            greeting = escape_html(greeting),
            news = escape_html(&news),
            advice = escape_html(&advice),
            footer = escape_html(footer),
        );
        (
            format!("Your registration to {portal} was not approved"),
            text,
            body,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(approved: bool, reason: Option<&str>) -> Rendered {
        DecisionEmail {
            portal_name: "Acme APIs",
            recipient: "dev@example.com",
            full_name: "Ada Lovelace",
            approved,
            reason,
            login_link: "https://portal.example.com/login",
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
        assert!(nameless.text.starts_with("Hello,\n"));
    }

    fn email_parts() -> DecisionEmail<'static> {
        DecisionEmail {
            portal_name: "Acme",
            recipient: "dev@example.com",
            full_name: "Ada",
            approved: true,
            reason: None,
            login_link: "https://p.example.com/login",
        }
    }
}
