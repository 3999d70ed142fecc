//! The emails an admin may reword (Settings › Emails): which kinds there are, the placeholders
//! each one offers, their default words, and the rules an edited subject and body must meet.
//! The editor asks these rules as the admin types, and the server asks them again on save.
//!
//! A body is Markdown; `{{name}}`-style placeholders stand for values known only when the email
//! is sent. The renderer (`ssr::mail::templates::editable`) escapes every value, so a
//! developer's name can never become markup or a link.

use std::fmt;

/// At most this many characters in a subject (mail clients show about 60).
pub const MAX_SUBJECT_CHARS: usize = 150;
/// At most this many characters in a body.
pub const MAX_BODY_CHARS: usize = 10_000;

/// The developer-facing emails whose words an admin may change. The security notices, the
/// admins' own review digest and the refusal notes are not editable: they must say exactly
/// what happened (see docs/emails.md).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum EmailKind {
    Invitation,
    AdminInvitation,
    Reminder,
    SignUpConfirmation,
    PasswordReset,
    RegistrationApproved,
    RegistrationDenied,
}

/// A value an email's words may name, written `{{token}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Placeholder {
    Name,
    PortalName,
    Link,
    ValidUntil,
    ExpiresIn,
    InvitedBy,
}

impl Placeholder {
    pub const ALL: [Placeholder; 6] = [
        Placeholder::Name,
        Placeholder::PortalName,
        Placeholder::Link,
        Placeholder::ValidUntil,
        Placeholder::ExpiresIn,
        Placeholder::InvitedBy,
    ];

    /// What goes between the braces.
    pub fn token(self) -> &'static str {
        match self {
            Placeholder::Name => "name",
            Placeholder::PortalName => "portal_name",
            Placeholder::Link => "link",
            Placeholder::ValidUntil => "valid_until",
            Placeholder::ExpiresIn => "expires_in",
            Placeholder::InvitedBy => "invited_by",
        }
    }

    /// `{{token}}`, as the admin writes it.
    pub fn written(self) -> String {
        format!("{{{{{}}}}}", self.token())
    }

    /// What it becomes, for the editor's list.
    pub fn meaning(self) -> &'static str {
        match self {
            Placeholder::Name => {
                "the developer's name, or their email address when no name is known yet"
            }
            Placeholder::PortalName => "the portal's name (Settings)",
            Placeholder::Link => {
                "the link the email exists for; a paragraph holding only a link becomes a button"
            }
            Placeholder::ValidUntil => {
                "when the link stops working, e.g. Friday 4 December 2026, 09:30 UTC"
            }
            Placeholder::ExpiresIn => "how long the link still works, e.g. in 3 days",
            Placeholder::InvitedBy => "the inviting administrator's name, or \"An administrator\"",
        }
    }

    fn from_token(token: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.token() == token)
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{}}}}}", self.token())
    }
}

const LINK_KIND: &[Placeholder] = &[
    Placeholder::Name,
    Placeholder::PortalName,
    Placeholder::Link,
    Placeholder::ValidUntil,
    Placeholder::ExpiresIn,
];
const INVITATION: &[Placeholder] = &[
    Placeholder::Name,
    Placeholder::PortalName,
    Placeholder::Link,
    Placeholder::ValidUntil,
    Placeholder::ExpiresIn,
    Placeholder::InvitedBy,
];
const APPROVED: &[Placeholder] = &[
    Placeholder::Name,
    Placeholder::PortalName,
    Placeholder::Link,
];
const DENIED: &[Placeholder] = &[Placeholder::Name, Placeholder::PortalName];

impl EmailKind {
    pub const ALL: [EmailKind; 7] = [
        EmailKind::Invitation,
        EmailKind::AdminInvitation,
        EmailKind::Reminder,
        EmailKind::SignUpConfirmation,
        EmailKind::PasswordReset,
        EmailKind::RegistrationApproved,
        EmailKind::RegistrationDenied,
    ];

