//! The onboarding dashboard, the console's first page.

use leptos::prelude::*;

use super::ApiError;
use crate::model::dashboard::Dashboard;

#[server(endpoint = "onboarding_dashboard")]
pub async fn onboarding_dashboard() -> Result<Dashboard, ApiError> {
    use crate::ssr::{services::dashboard, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(dashboard::load(&state.db, chrono::Utc::now()).await?)
}
