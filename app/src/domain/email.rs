//! `Email`: an address that has been checked once, at the boundary, so code past it never
//! sees an invalid one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest local part (before the `@`) RFC 5321 allows.
pub const MAX_LOCAL_LEN: usize = 64;

/// A syntactically valid email address, trimmed. Two `Email`s are equal when they are equal
/// ignoring case, which is how Portico compares accounts and invitations.
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter an email address")]
    Empty,
    #[error("an email address can be at most {MAX_EMAIL_LEN} characters long")]
    TooLong,
    #[error(
        "an email address needs exactly one @ between a name and a domain, like dev@example.com"
    )]
    MissingAt,
    #[error("the part before the @ can be at most {MAX_LOCAL_LEN} characters long")]
    LocalTooLong,
    #[error("the part before the @ may contain only letters, digits and . ! # $ % & ' * + / = ? ^ _ ` {{ | }} ~ -, and no leading, trailing or double dots")]
    BadLocal,
    #[error("the domain after the @ must be a name like example.com (no IP addresses, spaces or leading/trailing dots or dashes)")]
    BadDomain,
    #[error("an email address cannot contain spaces or line breaks")]
    Whitespace,
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(EmailError::Empty);
        }
        if value.chars().any(char::is_whitespace) {
            return Err(EmailError::Whitespace);
        }
        if value.chars().count() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match value.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => (local, domain),
            _ => return Err(EmailError::MissingAt),
        };
        if local.contains('@') {
            return Err(EmailError::MissingAt);
        }
        if local.chars().count() > MAX_LOCAL_LEN {
            return Err(EmailError::LocalTooLong);
        }
        if !valid_local(local) {
            return Err(EmailError::BadLocal);
        }
        if !valid_domain(domain) {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(value.to_owned()))
    }

    /// The address as the user typed it (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-ups: lower case.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    if domain.starts_with('[') || domain.len() > 253 {
        return false; // IP literals are refused: invitations go to named mail domains.
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    // A top-level domain is never all digits, which also refuses dotted IPv4 addresses.
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    labels.iter().all(|label| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    })
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}
impl Eq for Email {}

impl std::hash::Hash for Email {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized().hash(state)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_addresses_and_trims_them() {
        let email = Email::parse("  Dev.Name+tag@Example.co.uk ").unwrap();
        assert_eq!(email.as_str(), "Dev.Name+tag@Example.co.uk");
        assert_eq!(email.normalized(), "dev.name+tag@example.co.uk");
    }

    #[test]
    fn compares_case_insensitively() {
        assert_eq!(
            Email::parse("A@x.io").unwrap(),
            Email::parse("a@X.IO").unwrap()
        );
    }

    #[test]
    fn refuses_each_kind_of_bad_address_with_its_reason() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("no-at.example.com", EmailError::MissingAt),
            ("@example.com", EmailError::MissingAt),
            ("dev@", EmailError::MissingAt),
            ("a@b@example.com", EmailError::MissingAt),
            ("dev@localhost", EmailError::BadDomain),
            ("dev@[127.0.0.1]", EmailError::BadDomain),
            ("dev@127.0.0.1", EmailError::BadDomain),
            ("dev@-x.com", EmailError::BadDomain),
            ("dev@x..com", EmailError::BadDomain),
            (".dev@x.com", EmailError::BadLocal),
            ("de..v@x.com", EmailError::BadLocal),
            ("d(e)v@x.com", EmailError::BadLocal),
            ("dev\r\nBcc: x@y.com@x.com", EmailError::Whitespace),
            ("de v@x.com", EmailError::Whitespace),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Email::parse(input).unwrap_err(),
                expected,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn enforces_length_limits() {
        let local = "a".repeat(65);
        assert_eq!(
            Email::parse(&format!("{local}@x.io")).unwrap_err(),
            EmailError::LocalTooLong
        );
        let domain = format!("{}.io", ["abcdefghij"; 25].join("."));
        assert_eq!(
            Email::parse(&format!("dev@{domain}")).unwrap_err(),
            EmailError::TooLong
        );
        assert!(Email::parse(&format!("{}@x.io", "a".repeat(64))).is_ok());
    }

    proptest! {
        #[test]
        fn never_panics_and_accepted_values_round_trip(input in "\\PC{0,300}") {
            if let Ok(email) = Email::parse(&input) {
                let again = Email::parse(email.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), email.as_str());
                prop_assert!(!email.as_str().contains(['\r', '\n']));
            }
        }
    }
}
