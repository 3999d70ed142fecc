//! An account's standing on the Developers page, and what an admin may do about it.
//! "All accounts, whether active or inactive, are listed as Developers": an account is inactive
//! because an admin deactivated it, or because its registration waits for review or was denied.
//! Only the first kind can be reactivated here: a registration is decided in Invitations.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Active,
    Deactivated,
    AwaitingReview,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountAction {
    Deactivate,
    Reactivate,
}

impl Standing {
    pub const ALL: [Standing; 4] = [
        Standing::Active,
        Standing::Deactivated,
        Standing::AwaitingReview,
        Standing::Rejected,
    ];

    /// From the stored facts: the active flag, whether an admin deactivated the account, and
    /// whether its newest registration was denied.
    pub fn of(active: bool, deactivated: bool, registration_denied: bool) -> Self {
        match (active, deactivated, registration_denied) {
            (true, _, _) => Standing::Active,
            (false, true, _) => Standing::Deactivated,
            (false, false, true) => Standing::Rejected,
            (false, false, false) => Standing::AwaitingReview,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Active => "active",
            Standing::Deactivated => "deactivated",
            Standing::AwaitingReview => "awaiting_review",
            Standing::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Active => "Active",
            Standing::Deactivated => "Deactivated",
            Standing::AwaitingReview => "Awaiting review",
            Standing::Rejected => "Rejected",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Standing::Active => "Can sign in and see the portal.",
            Standing::Deactivated => "An administrator deactivated this account: it cannot sign in until reactivated.",
            Standing::AwaitingReview => "The registration waits for an administrator's review in Invitations.",
            Standing::Rejected => "An administrator denied the registration; a new invitation lets the developer try again.",
        }
    }

    pub fn is_active(self) -> bool {
        self == Standing::Active
    }
}

/// Why an account action is not available, in words for the button's tooltip and the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AccountRefusal {
    #[error("You cannot deactivate your own account: ask another administrator.")]
    OwnAccount,
    #[error("The account is already deactivated.")]
    AlreadyDeactivated,
    #[error("The account is already active.")]
    AlreadyActive,
    #[error("The registration waits for review: accept or deny it in Invitations.")]
    UnderReview,
    #[error("The registration was denied: send a new invitation from Invitations instead.")]
    RegistrationDenied,
    #[error("This is the last active administrator: Portico needs at least one. Make another administrator first.")]
    LastAdmin,
}

/// An admin account may be deactivated only while another admin stays active, so that Portico
/// is never left without anyone who can run it. `other_active_admins` counts the active admins
/// besides the account acted on, read under a lock by the caller so that two admins
/// deactivating each other at the same moment cannot both pass.
pub fn keep_an_admin(
    role: super::Role,
    action: AccountAction,
    other_active_admins: usize,
) -> Result<(), AccountRefusal> {
    if role == super::Role::Admin && action == AccountAction::Deactivate && other_active_admins == 0
    {
        return Err(AccountRefusal::LastAdmin);
    }
    Ok(())
}

/// The standing an action leads to, or why it is refused. `own_account`: the admin acting is
/// the account's owner.
pub fn decide_account(
    standing: Standing,
    action: AccountAction,
    own_account: bool,
) -> Result<Standing, AccountRefusal> {
    use AccountAction::*;
    match (standing, action) {
        (Standing::Active, Deactivate) if own_account => Err(AccountRefusal::OwnAccount),
        (Standing::Active, Deactivate) => Ok(Standing::Deactivated),
        (Standing::Active, Reactivate) => Err(AccountRefusal::AlreadyActive),
        (Standing::Deactivated, Reactivate) => Ok(Standing::Active),
        (Standing::Deactivated, Deactivate) => Err(AccountRefusal::AlreadyDeactivated),
        (Standing::AwaitingReview, _) => Err(AccountRefusal::UnderReview),
        (Standing::Rejected, _) => Err(AccountRefusal::RegistrationDenied),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountAction::*;

    #[test]
    fn every_standing_and_action_has_one_answer() {
        let expected = |standing, action, own| -> Result<Standing, AccountRefusal> {
            match (standing, action, own) {
                (Standing::Active, Deactivate, false) => Ok(Standing::Deactivated),
                (Standing::Active, Deactivate, true) => Err(AccountRefusal::OwnAccount),
                (Standing::Active, Reactivate, _) => Err(AccountRefusal::AlreadyActive),
                (Standing::Deactivated, Reactivate, _) => Ok(Standing::Active),
                (Standing::Deactivated, Deactivate, _) => Err(AccountRefusal::AlreadyDeactivated),
                (Standing::AwaitingReview, _, _) => Err(AccountRefusal::UnderReview),
                (Standing::Rejected, _, _) => Err(AccountRefusal::RegistrationDenied),
            }
        };
        for standing in Standing::ALL {
            for action in [Deactivate, Reactivate] {
                for own in [false, true] {
                    assert_eq!(
                        decide_account(standing, action, own),
                        expected(standing, action, own),
                        "{standing:?} x {action:?} (own account: {own})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_last_active_admin_cannot_be_deactivated() {
        use crate::domain::Role;
        assert_eq!(
            keep_an_admin(Role::Admin, Deactivate, 0),
            Err(AccountRefusal::LastAdmin)
        );
        assert_eq!(keep_an_admin(Role::Admin, Deactivate, 1), Ok(()));
        assert_eq!(keep_an_admin(Role::Developer, Deactivate, 0), Ok(()));
        assert_eq!(keep_an_admin(Role::Admin, Reactivate, 0), Ok(()));
    }

    #[test]
    fn standing_comes_from_the_stored_facts() {
        assert_eq!(Standing::of(true, false, false), Standing::Active);
        assert_eq!(Standing::of(true, true, true), Standing::Active);
        assert_eq!(Standing::of(false, true, true), Standing::Deactivated);
        assert_eq!(Standing::of(false, false, true), Standing::Rejected);
        assert_eq!(Standing::of(false, false, false), Standing::AwaitingReview);
    }

    #[test]
    fn reactivating_a_deactivated_account_makes_it_active_again() {
        let off = decide_account(Standing::Active, Deactivate, false).unwrap();
        assert_eq!(decide_account(off, Reactivate, false), Ok(Standing::Active));
        assert!(!off.is_active());
    }
}
