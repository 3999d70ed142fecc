//! Which action each status allows, what the action leads to, and why it is refused when it
//! is. The services apply a [`Transition`] with one conditional update that starts from
//! [`stored_condition_for_action`]; the UI shows [`allowed_actions`] and, for the rest, the
//! [`Refusal`] as a tooltip.

use super::link::LinkState;
use super::status::{ExpiryCondition, InvitationStatus, StoredCondition, StoredStatus};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What the services say when a conditional update finds the row no longer in the status it
/// was read in: someone else acted on the invitation first.
pub const CHANGED_MEANWHILE: &str =
    "This invitation changed while you were looking at it: refresh the list and try again";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationAction {
    /// Admin: send a fresh invitation that replaces this one.
    Resend,
    /// Admin: remove an unused invitation.
    Delete,
    /// Admin review: approve a Waiting registration.
    Accept,
    /// Admin review: refuse a Waiting registration.
    Deny,
    /// Developer, through the link: create the account.
    Complete,
}

impl InvitationAction {
    pub const ALL: [InvitationAction; 5] = [
        InvitationAction::Resend,
        InvitationAction::Delete,
        InvitationAction::Accept,
        InvitationAction::Deny,
        InvitationAction::Complete,
    ];

    /// The actions of the list's actions column, in display order.
    pub const ADMIN: [InvitationAction; 4] = [
        InvitationAction::Accept,
        InvitationAction::Deny,
        InvitationAction::Delete,
        InvitationAction::Resend,
    ];

    pub fn label(self) -> &'static str {
        match self {
            InvitationAction::Resend => "Resend invitation",
            InvitationAction::Delete => "Delete invitation",
            InvitationAction::Accept => "Accept",
            InvitationAction::Deny => "Deny",
            InvitationAction::Complete => "Create account",
        }
    }

    pub fn is_admin_action(self) -> bool {
        self != InvitationAction::Complete
    }

    /// The statuses the action is allowed from: the "allowed from" column of docs/lifecycle.md.
    pub fn allowed_from(self) -> &'static [InvitationStatus] {
        use InvitationStatus::*;
        match self {
            InvitationAction::Resend => &[Pending, Expired, Rejected],
            InvitationAction::Delete => &[Pending, Expired],
            InvitationAction::Accept | InvitationAction::Deny => &[Waiting],
            InvitationAction::Complete => &[Pending],
        }
    }
}

impl fmt::Display for InvitationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub row: RowChange,
    /// Resend only: a new Pending invitation to the same address (new token, new validity
    /// window, pointing at the row it supersedes) is created and its email queued.
    pub creates_superseding_invitation: bool,
    pub account: AccountChange,
}

/// What happens to the invitation row the action started from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowChange {
    /// The row's stored status becomes this one.
    Becomes(StoredStatus),
    /// The row is deleted, and its link dies with it.
    Removed,
}

/// What happens to the developer's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    Untouched,
    /// Complete: the account is created with this active flag, or, for a Rejected developer
    /// who was invited again, their existing account gets the new name, password and flag.
    Register {
        active: bool,
    },
    /// Accept: the existing (inactive) account becomes active.
    Activate,
    /// Deny: the existing account stays inactive.
    StaysInactive,
}

/// Why an action is not allowed from a status; `Display` gives the reason, written for the
/// person who tried (an admin, or for [`InvitationAction::Complete`] the developer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.reason())]
pub struct Refusal {
    pub status: InvitationStatus,
    pub action: InvitationAction,
}

