//! The account-recovery emails: a password-reset link, the note that answers a reset request
//! for an account that cannot sign in, and the security notices that tell an account's owner
//! about a change they may not have made.

use chrono::{DateTime, Utc};

use super::{
    editable::{self, Values},
    escape_html, page, single_line, utc_words, Rendered, BUTTON_STYLE,
};
use crate::{
    domain::{email_template::EmailTemplate, password_reset::cannot_sign_in_reason, Standing},
    ssr::services::outbox::SecurityEvent,
};

/// A single-use link to choose a new password; its words are the admin's (Settings › Emails)
/// or the defaults.
#[derive(Debug, Clone)]
pub struct PasswordResetEmail<'a> {
    pub portal_name: &'a str,
    pub recipient: &'a str,
    /// The account's name, for the greeting.
    pub name: &'a str,
    pub link: &'a str,
    pub valid_until: DateTime<Utc>,
    pub now: DateTime<Utc>,
    /// The words of the password-reset email.
    pub template: &'a EmailTemplate,
}

/// The answer to a reset request for an account that cannot sign in: why, and no link.
#[derive(Debug, Clone)]
pub struct ResetRefusedEmail<'a> {
    pub portal_name: &'a str,
    pub recipient: &'a str,
    pub standing: Standing,
}

/// "Your password was changed": sent after the fact, in case it was not the owner.
#[derive(Debug, Clone)]
pub struct SecurityNoticeEmail<'a> {
    pub portal_name: &'a str,
    pub recipient: &'a str,
    pub event: SecurityEvent,
    pub at: DateTime<Utc>,
    /// Where to ask for a reset link if it was not them.
    pub forgot_link: &'a str,
}

const SMALL: &str = "color:#555555;font-size:13px";

impl PasswordResetEmail<'_> {
    pub fn render(&self) -> Rendered {
        let values = Values {
            portal_name: self.portal_name,
            recipient: self.recipient,
            name: Some(self.name),
            link: Some(self.link),
            valid_until: Some(self.valid_until),
            invited_by: None,
            now: self.now,
        };
        editable::render(self.template, &values, None)
    }
}

impl ResetRefusedEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let reason = cannot_sign_in_reason(self.standing);
        let text = format!(
            "Hello,\n\nSomeone, hopefully you, asked to reset the password of the account \
             {email} on {portal}. No reset link is sent: a new password would not let this \
             account log in.\n\n{reason}\n\nIf you did not ask for this, ignore this email.\n",
            email = self.recipient,
        );
        let body = format!(
            "<p>Hello,</p>\n<p>Someone, hopefully you, asked to reset the password of the account \
             <strong>{email}</strong> on {portal}. No reset link is sent: a new password would \
             not let this account log in.</p>\n<p>{reason}</p>\n\
             <p style=\"{SMALL}\">If you did not ask for this, ignore this email.</p>",
            email = escape_html(self.recipient),
            portal = escape_html(&portal),
            reason = escape_html(reason),
        );
        Rendered {
            subject: single_line(&format!("About your password reset on {portal}")),
            text,
            html: page(&portal, &body),
        }
    }
}

