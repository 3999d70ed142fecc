//! The emails' words: subject, plain-text and HTML parts, built from typed data. Everything
//! interpolated into HTML is escaped, and a subject is always one line (no CR/LF can reach a
//! header).

use chrono::{DateTime, Utc};

mod decision;
pub use decision::DecisionEmail;

/// One email, ready to be addressed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation a developer receives.
#[derive(Debug, Clone)]
pub struct InvitationEmail<'a> {
    pub portal_name: &'a str,
    /// The configured subject; `{portal}` stands for the portal's name.
    pub subject_template: &'a str,
    pub invitee_email: &'a str,
    pub link: &'a str,
    pub valid_until: DateTime<Utc>,
    pub invited_by: Option<&'a str>,
    /// The developer signed up on their own: the link confirms that the address is theirs, and
    /// its page asks for the password.
    pub self_sign_up: bool,
    /// The invitation makes its holder an administrator of the portal.
    pub as_admin: bool,
    /// The reminder sent before the invitation expires, not the invitation itself.
    pub reminder: bool,
    /// When the email is rendered, for "in 3 days".
    pub now: DateTime<Utc>,
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
        let portal = single_line(self.portal_name);
        let until_utc = utc_words(self.valid_until);
        let until_relative = relative_words(self.now, self.valid_until);
        let subject = match (self.reminder, self.self_sign_up) {
            (true, true) => {
                format!("Reminder: confirm your email address for {portal} ({until_relative})")
            }
            (true, false) => {
                format!("Reminder: your invitation to {portal} expires {until_relative}")
            }
            (false, true) => format!("Confirm your email address for {portal}"),
            (false, false) => single_line(&self.subject_template.replace("{portal}", &portal)),
        };
        let inviter = self.invited_by.map(single_line).filter(|n| !n.is_empty());
        let opening = match &inviter {
            _ if self.reminder && self.self_sign_up => format!(
                "You signed up for {portal} but have not confirmed your email address yet. Open \
                 the link to confirm it and choose your password before the link expires."
            ),
            _ if self.reminder => format!(
                "Your invitation to {portal} has not been used yet and expires soon. Open the \
                 link to create your account; the link in the first email works too."
            ),
            _ if self.self_sign_up => format!(
                "You signed up for {portal}. Open the link to confirm that this email address is \
                 yours and choose your password."
            ),
            Some(name) if self.as_admin => {
                format!("{name} invited you to {portal} as an administrator.")
            }
            None if self.as_admin => format!("You are invited to {portal} as an administrator."),
            Some(name) => format!("{name} invited you to {portal}."),
            None => format!("You are invited to {portal}."),
        };
        let text = format!(
            "Hello,\n\n{opening}\n\n\
             Confirm your account by opening this link:\n{link}\n\n\
             The link works until {until_utc} ({until_relative}) and only once.\n\n\
             This email was sent to {email}. If you did not expect it, you can ignore it.\n",
            link = self.link,
            email = self.invitee_email,
        );
        let body = format!(
            "<p>Hello,</p>\n<p>{opening}</p>\n\
             <p style=\"margin:32px 0\"><a href=\"{link}\" style=\"{BUTTON_STYLE}\">Confirm your account</a></p>\n\
             <p>The link works until <strong>{until_utc}</strong> ({until_relative}) and only once.</p>\n\
             <p style=\"color:#555555;font-size:13px\">If the button does not work, copy this link into your browser:<br>\n\
             <a href=\"{link}\" style=\"color:#2251cc;word-break:break-all\">{link}</a></p>\n\
             <p style=\"color:#555555;font-size:13px\">This email was sent to {email}. If you did not expect it, you can ignore it.</p>",
            opening = escape_html(&opening),
            link = escape_html(self.link),
            until_utc = escape_html(&until_utc),
            until_relative = escape_html(&until_relative),
            email = escape_html(self.invitee_email),
        );
        Rendered {
            subject,
            text,
            html: page(&portal, &body),
        }
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
