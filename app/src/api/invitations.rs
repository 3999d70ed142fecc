//! The admin's invitation screens and the developer's invitation link.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
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
    /// The developer's name once they registered (for the review dialog).
    pub full_name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    /// What became of the newest email of this invitation, if it had one.
    pub delivery: Option<EmailDelivery>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    InvitedAt,
    ValidUntil,
    Email,
}

impl SortKey {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "invited_at" => Some(SortKey::InvitedAt),
            "valid_until" => Some(SortKey::ValidUntil),
            "email" => Some(SortKey::Email),
            _ => None,
        }
    }
}

pub const PAGE_SIZES: [u64; 3] = [20, 50, 100];

/// One page of the list and the number of rows matching the filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
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
}

#[cfg(feature = "ssr")]
fn map_error(error: crate::ssr::services::invitations::InvitationError) -> ApiError {
    use crate::ssr::services::invitations::InvitationError as E;
    let api = match error {
        E::NotFound => {
            ApiError::NotFound("This invitation no longer exists; refresh the list.".into())
        }
        E::Refused(refusal) => ApiError::Conflict(refusal.reason().to_owned()),
        E::ChangedMeanwhile => {
            ApiError::Conflict(crate::domain::invitation::CHANGED_MEANWHILE.into())
        }
        E::InvalidInput(message) => ApiError::InvalidInput(message),
        E::SignUpClosed => ApiError::Unavailable(
            "Sign-up is closed on this portal: ask its administrators for an invitation.".into(),
        ),
        E::NotDenied(crate::domain::Standing::Deactivated) => ApiError::Conflict(
            "The account of this address was deactivated by an administrator: an invitation \
             cannot reactivate it. Reactivate it in Consumers › Developers instead."
                .into(),
        ),
        E::NotDenied(standing) => ApiError::Conflict(format!(
            "The account of this address is no longer a denied registration (it is now {}): \
             refresh the list.",
            standing.label().to_lowercase()
        )),
        E::Link(state) => ApiError::Conflict(format!("{} {}", state.title(), state.message())),
        E::Database(e) => super::error::internal("invitations", e),
        E::Internal(e) => super::error::internal("invitations", e),
    };
    super::error::respond(api)
}

