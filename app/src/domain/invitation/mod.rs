//! The invitation lifecycle, as docs/lifecycle.md sets it out: the statuses, which action
//! each one allows and what the action leads to, how long an invitation stays valid, and what
//! the landing page tells a developer who opens its link.
//!
//! Everything here is pure: the caller passes the current time in, so the browser and the
//! server (and the tests) all get the same answer for the same instant.

mod link;
pub mod paging;
pub mod reminder;
mod rules;
mod status;
mod validity;

#[cfg(test)]
mod tests;

pub use link::{link_path, LinkState};
pub use reminder::{ReminderLead, ReminderLeadError};
pub use rules::{
    allowed_actions, check, decide, expiry_condition_for_action, stored_condition_for_action,
    stored_statuses_for_action, AccountChange, InvitationAction, Refusal, RowChange, Transition,
    CHANGED_MEANWHILE,
};
pub use status::{
    effective_status, is_expired, ExpiryCondition, InvitationStatus, StoredCondition, StoredStatus,
};
pub use validity::{
    earliest_unexpired_invitation, valid_until, Validity, ValidityError, DEFAULT_VALIDITY_HOURS,
    MAX_VALIDITY_HOURS, MIN_VALIDITY_HOURS,
};
