//! "Request a new invitation": what the holder of an expired or replaced link may ask for,
//! and what the portal does with the request (docs/reminders-and-requests.md).
//!
//! The request is about the address's current invitation (the one a resend would replace).
//! An address still invited (its newest link still works) is sent a fresh link at once when
//! the admins allow it in Settings; otherwise the request waits for an admin, who grants it
//! (a resend) or declines it. One request waits per address, and an address may ask at most
//! [`MAX_REQUESTS_PER_ADDRESS`] times in [`REQUEST_WINDOW_DAYS`] days, so a link cannot be
//! used to flood the admins or the inbox.

use serde::{Deserialize, Serialize};

use super::invitation::{InvitationStatus, LinkState};

pub const MAX_REQUESTS_PER_ADDRESS: u64 = 3;
pub const REQUEST_WINDOW_DAYS: i64 = 30;

/// Where a request stands. Stored by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Waiting,
    /// An admin (or the portal, automatically) sent a new invitation.
    Granted,
    Declined,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 3] = [
        RequestStatus::Waiting,
        RequestStatus::Granted,
        RequestStatus::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Waiting => "waiting",
            RequestStatus::Granted => "granted",
            RequestStatus::Declined => "declined",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// Whether a link's page offers "Request a new invitation".
pub fn offers_request(state: LinkState) -> bool {
    matches!(state, LinkState::Expired | LinkState::Superseded)
}

/// What the portal does with a new request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestPlan {
    /// The address is still invited and the admins let such requests through: resend now.
    ResendNow,
    /// Store the request for the admins.
    Wait,
    /// A request from this address already waits: nothing new is stored.
    AlreadyWaiting,
}

impl RequestPlan {
    pub const ALL: [RequestPlan; 3] = [
        RequestPlan::ResendNow,
        RequestPlan::Wait,
        RequestPlan::AlreadyWaiting,
    ];

    /// Its name in the link page's URL once the request is in (`?requested=wait`).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestPlan::ResendNow => "resend_now",
            RequestPlan::Wait => "wait",
            RequestPlan::AlreadyWaiting => "already_waiting",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }

    /// Whether a link in `state` can be the one this plan answered: a resend replaces the link
    /// (`Superseded`); a request that waits leaves it as it was (expired or replaced).
    pub fn agrees_with(self, state: LinkState) -> bool {
        match self {
            RequestPlan::ResendNow => state == LinkState::Superseded,
            RequestPlan::Wait | RequestPlan::AlreadyWaiting => offers_request(state),
        }
    }
}

/// Why a request is refused; each says what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum RequestRefusal {
    #[error("This link can still be used, or has been: there is nothing to request.")]
    NotADeadLink,
    #[error("This invitation was withdrawn by an administrator. Contact the portal administrator if you still need access.")]
    Withdrawn,
    #[error("This address has already registered. Log in with your email address and password.")]
    AlreadyRegistered,
    #[error("Your registration is waiting for an administrator's approval; there is nothing else to do until then.")]
    AwaitingApproval,
    #[error("Your registration was not approved. Contact the portal administrator if you think this is a mistake.")]
    NotApproved,
    #[error("This address has asked for a new invitation {MAX_REQUESTS_PER_ADDRESS} times in the last {REQUEST_WINDOW_DAYS} days. The administrators have your requests; please wait for their answer.")]
    TooMany,
}

