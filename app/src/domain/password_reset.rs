//! Account recovery: how long a reset link works, what a reset request is answered with for
//! each kind of account, and what a reset link's page says. The request's answer on the page
//! is the same for every address; only the email (which reaches the address's owner) differs.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::Standing;

/// How long a reset link works after it was emailed.
pub const RESET_LINK_VALIDITY_MINUTES: i64 = 60;

/// When a link emailed at `issued_at` stops working.
pub fn reset_link_expires_at(issued_at: DateTime<Utc>) -> DateTime<Utc> {
    issued_at + Duration::minutes(RESET_LINK_VALIDITY_MINUTES)
}

/// The path of a reset link's page.
pub fn reset_link_path(token: &str) -> String {
    format!("/password-reset/{token}")
}

/// What the email answering a reset request gives its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetReply {
    /// The account can sign in: a link to choose a new password.
    Link,
    /// No link (a new password would not let them in): why they cannot sign in.
    CannotSignIn(Standing),
}

impl ResetReply {
    /// Only an account that can sign in gets a link.
    pub fn for_standing(standing: Standing) -> Self {
        match standing {
            Standing::Active => ResetReply::Link,
            other => ResetReply::CannotSignIn(other),
        }
    }
}

/// Why an account that asked for a reset cannot sign in, in the words of its email.
pub fn cannot_sign_in_reason(standing: Standing) -> &'static str {
    match standing {
        Standing::Active => "",
        Standing::AwaitingReview => {
            "Your registration is waiting for an administrator's review. You can log in with \
             the password you chose once it is approved; you will get an email then."
        }
        Standing::Rejected => {
            "Your registration was not approved, so the account cannot log in. If you think \
             this is a mistake, contact the portal's administrators."
        }
        Standing::Deactivated => {
            "An administrator deactivated this account, so it cannot log in. Contact the \
             portal's administrators if you need it back."
        }
    }
}

/// What a reset link's page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetLinkState {
    /// The form for the new password.
    Usable,
    Expired,
    /// A new password was already chosen with it, or a newer link replaced it.
    Used,
    /// No link has this token (mistyped or cut off).
    Unknown,
}

impl ResetLinkState {
    pub fn title(self) -> &'static str {
        match self {
            ResetLinkState::Usable => "Choose a new password",
            ResetLinkState::Expired => "This link has expired",
            ResetLinkState::Used => "This link was already used",
            ResetLinkState::Unknown => "This link is not valid",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            ResetLinkState::Usable => "",
            ResetLinkState::Expired => {
                "A password-reset link works for one hour. Ask for a new one: it is sent to \
                 the same address."
            }
            ResetLinkState::Used => {
                "A reset link works once, and only the newest one you asked for works. If you \
                 already chose a new password, log in with it; otherwise ask for a new link."
            }
            ResetLinkState::Unknown => {
                "Check that you copied the whole link from the email, or ask for a new one."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_account_that_can_sign_in_is_sent_a_link() {
        assert_eq!(ResetReply::for_standing(Standing::Active), ResetReply::Link);
        for standing in [
            Standing::AwaitingReview,
            Standing::Rejected,
            Standing::Deactivated,
        ] {
            assert_eq!(
                ResetReply::for_standing(standing),
                ResetReply::CannotSignIn(standing)
            );
            assert!(!cannot_sign_in_reason(standing).is_empty());
        }
    }

    #[test]
    fn a_link_works_for_one_hour() {
        let issued = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            reset_link_expires_at(issued),
            DateTime::parse_from_rfc3339("2026-12-04T11:00:00Z").unwrap()
        );
    }

    #[test]
    fn every_dead_link_says_what_to_do() {
        for state in [
            ResetLinkState::Expired,
            ResetLinkState::Used,
            ResetLinkState::Unknown,
        ] {
            assert!(state.message().contains("new"), "{state:?}");
        }
    }
}
