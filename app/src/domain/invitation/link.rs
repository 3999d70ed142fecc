//! What the landing page says to someone who opens an invitation link. It speaks to the
//! holder of the link only, and never says anything about other accounts.

use super::status::InvitationStatus;
use serde::{Deserialize, Serialize};

/// The path of the page an invitation's token opens (the email's link, on the portal's public
/// address).
pub fn link_path(token: &str) -> String {
    format!("/invitation/{token}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Pending and not expired: show the create-account form.
    Usable,
    Expired,
    /// Approved: the account exists and is active.
    AlreadyUsed,
    /// Inactivated: a resend replaced this invitation.
    Superseded,
    WaitingForApproval,
    Rejected,
    /// No invitation has this token (mistyped, cut off, or deleted).
    Unknown,
}

impl LinkState {
    pub const ALL: [LinkState; 7] = [
        LinkState::Usable,
        LinkState::Expired,
        LinkState::AlreadyUsed,
        LinkState::Superseded,
        LinkState::WaitingForApproval,
        LinkState::Rejected,
        LinkState::Unknown,
    ];

    pub fn from_status(status: InvitationStatus) -> Self {
        match status {
            InvitationStatus::Pending => LinkState::Usable,
            InvitationStatus::Expired => LinkState::Expired,
            InvitationStatus::Waiting => LinkState::WaitingForApproval,
            InvitationStatus::Approved => LinkState::AlreadyUsed,
            InvitationStatus::Rejected => LinkState::Rejected,
            InvitationStatus::Inactivated => LinkState::Superseded,
        }
    }

    /// The state for a token look-up: `None` when no invitation has that token.
    pub fn from_lookup(status: Option<InvitationStatus>) -> Self {
        status.map_or(LinkState::Unknown, Self::from_status)
    }

    /// Whether the page should show the create-account form.
    pub fn is_usable(self) -> bool {
        self == LinkState::Usable
    }

    /// Whether the page should offer a way to the login tab.
    pub fn offers_login(self) -> bool {
        self == LinkState::AlreadyUsed
    }

    /// The page heading.
    pub fn title(self) -> &'static str {
        match self {
            LinkState::Usable => "Create your account",
            LinkState::Expired => "This invitation has expired",
            LinkState::AlreadyUsed => "This invitation has already been used",
            LinkState::Superseded => "A newer invitation was sent",
            LinkState::WaitingForApproval => "Your registration is waiting for approval",
            LinkState::Rejected => "This invitation can no longer be used",
            LinkState::Unknown => "This invitation link does not work",
        }
    }

    /// What happened, and what to do next.
    pub fn message(self) -> &'static str {
        match self {
            LinkState::Usable => {
                "Enter your full name and choose a password to finish creating your account."
            }
            LinkState::Expired => {
                "Invitation links work for a limited time, and this one was not used in time. \
                 Request a new invitation below: an administrator will send you a fresh link."
            }
            LinkState::AlreadyUsed => {
                "Your account is ready. Log in with your email address and the password you chose."
            }
            LinkState::Superseded => {
                "This link was replaced by a more recent invitation. Use the link in the most \
                 recent invitation email, or request a new invitation below if you cannot find it."
            }
            LinkState::WaitingForApproval => {
                "You have completed your registration. An administrator needs to approve it \
                 before you can log in; try again later, or contact the portal administrator."
            }
            LinkState::Rejected => {
                "Your registration was not approved, so this link no longer works. If you think \
                 this is a mistake, ask the portal administrator to send you a new invitation."
            }
            LinkState::Unknown => {
                "The link may be incomplete or the invitation may have been withdrawn. Check \
                 that you opened the whole link from the email, or ask the portal administrator \
                 for a new invitation."
            }
        }
    }
}
