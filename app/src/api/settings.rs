//! The portal's settings: read and saved by admins; the login screen reads its color and the
//! password forms the policy.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::{HexColor, PasswordPolicy, PortalSettings, SettingsForm};

#[server(endpoint = "get_settings")]
pub async fn get_settings() -> Result<PortalSettings, ApiError> {
    use crate::ssr::{auth::require_admin, services::settings, AppState};
    let state = AppState::from_context();
    require_admin().await.map_err(super::error::respond)?;
    settings::load(&state.db)
        .await
        .map_err(|e| super::error::respond(super::error::internal("reading settings", e)))
}

/// Validates and saves the settings; every invalid field is named in the error.
#[server(endpoint = "save_settings")]
pub async fn save_settings(form: SettingsForm) -> Result<PortalSettings, ApiError> {
    use crate::ssr::{
        auth::require_admin,
        services::{audit, settings},
        AppState,
    };
    let state = AppState::from_context();
    let admin = require_admin().await.map_err(super::error::respond)?;
    let parsed = form
        .parse()
        .map_err(|problems| super::error::respond(ApiError::InvalidInput(problems.join(". "))))?;
    settings::save(&state.db, &parsed, audit::Actor::account(&admin))
        .await
        .map_err(|e| super::error::respond(super::error::internal("saving settings", e)))
}

/// The login screen's background color (public: the login page is shown before sign-in).
#[server(endpoint = "login_appearance")]
pub async fn login_appearance() -> Result<HexColor, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    settings::load(&state.db)
        .await
        .map(|s| s.login_background)
        .map_err(|e| super::error::respond(super::error::internal("reading settings", e)))
}

/// The password policy new passwords must meet (public: the sign-up and invitation pages tick
/// its rules live before anyone is signed in).
#[server(endpoint = "password_policy")]
pub async fn current_password_policy() -> Result<PasswordPolicy, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    settings::load(&state.db)
        .await
        .map(|s| s.password_policy)
        .map_err(|e| super::error::respond(super::error::internal("reading settings", e)))
}