/// Decides a request from the link's state, the address's current invitation (none if it was
/// deleted), whether a request already waits, how many were made in the window, and whether
/// the admins resend automatically to addresses still invited.
pub fn plan_request(
    link: LinkState,
    current: Option<InvitationStatus>,
    already_waiting: bool,
    recent_requests: u64,
    auto_resend: bool,
) -> Result<RequestPlan, RequestRefusal> {
    if !offers_request(link) {
        return Err(RequestRefusal::NotADeadLink);
    }
    let still_invited = match current {
        None | Some(InvitationStatus::Inactivated) => return Err(RequestRefusal::Withdrawn),
        Some(InvitationStatus::Approved) => return Err(RequestRefusal::AlreadyRegistered),
        Some(InvitationStatus::Waiting) => return Err(RequestRefusal::AwaitingApproval),
        Some(InvitationStatus::Rejected) => return Err(RequestRefusal::NotApproved),
        Some(InvitationStatus::Pending) => true,
        Some(InvitationStatus::Expired) => false,
    };
    if already_waiting {
        return Ok(RequestPlan::AlreadyWaiting);
    }
    if recent_requests >= MAX_REQUESTS_PER_ADDRESS {
        return Err(RequestRefusal::TooMany);
    }
    Ok(if still_invited && auto_resend {
        RequestPlan::ResendNow
    } else {
        RequestPlan::Wait
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_expired_or_replaced_link_offers_a_request() {
        let offered: Vec<_> = LinkState::ALL
            .into_iter()
            .filter(|s| offers_request(*s))
            .collect();
        assert_eq!(offered, [LinkState::Expired, LinkState::Superseded]);
        assert_eq!(
            plan_request(
                LinkState::Usable,
                Some(InvitationStatus::Pending),
                false,
                0,
                true
            ),
            Err(RequestRefusal::NotADeadLink)
        );
    }

    #[test]
    fn an_address_still_invited_is_resent_at_once_only_when_the_admins_allow_it() {
        let plan = |auto| {
            plan_request(
                LinkState::Superseded,
                Some(InvitationStatus::Pending),
                false,
                0,
                auto,
            )
        };
        assert_eq!(plan(true), Ok(RequestPlan::ResendNow));
        assert_eq!(plan(false), Ok(RequestPlan::Wait));
        // An expired invitation always waits for an admin.
        assert_eq!(
            plan_request(
                LinkState::Expired,
                Some(InvitationStatus::Expired),
                false,
                0,
                true
            ),
            Ok(RequestPlan::Wait)
        );
    }

    #[test]
    fn a_registered_or_withdrawn_address_is_told_what_to_do_instead() {
        let plan = |current| plan_request(LinkState::Superseded, current, false, 0, true);
        assert_eq!(plan(None), Err(RequestRefusal::Withdrawn));
        assert_eq!(
            plan(Some(InvitationStatus::Approved)),
            Err(RequestRefusal::AlreadyRegistered)
        );
        assert_eq!(
            plan(Some(InvitationStatus::Waiting)),
            Err(RequestRefusal::AwaitingApproval)
        );
        assert_eq!(
            plan(Some(InvitationStatus::Rejected)),
            Err(RequestRefusal::NotApproved)
        );
    }

    #[test]
    fn one_request_waits_per_address_and_the_window_limits_how_many_are_made() {
        let expired = Some(InvitationStatus::Expired);
        assert_eq!(
            plan_request(LinkState::Expired, expired, true, 5, false),
            Ok(RequestPlan::AlreadyWaiting)
        );
        assert_eq!(
            plan_request(
                LinkState::Expired,
                expired,
                false,
                MAX_REQUESTS_PER_ADDRESS - 1,
                false
            ),
            Ok(RequestPlan::Wait)
        );
        assert_eq!(
            plan_request(
                LinkState::Expired,
                expired,
                false,
                MAX_REQUESTS_PER_ADDRESS,
                false
            ),
            Err(RequestRefusal::TooMany)
        );
    }

    #[test]
    fn statuses_round_trip() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn a_resend_is_only_announced_on_the_link_it_replaced() {
        assert!(RequestPlan::ResendNow.agrees_with(LinkState::Superseded));
        assert!(!RequestPlan::ResendNow.agrees_with(LinkState::Expired));
        for plan in [RequestPlan::Wait, RequestPlan::AlreadyWaiting] {
            assert!(plan.agrees_with(LinkState::Expired));
            assert!(plan.agrees_with(LinkState::Superseded));
            assert!(!plan.agrees_with(LinkState::Usable));
        }
    }

    #[test]
    fn plans_round_trip_through_the_url_and_nothing_else_parses() {
        for plan in RequestPlan::ALL {
            assert_eq!(RequestPlan::parse(plan.as_str()), Some(plan));
        }
        assert_eq!(RequestPlan::parse("ResendNow"), None);
        assert_eq!(RequestPlan::parse(""), None);
    }
}
