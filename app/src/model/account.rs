//! Accounts as the pages see them: the signed-in account, and the rows of Consumers > Developers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Role, Standing};

/// The signed-in account as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i32,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    /// The account must choose its own password before anything else (see
    /// `api::guard::require_account`).
    #[serde(default)]
    pub must_change_password: bool,
}

impl SessionUser {
    /// Where this account lands after signing in when it was not going anywhere in particular.
    pub fn home(&self) -> &'static str {
        match self.role {
            Role::Admin => "/admin",
            Role::Developer => "/portal",
        }
    }
}

/// One account on the Developers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeveloperRow {
    pub id: i32,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub standing: Standing,
    pub joined_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// The row is the signed-in admin's own account (which they cannot deactivate).
    pub own_account: bool,
    /// The account signs in with a code from an authenticator app after its password.
    #[serde(default)]
    pub mfa_enabled: bool,
}

/// Which accounts the Developers page shows: those that can sign in (active), those that
/// cannot (inactive), or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStateFilter {
    All,
    Active,
    Inactive,
}

impl AccountStateFilter {
    pub const ALL: [AccountStateFilter; 3] = [
        AccountStateFilter::All,
        AccountStateFilter::Active,
        AccountStateFilter::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStateFilter::All => "all",
            AccountStateFilter::Active => "active",
            AccountStateFilter::Inactive => "inactive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccountStateFilter::All => "All accounts",
            AccountStateFilter::Active => "Active",
            AccountStateFilter::Inactive => "Inactive",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == value)
    }
}

pub const DEVELOPERS_PAGE_SIZE: u64 = 50;

/// One page of the Developers list and the number of accounts matching its filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeveloperList {
    pub rows: Vec<DeveloperRow>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// What a password-reset link's page shows: its state, and for a usable link the account's
/// address (the link's holder reads that mailbox: the address tells them nothing new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetLanding {
    pub state: crate::domain::password_reset::ResetLinkState,
    pub email: Option<String>,
}

/// One of the signed-in account's sessions, as its profile lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveSession {
    /// Names the session for ending it (the hash of its id: knowing it signs nobody in).
    pub id: String,
    /// "Firefox on Linux".
    pub browser: String,
    pub address: Option<String>,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The session of the browser asking.
    pub current: bool,
}
