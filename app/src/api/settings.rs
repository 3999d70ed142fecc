//! The portal's settings: read and saved by admins; the login screen reads its color, every
//! page's frame the portal's name and color, and the password forms the policy.

use leptos::prelude::*;

use super::ApiError;
use crate::{
    domain::{HexColor, PasswordPolicy, PortalSettings, SettingsForm},
    model::branding::Branding,
};

#[server(endpoint = "get_settings")]
pub async fn get_settings() -> Result<PortalSettings, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    super::guard::require_admin().await?;
    Ok(settings::load(&state.db).await?)
}

/// Validates and saves the settings; every invalid field is named in the error.
#[server(endpoint = "save_settings")]
pub async fn save_settings(form: SettingsForm) -> Result<PortalSettings, ApiError> {
    use crate::ssr::{
        services::{audit, settings},
        AppState,
    };
    let state = AppState::from_context();
    let admin = super::guard::require_admin().await?;
    let parsed = form
        .parse()
        .map_err(|problems| ApiError::InvalidInput(problems.join(". ")))?;
    Ok(settings::save(&state.db, &parsed, audit::Actor::account(&admin)).await?)
}

/// The login screen's background color (public: the login page is shown before sign-in).
#[server(endpoint = "login_appearance")]
pub async fn login_appearance() -> Result<HexColor, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    Ok(settings::load(&state.db).await?.login_background)
}

/// The password policy new passwords must meet (public: the sign-up and invitation pages tick
/// its rules live before anyone is signed in).
#[server(endpoint = "password_policy")]
pub async fn current_password_policy() -> Result<PasswordPolicy, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    Ok(settings::load(&state.db).await?.password_policy)
}

/// The portal's name and color (public: the login screen shows them before sign-in).
#[server(endpoint = "portal_branding")]
pub async fn portal_branding() -> Result<Branding, ApiError> {
    use crate::ssr::{services::settings, AppState};
    let state = AppState::from_context();
    let current = settings::load(&state.db).await?;
    Ok(Branding {
        portal_name: current
            .portal_name_or(&state.settings.portal_name)
            .to_owned(),
        background: current.login_background,
        logo: crate::ssr::services::logo::version(&state.db)
            .await?
            .map(|sha| format!("/branding/logo?v={}", &sha[..16.min(sha.len())])),
    })
}
