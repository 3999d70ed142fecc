//! Two-step sign-in for administrators (TOTP, RFC 6238): who is asked for a code, what a typed
//! code may look like, and the numbers the flow keeps to. The codes themselves are computed on
//! the server (`ssr::auth::totp`).

use serde::{Deserialize, Serialize};

use super::Role;

/// Seconds per TOTP time step (RFC 6238's default, what every authenticator app uses).
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const CODE_DIGITS: usize = 6;
/// Codes from this many steps before or after now are accepted too (a phone's clock a little
/// off, a code typed as it rolled over).
pub const ALLOWED_DRIFT_STEPS: u64 = 1;
/// Recovery codes given at enrollment (and when they are regenerated).
pub const RECOVERY_CODES: usize = 10;
/// How long the code step of a login lasts after the password was accepted.
pub const CODE_STEP_MINUTES: i64 = 5;
/// Wrong codes one code step accepts before the password has to be typed again.
pub const WRONG_CODES_PER_STEP: i32 = 5;
/// The issuer authenticator apps show next to the account.
pub const ISSUER: &str = "Portico";

/// What comes after a correct password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondStep {
    /// Nothing: the account is signed in.
    None,
    /// A code from the authenticator app (or a recovery code).
    Code,
    /// The portal requires two-step sign-in for administrators and this one has not set it up:
    /// they set it up now, before they are signed in.
    Enroll,
}

/// The rule: an account that has set up an authenticator is always asked for a code; an
/// administrator who has not is made to set one up when the portal requires it.
pub fn second_step(role: Role, enrolled: bool, required_for_admins: bool) -> SecondStep {
    if enrolled {
        SecondStep::Code
    } else if role == Role::Admin && required_for_admins {
        SecondStep::Enroll
    } else {
        SecondStep::None
    }
}

/// Who may set up an authenticator: administrators (the accounts that run the portal).
pub fn may_enroll(role: Role) -> bool {
    role == Role::Admin
}

/// A code as typed at the code step: six digits from the app, or one of the recovery codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginCode {
    /// Six digits (spaces the app shows in the middle are dropped).
    Totp(String),
    /// A recovery code, lowercased, without its dash or spaces.
    Recovery(String),
}

/// Characters of a recovery code (before the dash is added for reading): no 0/o, 1/l/i.
pub const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Characters per recovery code (without its dashes): 16 of 31, about 79 bits, so that even
/// their stored SHA-256 hashes, if the database leaked, cannot be reversed by trying them all.
pub const RECOVERY_CODE_CHARS: usize = 16;

impl LoginCode {
    /// Reads what was typed; the error says what a code looks like.
    pub fn parse(typed: &str) -> Result<Self, &'static str> {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if compact.is_empty() {
            return Err("Type the 6-digit code from your authenticator app, or a recovery code.");
        }
        if compact.len() == CODE_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(LoginCode::Totp(compact));
        }
        if compact.len() == RECOVERY_CODE_CHARS
            && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            return Ok(LoginCode::Recovery(compact));
        }
        Err("That is not a code: type the 6 digits your authenticator app shows now, or one of your recovery codes (like abcd-efgh-jkmn-pqrs).")
    }

    /// Only an app code (setting up an authenticator proves the app works: a recovery code
    /// proves nothing there).
    pub fn parse_totp(typed: &str) -> Result<String, &'static str> {
        match Self::parse(typed) {
            Ok(LoginCode::Totp(code)) => Ok(code),
            _ => Err("Type the 6 digits your authenticator app shows for Portico."),
        }
    }
}

/// A recovery code as shown to its owner: groups of four, `abcd-efgh-jkmn-pqrs`.
pub fn display_recovery_code(compact: &str) -> String {
    in_groups_of_four(compact, "-")
}

/// `text` (ASCII: keys and codes) in groups of four characters joined by `separator`, as
/// authenticator apps show keys and people type them.
pub fn in_groups_of_four(text: &str, separator: &str) -> String {
    text.as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_enrolled_account_or_an_admin_the_portal_requires_it_of_gets_a_second_step() {
        assert_eq!(second_step(Role::Admin, true, false), SecondStep::Code);
        assert_eq!(second_step(Role::Admin, true, true), SecondStep::Code);
        assert_eq!(second_step(Role::Admin, false, true), SecondStep::Enroll);
        assert_eq!(second_step(Role::Admin, false, false), SecondStep::None);
        assert_eq!(second_step(Role::Developer, false, true), SecondStep::None);
        assert_eq!(second_step(Role::Developer, true, false), SecondStep::Code);
    }

    #[test]
    fn app_codes_and_recovery_codes_are_told_apart_however_they_are_typed() {
        assert_eq!(
            LoginCode::parse(" 123 456 "),
            Ok(LoginCode::Totp("123456".into()))
        );
        assert_eq!(
            LoginCode::parse("ABCD-EFGH-JKMN-PQRS"),
            Ok(LoginCode::Recovery("abcdefghjkmnpqrs".into()))
        );
        assert!(LoginCode::parse("").is_err());
        assert!(LoginCode::parse("12345").is_err());
        assert!(LoginCode::parse("1234567").is_err());
        // 'l', '1', 'o' and '0' are never in a recovery code.
        assert!(LoginCode::parse("abcd-efgh-jkmn-pqrl").is_err());
        assert!(LoginCode::parse("abcd-efgh-jkmn").is_err());
        assert!(LoginCode::parse_totp("abcd-efgh-jkmn-pqrs").is_err());
        assert_eq!(LoginCode::parse_totp("654 321"), Ok("654321".into()));
    }

    #[test]
    fn a_recovery_code_is_shown_in_groups_of_four_and_read_back_as_shown() {
        let shown = display_recovery_code("abcdefghjkmnpqrs");
        assert_eq!(shown, "abcd-efgh-jkmn-pqrs");
        assert_eq!(
            LoginCode::parse(&shown),
            Ok(LoginCode::Recovery("abcdefghjkmnpqrs".into()))
        );
    }
}