/// Invites one or more `;`-separated addresses. Each entry gets its own outcome; valid ones are
/// invited even when others are refused.
#[server(endpoint = "invite")]
pub async fn invite(emails: String, pre_approved: Option<bool>) -> Result<InviteReport, ApiError> {
    use crate::ssr::{auth::require_admin, services::invitations, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    count_invite_call(&state, &admin).await?;
    invitations::invite(&state, &admin, &emails, pre_approved, Utc::now())
        .await
        .map_err(map_error)
}

/// One page of invitations, filtered by part of the email and by status, newest first unless
/// sorted otherwise.
#[server(endpoint = "list_invitations")]
pub async fn list_invitations(
    search: Option<String>,
    status: Option<String>,
    page: Option<u64>,
    page_size: Option<u64>,
    sort: Option<String>,
    descending: Option<bool>,
    cursor: Option<String>,
) -> Result<InvitationPage, ApiError> {
    use crate::ssr::{auth::require_admin, services::invitations, AppState};
    let state = AppState::from_context();
    require_admin().await.map_err(super::error::respond)?;
    let query =
        invitations::ListQuery::parse(search, status, page, page_size, sort, descending, cursor)
            .map_err(map_error)?;
    invitations::list(&state.db, &query, Utc::now())
        .await
        .map_err(map_error)
}

/// Replaces an invitation with a new one (new link, new validity window) and emails it.
#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(id: i32) -> Result<InvitationRow, ApiError> {
    use crate::ssr::{auth::require_admin, services::invitations, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    count_invite_call(&state, &admin).await?;
    invitations::resend(&state, &admin, id, Utc::now())
        .await
        .map_err(map_error)
}

/// Deletes a Pending or Expired invitation; its link stops working.
#[server(endpoint = "delete_invitation")]
pub async fn delete_invitation(id: i32) -> Result<(), ApiError> {
    use crate::ssr::{auth::require_admin, services::invitations, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    invitations::delete(&state.db, &admin, id, Utc::now())
        .await
        .map_err(map_error)
}

/// Accepts or denies a Waiting registration.
#[server(endpoint = "review_invitation")]
pub async fn review_invitation(
    id: i32,
    decision: ReviewDecision,
) -> Result<InvitationRow, ApiError> {
    use crate::ssr::{auth::require_admin, services::invitations, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    invitations::review(&state.db, &admin, id, decision, Utc::now())
        .await
        .map_err(map_error)
}

/// What state an invitation link is in. Reading it never uses the link up.
#[server(endpoint = "invitation_by_token")]
pub async fn invitation_by_token(token: String) -> Result<InvitationLanding, ApiError> {
    use crate::ssr::{services::invitations, AppState};
    let state = AppState::from_context();
    refuse_after_bad_links(&state).await?;
    let landing = invitations::landing(&state.db, &token, Utc::now())
        .await
        .map_err(map_error)?;
    if landing.state == LinkState::Unknown {
        count_bad_link(&state).await?;
    }
    Ok(landing)
}

/// Invite and resend calls per admin (PORTICO_RATE_INVITES_PER_HOUR).
#[cfg(feature = "ssr")]
async fn count_invite_call(
    state: &crate::ssr::AppState,
    admin: &super::auth::SessionUser,
) -> Result<(), ApiError> {
    use crate::ssr::rate_limit;
    let limit = state.settings.rate_limits.invites_per_admin;
    rate_limit::count(state, &format!("invites-admin:{}", admin.id), limit).await
}

/// Refuses a client that tried too many unknown or malformed invitation links.
#[cfg(feature = "ssr")]
async fn refuse_after_bad_links(state: &crate::ssr::AppState) -> Result<(), ApiError> {
    use crate::ssr::rate_limit;
    let bucket = rate_limit::ip_bucket(state, "bad-links-ip");
    rate_limit::refuse_if_full(state, &bucket, state.settings.rate_limits.bad_links_per_ip).await
}

/// Counts an unknown or malformed invitation link tried by this client.
#[cfg(feature = "ssr")]
async fn count_bad_link(state: &crate::ssr::AppState) -> Result<(), ApiError> {
    use crate::ssr::rate_limit;
    let bucket = rate_limit::ip_bucket(state, "bad-links-ip");
    rate_limit::count(state, &bucket, state.settings.rate_limits.bad_links_per_ip).await
}

/// Maps a completion's error, counting an unknown link against the client.
#[cfg(feature = "ssr")]
async fn completion_error(
    state: &crate::ssr::AppState,
    error: crate::ssr::services::invitations::InvitationError,
) -> ApiError {
    use crate::ssr::services::invitations::InvitationError as E;
    if matches!(error, E::Link(LinkState::Unknown)) {
        if let Err(limited) = count_bad_link(state).await {
            return limited;
        }
    }
    map_error(error)
}

/// Creates the developer's account from an invitation link or a self sign-up's link (single
/// use), with the name and password chosen on its page. Pre-approved: the developer is signed
/// in; otherwise the registration waits for an administrator.
#[server(endpoint = "complete_registration")]
pub async fn complete_registration(
    token: String,
    full_name: String,
    password: String,
    confirmation: String,
) -> Result<CompletionOutcome, ApiError> {
    use crate::ssr::{services::invitations, AppState};
    let state = AppState::from_context();
    refuse_after_bad_links(&state).await?;
    let completed = match invitations::complete(
        &state.db,
        &token,
        &full_name,
        &password,
        &confirmation,
        Utc::now(),
    )
    .await
    {
        Ok(completed) => completed,
        Err(error) => return Err(completion_error(&state, error).await),
    };
    sign_in_if_approved(&state, &completed).await?;
    Ok(completed.outcome)
}

/// A pre-approved developer is signed in as soon as their account exists, in a fresh session
/// (whoever was signed in in this browser before is signed out).
#[cfg(feature = "ssr")]
async fn sign_in_if_approved(
    state: &crate::ssr::AppState,
    completed: &crate::ssr::services::invitations::Completed,
) -> Result<(), ApiError> {
    use crate::ssr::{auth::session, services::accounts};
    if completed.outcome != CompletionOutcome::Approved {
        return Ok(());
    }
    let now = Utc::now();
    session::start(state, completed.account_id, now)
        .await
        .map_err(|e| super::error::respond(super::error::internal("starting a session", e)))?;
    accounts::record_login(&state.db, completed.account_id, now)
        .await
        .map_err(|e| super::error::respond(super::error::internal("starting a session", e)))?;
    Ok(())
}

/// Self sign-up (when the settings allow it). The answer is the same for every address: the
/// next step is always the email (a link to choose the password, or a notice that the
/// address is known). No password is taken here: it is chosen on the emailed link's page.
#[server(endpoint = "sign_up")]
pub async fn sign_up(email: String, full_name: String) -> Result<(), ApiError> {
    use crate::ssr::{rate_limit, services::invitations, AppState};
    let state = AppState::from_context();
    let limits = &state.settings.rate_limits;
    let bucket = rate_limit::ip_bucket(&state, "sign-ups-ip");
    rate_limit::count(&state, &bucket, limits.sign_ups_per_ip).await?;
    // Every sign-up for an address sends it one email (a link or a notice), known or not, so
    // this limit tells nothing about the address either; an unreadable one sends nothing.
    if crate::domain::Email::parse(&email).is_ok() {
        let recipient = rate_limit::account_bucket("mails-recipient", &email);
        rate_limit::count(&state, &recipient, limits.mails_per_recipient).await?;
    }
    invitations::sign_up(&state, &email, &full_name, Utc::now())
        .await
        .map_err(map_error)
}

/// Whether the login page offers self sign-up (public: shown before sign-in).
#[server(endpoint = "sign_up_open")]
pub async fn sign_up_open() -> Result<bool, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    settings::load(&state.db)
        .await
        .map(|s| s.self_registration != crate::domain::SelfRegistration::Off)
        .map_err(|e| super::error::respond(super::error::internal("reading settings", e)))
}