impl SecurityNoticeEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let when = utc_words(self.at);
        let (subject, what) = match self.event {
            SecurityEvent::PasswordChanged => (
                format!("Your password on {portal} was changed"),
                format!(
                    "The password of your account {} on {portal} was changed on its profile \
                     page on {when}. Every other session of the account was signed out.",
                    self.recipient
                ),
            ),
            SecurityEvent::PasswordReset => (
                format!("Your password on {portal} was reset"),
                format!(
                    "The password of your account {} on {portal} was reset with an emailed \
                     link on {when}. Every session of the account was signed out.",
                    self.recipient
                ),
            ),
            SecurityEvent::MfaEnrolled => (
                format!("Two-step sign-in is on for your account on {portal}"),
                format!(
                    "Two-step sign-in was set up for your account {} on {portal} on {when}:                      logging in now asks for a code from the authenticator app after the                      password.",
                    self.recipient
                ),
            ),
            SecurityEvent::MfaDisabled => (
                format!("Two-step sign-in is off for your account on {portal}"),
                format!(
                    "Two-step sign-in was turned off for your account {} on {portal} on                      {when}: logging in asks for the password only.",
                    self.recipient
                ),
            ),
            SecurityEvent::RecoveryCodesReplaced => (
                format!("New recovery codes for your account on {portal}"),
                format!(
                    "New recovery codes were made for your account {} on {portal} on {when}; \
                     the old ones no longer work.",
                    self.recipient
                ),
            ),
            SecurityEvent::WrongCodes => (
                format!("Someone has your password for {portal}"),
                format!(
                    "On {when}, someone logged in to your account {} on {portal} with the right \
                     password, then typed {} wrong two-step codes, so the login was stopped. If \
                     it was not you, your password is known to someone else: change it now.",
                    self.recipient,
                    crate::domain::mfa::WRONG_CODES_PER_STEP
                ),
            ),
            SecurityEvent::RecoveryCodeUsed => (
                format!("A recovery code was used to log in to {portal}"),
                format!(
                    "One of the recovery codes of your account {} on {portal} was used to log                      in on {when}, instead of a code from the authenticator app. That code                      will not work again.",
                    self.recipient
                ),
            ),
        };
        let advice = "If this was you, there is nothing to do. If it was not, reset your \
                      password now with the link below and tell the portal's administrators.";
        let text = format!(
            "Hello,\n\n{what}\n\n{advice}\n{link}\n",
            link = self.forgot_link
        );
        let body = format!(
            "<p>Hello,</p>\n<p>{what}</p>\n<p>{advice}</p>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Reset my password</a></p>",
            what = escape_html(&what),
            advice = escape_html(advice),
            link = escape_html(self.forgot_link),
        );
        Rendered {
            subject: single_line(&subject),
            text,
            html: page(&portal, &body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::email_template::EmailKind;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_reset_email_carries_the_link_and_says_when_it_stops_working() {
        let template = EmailTemplate::default_for(EmailKind::PasswordReset);
        let rendered = PasswordResetEmail {
            portal_name: "Acme <APIs>",
            recipient: "ada@example.com",
            name: "Ada",
            link: "https://portal.test/password-reset/abc",
            valid_until: at("2026-12-04T11:00:00Z"),
            now: at("2026-12-04T10:00:00Z"),
            template: &template,
        }
        .render();
        assert_eq!(rendered.subject, "Reset your password on Acme <APIs>");
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains("https://portal.test/password-reset/abc"));
            assert!(part.contains("11:00 UTC"));
            assert!(part.contains("in 1 hour"));
        }
        assert!(rendered.html.contains("Acme &lt;APIs&gt;"));
        assert!(!rendered.html.contains("Acme <APIs>"));
    }

    #[test]
    fn an_account_that_cannot_sign_in_is_told_why_and_gets_no_link() {
        let rendered = ResetRefusedEmail {
            portal_name: "Acme",
            recipient: "ada@example.com",
            standing: Standing::AwaitingReview,
        }
        .render();
        assert!(rendered
            .text
            .contains("waiting for an administrator's review"));
        assert!(!rendered.text.contains("http"));
        assert!(!rendered.html.contains("password-reset/"));
    }

    #[test]
    fn a_security_notice_says_what_changed_and_how_to_take_the_account_back() {
        let rendered = SecurityNoticeEmail {
            portal_name: "Acme",
            recipient: "ada@example.com",
            event: SecurityEvent::PasswordReset,
            at: at("2026-12-04T10:00:00Z"),
            forgot_link: "https://portal.test/forgot-password",
        }
        .render();
        assert_eq!(rendered.subject, "Your password on Acme was reset");
        assert!(rendered.text.contains("10:00 UTC"));
        assert!(rendered
            .text
            .contains("https://portal.test/forgot-password"));
        assert!(rendered.html.contains("Reset my password"));
    }

    #[test]
    fn every_two_step_sign_in_change_has_its_own_notice() {
        let subjects: Vec<String> = [
            SecurityEvent::MfaEnrolled,
            SecurityEvent::MfaDisabled,
            SecurityEvent::RecoveryCodeUsed,
        ]
        .into_iter()
        .map(|event| {
            SecurityNoticeEmail {
                portal_name: "Acme",
                recipient: "ada@example.com",
                event,
                at: at("2026-12-04T10:00:00Z"),
                forgot_link: "https://portal.test/forgot-password",
            }
            .render()
            .subject
        })
        .collect();
        assert_eq!(
            subjects,
            [
                "Two-step sign-in is on for your account on Acme",
                "Two-step sign-in is off for your account on Acme",
                "A recovery code was used to log in to Acme",
            ]
        );
    }
}
