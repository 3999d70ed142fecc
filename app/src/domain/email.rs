//! `Email`: an address that has been checked once, at the boundary, so code past it never
//! sees an invalid one.

use idna::AsciiDenyList;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// The longest address SMTP can carry (RFC 5321 path limit minus the angle brackets), in bytes
/// of the form that is sent: an internationalized domain counts in its punycode form.
pub const MAX_EMAIL_LEN: usize = 254;
/// The longest local part (before the `@`) RFC 5321 allows, in bytes.
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
    #[error("the part before the @ can be at most {MAX_LOCAL_LEN} characters long (accented or non-Latin letters count as two or more)")]
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
        // Also refuses CR and LF, so an address can never smuggle a header into an email.
        if value.chars().any(char::is_whitespace) {
            return Err(EmailError::Whitespace);
        }
        // Bounds the work before the domain conversion; the real limit is checked on the result.
        if value.len() > MAX_INPUT_BYTES {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match value.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => (local, domain),
            _ => return Err(EmailError::MissingAt),
        };
        if local.contains('@') {
            return Err(EmailError::MissingAt);
        }
        // SMTP limits count bytes, so accented or non-Latin letters use up more of them.
        if local.len() > MAX_LOCAL_LEN {
            return Err(EmailError::LocalTooLong);
        }
        if !valid_local(local) {
            return Err(EmailError::BadLocal);
        }
        let domain = ascii_domain(domain).ok_or(EmailError::BadDomain)?;
        let address = format!("{local}@{domain}");
        if address.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        if !valid_ascii_domain(&domain) {
            return Err(EmailError::BadDomain);
        }
        Ok(Self(address))
    }

    /// The address as the user typed it (trimmed), except that an internationalized domain is
    /// in its ASCII (punycode) form, so it can go into an email header as is.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-ups: lower case.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// Generous enough for any address whose domain shrinks when mapped (full-width letters,
/// ignorable characters), small enough that nobody can make the conversion do much work.
const MAX_INPUT_BYTES: usize = 4 * MAX_EMAIL_LEN;

fn valid_local(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~-.";
    !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

/// The domain in ASCII, or `None` when it cannot be a mail domain at all. ASCII domains keep the
/// case they were typed in; internationalized ones come back lower-case and punycoded.
fn ascii_domain(domain: &str) -> Option<Cow<'_, str>> {
    if domain.starts_with('[') {
        return None; // IP literals are refused: invitations go to named mail domains.
    }
    // Run every domain through the conversion, ASCII ones too: it also checks `xn--` labels.
    let converted = idna::domain_to_ascii_cow(domain.as_bytes(), AsciiDenyList::STD3).ok()?;
    Some(if domain.is_ascii() {
        Cow::Borrowed(domain)
    } else {
        converted
    })
}

