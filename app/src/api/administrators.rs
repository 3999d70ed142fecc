//! Settings › Administrators.

use leptos::prelude::*;

use super::ApiError;
use crate::model::account::DeveloperRow;

/// Every admin account, active or not.
#[server(endpoint = "list_administrators")]
pub async fn list_administrators() -> Result<Vec<DeveloperRow>, ApiError> {
    use crate::ssr::{services::administrators, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(administrators::list(&state.db, &admin).await?)
}

/// Makes another admin a developer (never the last active admin); returns the account's row.
#[server(endpoint = "demote_administrator")]
pub async fn demote_administrator(id: i32) -> Result<DeveloperRow, ApiError> {
    use crate::ssr::{services::administrators, AppState};
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(administrators::demote(&state.db, &admin, id, chrono::Utc::now()).await?)
}
