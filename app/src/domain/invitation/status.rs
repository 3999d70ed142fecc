//! Statuses: the six an admin sees, the five the database stores, and the one rule that turns
//! the second into the first (a Pending invitation past its valid-until is Expired).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The status an invitation has at a given instant, as the list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Expired,
    Waiting,
    Approved,
    Rejected,
    Inactivated,
}

impl InvitationStatus {
    /// In the order the status filter lists them.
    pub const ALL: [InvitationStatus; 6] = [
        InvitationStatus::Pending,
        InvitationStatus::Expired,
        InvitationStatus::Waiting,
        InvitationStatus::Approved,
        InvitationStatus::Rejected,
        InvitationStatus::Inactivated,
    ];

    /// The lower-case name used in URLs and, for the stored ones, in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "pending",
            InvitationStatus::Expired => "expired",
            InvitationStatus::Waiting => "waiting",
            InvitationStatus::Approved => "approved",
            InvitationStatus::Rejected => "rejected",
            InvitationStatus::Inactivated => "inactivated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "Pending",
            InvitationStatus::Expired => "Expired",
            InvitationStatus::Waiting => "Waiting",
            InvitationStatus::Approved => "Approved",
            InvitationStatus::Rejected => "Rejected",
            InvitationStatus::Inactivated => "Inactivated",
        }
    }

    /// One sentence for tooltips and the README.
    pub fn description(self) -> &'static str {
        match self {
            InvitationStatus::Pending => {
                "Sent; the developer can still use the link to create an account."
            }
            InvitationStatus::Expired => {
                "The link was not used in time; resend the invitation or delete it."
            }
            InvitationStatus::Waiting => {
                "The developer has registered and the account awaits an administrator's approval."
            }
            InvitationStatus::Approved => "The account was created and is active.",
            InvitationStatus::Rejected => {
                "An administrator denied the registration; the account stays inactive unless a new invitation is sent and completed."
            }
            InvitationStatus::Inactivated => {
                "A newer invitation to the same address replaced this one, so this link no longer works."
            }
        }
    }

    /// The rows that have this status, for filtering the list in the database: a search by
    /// status agrees with what each row shows at the same instant.
    pub fn stored_condition(self) -> StoredCondition {
        let (statuses, expiry): (&'static [StoredStatus], _) = match self {
            InvitationStatus::Pending => (&[StoredStatus::Pending], ExpiryCondition::Unexpired),
            InvitationStatus::Expired => (&[StoredStatus::Pending], ExpiryCondition::Expired),
            InvitationStatus::Waiting => (&[StoredStatus::Waiting], ExpiryCondition::Either),
            InvitationStatus::Approved => (&[StoredStatus::Approved], ExpiryCondition::Either),
            InvitationStatus::Rejected => (&[StoredStatus::Rejected], ExpiryCondition::Either),
            InvitationStatus::Inactivated => {
                (&[StoredStatus::Inactivated], ExpiryCondition::Either)
            }
        };
        StoredCondition { statuses, expiry }
    }
}

impl fmt::Display for InvitationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The status column of the database. There is no Expired here: expiry follows from the
/// clock, so it is derived by [`effective_status`] rather than written by a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoredStatus {
    Pending,
    Waiting,
    Approved,
    Rejected,
    Inactivated,
}

impl StoredStatus {
    pub const ALL: [StoredStatus; 5] = [
        StoredStatus::Pending,
        StoredStatus::Waiting,
        StoredStatus::Approved,
        StoredStatus::Rejected,
        StoredStatus::Inactivated,
    ];

    /// The value in the database column; the same name as the matching [`InvitationStatus`].
    pub fn as_str(self) -> &'static str {
        match self {
            StoredStatus::Pending => "pending",
            StoredStatus::Waiting => "waiting",
            StoredStatus::Approved => "approved",
            StoredStatus::Rejected => "rejected",
            StoredStatus::Inactivated => "inactivated",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}

/// Whether an invitation valid until `valid_until` has expired at `now`. The instant itself
/// already counts as expired. Every other expiry decision goes through this function.
pub fn is_expired(valid_until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    valid_until <= now
}

/// The status a stored invitation has at `now`.
pub fn effective_status(
    stored: StoredStatus,
    valid_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> InvitationStatus {
    match stored {
        StoredStatus::Pending if is_expired(valid_until, now) => InvitationStatus::Expired,
        StoredStatus::Pending => InvitationStatus::Pending,
        StoredStatus::Waiting => InvitationStatus::Waiting,
        StoredStatus::Approved => InvitationStatus::Approved,
        StoredStatus::Rejected => InvitationStatus::Rejected,
        StoredStatus::Inactivated => InvitationStatus::Inactivated,
    }
}

/// What a row's valid-until must say, besides its stored status. In SQL, with `now` bound once
/// per statement: `Unexpired` is `valid_until > now`, `Expired` is `valid_until <= now`, and
/// `Either` adds no condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpiryCondition {
    Unexpired,
    Expired,
    Either,
}

impl ExpiryCondition {
    pub fn holds(self, valid_until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match self {
            ExpiryCondition::Unexpired => !is_expired(valid_until, now),
            ExpiryCondition::Expired => is_expired(valid_until, now),
            ExpiryCondition::Either => true,
        }
    }
}

/// A condition on the stored columns, for a `WHERE status IN (...) [AND valid_until ...]`
/// clause: what a conditional update must start from, or what a status filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredCondition {
    pub statuses: &'static [StoredStatus],
    pub expiry: ExpiryCondition,
}

impl StoredCondition {
    /// The same condition evaluated in memory.
    pub fn matches(
        &self,
        stored: StoredStatus,
        valid_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        self.statuses.contains(&stored) && self.expiry.holds(valid_until, now)
    }
}
