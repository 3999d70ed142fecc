//! The password policy (docs/lifecycle.md: the seed's policy is the default preset; NIST SP 800-63B
//! is the other). The same rules tick live in the browser and are enforced again on the
//! server, which also refuses the common passwords of [`super::common_passwords`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common_passwords::is_common;

/// The policy presets an administrator chooses between in Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordPolicy {
    /// The seed's policy: 10 to 16 characters with a lowercase and an uppercase letter, a
    /// number and a special character.
    #[default]
    Portico,
    /// NIST SP 800-63B (single-factor): at least 15 characters, up to 128, no composition
    /// rules; every character counts, spaces and emoji included.
    Nist,
}

impl PasswordPolicy {
    pub const ALL: [PasswordPolicy; 2] = [PasswordPolicy::Portico, PasswordPolicy::Nist];

    pub fn as_str(self) -> &'static str {
        match self {
            PasswordPolicy::Portico => "portico",
            PasswordPolicy::Nist => "nist",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            PasswordPolicy::Portico => {
                "Portico default: 10 to 16 characters, mixed case, a number and a special character"
            }
            PasswordPolicy::Nist => {
                "NIST SP 800-63B: at least 15 characters (up to 128), no composition rules"
            }
        }
    }

    /// Fewest characters (Unicode scalar values, not bytes).
    pub fn min_chars(self) -> usize {
        match self {
            PasswordPolicy::Portico => 10,
            PasswordPolicy::Nist => 15,
        }
    }

    /// Most characters. Nothing is ever truncated: a longer password is refused, not cut.
    pub fn max_chars(self) -> usize {
        match self {
            PasswordPolicy::Portico => 16,
            PasswordPolicy::Nist => 128,
        }
    }

    /// The rules of this policy, in display order.
    pub fn rules(self) -> &'static [PasswordRule] {
        match self {
            PasswordPolicy::Portico => &PasswordRule::ALL,
            PasswordPolicy::Nist => &[PasswordRule::Length],
        }
    }

    /// The rules `candidate` does not meet yet, in display order.
    pub fn unmet(self, candidate: &str) -> Vec<PasswordRule> {
        self.rules()
            .iter()
            .copied()
            .filter(|r| !r.is_met(self, candidate))
            .collect()
    }
}

/// One rule of a policy; the form lists them all and ticks the ones met.
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
    pub fn is_met(self, policy: PasswordPolicy, candidate: &str) -> bool {
        match self {
            PasswordRule::Length => {
                (policy.min_chars()..=policy.max_chars()).contains(&candidate.chars().count())
            }
            PasswordRule::Lowercase => candidate.chars().any(char::is_lowercase),
            PasswordRule::Uppercase => candidate.chars().any(char::is_uppercase),
            PasswordRule::Digit => candidate.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Special => candidate
                .chars()
                .any(|c| !c.is_alphanumeric() && !c.is_control()),
        }
    }

    /// The same rule as a regular expression, for the pages that tick the rules in the browser
    /// without the app's code (`components/plain_page.js` tests it with the `u` flag: Unicode
    /// properties, lengths in code points, as [`Self::is_met`] counts characters). Unit tests
    /// check that the two agree.
    pub fn pattern(self, policy: PasswordPolicy) -> String {
        match self {
            PasswordRule::Length => {
                format!(r"^[\s\S]{{{},{}}}$", policy.min_chars(), policy.max_chars())
            }
            PasswordRule::Lowercase => r"\p{Lowercase}".to_owned(),
            PasswordRule::Uppercase => r"\p{Uppercase}".to_owned(),
            PasswordRule::Digit => "[0-9]".to_owned(),
            // Neither alphabetic, nor numeric (Nd, Nl, No), nor a control character.
            PasswordRule::Special => r"[^\p{Alphabetic}\p{N}\p{Cc}]".to_owned(),
        }
    }

    /// The rule as the form shows it.
    pub fn description(self, policy: PasswordPolicy) -> String {
        match self {
            PasswordRule::Length => match policy {
                PasswordPolicy::Portico => {
                    format!(
                        "{} to {} characters",
                        policy.min_chars(),
                        policy.max_chars()
                    )
                }
                PasswordPolicy::Nist => format!(
                    "at least {} characters (up to {})",
                    policy.min_chars(),
                    policy.max_chars()
                ),
            },
            PasswordRule::Lowercase => "a lowercase letter".into(),
            PasswordRule::Uppercase => "an uppercase letter".into(),
            PasswordRule::Digit => "a number".into(),
            PasswordRule::Special => "a special character (for example ! ? # or %)".into(),
        }
    }
}