impl Refusal {
    pub fn reason(&self) -> &'static str {
        use InvitationAction::*;
        use InvitationStatus::*;
        match (self.action, self.status) {
            (Complete, status) => LinkState::from_status(status).title(),
            (Resend, Waiting) => {
                "This registration is waiting for your review: accept or deny it instead of resending"
            }
            (Resend, Approved) => {
                "An Approved invitation has been used; there is nothing to resend"
            }
            (Resend, Inactivated) => {
                "A newer invitation has replaced this one; resend that one instead"
            }
            (Delete, Waiting) => {
                "Waiting invitations cannot be deleted: deny the registration instead"
            }
            (Delete, Approved) => {
                "An Approved invitation is the record of an active account and cannot be deleted"
            }
            (Delete, Rejected) => {
                "A Rejected invitation is the record of your decision and cannot be deleted; resend it to invite the developer again"
            }
            (Delete, Inactivated) => {
                "A replaced invitation is kept as history; delete the newer invitation instead"
            }
            (Accept | Deny, Pending) => {
                "Only Waiting registrations can be reviewed: the developer has not used this invitation yet"
            }
            (Accept | Deny, Expired) => {
                "Only Waiting registrations can be reviewed: this invitation expired unused"
            }
            (Accept | Deny, Approved) => {
                "Only Waiting registrations can be reviewed: this one is already approved"
            }
            (Accept | Deny, Rejected) => {
                "Only Waiting registrations can be reviewed: this one was already denied"
            }
            (Accept | Deny, Inactivated) => {
                "Only Waiting registrations can be reviewed: this invitation was replaced by a newer one"
            }
            // Allowed pairs never become a Refusal through `check`; say something true anyway.
            (Resend | Delete, Pending | Expired | Rejected) | (Accept | Deny, Waiting) => {
                "This action is not available for this invitation"
            }
        }
    }
}

/// Whether `action` is allowed from `status`.
pub fn check(status: InvitationStatus, action: InvitationAction) -> Result<(), Refusal> {
    if action.allowed_from().contains(&status) {
        Ok(())
    } else {
        Err(Refusal { status, action })
    }
}

/// What `action` leads to from `status`. `pre_approved` is the invitation's own flag (a
/// snapshot of auto-approval when it was sent); only [`InvitationAction::Complete`] reads it.
pub fn decide(
    status: InvitationStatus,
    action: InvitationAction,
    pre_approved: bool,
) -> Result<Transition, Refusal> {
    check(status, action)?;
    let (row, account) = match action {
        InvitationAction::Resend => (
            RowChange::Becomes(StoredStatus::Inactivated),
            AccountChange::Untouched,
        ),
        InvitationAction::Delete => (RowChange::Removed, AccountChange::Untouched),
        InvitationAction::Accept => (
            RowChange::Becomes(StoredStatus::Approved),
            AccountChange::Activate,
        ),
        InvitationAction::Deny => (
            RowChange::Becomes(StoredStatus::Rejected),
            AccountChange::StaysInactive,
        ),
        InvitationAction::Complete => (
            RowChange::Becomes(if pre_approved {
                StoredStatus::Approved
            } else {
                StoredStatus::Waiting
            }),
            AccountChange::Register {
                active: pre_approved,
            },
        ),
    };
    Ok(Transition {
        row,
        creates_superseding_invitation: action == InvitationAction::Resend,
        account,
    })
}

/// The admin actions available from `status`, in display order.
pub fn allowed_actions(status: InvitationStatus) -> Vec<InvitationAction> {
    InvitationAction::ADMIN
        .into_iter()
        .filter(|action| check(status, *action).is_ok())
        .collect()
}

/// The stored form of [`InvitationAction::allowed_from`]: the conditional update's
/// `WHERE status IN (...)` plus its valid-until condition. Zero rows updated means the
/// invitation changed meanwhile ([`CHANGED_MEANWHILE`]).
pub fn stored_condition_for_action(action: InvitationAction) -> StoredCondition {
    use StoredStatus::*;
    let (statuses, expiry): (&'static [StoredStatus], _) = match action {
        // Pending or Expired either way, and Rejected has no expiry to check.
        InvitationAction::Resend => (&[Pending, Rejected], ExpiryCondition::Either),
        InvitationAction::Delete => (&[Pending], ExpiryCondition::Either),
        InvitationAction::Accept | InvitationAction::Deny => (&[Waiting], ExpiryCondition::Either),
        InvitationAction::Complete => (&[Pending], ExpiryCondition::Unexpired),
    };
    StoredCondition { statuses, expiry }
}

/// The stored statuses a conditional update for `action` must start from.
pub fn stored_statuses_for_action(action: InvitationAction) -> &'static [StoredStatus] {
    stored_condition_for_action(action).statuses
}

/// What the row's valid-until must say for `action` (only Complete needs it unexpired).
pub fn expiry_condition_for_action(action: InvitationAction) -> ExpiryCondition {
    stored_condition_for_action(action).expiry
}
