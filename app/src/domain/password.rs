//! The password policy (lifecycle.md: the seed's policy is the default). The same rules tick
//! live in the browser and are enforced again on the server.

use std::fmt;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 16;

/// One rule of the policy; the form lists them all and ticks the ones met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PasswordRule {
    Length,
    Lowercase,
    Uppercase,
    Digit,
    Special,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 5] = [
        PasswordRule::Length,
        PasswordRule::Lowercase,
        PasswordRule::Uppercase,
        PasswordRule::Digit,
        PasswordRule::Special,
    ];

    /// Whether `candidate` satisfies this rule. Lengths count Unicode characters, not bytes.
    pub fn is_met(self, candidate: &str) -> bool {
        match self {
            PasswordRule::Length => {
                (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&candidate.chars().count())
            }
            PasswordRule::Lowercase => candidate.chars().any(char::is_lowercase),
            PasswordRule::Uppercase => candidate.chars().any(char::is_uppercase),
            PasswordRule::Digit => candidate.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Special => candidate
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_control()),
        }
    }

    /// The rule as the form shows it.
    pub fn description(self) -> String {
        match self {
            PasswordRule::Length => {
                format!("{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters")
            }
            PasswordRule::Lowercase => "a lowercase letter".into(),
            PasswordRule::Uppercase => "an uppercase letter".into(),
            PasswordRule::Digit => "a number".into(),
            PasswordRule::Special => "a special character (for example ! ? # or %)".into(),
        }
    }

    /// The rules `candidate` does not meet yet, in display order.
    pub fn unmet(candidate: &str) -> Vec<PasswordRule> {
        Self::ALL
            .into_iter()
            .filter(|r| !r.is_met(candidate))
            .collect()
    }
}

/// A password that meets the policy. Deliberately not `Serialize`, and `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the password needs {}", describe(.0))]
pub struct PasswordError(pub Vec<PasswordRule>);

fn describe(rules: &[PasswordRule]) -> String {
    let parts: Vec<String> = rules.iter().map(|r| r.description()).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

impl Password {
    pub fn parse(candidate: &str) -> Result<Self, PasswordError> {
        let unmet = PasswordRule::unmet(candidate);
        if unmet.is_empty() {
            Ok(Self(candidate.to_owned()))
        } else {
            Err(PasswordError(unmet))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_password_meeting_every_rule() {
        assert!(Password::parse("Abcdef12#x").is_ok());
        assert!(Password::parse("Abcdefgh12#xyzQW").is_ok()); // exactly 16
    }

    #[test]
    fn reports_every_unmet_rule_not_only_the_first() {
        let err = Password::parse("abc").unwrap_err();
        assert_eq!(
            err.0,
            vec![
                PasswordRule::Length,
                PasswordRule::Uppercase,
                PasswordRule::Digit,
                PasswordRule::Special
            ]
        );
        assert_eq!(
            err.to_string(),
            "the password needs 10 to 16 characters, an uppercase letter, a number and a special character (for example ! ? # or %)"
        );
    }

    #[test]
    fn counts_unicode_characters_not_bytes() {
        // 10 characters, more than 10 bytes.
        assert!(Password::parse("Äbcdéf12#ü").is_ok());
        assert_eq!(
            Password::parse("Abcdefgh12#xyzQWE").unwrap_err().0,
            vec![PasswordRule::Length]
        );
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let password = Password::parse("Abcdef12#x").unwrap();
        assert!(!format!("{password:?}").contains("Abcdef"));
    }

    proptest! {
        #[test]
        fn never_panics_and_agrees_with_the_rule_list(input in "\\PC{0,40}") {
            let parsed = Password::parse(&input);
            prop_assert_eq!(parsed.is_ok(), PasswordRule::unmet(&input).is_empty());
            if let Ok(p) = parsed { prop_assert_eq!(p.expose(), input.as_str()); }
        }
    }
}