    /// Which email carries an invitation's link: a reminder, a sign-up's confirmation, an
    /// administrator's invitation or a developer's.
    pub fn for_invitation(self_sign_up: bool, as_admin: bool, reminder: bool) -> Self {
        match (reminder, self_sign_up, as_admin) {
            (true, _, _) => EmailKind::Reminder,
            (false, true, _) => EmailKind::SignUpConfirmation,
            (false, false, true) => EmailKind::AdminInvitation,
            (false, false, false) => EmailKind::Invitation,
        }
    }

    /// Its name in URLs, the database and the audit log.
    pub fn slug(self) -> &'static str {
        match self {
            EmailKind::Invitation => "invitation",
            EmailKind::AdminInvitation => "admin-invitation",
            EmailKind::Reminder => "reminder",
            EmailKind::SignUpConfirmation => "sign-up-confirmation",
            EmailKind::PasswordReset => "password-reset",
            EmailKind::RegistrationApproved => "registration-approved",
            EmailKind::RegistrationDenied => "registration-denied",
        }
    }

    pub fn parse(slug: &str) -> Result<Self, UnknownEmailKind> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.slug() == slug.trim())
            .ok_or(UnknownEmailKind)
    }

    pub fn label(self) -> &'static str {
        match self {
            EmailKind::Invitation => "Invitation",
            EmailKind::AdminInvitation => "Administrator invitation",
            EmailKind::Reminder => "Reminder",
            EmailKind::SignUpConfirmation => "Sign-up confirmation",
            EmailKind::PasswordReset => "Password reset",
            EmailKind::RegistrationApproved => "Registration approved",
            EmailKind::RegistrationDenied => "Registration not approved",
        }
    }

    /// When it is sent.
    pub fn occasion(self) -> &'static str {
        match self {
            EmailKind::Invitation => "An administrator invites a developer (also on a resend).",
            EmailKind::AdminInvitation => "An administrator invites someone as an administrator.",
            EmailKind::Reminder => {
                "A Pending invitation or sign-up is about to expire (Settings › Reminder)."
            }
            EmailKind::SignUpConfirmation => {
                "A developer signs up on their own: the link confirms the address."
            }
            EmailKind::PasswordReset => "Someone asks for a new password for an active account.",
            EmailKind::RegistrationApproved => {
                "An administrator approves a registration that waited for review."
            }
            EmailKind::RegistrationDenied => {
                "An administrator denies a registration; their reason, if they gave one, is quoted below the body."
            }
        }
    }

    /// The placeholders its subject and body may use.
    pub fn placeholders(self) -> &'static [Placeholder] {
        match self {
            EmailKind::Invitation | EmailKind::AdminInvitation => INVITATION,
            EmailKind::Reminder | EmailKind::SignUpConfirmation | EmailKind::PasswordReset => {
                LINK_KIND
            }
            EmailKind::RegistrationApproved => APPROVED,
            EmailKind::RegistrationDenied => DENIED,
        }
    }

    /// Whether the body must hold `{{link}}`: the email exists to deliver it.
    pub fn requires_link(self) -> bool {
        self.placeholders().contains(&Placeholder::Link)
    }

    pub fn default_subject(self) -> &'static str {
        match self {
            EmailKind::Invitation => "You're invited to {{portal_name}}",
            EmailKind::AdminInvitation => "You're invited to administer {{portal_name}}",
            EmailKind::Reminder => "Reminder: your link to {{portal_name}} expires {{expires_in}}",
            EmailKind::SignUpConfirmation => "Confirm your email address for {{portal_name}}",
            EmailKind::PasswordReset => "Reset your password on {{portal_name}}",
            EmailKind::RegistrationApproved => "Your registration to {{portal_name}} was approved",
            EmailKind::RegistrationDenied => {
                "Your registration to {{portal_name}} was not approved"
            }
        }
    }

    pub fn default_body(self) -> &'static str {
        match self {
            EmailKind::Invitation => {
                "Hello,\n\n{{invited_by}} invited you to {{portal_name}}.\n\n\
                 [Confirm your account]({{link}})\n\n\
                 The link works until **{{valid_until}}** ({{expires_in}}) and only once.\n\n\
                 If you did not expect this invitation, you can ignore this email.\n"
            }
            EmailKind::AdminInvitation => {
                "Hello,\n\n{{invited_by}} invited you to {{portal_name}} as an administrator.\n\n\
                 [Confirm your account]({{link}})\n\n\
                 The link works until **{{valid_until}}** ({{expires_in}}) and only once.\n\n\
                 If you did not expect this invitation, you can ignore this email.\n"
            }
            EmailKind::Reminder => {
                "Hello,\n\nYour account on {{portal_name}} is not created yet, and your link \
                 expires {{expires_in}}. Open it to finish; the link in the first email works \
                 too.\n\n\
                 [Create your account]({{link}})\n\n\
                 The link works until **{{valid_until}}** and only once.\n"
            }
            EmailKind::SignUpConfirmation => {
                "Hello,\n\nYou signed up for {{portal_name}}. Open the link to confirm that this \
                 email address is yours and choose your password.\n\n\
                 [Confirm your email address]({{link}})\n\n\
                 The link works until **{{valid_until}}** ({{expires_in}}) and only once.\n\n\
                 If you did not sign up, you can ignore this email.\n"
            }
            EmailKind::PasswordReset => {
                "Hello {{name}},\n\nSomeone, hopefully you, asked to reset your password on \
                 {{portal_name}}.\n\n\
                 [Choose a new password]({{link}})\n\n\
                 The link works until **{{valid_until}}** ({{expires_in}}) and only once; asking \
                 again replaces it. Choosing a new password signs you out everywhere.\n\n\
                 If you did not ask for this, ignore this email: your password stays as it is.\n"
            }
            EmailKind::RegistrationApproved => {
                "Hello {{name}},\n\nYour registration to {{portal_name}} was approved: your \
                 account is active. Log in with this email address and the password you chose.\n\n\
                 [Log in to {{portal_name}}]({{link}})\n"
            }
            EmailKind::RegistrationDenied => {
                "Hello {{name}},\n\nYour registration to {{portal_name}} was not approved, so \
                 your account was not activated.\n\n\
                 If you think this is a mistake, contact the people who run {{portal_name}}: \
                 they can invite you again.\n"
            }
        }
    }
}

