//! The portal's settings: read and saved by admins; the login screen reads its color, every
//! page's frame the portal's name and color, and the password forms the policy.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{HexColor, PasswordPolicy, PortalSettings, SettingsForm};

/// What a page's frame shows of the portal: its name (`PORTICO_PORTAL_NAME`) on the login cards,
/// in the top bar and the title, and the color the admin chose for the login screen and the
/// portal body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub portal_name: String,
    pub background: HexColor,
}

impl Default for Branding {
    /// What a page shows if the branding cannot be read: the product's own name and color.
    fn default() -> Self {
        Self {
            portal_name: "Portico".into(),
            background: HexColor::default(),
        }
    }
}

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

/// The portal's name and color (public: the login screen shows them before sign-in).
#[server(endpoint = "portal_branding")]
pub async fn portal_branding() -> Result<Branding, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    let background = settings::load(&state.db)
        .await
        .map(|s| s.login_background)
        .map_err(|e| super::error::respond(super::error::internal("reading settings", e)))?;
    Ok(Branding {
        portal_name: state.settings.portal_name.clone(),
        background,
    })
}
