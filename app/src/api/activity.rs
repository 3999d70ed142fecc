//! Settings > Activity: the audit log of admin actions and developer lifecycle events.

use leptos::prelude::*;

use super::ApiError;
use crate::model::audit::AuditLog;

/// The audit log, newest first, filtered by action and by part of the actor's or target's
/// email.
#[server(endpoint = "list_activity")]
pub async fn list_activity(
    action: Option<String>,
    search: Option<String>,
    page: Option<u64>,
) -> Result<AuditLog, ApiError> {
    use crate::ssr::{services::audit, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    let query =
        audit::ActivityQuery::parse(action, search, page).map_err(ApiError::InvalidInput)?;
    Ok(audit::list(&state.db, &query).await?)
}