impl fmt::Display for EmailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("There is no such email to edit: choose one from Settings › Emails.")]
pub struct UnknownEmailKind;

/// A piece of a subject or body: words as written, or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Value(Placeholder),
}

/// Splits `text` into words and placeholders; the first malformed or unknown placeholder is
/// an error naming it (`{{ name }}` with spaces is read as `{{name}}`).
pub fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or_else(|| {
            format!(
                "\"{{{{\" is opened and not closed{}: write a placeholder as {{{{name}}}}.",
                near(after)
            )
        })?;
        let inner = &after[..close];
        let token = inner.trim();
        let placeholder = Placeholder::from_token(token)
            .ok_or_else(|| format!("{{{{{}}}}} is not a placeholder", one_line(inner.trim())))?;
        out.push(Piece::Value(placeholder));
        rest = &after[close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// The text with each placeholder replaced by `value(placeholder)`, as is (for plain text).
pub fn fill(text: &str, value: impl Fn(Placeholder) -> String) -> String {
    match pieces(text) {
        Ok(parts) => parts
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(words) => words.to_owned(),
                Piece::Value(placeholder) => value(placeholder),
            })
            .collect(),
        Err(_) => text.to_owned(),
    }
}

fn near(after: &str) -> String {
    let shown: String = after.chars().take(20).collect();
    let shown = one_line(shown.trim());
    if shown.is_empty() {
        String::new()
    } else {
        format!(" before \"{shown}\"")
    }
}

fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An email's subject and body that meet the rules of their kind: every placeholder known to
/// it, the link in the body where the email exists for it, a one-line subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailTemplate {
    kind: EmailKind,
    subject: String,
    body: String,
}

