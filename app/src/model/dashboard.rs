//! The onboarding dashboard (the console's first page), as the server sends it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The invitations sent in one week, and how far they have come since. Each address counts
/// once, in the week of its newest invitation (a resend moves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FunnelWeek {
    pub start: DateTime<Utc>,
    pub invited: u64,
    /// Its link was opened at least once.
    pub opened: u64,
    /// The developer created the account (waiting for review or approved).
    pub created: u64,
    pub approved: u64,
}

impl FunnelWeek {
    /// The four steps, in order, with their names.
    pub fn steps(&self) -> [(&'static str, u64); 4] {
        [
            ("Invited", self.invited),
            ("Link opened", self.opened),
            ("Account created", self.created),
            ("Approved", self.approved),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Dashboard {
    /// Oldest first; the last is the current week.
    pub weeks: Vec<FunnelWeek>,
    /// From the invitation to the account, over the accounts created from these weeks'
    /// invitations.
    pub median_to_account_seconds: Option<i64>,
    pub accounts_measured: u64,
    /// Invitation emails that could not be delivered, from these weeks.
    pub delivery_failures: u64,
    pub reviews_waiting: u64,
    pub requests_waiting: u64,
}

impl Dashboard {
    /// The funnel over every week shown.
    pub fn total(&self) -> FunnelWeek {
        self.weeks
            .iter()
            .fold(FunnelWeek::default(), |sum, w| FunnelWeek {
                start: sum.start,
                invited: sum.invited + w.invited,
                opened: sum.opened + w.opened,
                created: sum.created + w.created,
                approved: sum.approved + w.approved,
            })
    }
}
