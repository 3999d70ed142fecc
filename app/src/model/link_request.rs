//! Developers' requests for a new invitation, as the link's page and the admins see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{link_request::RequestPlan, InvitationStatus};

/// What the link's page says once the request is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestAnswer(pub RequestPlan);

impl RequestAnswer {
    pub fn title(self) -> &'static str {
        match self.0 {
            RequestPlan::ResendNow => "A new invitation is on its way",
            RequestPlan::Wait | RequestPlan::AlreadyWaiting => "Your request was sent",
        }
    }

    pub fn message(self) -> &'static str {
        match self.0 {
            RequestPlan::ResendNow => {
                "Check your inbox: a new invitation email with a fresh link was just sent to \
                 your address. Its link replaces this one."
            }
            RequestPlan::Wait => {
                "The portal's administrators will see your request. When they grant it, you \
                 receive a new invitation email; there is nothing else to do until then."
            }
            RequestPlan::AlreadyWaiting => {
                "Your address already asked for a new invitation, and the administrators have \
                 the request. You receive a new invitation email when they grant it."
            }
        }
    }
}

/// The invitation a grant would resend, as it stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedInvitation {
    pub id: i32,
    pub status: InvitationStatus,
    pub valid_until: DateTime<Utc>,
}

/// One waiting request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRequestRow {
    pub id: i32,
    pub email: String,
    pub requested_at: DateTime<Utc>,
    /// The address's current invitation; none once it was deleted.
    pub invitation: Option<RequestedInvitation>,
}

impl LinkRequestRow {
    /// Granting resends the invitation, which only a Pending or Expired one allows.
    pub fn can_grant(&self) -> bool {
        self.invitation.is_some_and(|i| {
            matches!(
                i.status,
                InvitationStatus::Pending | InvitationStatus::Expired
            )
        })
    }
}

/// The waiting requests, oldest first (at most [`LINK_REQUESTS_SHOWN`]), and how many wait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LinkRequests {
    pub rows: Vec<LinkRequestRow>,
    pub waiting: u64,
}

pub const LINK_REQUESTS_SHOWN: u64 = 200;
