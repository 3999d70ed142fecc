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
    let long = (1_000..70_000usize, "[a-zA-Z0-9!]{1,4}").prop_map(|(n, unit)| unit.repeat(n / 4));
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

/// Property test. The pattern each rule gives the pages that tick the rules in the browser
/// without the app's code says "met" exactly when the rule itself does, under each preset,
/// for adversarial passwords (accents, combining marks, other scripts' digits, emoji,
/// control characters).
#[test]
fn each_rule_s_browser_pattern_agrees_with_the_rule() {
    let compiled: Vec<(PasswordPolicy, PasswordRule, regex::Regex)> = PasswordPolicy::ALL
        .iter()
        .flat_map(|&policy| {
            policy.rules().iter().map(move |&rule| {
                let pattern = regex::Regex::new(&rule.pattern(policy)).expect("a valid pattern");
                (policy, rule, pattern)
            })
        })
        .collect();
    crate::fuzz_support::run("password_pattern", file!(), password_like(), |input| {
        for (policy, rule, pattern) in &compiled {
            prop_assert_eq!(
                pattern.is_match(&input),
                rule.is_met(*policy, &input),
                "{:?} under {:?}",
                rule,
                policy
            );
        }
        Ok(())
    });
}

#[test]
fn the_length_pattern_counts_characters_at_both_ends() {
    let policy = PasswordPolicy::Portico;
    let pattern = regex::Regex::new(&PasswordRule::Length.pattern(policy)).unwrap();
    let min = policy.min_chars();
    assert!(!pattern.is_match(&"é".repeat(min - 1)));
    assert!(pattern.is_match(&"é".repeat(min)));
    assert!(pattern.is_match(&"😀".repeat(policy.max_chars())));
    assert!(!pattern.is_match(&"😀".repeat(policy.max_chars() + 1)));
}
