//! API tokens: what a token may do (its scopes), its name and its lifetime. The checks run in
//! the browser (the creation form) and on the server alike.

use serde::{Deserialize, Serialize};

/// What a token may do: read (GET), write (every other method), or both. A write-only token
/// suits a system that only invites (a CRM) and should not read the list of developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Scopes {
    pub read: bool,
    pub write: bool,
}

impl Scopes {
    pub const READ: Scopes = Scopes {
        read: true,
        write: false,
    };
    pub const WRITE: Scopes = Scopes {
        read: false,
        write: true,
    };
    pub const READ_WRITE: Scopes = Scopes {
        read: true,
        write: true,
    };

    /// Stored and shown as `read`, `write` or `read,write`.
    pub fn as_str(self) -> &'static str {
        match (self.read, self.write) {
            (true, true) => "read,write",
            (true, false) => "read",
            (false, true) => "write",
            (false, false) => "",
        }
    }

    /// From the stored form (or an admin's choice): at least one scope, each known.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut scopes = Scopes::default();
        for part in value
            .split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part.to_ascii_lowercase().as_str() {
                "read" => scopes.read = true,
                "write" => scopes.write = true,
                other => {
                    return Err(format!(
                        "Unknown scope {other:?}: a token's scopes are read, write or both."
                    ))
                }
            }
        }
        if scopes == Scopes::default() {
            return Err("Choose what the token may do: read, write, or both.".into());
        }
        Ok(scopes)
    }

    /// Whether a request with this method is allowed: reading needs `read`, anything that
    /// changes something needs `write`.
    pub fn allow(self, needed: Scope) -> bool {
        match needed {
            Scope::Read => self.read,
            Scope::Write => self.write,
        }
    }
}

/// The one scope an operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

pub const MAX_TOKEN_NAME_CHARS: usize = 80;

/// The name an admin gives a token to recognize it ("CRM sync"): 1 to 80 characters on one
/// line, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let name = value.trim();
        if name.is_empty() {
            return Err("Give the token a name that says who uses it, e.g. \"CRM sync\".".into());
        }
        if name.chars().count() > MAX_TOKEN_NAME_CHARS {
            return Err(format!(
                "The name is too long: at most {MAX_TOKEN_NAME_CHARS} characters."
            ));
        }
        if name.chars().any(char::is_control) {
            return Err("The name must be one line of text, without control characters.".into());
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How long a new token works, in days. Every token expires: a forgotten one stops by itself.
pub const TOKEN_LIFETIMES_DAYS: [u32; 5] = [7, 30, 90, 180, 365];
pub const DEFAULT_TOKEN_LIFETIME_DAYS: u32 = 90;

pub fn parse_lifetime_days(value: Option<u32>) -> Result<u32, String> {
    let days = value.unwrap_or(DEFAULT_TOKEN_LIFETIME_DAYS);
    if (1..=365).contains(&days) {
        Ok(days)
    } else {
        Err("A token works for 1 to 365 days: choose one of the offered lifetimes.".into())
    }
}

/// Every token starts with this, so a leaked one is recognizable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "portico_";

/// How many characters of a token lists show (its prefix and the first random ones).
pub const SHOWN_PREFIX_CHARS: usize = TOKEN_PREFIX.len() + 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_as_they_are_stored() {
        for scopes in [Scopes::READ, Scopes::WRITE, Scopes::READ_WRITE] {
            assert_eq!(Scopes::parse(scopes.as_str()), Ok(scopes));
        }
        assert_eq!(Scopes::parse("write read"), Ok(Scopes::READ_WRITE));
    }

    #[test]
    fn a_token_needs_a_known_scope() {
        assert!(Scopes::parse("").unwrap_err().contains("Choose"));
        assert!(Scopes::parse("admin").unwrap_err().contains("\"admin\""));
    }

    #[test]
    fn a_read_token_cannot_write_and_a_write_token_cannot_read() {
        assert!(Scopes::READ.allow(Scope::Read) && !Scopes::READ.allow(Scope::Write));
        assert!(Scopes::WRITE.allow(Scope::Write) && !Scopes::WRITE.allow(Scope::Read));
    }

    #[test]
    fn names_are_one_trimmed_line_of_at_most_80_characters() {
        assert_eq!(
            TokenName::parse("  CRM sync ").unwrap().as_str(),
            "CRM sync"
        );
        assert!(TokenName::parse("   ").is_err());
        assert!(TokenName::parse(&"x".repeat(81)).is_err());
        assert!(TokenName::parse("a\nb").is_err());
    }

    #[test]
    fn lifetimes_are_between_a_day_and_a_year() {
        assert_eq!(parse_lifetime_days(None), Ok(90));
        assert!(parse_lifetime_days(Some(0)).is_err());
        assert!(parse_lifetime_days(Some(366)).is_err());
    }
}