/// A password that meets the policy. Deliberately not `Serialize`, and `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused; the message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password needs {}", describe(.1, .0))]
    Unmet(Vec<PasswordRule>, PasswordPolicy),
    #[error(
        "the password is one of the 10,000 most common passwords (or one with \
         only numbers or symbols added), which attackers try first; choose another"
    )]
    Common,
}

fn describe(policy: &PasswordPolicy, rules: &[PasswordRule]) -> String {
    let parts: Vec<String> = rules.iter().map(|r| r.description(*policy)).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

impl Password {
    /// Checks `candidate` against `policy`'s rules, then against the common passwords.
    pub fn parse(candidate: &str, policy: PasswordPolicy) -> Result<Self, PasswordError> {
        let unmet = policy.unmet(candidate);
        if !unmet.is_empty() {
            return Err(PasswordError::Unmet(unmet, policy));
        }
        if is_common(candidate) {
            return Err(PasswordError::Common);
        }
        Ok(Self(candidate.to_owned()))
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

/// A new password and its confirmation, checked together: the one rule every form that sets a
/// password follows (the invitation link's page, the profile), on the server and, for the part
/// that needs no list, live in the browser.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(Password);

/// Why a new password was refused: the password itself, its confirmation, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasswordError {
    pub refused: Option<PasswordError>,
    pub mismatch: bool,
}

/// What the forms say when the confirmation differs (live, and from the server).
pub const CONFIRMATION_DIFFERS: &str = "The password and its confirmation are different.";

impl NewPassword {
    /// The password, checked against `policy` and the common passwords, and its confirmation.
    /// Every problem is reported, not only the first.
    pub fn parse(
        candidate: &str,
        confirmation: &str,
        policy: PasswordPolicy,
    ) -> Result<Self, NewPasswordError> {
        let parsed = Password::parse(candidate, policy);
        let mismatch = candidate != confirmation;
        match parsed {
            Ok(password) if !mismatch => Ok(Self(password)),
            parsed => Err(NewPasswordError {
                refused: parsed.err(),
                mismatch,
            }),
        }
    }

    /// What the browser checks before it lets the form be sent: the policy's rules and the
    /// confirmation (the common-password list is only on the server, which checks it all again).
    pub fn ready(policy: PasswordPolicy, candidate: &str, confirmation: &str) -> bool {
        policy.unmet(candidate).is_empty() && candidate == confirmation
    }

    /// Whether to show [`CONFIRMATION_DIFFERS`] under a confirmation being typed.
    pub fn confirmation_differs(candidate: &str, confirmation: &str) -> bool {
        !confirmation.is_empty() && candidate != confirmation
    }

    pub fn into_password(self) -> Password {
        self.0
    }
}

impl NewPasswordError {
    /// The problems as sentences, naming the field as the form labels it (`"password"`, or
    /// `"new password"` where a current password is asked too).
    pub fn sentences(&self, field: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(refused) = &self.refused {
            let reason = refused.to_string();
            let reason = reason.trim_start_matches("the password ");
            problems.push(format!("The {field} {reason}."));
        }
        if self.mismatch {
            problems.push(CONFIRMATION_DIFFERS.replace("password", field));
        }
        problems
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(********)")
    }
}

#[cfg(test)]
mod tests;
