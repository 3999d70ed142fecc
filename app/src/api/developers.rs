//! Consumers > Developers: every account, active or not, with deactivate and reactivate.

use leptos::prelude::*;

use super::ApiError;
use crate::{
    domain::AccountAction,
    model::account::{DeveloperList, DeveloperRow},
};

/// One page of accounts, newest first, filtered by part of the name or email and by whether
/// they are active.
#[server(endpoint = "list_developers")]
pub async fn list_developers(
    search: Option<String>,
    state: Option<String>,
    page: Option<u64>,
) -> Result<DeveloperList, ApiError> {
    use crate::ssr::{
        services::{developers, operator::Operator},
        AppState,
    };
    let app = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let query = developers::DeveloperQuery::parse(search, state, page)?;
    Ok(developers::list(&app.db, Operator::Admin(&admin), &query).await?)
}

/// Deactivates (ending every session of the account at once) or reactivates an account.
#[server(endpoint = "set_account_state")]
pub async fn set_account_state(id: i32, action: AccountAction) -> Result<DeveloperRow, ApiError> {
    use crate::ssr::{
        services::{developers, operator::Operator},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    Ok(developers::set_account_state(
        &state.db,
        Operator::Admin(&admin),
        id,
        action,
        chrono::Utc::now(),
    )
    .await?)
}