/// Everything wrong with a subject and body, each a sentence saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblems(pub Vec<String>);

impl fmt::Display for TemplateProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl std::error::Error for TemplateProblems {}

impl EmailTemplate {
    pub fn parse(kind: EmailKind, subject: &str, body: &str) -> Result<Self, TemplateProblems> {
        let subject = subject.trim();
        let body = body.trim_end();
        let allowed = kind.placeholders();
        let list = allowed
            .iter()
            .map(|p| p.written())
            .collect::<Vec<_>>()
            .join(", ");
        let mut problems = Vec::new();
        if subject.is_empty() {
            problems.push("Enter a subject.".to_owned());
        } else if subject.chars().count() > MAX_SUBJECT_CHARS {
            problems.push(format!(
                "The subject has {} characters; shorten it to {MAX_SUBJECT_CHARS} or fewer.",
                subject.chars().count()
            ));
        }
        if subject.chars().any(char::is_control) {
            problems.push("The subject must be one line: remove the line break.".to_owned());
        }
        match pieces(subject) {
            Err(problem) => problems.push(format!("In the subject, {}", lower_first(&problem))),
            Ok(parts) => {
                for placeholder in values(&parts) {
                    if placeholder == Placeholder::Link {
                        problems.push(
                            "The subject cannot hold {{link}}: put the link in the body."
                                .to_owned(),
                        );
                    } else if !allowed.contains(&placeholder) {
                        problems.push(format!(
                            "The subject uses {placeholder}, which this email does not have: use {list}."
                        ));
                    }
                }
            }
        }
        if body.trim().is_empty() {
            problems.push("Enter the body of the email.".to_owned());
        } else if body.chars().count() > MAX_BODY_CHARS {
            problems.push(format!(
                "The body has {} characters; shorten it to {MAX_BODY_CHARS} or fewer.",
                body.chars().count()
            ));
        }
        if body
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            problems.push(
                "The body holds an invisible control character (pasted from another program?): retype the line it is on."
                    .to_owned(),
            );
        }
        let mut has_link = false;
        for (number, line) in body.lines().enumerate() {
            if let Some(problem) = placeholder_in_address(line) {
                problems.push(format!("Line {} of the body: {problem}", number + 1));
            }
            match pieces(line) {
                Err(problem) => problems.push(format!(
                    "Line {} of the body: {}{}",
                    number + 1,
                    problem,
                    if problem.ends_with('.') {
                        String::new()
                    } else {
                        format!("; this email's placeholders are {list}.")
                    }
                )),
                Ok(parts) => {
                    for placeholder in values(&parts) {
                        has_link |= placeholder == Placeholder::Link;
                        if !allowed.contains(&placeholder) {
                            problems.push(format!(
                                "Line {} of the body: {placeholder} has no value in this email; its placeholders are {list}.",
                                number + 1
                            ));
                        }
                    }
                }
            }
        }
        if kind.requires_link() && !has_link && !body.trim().is_empty() {
            problems.push(
                "The body must contain {{link}}: it is the only way for the developer to go on (a paragraph holding only [a label]({{link}}) becomes a button)."
                    .to_owned(),
            );
        }
        if problems.is_empty() {
            // Stored as `{{name}}`, whatever the spaces typed: Markdown reads no space in a
            // link's address.
            Ok(Self {
                kind,
                subject: canonical(subject),
                body: canonical(body),
            })
        } else {
            Err(TemplateProblems(problems))
        }
    }

    /// The words Portico sends until an admin changes them.
    pub fn default_for(kind: EmailKind) -> Self {
        Self {
            kind,
            subject: kind.default_subject().to_owned(),
            body: kind.default_body().trim_end().to_owned(),
        }
    }

    /// The default with another subject, e.g. `PORTICO_INVITATION_SUBJECT` (`{portal}` is read
    /// as `{{portal_name}}`); a subject that breaks the rules leaves the default as it is.
    pub fn default_with_subject(kind: EmailKind, subject: &str) -> Self {
        let subject = subject.replace("{portal}", "{{portal_name}}");
        Self::parse(kind, &subject, kind.default_body()).unwrap_or_else(|_| Self::default_for(kind))
    }

    pub fn kind(&self) -> EmailKind {
        self.kind
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn body(&self) -> &str {
        &self.body
    }
}

