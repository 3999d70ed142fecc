//! The portal's name as the admin sets it in Settings: shown in the top bar, on the login
//! cards, in page titles, in every email and as the authenticator apps' issuer. Until an admin
//! sets one, the server's configured name (`PORTICO_PORTAL_NAME`) is used.

use serde::{Deserialize, Serialize};

pub const MAX_PORTAL_NAME_CHARS: usize = 60;

/// A name that fits a top bar and an email subject: trimmed, 1 to 60 characters, no line
/// breaks or other control characters (it goes into email headers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortalName(String);

impl PortalName {
    /// `Ok(None)` for an empty value: "use the configured name".
    pub fn parse_optional(input: &str) -> Result<Option<Self>, String> {
        let value = input.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > MAX_PORTAL_NAME_CHARS {
            return Err(format!(
                "at most {MAX_PORTAL_NAME_CHARS} characters (it is shown in the top bar and in email subjects)"
            ));
        }
        if value.chars().any(char::is_control) {
            return Err("no line breaks, tabs or other control characters".into());
        }
        Ok(Some(Self(value.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PortalName {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_optional(&value)?.ok_or_else(|| "a portal name cannot be empty".into())
    }
}

impl From<PortalName> for String {
    fn from(value: PortalName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_empty_means_the_configured_one() {
        assert_eq!(
            PortalName::parse_optional("  Acme Developers ")
                .unwrap()
                .unwrap()
                .as_str(),
            "Acme Developers"
        );
        assert_eq!(PortalName::parse_optional("   ").unwrap(), None);
    }

    #[test]
    fn long_names_and_control_characters_are_refused_with_the_reason() {
        assert!(PortalName::parse_optional(&"é".repeat(60))
            .unwrap()
            .is_some());
        assert!(PortalName::parse_optional(&"é".repeat(61))
            .unwrap_err()
            .starts_with("at most 60 characters"));
        assert!(PortalName::parse_optional("Acme\r\nBcc: x@y.z")
            .unwrap_err()
            .contains("no line breaks"));
    }
}
