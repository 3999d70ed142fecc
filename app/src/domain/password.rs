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
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PORTICO: PasswordPolicy = PasswordPolicy::Portico;
    const NIST: PasswordPolicy = PasswordPolicy::Nist;

    #[test]
    fn a_new_password_reports_its_problems_and_a_differing_confirmation_together() {
        let error = NewPassword::parse("short", "shorter", PORTICO).unwrap_err();
        assert!(matches!(error.refused, Some(PasswordError::Unmet(..))));
        assert!(error.mismatch);
        let sentences = error.sentences("new password");
        assert!(
            sentences[0].starts_with("The new password needs 10 to 16 characters"),
            "{sentences:?}"
        );
        assert_eq!(
            sentences[1],
            "The new password and its confirmation are different."
        );
        assert_eq!(
            NewPassword::parse("Aa1!aaaaaaZ", "Aa1!aaaaaaZ", PORTICO)
                .map(|p| p.into_password().expose().to_owned()),
            Ok("Aa1!aaaaaaZ".to_owned())
        );
        let common = NewPassword::parse("Password123!", "Password123!", PORTICO).unwrap_err();
        assert_eq!(
            (common.refused, common.mismatch),
            (Some(PasswordError::Common), false)
        );
    }

    #[test]
    fn the_browser_is_ready_to_send_only_a_password_meeting_the_rules_and_confirmed() {
        assert!(NewPassword::ready(PORTICO, "Aa1!aaaaaaZ", "Aa1!aaaaaaZ"));
        assert!(!NewPassword::ready(PORTICO, "Aa1!aaaaaaZ", "Aa1!aaaaaaY"));
        assert!(!NewPassword::ready(PORTICO, "short", "short"));
        assert!(!NewPassword::confirmation_differs("Aa1!aaaaaaZ", ""));
        assert!(NewPassword::confirmation_differs("Aa1!aaaaaaZ", "Aa1"));
    }

    #[test]
    fn accepts_a_password_meeting_every_rule() {
        assert!(Password::parse("Abcdef12#x", PORTICO).is_ok());
        assert!(Password::parse("Abcdefgh12#xyzQW", PORTICO).is_ok()); // exactly 16
    }

    #[test]
    fn reports_every_unmet_rule_not_only_the_first() {
        let err = Password::parse("abc", PORTICO).unwrap_err();
        assert_eq!(
            err,
            PasswordError::Unmet(
                vec![
                    PasswordRule::Length,
                    PasswordRule::Uppercase,
                    PasswordRule::Digit,
                    PasswordRule::Special
                ],
                PORTICO
            )
        );
        assert_eq!(
            err.to_string(),
            "the password needs 10 to 16 characters, an uppercase letter, a number and a special character (for example ! ? # or %)"
        );
    }

    #[test]
    fn counts_unicode_characters_not_bytes() {
        // 10 characters, more than 10 bytes.
        assert!(Password::parse("Äbcdéf12#ü", PORTICO).is_ok());
        assert_eq!(
            Password::parse("Abcdefgh12#xyzQWE", PORTICO).unwrap_err(),
            PasswordError::Unmet(vec![PasswordRule::Length], PORTICO)
        );
        // 15 emoji are 60 bytes: long enough for NIST, counted as 15.
        assert!(Password::parse(&"🦀".repeat(15), NIST).is_ok());
        assert!(Password::parse(&"🦀".repeat(14), NIST).is_err());
    }

    #[test]
    fn the_nist_preset_has_no_composition_rules_and_a_long_maximum() {
        assert_eq!(NIST.rules(), &[PasswordRule::Length]);
        assert!(NIST.max_chars() >= 64);
        // Lowercase letters and spaces only: fine under NIST, refused by the default preset.
        let passphrase = "tangerine orbit lamp";
        assert!(Password::parse(passphrase, NIST).is_ok());
        assert!(Password::parse(passphrase, PORTICO).is_err());
        assert_eq!(
            Password::parse("Abcdef12#x", NIST).unwrap_err().to_string(),
            "the password needs at least 15 characters (up to 128)"
        );
        // 128 characters are accepted whole (never truncated), 129 are refused.
        let longest = "Tangerine orbit ".repeat(8);
        assert_eq!(longest.chars().count(), 128);
        assert_eq!(Password::parse(&longest, NIST).unwrap().expose(), longest);
        assert!(Password::parse(&format!("{longest}x"), NIST).is_err());
    }

    #[test]
    fn common_passwords_are_refused_under_every_preset_with_the_reason() {
        assert_eq!(
            Password::parse("Password123!", PORTICO).unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            Password::parse("1qaz2wsx3edc4rfv", NIST).unwrap_err(),
            PasswordError::Common
        );
        let message = PasswordError::Common.to_string();
        assert!(
            message.contains("10,000 most common passwords"),
            "{message}"
        );
    }

    #[test]
    fn presets_round_trip_through_their_names() {
        for policy in PasswordPolicy::ALL {
            assert_eq!(PasswordPolicy::parse(policy.as_str()), Some(policy));
        }
        assert_eq!(PasswordPolicy::parse("lenient"), None);
        assert_eq!(PasswordPolicy::default(), PORTICO);
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let password = Password::parse("Abcdef12#x", PORTICO).unwrap();
        assert!(!format!("{password:?}").contains("Abcdef"));
    }

    /// Candidates around the policies' edges: every character class, look-alikes of the
    /// classes (non-ASCII digits, title-case and uncased letters, marks, controls, emoji),
    /// lengths on both sides of the limits, and now and then a very long paste.
    fn password_like() -> impl Strategy<Value = String> {
        use crate::fuzz_support::{assembled, junk, nasty_char, padding};
        let piece = prop_oneof![
            4 => "[a-z]{1,4}",
            3 => "[A-Z]{1,3}",
            3 => "[0-9]{1,3}",
            3 => "[!?#%&*()\\[\\]{}<>@$^_=+~`|\\\\/;:'\",.-]{1,2}",
            2 => "[éßяΣÉŸǅ例٣１Ａ\\u{301}\\u{200d}😀]{1,3}",
            2 => nasty_char().prop_map(String::from),
            1 => padding().prop_map(String::from),
            1 => junk(4),
        ];
        let long =
            (1_000..70_000usize, "[a-zA-Z0-9!]{1,4}").prop_map(|(n, unit)| unit.repeat(n / 4));
        prop_oneof![400 => assembled(piece, 10), 1 => long]
    }

    /// Property test. Under each preset: no panic; an accepted password is kept exactly as
    /// typed (never trimmed, truncated or normalized), meets every rule, is not common and is
    /// never shown by `Debug`; a refusal names the unmet rules, each once, or says the
    /// password is common.
    #[test]
    fn fuzz_password() {
        crate::fuzz_support::run("password", file!(), password_like(), |input| {
            for policy in PasswordPolicy::ALL {
                match Password::parse(&input, policy) {
                    Ok(password) => {
                        prop_assert_eq!(password.expose(), input.as_str());
                        prop_assert!(policy.unmet(&input).is_empty());
                        prop_assert!(!is_common(&input));
                        let debug = format!("{password:?}");
                        let mask_only = "Password(********)".contains(input.as_str());
                        prop_assert!(mask_only || !debug.contains(&input), "{debug}");
                        prop_assert_eq!(Password::parse(password.expose(), policy), Ok(password));
                    }
                    Err(PasswordError::Unmet(rules, refused_under)) => {
                        prop_assert_eq!(refused_under, policy);
                        prop_assert!(!rules.is_empty());
                        for (i, rule) in rules.iter().enumerate() {
                            prop_assert!(!rules[..i].contains(rule), "{rules:?}");
                            prop_assert!(policy.rules().contains(rule), "{rule:?}");
                        }
                        prop_assert_eq!(&rules, &policy.unmet(&input));
                    }
                    Err(PasswordError::Common) => {
                        prop_assert!(policy.unmet(&input).is_empty());
                        prop_assert!(is_common(&input));
                    }
                }
            }
            Ok(())
        });
    }
}
