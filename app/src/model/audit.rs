//! The audit log as the Activity page reads it (Settings > Activity): what admins did and what
//! happened to developers' registrations and sign-ins.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What happened. Stored by name; the names never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Invited,
    Resent,
    Deleted,
    Accepted,
    Denied,
    Completed,
    SignedUp,
    Deactivated,
    Reactivated,
    SettingsChanged,
    LoginSucceeded,
    LoginFailed,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    SessionsEnded,
    RoleChanged,
    MfaEnrolled,
    MfaDisabled,
    RecoveryCodeUsed,
    RecoveryCodesRegenerated,
    ApiTokenCreated,
    ApiTokenRevoked,
    WebhookAdded,
    WebhookRemoved,
    WebhookEnabled,
    DomainRuleAdded,
    DomainRuleRemoved,
    Reminded,
    NewInvitationRequested,
    NewInvitationDeclined,
    EmailTemplateChanged,
    EmailTemplateReset,
}

impl AuditAction {
    pub const ALL: [AuditAction; 33] = [
        AuditAction::Invited,
        AuditAction::Resent,
        AuditAction::Deleted,
        AuditAction::Accepted,
        AuditAction::Denied,
        AuditAction::Completed,
        AuditAction::SignedUp,
        AuditAction::Deactivated,
        AuditAction::Reactivated,
        AuditAction::SettingsChanged,
        AuditAction::LoginSucceeded,
        AuditAction::LoginFailed,
        AuditAction::PasswordChanged,
        AuditAction::PasswordResetRequested,
        AuditAction::PasswordReset,
        AuditAction::SessionsEnded,
        AuditAction::RoleChanged,
        AuditAction::MfaEnrolled,
        AuditAction::MfaDisabled,
        AuditAction::RecoveryCodeUsed,
        AuditAction::RecoveryCodesRegenerated,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenRevoked,
        AuditAction::WebhookAdded,
        AuditAction::WebhookRemoved,
        AuditAction::WebhookEnabled,
        AuditAction::DomainRuleAdded,
        AuditAction::DomainRuleRemoved,
        AuditAction::Reminded,
        AuditAction::NewInvitationRequested,
        AuditAction::NewInvitationDeclined,
        AuditAction::EmailTemplateChanged,
        AuditAction::EmailTemplateReset,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Invited => "invited",
            AuditAction::Resent => "resent",
            AuditAction::Deleted => "deleted",
            AuditAction::Accepted => "accepted",
            AuditAction::Denied => "denied",
            AuditAction::Completed => "completed",
            AuditAction::SignedUp => "signed_up",
            AuditAction::Deactivated => "deactivated",
            AuditAction::Reactivated => "reactivated",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::LoginSucceeded => "login_succeeded",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordResetRequested => "password_reset_requested",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::SessionsEnded => "sessions_ended",
            AuditAction::RoleChanged => "role_changed",
            AuditAction::MfaEnrolled => "mfa_enrolled",
            AuditAction::MfaDisabled => "mfa_disabled",
            AuditAction::RecoveryCodeUsed => "recovery_code_used",
            AuditAction::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            AuditAction::ApiTokenCreated => "api_token_created",
            AuditAction::ApiTokenRevoked => "api_token_revoked",
            AuditAction::WebhookAdded => "webhook_added",
            AuditAction::WebhookRemoved => "webhook_removed",
            AuditAction::WebhookEnabled => "webhook_enabled",
            AuditAction::DomainRuleAdded => "domain_rule_added",
            AuditAction::DomainRuleRemoved => "domain_rule_removed",
            AuditAction::Reminded => "reminded",
            AuditAction::NewInvitationRequested => "new_invitation_requested",
            AuditAction::NewInvitationDeclined => "new_invitation_declined",
            AuditAction::EmailTemplateChanged => "email_template_changed",
            AuditAction::EmailTemplateReset => "email_template_reset",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Invited => "Invitation sent",
            AuditAction::Resent => "Invitation resent",
            AuditAction::Deleted => "Invitation deleted",
            AuditAction::Accepted => "Registration accepted",
            AuditAction::Denied => "Registration denied",
            AuditAction::Completed => "Registration completed",
            AuditAction::SignedUp => "Signed up",
            AuditAction::Deactivated => "Account deactivated",
            AuditAction::Reactivated => "Account reactivated",
            AuditAction::SettingsChanged => "Settings changed",
            AuditAction::LoginSucceeded => "Logged in",
            AuditAction::LoginFailed => "Login failed",
            AuditAction::PasswordChanged => "Password changed",
            AuditAction::PasswordResetRequested => "Password reset requested",
            AuditAction::PasswordReset => "Password reset",
            AuditAction::SessionsEnded => "Sessions ended",
            AuditAction::RoleChanged => "Role changed",
            AuditAction::MfaEnrolled => "Two-step sign-in set up",
            AuditAction::MfaDisabled => "Two-step sign-in turned off",
            AuditAction::RecoveryCodeUsed => "Recovery code used",
            AuditAction::RecoveryCodesRegenerated => "Recovery codes replaced",
            AuditAction::ApiTokenCreated => "API token created",
            AuditAction::ApiTokenRevoked => "API token revoked",
            AuditAction::WebhookAdded => "Webhook endpoint added",
            AuditAction::WebhookRemoved => "Webhook endpoint removed",
            AuditAction::WebhookEnabled => "Webhook endpoint turned on",
            AuditAction::DomainRuleAdded => "Domain rule added",
            AuditAction::DomainRuleRemoved => "Domain rule removed",
            AuditAction::Reminded => "Reminder sent",
            AuditAction::NewInvitationRequested => "New invitation requested",
            AuditAction::NewInvitationDeclined => "Request for a new invitation declined",
            AuditAction::EmailTemplateChanged => "Email wording changed",
            AuditAction::EmailTemplateReset => "Email wording reset to the default",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    /// Who acted (none for an anonymous visitor, e.g. a failed login).
    pub actor: Option<String>,
    pub action: AuditAction,
    /// Whom or what it was about, e.g. an email address.
    pub target: Option<String>,
    pub succeeded: bool,
    pub detail: Option<String>,
}

pub const AUDIT_LOG_PAGE_SIZE: u64 = 50;

/// One page of the audit log and the number of entries matching its filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}
