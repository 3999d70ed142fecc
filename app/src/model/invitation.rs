//! Invitations as they cross the wire: the admin's list and its rows, the invite dialog's
//! report, and what an invitation link's page shows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{InvitationStatus, LinkState};

/// How an invitation came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Invited,
    SelfRegistration,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Invited => "invited",
            Origin::SelfRegistration => "self_registration",
        }
    }
    pub fn parse(value: &str) -> Option<Self> {
        [Origin::Invited, Origin::SelfRegistration]
            .into_iter()
            .find(|o| o.as_str() == value)
    }
}

/// One row of the invitations list; `status` is the effective one at the time of the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i32,
    pub email: String,
    pub invited_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub status: InvitationStatus,
    pub origin: Origin,
    pub pre_approved: bool,
    /// The role of the account the invitation creates.
    pub role: crate::domain::Role,
    /// The developer's name once they registered (for the review dialog).
    pub full_name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    /// What became of the newest email of this invitation, if it had one.
    pub delivery: Option<EmailDelivery>,
    /// The admin's decision on the registration, once it was reviewed.
    pub decision: Option<Decision>,
}

/// An admin's review of a registration: shown in the invitation's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Accepted; otherwise denied.
    pub approved: bool,
    pub at: DateTime<Utc>,
    /// The deciding admin's name, while their account exists.
    pub by: Option<String>,
    /// The reason the admin gave for a denial (also emailed to the developer), if any.
    pub reason: Option<String>,
}

impl Decision {
    /// "Accepted" or "Denied".
    pub fn label(&self) -> &'static str {
        if self.approved {
            "Accepted"
        } else {
            "Denied"
        }
    }
}

/// Where an invitation's email is on its way to the developer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for the mail worker (first try).
    Queued,
    /// A try failed; the worker tries again later.
    Retrying,
    Sent,
    /// Every try failed: the admin should check the address or resend.
    Failed,
    /// Not sent because the invitation was deleted or replaced first.
    Dropped,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
            DeliveryState::Dropped => "dropped",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Queued => "Email queued",
            DeliveryState::Retrying => "Email retrying",
            DeliveryState::Sent => "Email sent",
            DeliveryState::Failed => "Email failed",
            DeliveryState::Dropped => "Email not sent",
        }
    }
}

/// The newest email of an invitation: its state, how many tries it took, and the last error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailDelivery {
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl EmailDelivery {
    /// The hover text: what happened and what the admin can do about it.
    pub fn explanation(&self) -> String {
        let tries = |n: i32| {
            if n == 1 {
                "1 try".to_owned()
            } else {
                format!("{n} tries")
            }
        };
        let error = self.last_error.as_deref().unwrap_or("no error recorded");
        match self.state {
            DeliveryState::Queued => "The invitation email is waiting to be sent.".into(),
            DeliveryState::Retrying => format!(
                "Sending failed after {} and will be tried again. Last error: {error}",
                tries(self.attempts)
            ),
            DeliveryState::Sent => match self.sent_at {
                Some(at) => format!("Delivered to the mail server at {}.", at.format("%Y-%m-%d %H:%M UTC")),
                None => "Delivered to the mail server.".into(),
            },
            DeliveryState::Failed => format!(
                "Sending failed after {}; resend the invitation once the address or mail server is fixed. Last error: {error}",
                tries(self.attempts)
            ),
            DeliveryState::Dropped => {
                "Not sent: the invitation was deleted or replaced before its email went out.".into()
            }
        }
    }
}

/// The column the invitations list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    InvitedAt,
    ValidUntil,
    Email,
}

impl SortKey {
    pub const ALL: [SortKey; 3] = [SortKey::InvitedAt, SortKey::ValidUntil, SortKey::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::InvitedAt => "invited_at",
            SortKey::ValidUntil => "valid_until",
            SortKey::Email => "email",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.as_str() == value)
    }

    /// The order a first click on the column sorts in: dates newest first, addresses A to Z.
    pub fn descending_first(self) -> bool {
        self != SortKey::Email
    }
}

pub const PAGE_SIZES: [u64; 3] = [20, 50, 100];

/// One page of the invitations list and the number of rows matching its filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    pub rows: Vec<InvitationRow>,
    /// Rows matching, counted exactly up to a limit (1,000)...
    pub total: u64,
    /// ...beyond which `total` is that limit and the list says "1,000+".
    pub total_is_lower_bound: bool,
    pub page: u64,
    pub page_size: u64,
    /// Page links (`cursor` values) to the pages before and after this one, when they exist.
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// What happened to one entry of an invite submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcome {
    Invited {
        invitation_id: i32,
    },
    Invalid {
        reason: String,
    },
    Repeated {
        first_position: usize,
    },
    AlreadyDeveloper,
    /// A deny rule refuses the address's domain; `rule` names it.
    Blocked {
        rule: String,
    },
    /// A live (Pending or Waiting) invitation exists; the admin may resend it instead.
    AlreadyInvited {
        invitation_id: i32,
        status: InvitationStatus,
    },
}

impl InviteOutcome {
    /// The outcome in words, for the invite dialog.
    pub fn message(&self) -> String {
        match self {
            InviteOutcome::Invited { .. } => "Invited: the invitation email is on its way".into(),
            InviteOutcome::Invalid { reason } => format!("Not sent: {reason}"),
            InviteOutcome::Repeated { first_position } => {
                format!("Not sent again: the same address is entry {first_position}")
            }
            InviteOutcome::AlreadyDeveloper => {
                "Not sent: this address already has an account".into()
            }
            InviteOutcome::Blocked { rule } => format!("Not sent: refused by {rule}"),
            InviteOutcome::AlreadyInvited { status, .. } => format!(
                "Not sent: this address already has a {} invitation; resend that one instead",
                status.label()
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteEntry {
    /// 1-based position among the entries typed.
    pub position: usize,
    pub email: String,
    pub outcome: InviteOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    pub entries: Vec<InviteEntry>,
}

impl InviteReport {
    pub fn invited_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.outcome, InviteOutcome::Invited { .. }))
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewDecision {
    Accept,
    Deny,
}

/// What the invitation link's page shows; the email only while the link is usable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLanding {
    pub state: LinkState,
    pub email: Option<String>,
    /// The link finishes a self sign-up: its owner chooses the password now (never at
    /// sign-up, where anyone could type anyone's address).
    pub self_sign_up: bool,
    /// The name given at sign-up, to start the form with (only while the link is usable).
    pub suggested_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompletionOutcome {
    /// The account is active and the developer is signed in.
    Approved,
    /// The account waits for an administrator's approval.
    Waiting,
    /// The account is active, and its sign-in continues at `/login/code`: an administrator
    /// the portal requires two-step sign-in of sets it up there first.
    CodeStep,
}
