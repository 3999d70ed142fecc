//! The REST API's own types: its published contract, kept apart from the server functions'
//! wire types so the UI can change without breaking a client. Built from those with `From`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::model::{
    account::DeveloperRow,
    audit::AuditEntry,
    invitation::{InvitationRow, InviteEntry, InviteOutcome},
};

/// An invitation, with its status at the time of the request.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Invitation {
    pub id: i32,
    pub email: String,
    /// `pending`, `expired`, `waiting`, `approved`, `rejected` or `inactivated`.
    #[schema(example = "pending")]
    pub status: String,
    /// `invited` (by an administrator or the API) or `self_registration`.
    pub origin: String,
    /// `developer` or `admin`: the account the invitation creates.
    pub role: String,
    pub pre_approved: bool,
    pub invited_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    /// The developer's name once they registered.
    pub full_name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The newest email of the invitation.
    pub delivery: Option<Delivery>,
    /// The administrator's review of the registration.
    pub decision: Option<Decision>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// `queued`, `retrying`, `sent`, `failed` or `dropped`.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub approved: bool,
    pub at: DateTime<Utc>,
    /// The deciding administrator's name, while their account exists.
    pub by: Option<String>,
    pub reason: Option<String>,
}

impl From<InvitationRow> for Invitation {
    fn from(row: InvitationRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            status: row.status.as_str().to_owned(),
            origin: row.origin.as_str().to_owned(),
            role: row.role.as_str().to_owned(),
            pre_approved: row.pre_approved,
            invited_at: row.invited_at,
            valid_until: row.valid_until,
            full_name: row.full_name,
            completed_at: row.completed_at,
            delivery: row.delivery.map(|d| Delivery {
                state: d.state.as_str().to_owned(),
                attempts: d.attempts,
                last_error: d.last_error,
                sent_at: d.sent_at,
            }),
            decision: row.decision.map(|d| Decision {
                approved: d.approved,
                at: d.at,
                by: d.by,
                reason: d.reason,
            }),
        }
    }
}

/// One page of invitations.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InvitationPage {
    pub data: Vec<Invitation>,
    /// Invitations matching, counted exactly up to 1,000...
    pub total: u64,
    /// ...beyond which `total` is 1,000 and this is true.
    pub total_is_lower_bound: bool,
    /// Pass as `cursor` for the next page; absent on the last page. A cursor names the row it
    /// continues from, so it stays valid while invitations are added.
    pub next_cursor: Option<String>,
    pub previous_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationQuery {
    /// Part of the email address (case-insensitive).
    #[param(max_length = 254)]
    pub search: Option<String>,
    /// Only invitations in this status (`all` when absent).
    #[param(inline)]
    pub status: Option<StatusFilter>,
    /// `invited_at` when absent.
    #[param(inline)]
    pub sort: Option<SortField>,
    /// `desc` when absent.
    #[param(inline)]
    pub order: Option<Order>,
    /// Invitations per page: 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` or `previous_cursor` of a page.
    #[param(max_length = 300)]
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    All,
    Pending,
    Expired,
    Waiting,
    Approved,
    Rejected,
    Inactivated,
}

impl StatusFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Pending => "pending",
            StatusFilter::Expired => "expired",
            StatusFilter::Waiting => "waiting",
            StatusFilter::Approved => "approved",
            StatusFilter::Rejected => "rejected",
            StatusFilter::Inactivated => "inactivated",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortField {
    InvitedAt,
    ValidUntil,
    Email,
}