/// The text with every placeholder written `{{token}}`.
fn canonical(text: &str) -> String {
    fill(text, Placeholder::written)
}

/// A placeholder in a link's or an image's address other than a link that is `{{link}}`
/// itself: a developer's name must not decide where a link goes, and the link's single-use
/// token must not become an image a mail client fetches on its own.
fn placeholder_in_address(line: &str) -> Option<&'static str> {
    let is_link = |address: &str| {
        let address = address.trim();
        let address = address
            .strip_prefix('<')
            .and_then(|a| a.strip_suffix('>'))
            .unwrap_or(address)
            .trim();
        pieces(address).ok() == Some(vec![Piece::Value(Placeholder::Link)])
    };
    // Inline links and images: `[label](address)`, `![alt](address)`.
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let image = rest[..at]
            .rfind('[')
            .is_some_and(|open| rest[..open].ends_with('!'));
        let after = &rest[at + 2..];
        let address = &after[..after.find(')').unwrap_or(after.len())];
        if address.contains("{{") {
            if image {
                return Some("an image's address cannot hold a placeholder.");
            }
            let target = address
                .split_once(" \"")
                .map_or(address, |(target, _)| target);
            if !is_link(target) {
                return Some(
                    "a link's address may hold only {{link}}, alone: write [a label]({{link}}).",
                );
            }
        }
        rest = after;
    }
    // Reference definitions: `[label]: address`.
    let trimmed = line.trim_start();
    if let Some(definition) = trimmed
        .strip_prefix('[')
        .and_then(|d| d.split_once("]:"))
        .map(|(_, address)| address.trim())
    {
        let target = definition.split_whitespace().next().unwrap_or_default();
        if definition.contains("{{") && !is_link(target) {
            return Some(
                "a link's address may hold only {{link}}, alone: write [a label]({{link}}).",
            );
        }
    }
    None
}

