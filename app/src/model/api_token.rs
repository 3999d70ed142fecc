//! API tokens as Settings › API tokens shows them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::api_token::Scopes;

/// One token in the list. The secret itself is never shown again after creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenRow {
    pub id: i32,
    pub name: String,
    /// The token's first characters (`portico_ab12cd…`), to tell tokens apart.
    pub prefix: String,
    pub scopes: Scopes,
    /// The admin who created it, while their account exists.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiTokenRow {
    /// "Active", "Expired" or "Revoked" at `now`.
    pub fn state_label(&self, now: DateTime<Utc>) -> &'static str {
        if self.revoked_at.is_some() {
            "Revoked"
        } else if self.expires_at <= now {
            "Expired"
        } else {
            "Active"
        }
    }

    pub fn usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A token just created: the secret is in this answer and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: ApiTokenRow,
    pub secret: String,
}
