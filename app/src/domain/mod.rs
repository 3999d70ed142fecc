//! Pure rules and the values that carry them. No I/O here: this module compiles for the
//! browser (WASM) and the server alike, so both sides ask the same code what is allowed.

pub mod accent;
pub mod account;
pub mod api_token;
pub mod browser;
pub mod color;
pub mod common_passwords;
pub mod dashboard;
pub mod decision_reason;
pub mod domain_rule;
pub mod email;
pub mod email_list;
pub mod email_template;
pub mod import;
pub mod invitation;
pub mod link_request;
pub mod logo;
pub mod mfa;
pub mod password;
pub mod password_reset;
pub mod portal_name;
pub mod redirect;
pub mod relative_time;
pub mod role_change;
pub mod search;
pub mod settings;
pub mod standing;
pub mod webhook;

pub use account::{FullName, Role};
pub use color::{HexColor, HexColorError, DEFAULT_LOGIN_BACKGROUND};
pub use decision_reason::{DecisionReason, DecisionReasonError, MAX_DECISION_REASON_CHARS};
pub use email::{Email, EmailError};
pub use email_list::{
    EmailList, EmailListError, EntryProblem, EntryProblemReason, ParsedEmailList,
    MAX_EMAILS_PER_SUBMISSION,
};
pub use invitation::{
    allowed_actions, decide, effective_status, valid_until, InvitationAction, InvitationStatus,
    LinkState, Refusal, ReminderLead, StoredStatus, Transition, Validity,
};
pub use password::{
    NewPassword, NewPasswordError, Password, PasswordError, PasswordPolicy, PasswordRule,
};
pub use settings::{PortalSettings, SelfRegistration, SettingsForm};
pub use standing::{decide_account, keep_an_admin, AccountAction, AccountRefusal, Standing};