impl SortField {
    pub fn as_str(self) -> &'static str {
        match self {
            SortField::InvitedAt => "invited_at",
            SortField::ValidUntil => "valid_until",
            SortField::Email => "email",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    Developer,
    Admin,
}

impl From<RoleName> for crate::domain::Role {
    fn from(role: RoleName) -> Self {
        match role {
            RoleName::Developer => crate::domain::Role::Developer,
            RoleName::Admin => crate::domain::Role::Admin,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DecisionName {
    Accept,
    Deny,
}

/// One invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(example = "ada@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// Skip the review: the account is active once the developer registers. The portal's
    /// auto-approval setting when absent.
    pub pre_approved: Option<bool>,
    /// `developer` when absent; `admin` is refused to tokens (403): administrators are
    /// invited from the console.
    pub role: Option<RoleName>,
}

/// Several invitations at once (at most 1,000 addresses).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitations {
    /// One address per entry.
    #[schema(schema_with = address_list)]
    pub emails: Vec<String>,
    pub pre_approved: Option<bool>,
    /// `developer` when absent.
    pub role: Option<RoleName>,
}

/// 1 to 1,000 entries, each one address (no `;` or `,` separating several).
fn address_list() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[^;,\\r\\n]*[^;,\\s][^;,\\r\\n]*$")),
        )
        .min_items(Some(1))
        .max_items(Some(crate::domain::MAX_EMAILS_PER_SUBMISSION))
        .build()
}

/// What became of each address of a batch, in the order sent.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchReport {
    pub invited: usize,
    pub refused: usize,
    pub results: Vec<BatchResult>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchResult {
    /// 1-based position in `emails`.
    pub position: usize,
    pub email: String,
    /// `invited`, `invalid`, `repeated`, `already_developer`, `already_invited` or `blocked`
    /// (a domain rule refuses the address; `reason` names the rule).
    pub outcome: String,
    /// The invitation created, or the live one that already exists.
    pub invitation_id: Option<i32>,
    /// Why the address was not invited, for a person.
    pub reason: Option<String>,
}

impl From<InviteEntry> for BatchResult {
    fn from(entry: InviteEntry) -> Self {
        let reason = match &entry.outcome {
            InviteOutcome::Invited { .. } => None,
            other => Some(other.message()),
        };
        let (outcome, invitation_id) = match entry.outcome {
            InviteOutcome::Invited { invitation_id } => ("invited", Some(invitation_id)),
            InviteOutcome::Invalid { .. } => ("invalid", None),
            InviteOutcome::Repeated { .. } => ("repeated", None),
            InviteOutcome::AlreadyDeveloper => ("already_developer", None),
            InviteOutcome::Blocked { .. } => ("blocked", None),
            InviteOutcome::AlreadyInvited { invitation_id, .. } => {
                ("already_invited", Some(invitation_id))
            }
        };
        Self {
            position: entry.position,
            email: entry.email,
            outcome: outcome.to_owned(),
            invitation_id,
            reason,
        }
    }
}

/// An administrator's decision on a Waiting registration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: DecisionName,
    /// A denial's reason (at most 500 characters), emailed to the developer; an acceptance
    /// takes none.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// An account: a developer's or an administrator's.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Developer {
    pub id: i32,
    pub email: String,
    pub full_name: String,
    /// `developer` or `admin`.
    pub role: String,
    /// `active`, `awaiting_review`, `rejected` or `deactivated`.
    pub standing: String,
    pub joined_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub mfa_enabled: bool,
}