fn values<'a>(parts: &'a [Piece<'a>]) -> impl Iterator<Item = Placeholder> + 'a {
    parts.iter().filter_map(|piece| match piece {
        Piece::Value(placeholder) => Some(*placeholder),
        Piece::Text(_) => None,
    })
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_meets_the_rules_of_its_kind() {
        for kind in EmailKind::ALL {
            let default = EmailTemplate::default_for(kind);
            assert_eq!(
                EmailTemplate::parse(kind, default.subject(), default.body()),
                Ok(default),
                "{kind}"
            );
            assert_eq!(EmailKind::parse(kind.slug()), Ok(kind));
        }
    }

    #[test]
    fn placeholders_are_read_with_or_without_spaces() {
        assert_eq!(
            pieces("Hi {{ name }}, see {{link}}").unwrap(),
            vec![
                Piece::Text("Hi "),
                Piece::Value(Placeholder::Name),
                Piece::Text(", see "),
                Piece::Value(Placeholder::Link),
            ]
        );
        assert_eq!(
            fill("{{name}} at {{portal_name}}", |p| p.token().to_uppercase()),
            "NAME at PORTAL_NAME"
        );
    }

    #[test]
    fn an_unknown_placeholder_is_refused_with_its_line_and_the_ones_to_use() {
        let problems = EmailTemplate::parse(
            EmailKind::Invitation,
            "Hi",
            "Hello {{name}},\n\n[Go]({{link}})\n\nFrom {{sender}}",
        )
        .unwrap_err();
        assert_eq!(problems.0.len(), 1, "{problems:?}");
        assert!(
            problems.0[0].starts_with("Line 5 of the body: {{sender}} is not a placeholder;"),
            "{problems}"
        );
        assert!(problems.0[0].contains("{{invited_by}}"), "{problems}");
    }

    #[test]
    fn a_placeholder_of_another_kind_is_refused() {
        let problems = EmailTemplate::parse(
            EmailKind::RegistrationDenied,
            "No",
            "Sorry {{name}}, {{invited_by}} says no.",
        )
        .unwrap_err();
        assert!(
            problems.0[0].contains("{{invited_by}} has no value in this email"),
            "{problems}"
        );
    }

    #[test]
    fn a_body_without_the_link_is_refused_where_the_email_exists_for_it() {
        let problems =
            EmailTemplate::parse(EmailKind::PasswordReset, "Reset", "Hello {{name}}").unwrap_err();
        assert!(problems.0[0].starts_with("The body must contain {{link}}"));
        // A denial has no link to give.
        assert!(EmailTemplate::parse(EmailKind::RegistrationDenied, "No", "Sorry.").is_ok());
    }

    #[test]
    fn an_unclosed_placeholder_an_empty_or_multi_line_subject_and_a_link_in_it_are_refused() {
        let problems = EmailTemplate::parse(EmailKind::Invitation, "", "[x]({{link}}) {{name")
            .unwrap_err()
            .0;
        assert_eq!(problems[0], "Enter a subject.");
        assert!(problems[1].starts_with("Line 1 of the body: \"{{\" is opened and not closed"));
        let problems =
            EmailTemplate::parse(EmailKind::Invitation, "A\nB {{link}}", "[x]({{link}})")
                .unwrap_err()
                .0;
        assert!(
            problems.iter().any(|p| p.contains("one line")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("cannot hold {{link}}")),
            "{problems:?}"
        );
        let long = "x".repeat(MAX_BODY_CHARS + 1);
        let problems = EmailTemplate::parse(EmailKind::RegistrationDenied, "No", &long)
            .unwrap_err()
            .0;
        assert!(problems[0].contains("shorten it to 10000"), "{problems:?}");
    }

    #[test]
    fn a_link_address_holds_only_the_link_and_an_image_none() {
        for body in [
            "[x]({{name}})",
            "[x](https://{{invited_by}}.example/{{link}})",
            "[r]: //{{name}}\n\n[x][r] [go]({{link}})",
        ] {
            let problems = EmailTemplate::parse(EmailKind::Invitation, "Hi", body).unwrap_err();
            assert!(
                problems
                    .0
                    .iter()
                    .any(|p| p.contains("may hold only {{link}}")),
                "{body}: {problems}"
            );
        }
        let problems = EmailTemplate::parse(
            EmailKind::Invitation,
            "Hi",
            "![logo]({{link}}) [go]({{link}})",
        )
        .unwrap_err();
        assert!(
            problems.0[0].contains("image's address cannot hold"),
            "{problems}"
        );
        assert!(
            EmailTemplate::parse(EmailKind::Invitation, "Hi", "[go]( <{{ link }}> \"t\")").is_ok()
        );
    }

    #[test]
    fn placeholders_are_stored_without_spaces_and_control_characters_are_refused() {
        let template =
            EmailTemplate::parse(EmailKind::Invitation, "Hi {{ name }}", "[go]({{ link }})")
                .unwrap();
        assert_eq!(
            (template.subject(), template.body()),
            ("Hi {{name}}", "[go]({{link}})")
        );
        let problems =
            EmailTemplate::parse(EmailKind::Invitation, "Hi", "[go]({{link}})\u{0}").unwrap_err();
        assert!(
            problems.0[0].contains("invisible control character"),
            "{problems}"
        );
    }

    #[test]
    fn the_configured_invitation_subject_becomes_the_default_subject() {
        let template =
            EmailTemplate::default_with_subject(EmailKind::Invitation, "Join {portal} today");
        assert_eq!(template.subject(), "Join {{portal_name}} today");
        let broken = EmailTemplate::default_with_subject(EmailKind::Invitation, "{{oops}}");
        assert_eq!(broken, EmailTemplate::default_for(EmailKind::Invitation));
    }
}
