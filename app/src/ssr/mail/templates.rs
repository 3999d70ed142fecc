//! The emails' words: subject, plain-text and HTML parts, built from typed data. Everything
//! interpolated into HTML is escaped, and a subject is always one line (no CR/LF can reach a
//! header).

use chrono::{DateTime, Utc};

use crate::domain::email_template::EmailTemplate;

mod decision;
pub mod editable;
pub use decision::DecisionEmail;

/// One email, ready to be addressed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation a developer receives, its reminder, or a sign-up's confirmation: a link with
/// its expiry, in the admin's words (Settings › Emails) or the defaults.
#[derive(Debug, Clone)]
pub struct InvitationEmail<'a> {
    pub portal_name: &'a str,
    pub invitee_email: &'a str,
    /// The name the invitation suggests (an import's, a sign-up's), if any.
    pub invitee_name: Option<&'a str>,
    pub link: &'a str,
    pub valid_until: DateTime<Utc>,
    pub invited_by: Option<&'a str>,
    /// When the email is rendered, for "in 3 days".
    pub now: DateTime<Utc>,
    /// The words of the kind `EmailKind::for_invitation` picks.
    pub template: &'a EmailTemplate,
}

/// Told to an address someone tried to sign up with when it already has an account or an
/// invitation (the sign-up page answers the same in every case, so it reveals nothing).
#[derive(Debug, Clone)]
pub struct SignUpNoticeEmail<'a> {
    pub portal_name: &'a str,
    pub already_registered: bool,
    /// The login page, or the page to go to next.
    pub login_link: &'a str,
}

/// A developer whose registration waits for an administrator's review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingRegistration {
    pub name: String,
    pub email: String,
}

/// The batched notice to one admin: every registration that became Waiting since the last one.
#[derive(Debug, Clone)]
pub struct ReviewDigestEmail<'a> {
    pub portal_name: &'a str,
    pub registrations: &'a [WaitingRegistration],
    /// Where the admin reviews them.
    pub review_link: &'a str,
}

const BUTTON_STYLE: &str = "display:inline-block;padding:14px 28px;background:#2251cc;\
color:#ffffff;font-size:17px;font-weight:bold;text-decoration:none;border-radius:6px";

impl InvitationEmail<'_> {
    pub fn render(&self) -> Rendered {
        let values = editable::Values {
            portal_name: self.portal_name,
            recipient: self.invitee_email,
            name: self.invitee_name,
            link: Some(self.link),
            valid_until: Some(self.valid_until),
            invited_by: self.invited_by,
            now: self.now,
        };
        editable::render(self.template, &values, None)
    }
}

impl SignUpNoticeEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let (situation, advice) = if self.already_registered {
            (
                format!("This email address already has an account on {portal}."),
                "If it was you, log in with your password instead.",
            )
        } else {
            (
                format!("This email address already has an invitation to {portal}, or a registration waiting for review."),
                "If it was you, use the link in your invitation email, or wait for an administrator's decision.",
            )
        };
        let text = format!(
            "Hello,\n\nSomeone, hopefully you, tried to sign up for {portal} with this email address. \
             {situation} No new account was created.\n\n{advice}\n{link}\n\n\
             If it was not you, you can ignore this email.\n",
            link = self.login_link,
        );
        let body = format!(
            "<p>Hello,</p>\n<p>Someone, hopefully you, tried to sign up for {portal} with this email \
             address. {situation} No new account was created.</p>\n<p>{advice}</p>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Go to {portal}</a></p>\n\
             <p style=\"color:#555555;font-size:13px\">If it was not you, you can ignore this email.</p>",
            portal = escape_html(&portal),
            situation = escape_html(&situation),
            advice = escape_html(advice),
            link = escape_html(self.login_link),
        );
        Rendered {
            subject: single_line(&format!("Sign-up attempt on {portal}")),
            text,
            html: page(&portal, &body),
        }
    }
}

impl ReviewDigestEmail<'_> {
    pub fn render(&self) -> Rendered {
        let portal = single_line(self.portal_name);
        let count = self.registrations.len();
        let subject = if count == 1 {
            format!("{portal}: 1 registration is waiting for your review")
        } else {
            format!("{portal}: {count} registrations are waiting for your review")
        };
        let people = |line: &dyn Fn(&WaitingRegistration) -> String| -> String {
            self.registrations.iter().map(line).collect()
        };
        let text = format!(
            "Hello,\n\nThese developers completed their registration on {portal} and wait for \
             your review:\n\n{list}\nReview them here: {link}\n",
            list = people(&|r| format!("- {} <{}>\n", single_line(&r.name), single_line(&r.email))),
            link = self.review_link,
        );
        let body = format!(
            "<p>Hello,</p>\n<p>These developers completed their registration on {portal} and \
             wait for your review:</p>\n<ul>\n{list}</ul>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Review registrations</a></p>",
            portal = escape_html(&portal),
            list = people(&|r| format!(
                "<li>{} &lt;{}&gt;</li>\n",
                escape_html(&r.name),
                escape_html(&r.email)
            )),
            link = escape_html(self.review_link),
        );
        Rendered {
            subject: single_line(&subject),
            text,
            html: page(&portal, &body),
        }
    }
}

/// The HTML document around a body: a plain, centred card that mail clients render well.
fn page(portal: &str, body: &str) -> String {
    let portal = escape_html(portal);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{portal}</title></head>\n\
         <body style=\"margin:0;padding:24px;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif;color:#111111\">\n\
         <div style=\"max-width:560px;margin:0 auto;background:#ffffff;padding:32px;border-radius:8px\">\n\
         <h1 style=\"font-size:20px;margin:0 0 24px\">{portal}</h1>\n{body}\n</div>\n</body>\n</html>\n"
    )
}

/// Text made safe for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// One line of text: control characters (CR, LF, tabs...) become spaces and runs of
/// whitespace collapse, so a value can never start a new header line.
pub fn single_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Friday 14 March 2025, 09:30 UTC".
pub fn utc_words(at: DateTime<Utc>) -> String {
    at.format("%A %-d %B %Y, %H:%M UTC").to_string()
}

/// How far `until` is from `now` in words ("in 3 days"; the domain's rule, shared with the
/// pages), or "already passed".
pub fn relative_words(now: DateTime<Utc>, until: DateTime<Utc>) -> String {
    if until <= now {
        return "already passed".into();
    }
    crate::domain::relative_time::relative(until, now)
}

pub mod recovery;
pub mod webhook;

#[cfg(test)]
mod tests;
