//! Fuzz target for the password policy (issue #7, item 9). It lives here, outside
//! `domain/password.rs`, and uses only the public API: the properties hold for every preset.

#[path = "../src/fuzz_support.rs"]
#[allow(dead_code)]
mod fuzz_support;

use app::domain::{Password, PasswordError, PasswordPolicy};
use fuzz_support::{assembled, junk, nasty_char, padding};
use proptest::prelude::*;

/// Candidates around the policy's edges: every character class, look-alikes of the classes
/// (non-ASCII digits, title-case and uncased letters, marks, controls, emoji), lengths on both
/// sides of the limits, and now and then a very long paste.
fn password_like() -> impl Strategy<Value = String> {
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

/// Under each preset: no panic; an accepted password is kept exactly as typed (never trimmed,
/// truncated or normalized), meets every rule and is never shown by `Debug`; a refusal names
/// at least one rule, each once, or says the password is common.
#[test]
fn fuzz_password() {
    fuzz_support::run("password", file!(), password_like(), |input| {
        for policy in PasswordPolicy::ALL {
            match Password::parse(&input, policy) {
                Ok(password) => {
                    prop_assert_eq!(password.expose(), input.as_str());
                    prop_assert!(policy.unmet(&input).is_empty());
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
                    prop_assert!(app::domain::common_passwords::is_common(&input));
                }
            }
        }
        Ok(())
    });
}