/// Length of the whole domain is left to the address limit, which is stricter.
fn valid_ascii_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    // Every real top-level domain starts with a letter; this refuses dotted IPv4 addresses and
    // the numeric forms browsers also read as IPs (`1.0x7f`).
    if !labels
        .last()
        .is_some_and(|tld| tld.starts_with(|c: char| c.is_ascii_alphabetic()))
    {
        return false;
    }
    labels.iter().all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
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

    #[test]
    fn converts_an_internationalized_domain_to_punycode() {
        let email = Email::parse(" dev@bücher.example ").unwrap();
        assert_eq!(email.as_str(), "dev@xn--bcher-kva.example");
        // The same mailbox typed either way is one address.
        assert_eq!(email, Email::parse("DEV@xn--BCHER-kva.example").unwrap());
        assert_eq!(email, Email::parse("dev@BÜCHER.example").unwrap());
    }

    #[test]
    fn maps_full_width_and_ideographic_separators_like_browsers_do() {
        assert_eq!(
            Email::parse("dev@例え。テスト").unwrap().as_str(),
            "dev@xn--r8jz45g.xn--zckzah"
        );
        assert_eq!(
            Email::parse("dev@ｅｘａｍｐｌｅ．ｃｏｍ").unwrap().as_str(),
            "dev@example.com"
        );
    }

    #[test]
    fn refuses_numeric_and_broken_domains_in_any_script() {
        for input in [
            "dev@１２７．０．０．１",
            "dev@1.0x7f",
            "dev@x.1com",
            "dev@xn--zz-.example",
            "dev@ex_ample.com",
            "dev@bücher",
            "dev@[::1]",
        ] {
            assert_eq!(
                Email::parse(input).unwrap_err(),
                EmailError::BadDomain,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn refuses_line_breaks_inside_and_trims_them_around() {
        assert_eq!(Email::parse("dev@x.io\r\n").unwrap().as_str(), "dev@x.io");
        for input in [
            "de\rv@x.io",
            "dev@bü\ncher.example",
            "dev@x.io\nBcc: a@b.io",
        ] {
            assert_eq!(
                Email::parse(input).unwrap_err(),
                EmailError::Whitespace,
                "{input:?}"
            );
        }
    }

    #[test]
    fn measures_the_length_limit_on_the_punycode_form() {
        let local = "a".repeat(64);
        // 8 labels of 15 letters: short enough as typed, too long once each becomes `xn--…`.
        let labels = ["üöäüöäüöäüöäüöä"; 8].join(".");
        let long = format!("{local}@{labels}.example");
        assert!(long.chars().count() <= MAX_EMAIL_LEN);
        assert_eq!(Email::parse(&long).unwrap_err(), EmailError::TooLong);
        let shorter = format!("{local}@{}.example", ["üöäüöäüöäüöäüöä"; 4].join("."));
        assert!(Email::parse(&shorter).unwrap().as_str().len() <= MAX_EMAIL_LEN);
    }

    #[test]
    fn counts_the_local_part_in_bytes() {
        assert!(Email::parse(&format!("{}@x.io", "é".repeat(32))).is_ok());
        assert_eq!(
            Email::parse(&format!("{}@x.io", "é".repeat(33))).unwrap_err(),
            EmailError::LocalTooLong
        );
    }

    /// An address every mail system accepts: ASCII, no quoting, short labels without `--`.
    fn plainly_valid() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,20}(\\.[a-zA-Z0-9_+-]{1,10}){0,2}@([a-zA-Z0-9]{1,8}(-[a-z0-9]{1,8})?\\.){1,3}[a-zA-Z]{2,6}"
    }

    /// What every accepted address is, checked on the stored form itself.
    fn check_accepted(input: &str, email: &Email) -> Result<(), TestCaseError> {
        let address = email.as_str();
        prop_assert!(address.len() <= MAX_EMAIL_LEN, "too long: {address:?}");
        prop_assert!(!address.chars().any(|c| c.is_whitespace() || c.is_control()));
        prop_assert_eq!(address.matches('@').count(), 1);
        let (local, domain) = address.split_once('@').unwrap();
        prop_assert!(!local.is_empty() && local.len() <= MAX_LOCAL_LEN);
        prop_assert!(valid_local(local), "bad local part {local:?}");
        prop_assert!(domain.is_ascii(), "domain not ASCII: {domain:?}");
        prop_assert!(valid_ascii_domain(domain), "bad domain {domain:?}");
        // An ASCII address is stored exactly as typed, trimmed.
        if input.trim().is_ascii() {
            prop_assert_eq!(address, input.trim());
        }
        prop_assert_eq!(email.to_string(), address);
        prop_assert_eq!(email.normalized(), address.to_lowercase());
        let again = Email::parse(address).unwrap();
        prop_assert_eq!(again.as_str(), address);
        Ok(())
    }

    /// Property test: no panic over adversarial addresses, and whatever is accepted is a
    /// well-formed, bounded, stable address. `scripts/fuzz.sh` runs it a million times.
    #[test]
    fn fuzz_email() {
        crate::fuzz_support::run(
            "email",
            file!(),
            (crate::fuzz_support::email_like(), plainly_valid()),
            |(input, valid)| {
                match Email::parse(&input) {
                    Ok(email) => check_accepted(&input, &email)?,
                    Err(EmailError::Empty) => prop_assert!(input.trim().is_empty()),
                    Err(EmailError::Whitespace) => {
                        prop_assert!(input.trim().chars().any(char::is_whitespace))
                    }
                    Err(_) => prop_assert!(!input.trim().is_empty()),
                }
                match Email::parse(&valid) {
                    Ok(email) => check_accepted(&valid, &email)?,
                    Err(error) => prop_assert!(false, "refused {valid:?}: {error}"),
                }
                Ok(())
            },
        );
    }

    proptest! {
        #[test]
        fn accepted_domains_are_ascii_and_stable(
            local in "[a-z0-9+_-]{1,20}",
            name in "[a-zäöüéß0-9-]{1,20}",
            tld in "(com|io|example|рф)",
        ) {
            if let Ok(email) = Email::parse(&format!("{local}@{name}.{tld}")) {
                let (_, domain) = email.as_str().rsplit_once('@').unwrap();
                prop_assert!(domain.is_ascii());
                prop_assert!(email.as_str().len() <= MAX_EMAIL_LEN);
                let again = Email::parse(email.as_str()).unwrap();
                prop_assert_eq!(again.as_str(), email.as_str());
            }
        }
    }
}