impl From<DeveloperRow> for Developer {
    fn from(row: DeveloperRow) -> Self {
        Self {
            id: row.id,
            email: row.email,
            full_name: row.full_name,
            role: row.role.as_str().to_owned(),
            standing: row.standing.as_str().to_owned(),
            joined_at: row.joined_at,
            last_login_at: row.last_login_at,
            mfa_enabled: row.mfa_enabled,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeveloperPage {
    pub data: Vec<Developer>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeveloperQuery {
    /// Part of the email address or name (case-insensitive).
    #[param(max_length = 254)]
    pub search: Option<String>,
    /// `all` when absent.
    #[param(inline)]
    pub state: Option<AccountState>,
    /// From 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    All,
    Active,
    Inactive,
}

impl AccountState {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::All => "all",
            AccountState::Active => "active",
            AccountState::Inactive => "inactive",
        }
    }
}

/// The portal's settings.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Settings {
    /// New invitations are pre-approved.
    pub auto_approve: bool,
    /// How long an invitation link works, in hours.
    pub validity_hours: u32,
    /// `off`, `with_approval` or `automatic`.
    pub self_registration: String,
    /// `portico` or `nist`.
    pub password_policy: String,
    /// `#rrggbb`.
    pub login_background: String,
    /// The portal home page, in Markdown.
    pub portal_content: String,
    pub require_admin_mfa: bool,
    /// `#rrggbb`, with at least 4.5:1 contrast with white text.
    pub accent_color: String,
    /// The name an admin gave the portal; absent while the server's configured name is used.
    pub portal_name: Option<String>,
    /// Hours before expiry a Pending invitation is reminded of (once; never a resent one);
    /// 0 for no reminders.
    pub reminder_hours: u32,
    /// A developer whose replaced link asks for a new invitation while their newest one still
    /// works is sent a fresh link at once; otherwise the request waits for an admin.
    pub auto_resend_requests: bool,
}

/// The settings to change; absent fields keep their value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    pub auto_approve: Option<bool>,
    /// 1 to 8,760 (a year).
    #[schema(minimum = 1, maximum = 8760)]
    pub validity_hours: Option<u32>,
    pub self_registration: Option<SelfRegistrationName>,
    pub password_policy: Option<PolicyName>,
    /// `#rrggbb`.
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub login_background: Option<String>,
    /// Markdown, at most 100,000 characters.
    #[schema(max_length = 100000)]
    pub portal_content: Option<String>,
    pub require_admin_mfa: Option<bool>,
    /// `#rrggbb`; refused below 4.5:1 contrast with white text (WCAG AA), which a schema
    /// cannot say.
    #[schema(pattern = "^#[0-9a-fA-F]{6}$")]
    pub accent_color: Option<String>,
    /// At most 60 characters, no control characters; an empty string returns to the
    /// server's configured name.
    #[schema(max_length = 240)]
    pub portal_name: Option<String>,
    /// 0 (no reminders) to 720 (30 days).
    #[schema(minimum = 0, maximum = 720)]
    pub reminder_hours: Option<u32>,
    pub auto_resend_requests: Option<bool>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelfRegistrationName {
    Off,
    WithApproval,
    Automatic,
}

impl SelfRegistrationName {
    pub fn as_str(self) -> &'static str {
        match self {
            SelfRegistrationName::Off => "off",
            SelfRegistrationName::WithApproval => "with_approval",
            SelfRegistrationName::Automatic => "automatic",
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PolicyName {
    Portico,
    Nist,
}

impl PolicyName {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyName::Portico => "portico",
            PolicyName::Nist => "nist",
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditEvent {
    pub id: i32,
    pub at: DateTime<Utc>,
    /// Who acted: an administrator's email, an API token and its administrator, or none.
    pub actor: Option<String>,
    /// What happened, e.g. `invited`, `accepted`, `login_failed`, `api_token_created`.
    pub action: String,
    /// Whom or what it was about.
    pub target: Option<String>,
    pub succeeded: bool,
    pub detail: Option<String>,
}

impl From<AuditEntry> for AuditEvent {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: entry.id,
            at: entry.at,
            actor: entry.actor,
            action: entry.action.as_str().to_owned(),
            target: entry.target,
            succeeded: entry.succeeded,
            detail: entry.detail,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditPage {
    pub data: Vec<AuditEvent>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub search: Option<String>,
    pub page: Option<u64>,
}

/// Written by hand: the actions' names come from the one list of them (`AuditAction::ALL`).
impl IntoParams for AuditQuery {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::{
            path::{ParameterBuilder, ParameterIn},
            schema::{ObjectBuilder, Type},
            Required,
        };
        let actions: Vec<&str> = std::iter::once("all")
            .chain(
                crate::model::audit::AuditAction::ALL
                    .iter()
                    .map(|a| a.as_str()),
            )
            .collect();
        let query = |name: &str, description: &str, schema: ObjectBuilder| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(schema))
                .build()
        };
        vec![
            query(
                "action",
                "Only events of this action (`all` when absent).",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(actions)),
            ),
            query(
                "search",
                "Part of the actor's or target's email.",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(254)),
            ),
            query(
                "page",
                "From 1.",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(1_000_000)),
            ),
        ]
    }
}
