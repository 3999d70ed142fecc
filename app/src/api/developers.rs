//! Consumers > Developers: every account, active or not, with deactivate and reactivate.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{AccountAction, Role, Standing};

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
}

/// Which accounts the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityFilter {
    All,
    Active,
    Inactive,
}

impl ActivityFilter {
    pub const ALL: [ActivityFilter; 3] = [
        ActivityFilter::All,
        ActivityFilter::Active,
        ActivityFilter::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityFilter::All => "all",
            ActivityFilter::Active => "active",
            ActivityFilter::Inactive => "inactive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityFilter::All => "All accounts",
            ActivityFilter::Active => "Active",
            ActivityFilter::Inactive => "Inactive",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == value)
    }
}

pub const DEVELOPERS_PAGE_SIZE: u64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeveloperPage {
    pub rows: Vec<DeveloperRow>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[cfg(feature = "ssr")]
fn map_error(error: crate::ssr::services::developers::DeveloperError) -> ApiError {
    use crate::ssr::services::developers::DeveloperError as E;
    let api = match error {
        E::NotFound => {
            ApiError::NotFound("This account no longer exists; refresh the list.".into())
        }
        E::Refused(refusal) => ApiError::Conflict(refusal.to_string()),
        E::ChangedMeanwhile => ApiError::Conflict(
            "This account changed meanwhile; the list shows it as it is now.".into(),
        ),
        E::InvalidInput(message) => ApiError::InvalidInput(message),
        E::Database(e) => super::error::internal("developers", e),
        E::Internal(e) => super::error::internal("developers", e),
    };
    super::error::respond(api)
}

/// One page of accounts, newest first, filtered by part of the name or email and by activity.
#[server(endpoint = "list_developers")]
pub async fn list_developers(
    search: Option<String>,
    activity: Option<String>,
    page: Option<u64>,
) -> Result<DeveloperPage, ApiError> {
    use crate::ssr::{auth::require_admin, services::developers, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    let query = developers::DeveloperQuery::parse(search, activity, page).map_err(map_error)?;
    developers::list(&state.db, &admin, &query)
        .await
        .map_err(map_error)
}

/// Deactivates (ending every session of the account at once) or reactivates an account.
#[server(endpoint = "set_account_activity")]
pub async fn set_account_activity(
    id: i32,
    action: AccountAction,
) -> Result<DeveloperRow, ApiError> {
    use crate::ssr::{auth::require_admin, services::developers, AppState};
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    developers::set_activity(&state.db, &admin, id, action, Utc::now())
        .await
        .map_err(map_error)
}
