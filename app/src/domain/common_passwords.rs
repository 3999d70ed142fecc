//! The 10,000 most common passwords, refused whatever the policy (ASVS 5.0 6.2.4, NIST SP
//! 800-63B 3.1.1.2: "passwords obtained from previous breach corpuses").
//!
//! `common_passwords.txt` is the first 10,000 entries, most frequent first, of the password
//! frequency list that zxcvbn ships (Dropbox's zxcvbn, in the Rust port `zxcvbn` 3.1.1,
//! MIT licence, Copyright (c) 2016 Joshua Holmer; the list itself comes from Mark Burnett's
//! 10 million password corpus). One lowercase password per line.
//!
//! Only the server calls this; the browser's build drops the list as unused.

use std::{collections::HashSet, sync::LazyLock};

/// How many passwords the list holds (said in the refusal message).
pub const COMMON_PASSWORD_COUNT: usize = 10_000;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// Whether `candidate` is a common password, ignoring case, or one with only digits and
/// symbols added before or after it (`Password123!` is `password` with a suffix).
pub fn is_common(candidate: &str) -> bool {
    let lower = candidate.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return true;
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    !core.is_empty() && core != lower && COMMON.contains(core)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_ten_thousand_distinct_lowercase_passwords() {
        let lines: Vec<&str> = include_str!("common_passwords.txt").lines().collect();
        assert_eq!(lines.len(), COMMON_PASSWORD_COUNT);
        assert_eq!(
            COMMON.len(),
            COMMON_PASSWORD_COUNT,
            "duplicates in the list"
        );
        assert!(lines
            .iter()
            .all(|p| !p.is_empty() && *p == p.to_lowercase()));
        assert_eq!(lines[0], "123456");
    }

    #[test]
    fn refuses_listed_passwords_whatever_their_case() {
        for listed in ["123456", "password", "qwertyuiop", "Trustno1", "PASSWORD1"] {
            assert!(is_common(listed), "{listed}");
        }
        // Long entries matter for the NIST preset's 15-character minimum.
        assert!(is_common("1qaz2wsx3edc4rfv"));
    }

    #[test]
    fn refuses_a_listed_password_with_digits_or_symbols_around_it() {
        for padded in ["Password123!", "!!Dragon2024", "Football#1", "monkey..."] {
            assert!(is_common(padded), "{padded}");
        }
    }

    #[test]
    fn accepts_passwords_that_are_not_listed() {
        for fine in [
            "Tangerine-Orbit-42",
            "correct horse battery staple",
            "Abcdef12#x",
            "Xq7!vR2#pL9@",
            "",
            "12345678901234567890123",
        ] {
            assert!(!is_common(fine), "{fine}");
        }
    }
}
