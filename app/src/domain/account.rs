//! Account values: roles and full names.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Developer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Developer => "developer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "admin" => Some(Role::Admin),
            "developer" => Some(Role::Developer),
            _ => None,
        }
    }
}

pub const MAX_FULL_NAME_CHARS: usize = 100;

/// A person's full name: 1 to 100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FullName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FullNameError {
    #[error("enter your full name")]
    Empty,
    #[error("a full name can be at most {MAX_FULL_NAME_CHARS} characters long")]
    TooLong,
    #[error("a full name cannot contain line breaks, tabs or other control characters")]
    ControlCharacter,
    #[error("a full name cannot contain invisible text-direction marks (they can make a name display as another)")]
    DirectionMark,
}

/// Unicode's explicit text-direction formatting characters (marks, embeddings, overrides,
/// isolates). In a name shown to admins they can reorder what follows ("Trojan Source"
/// spoofing); no name needs them. Zero-width joiners stay allowed: several scripts need them.
pub fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl FullName {
    pub fn parse(input: &str) -> Result<Self, FullNameError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FullNameError::Empty);
        }
        if value.chars().count() > MAX_FULL_NAME_CHARS {
            return Err(FullNameError::TooLong);
        }
        if value.chars().any(char::is_control) {
            return Err(FullNameError::ControlCharacter);
        }
        if value.chars().any(is_direction_mark) {
            return Err(FullNameError::DirectionMark);
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for FullName {
    type Error = FullNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<FullName> for String {
    fn from(value: FullName) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_accepts_names_up_to_the_limit() {
        assert_eq!(
            FullName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert!(FullName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            FullName::parse(&"é".repeat(101)).unwrap_err(),
            FullNameError::TooLong
        );
    }

    #[test]
    fn refuses_empty_names_and_control_characters() {
        assert_eq!(FullName::parse(" \t ").unwrap_err(), FullNameError::Empty);
        assert_eq!(
            FullName::parse("Ada\nBob").unwrap_err(),
            FullNameError::ControlCharacter
        );
    }

    #[test]
    fn refuses_text_direction_marks_but_keeps_joiners() {
        for spoof in ["Ada \u{202E}ecalevol", "\u{2067}Bob", "Ada\u{200F}"] {
            assert_eq!(
                FullName::parse(spoof).unwrap_err(),
                FullNameError::DirectionMark,
                "{spoof:?}"
            );
        }
        // Persian needs the zero-width non-joiner; emoji sequences the joiner.
        assert!(FullName::parse(
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}"
        )
        .is_ok());
        assert!(FullName::parse("Ada \u{1F469}\u{200D}\u{1F4BB}").is_ok());
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in [Role::Admin, Role::Developer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    fn name_like() -> impl Strategy<Value = String> {
        use crate::fuzz_support::{assembled, junk, nasty_char, padding};
        let piece = prop_oneof![
            6 => "[A-Z][a-z]{0,10}",
            3 => Just(" ".to_owned()),
            2 => "[éßяΣ例İﬁ\u{301}\u{200d}\u{202e}\u{2066}'-]{1,4}",
            2 => nasty_char().prop_map(String::from),
            1 => junk(4),
            1 => "[a-z]{95,105}",
            1 => "é{95,105}",
        ];
        (padding(), assembled(piece, 8), padding())
            .prop_map(|(before, name, after)| format!("{before}{name}{after}"))
    }

    /// Property test: no panic, and exactly the documented rule: 1 to 100 characters after
    /// trimming, no control characters; an accepted name is the trimmed input.
    #[test]
    fn fuzz_full_name() {
        crate::fuzz_support::run("full_name", file!(), name_like(), |input| {
            let trimmed = input.trim();
            let expected = if trimmed.is_empty() {
                Err(FullNameError::Empty)
            } else if trimmed.chars().count() > MAX_FULL_NAME_CHARS {
                Err(FullNameError::TooLong)
            } else if trimmed.chars().any(char::is_control) {
                Err(FullNameError::ControlCharacter)
            } else if trimmed.chars().any(is_direction_mark) {
                Err(FullNameError::DirectionMark)
            } else {
                Ok(trimmed)
            };
            let parsed = FullName::parse(&input);
            prop_assert_eq!(
                parsed.as_ref().map(FullName::as_str),
                expected.as_ref().copied()
            );
            if let Ok(name) = parsed {
                prop_assert_eq!(FullName::parse(name.as_str()), Ok(name.clone()));
                prop_assert_eq!(FullName::try_from(String::from(name.clone())), Ok(name));
            }
            Ok(())
        });
    }
}
